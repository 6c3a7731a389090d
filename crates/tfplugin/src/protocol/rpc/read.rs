//! `ReadResource`: refreshes stored state from the real object.

use super::answer::{answer, decode, encode_into, identity_data, note_client_capabilities};
use crate::framework::{DeferredReason, Diagnostics, ProviderServer, ReadRequest};
use crate::protocol::convert::{deferred_to_proto, diagnostics_to_proto};
use crate::protocol::proto::tfplugin6 as pb;

/// `ReadResource`: the resource's read, with the refreshed state's identity.
pub(in crate::protocol) async fn read_resource(
    server: &ProviderServer,
    request: pb::read_resource::Request,
) -> pb::read_resource::Response {
    note_client_capabilities(server, request.client_capabilities.as_ref());
    answer(read(server, request).await)
}

async fn read(
    server: &ProviderServer,
    request: pb::read_resource::Request,
) -> Result<pb::read_resource::Response, Diagnostics> {
    let ty = server.resource_schema(&request.type_name)?.value_type();
    let current_state = decode(request.current_state.as_ref(), ty, "stored state")?;
    let deferral_allowed = request
        .client_capabilities
        .as_ref()
        .is_some_and(|c| c.deferral_allowed);
    if server.defers_for_provider(deferral_allowed) {
        // Nothing can be read without the provider: the stored state stands until it is known.
        return Ok(pb::read_resource::Response {
            new_state: request.current_state,
            private: request.private,
            deferred: Some(deferred_to_proto(DeferredReason::ProviderConfigUnknown)),
            ..Default::default()
        });
    }
    let read = server
        .read(
            &request.type_name,
            ReadRequest {
                current_state,
                private: request.private,
            },
        )
        .await;
    let mut diagnostics = read.diagnostics;
    let new_state = encode_into(&read.new_state, ty, "refreshed state", &mut diagnostics);
    let new_identity = identity_data(
        server,
        &request.type_name,
        &read.new_state,
        &mut diagnostics,
    );
    Ok(pb::read_resource::Response {
        new_state,
        diagnostics: diagnostics_to_proto(&diagnostics),
        private: read.private,
        deferred: None,
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

    fn request(current_state: Option<pb::DynamicValue>) -> pb::read_resource::Request {
        pb::read_resource::Request {
            type_name: THING.to_string(),
            current_state,
            private: b"stored".to_vec(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn undecodable_state_answers_only_diagnostics() {
        let (server, _) = server();
        let response = read_resource(&server, request(garbage())).await;
        assert_eq!(summaries(&response.diagnostics), ["Malformed stored state"]);
        assert!(response.new_state.is_none() && response.private.is_empty());
    }

    #[tokio::test]
    async fn refreshed_state_private_and_identity_are_mapped() {
        let (server, _) = server();
        let state = thing("n", Some("i-1"));
        let response = read_resource(&server, request(dynamic(&state, &thing_type()))).await;
        assert_no_diagnostics(&response.diagnostics);
        assert_eq!(value_of(response.new_state.as_ref(), &thing_type()), state);
        assert_eq!(response.private, b"read");
        let identity = response.new_identity.unwrap().identity_data;
        assert_eq!(
            value_of(identity.as_ref(), &identity_type()).get("id"),
            Some(&Value::String("i-1".into()))
        );
    }

    #[tokio::test]
    async fn a_vanished_object_reads_as_null_without_identity() {
        let (server, _) = server();
        let state = thing("gone", Some("i-1"));
        let response = read_resource(&server, request(dynamic(&state, &thing_type()))).await;
        assert_eq!(
            value_of(response.new_state.as_ref(), &thing_type()),
            Value::Null
        );
        assert!(response.new_identity.is_none());
    }
}
