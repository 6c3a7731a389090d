//! `ApplyResourceChange`: carries out a planned create, update or delete.

use super::answer::{answer, decode, encode_into, identity_data};
use crate::framework::{ApplyRequest, Diagnostics, ProviderServer};
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// `ApplyResourceChange`: the resource's create, update or delete, with the new identity.
pub(in crate::protocol) async fn apply_resource_change(
    server: &ProviderServer,
    request: pb::apply_resource_change::Request,
) -> pb::apply_resource_change::Response {
    answer(apply(server, request).await)
}

async fn apply(
    server: &ProviderServer,
    request: pb::apply_resource_change::Request,
) -> Result<pb::apply_resource_change::Response, Diagnostics> {
    let ty = server.resource_schema(&request.type_name)?.value_type();
    let prior_state = decode(request.prior_state.as_ref(), ty, "prior state")?;
    let planned_state = decode(request.planned_state.as_ref(), ty, "planned state")?;
    let config = decode(request.config.as_ref(), ty, "configuration")?;
    let applied = server
        .apply(
            &request.type_name,
            ApplyRequest {
                config,
                prior_state,
                planned_state,
                planned_private: request.planned_private,
            },
        )
        .await;
    let mut diagnostics = applied.diagnostics;
    let new_state = encode_into(&applied.new_state, ty, "new state", &mut diagnostics);
    let new_identity = identity_data(
        server,
        &request.type_name,
        &applied.new_state,
        &mut diagnostics,
    );
    Ok(pb::apply_resource_change::Response {
        new_state,
        private: applied.private,
        diagnostics: diagnostics_to_proto(&diagnostics),
        legacy_type_system: false,
        new_identity,
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

    fn request(prior: &Value, planned: &Value) -> pb::apply_resource_change::Request {
        let ty = thing_type();
        pb::apply_resource_change::Request {
            type_name: THING.to_string(),
            prior_state: dynamic(prior, &ty),
            planned_state: dynamic(planned, &ty),
            config: dynamic(&thing("n", None), &ty),
            planned_private: b"plan".to_vec(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn undecodable_planned_state_answers_only_diagnostics() {
        let (server, _) = server();
        let mut request = request(&Value::Null, &Value::Null);
        request.planned_state = garbage();
        let response = apply_resource_change(&server, request).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Malformed planned state"]
        );
        assert!(response.new_state.is_none() && response.new_identity.is_none());
    }

    #[tokio::test]
    async fn create_maps_state_private_and_identity() {
        let (server, _) = server();
        let response =
            apply_resource_change(&server, request(&Value::Null, &thing("n", None))).await;
        assert_no_diagnostics(&response.diagnostics);
        assert_eq!(
            value_of(response.new_state.as_ref(), &thing_type()),
            thing("n", Some("id-1"))
        );
        assert_eq!(response.private, b"created");
        let identity = response.new_identity.unwrap().identity_data;
        assert_eq!(
            value_of(identity.as_ref(), &identity_type()).get("id"),
            Some(&Value::String("id-1".into()))
        );
    }

    #[tokio::test]
    async fn delete_answers_null_state_and_no_identity() {
        let (server, _) = server();
        let response =
            apply_resource_change(&server, request(&thing("n", Some("id-1")), &Value::Null)).await;
        assert_no_diagnostics(&response.diagnostics);
        assert_eq!(
            value_of(response.new_state.as_ref(), &thing_type()),
            Value::Null
        );
        assert!(response.new_identity.is_none());
        assert_eq!(response.private, b"plan");
    }
}
