//! `ImportResourceState`: an existing object, by id or identity, into state.

use super::answer::{answer, decode, encode_into, identity_data};
use crate::framework::{Diagnostics, ImportRequest, ProviderServer};
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// `ImportResourceState`: the resource's import; one imported object, or none on error.
pub(in crate::protocol) async fn import_resource_state(
    server: &ProviderServer,
    request: pb::import_resource_state::Request,
) -> pb::import_resource_state::Response {
    answer(import(server, request).await)
}

async fn import(
    server: &ProviderServer,
    request: pb::import_resource_state::Request,
) -> Result<pb::import_resource_state::Response, Diagnostics> {
    let schema = server.resource_schema(&request.type_name)?;
    let identity = match (
        server.identity_schema(&request.type_name),
        &request.identity,
    ) {
        (Some(identity_schema), Some(data)) => Some(decode(
            data.identity_data.as_ref(),
            identity_schema.value_type(),
            "resource identity",
        )?),
        _ => None,
    };
    let imported = server
        .import(
            &request.type_name,
            ImportRequest {
                id: request.id,
                identity,
            },
        )
        .await;
    let mut diagnostics = imported.diagnostics;
    let mut imported_resources = Vec::new();
    if !diagnostics.has_errors() {
        let state = encode_into(
            &imported.state,
            schema.value_type(),
            "imported state",
            &mut diagnostics,
        );
        let identity = identity_data(
            server,
            &request.type_name,
            &imported.state,
            &mut diagnostics,
        );
        imported_resources.push(pb::import_resource_state::ImportedResource {
            type_name: request.type_name.clone(),
            state,
            private: imported.private,
            identity,
        });
    }
    Ok(pb::import_resource_state::Response {
        imported_resources,
        diagnostics: diagnostics_to_proto(&diagnostics),
        deferred: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        assert_no_diagnostics, dynamic, garbage, identity_type, server, summaries, thing,
        thing_type, value_of, THING,
    };
    use tfvalue::Value;

    fn request(
        id: &str,
        identity: Option<Option<pb::DynamicValue>>,
    ) -> pb::import_resource_state::Request {
        pb::import_resource_state::Request {
            type_name: THING.to_string(),
            id: id.to_string(),
            identity: identity.map(|identity_data| pb::ResourceIdentityData { identity_data }),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn undecodable_identity_answers_only_diagnostics() {
        let (server, _) = server();
        let response = import_resource_state(&server, request("", Some(garbage()))).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Malformed resource identity"]
        );
        assert!(response.imported_resources.is_empty());
    }

    #[tokio::test]
    async fn import_by_id_maps_the_imported_object() {
        let (server, _) = server();
        let response = import_resource_state(&server, request("i-9", None)).await;
        assert_no_diagnostics(&response.diagnostics);
        let [imported] = response.imported_resources.as_slice() else {
            panic!(
                "one imported resource expected: {:?}",
                response.imported_resources
            );
        };
        assert_eq!(imported.type_name, THING);
        assert_eq!(
            value_of(imported.state.as_ref(), &thing_type()),
            thing("imported", Some("i-9"))
        );
        assert_eq!(imported.private, b"imported");
        assert!(imported.identity.is_some());
    }

    #[tokio::test]
    async fn import_by_identity_and_failures() {
        let (server, _) = server();
        let identity = Value::Object([("id".to_string(), Value::String("i-7".into()))].into());
        let by_identity = import_resource_state(
            &server,
            request("", Some(dynamic(&identity, &identity_type()))),
        )
        .await;
        assert_eq!(
            value_of(
                by_identity.imported_resources[0].state.as_ref(),
                &thing_type()
            )
            .get("id"),
            Some(&Value::String("i-7".into()))
        );
        let failed = import_resource_state(&server, request("", None)).await;
        assert_eq!(summaries(&failed.diagnostics), ["No id"]);
        assert!(failed.imported_resources.is_empty());
    }
}
