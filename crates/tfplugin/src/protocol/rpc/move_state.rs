//! `MoveResourceState`: state of another resource type (`moved` blocks) into this one.

use super::answer::{answer, encode_into, identity_data};
use crate::framework::{Diagnostics, MoveStateRequest, ProviderServer};
use crate::protocol::convert::{diagnostics_to_proto, raw_state_json};
use crate::protocol::proto::tfplugin6 as pb;

/// `MoveResourceState`: the target resource's move, with the moved state's identity.
pub(in crate::protocol) fn move_resource_state(
    server: &ProviderServer,
    request: pb::move_resource_state::Request,
) -> pb::move_resource_state::Response {
    answer(move_state(server, request))
}

fn move_state(
    server: &ProviderServer,
    request: pb::move_resource_state::Request,
) -> Result<pb::move_resource_state::Response, Diagnostics> {
    let schema = server.resource_schema(&request.target_type_name)?;
    let source_state_json = raw_state_json(request.source_state.as_ref())?;
    let moved = server.move_state(
        &request.target_type_name,
        MoveStateRequest {
            source_provider: request.source_provider_address,
            source_type_name: request.source_type_name,
            source_schema_version: request.source_schema_version,
            source_state_json,
        },
    );
    let mut diagnostics = moved.diagnostics;
    let (target_state, target_identity) = if diagnostics.has_errors() {
        (None, None)
    } else {
        let state = encode_into(
            &moved.state,
            schema.value_type(),
            "moved state",
            &mut diagnostics,
        );
        let identity = identity_data(
            server,
            &request.target_type_name,
            &moved.state,
            &mut diagnostics,
        );
        (state, identity)
    };
    Ok(pb::move_resource_state::Response {
        target_state,
        diagnostics: diagnostics_to_proto(&diagnostics),
        target_private: Vec::new(),
        target_identity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        assert_no_diagnostics, server, summaries, thing, thing_type, value_of, THING,
    };

    fn request(source_type_name: &str, json: &[u8]) -> pb::move_resource_state::Request {
        pb::move_resource_state::Request {
            source_provider_address: "registry.terraform.io/x/old".to_string(),
            source_type_name: source_type_name.to_string(),
            source_schema_version: 0,
            source_state: Some(pb::RawState {
                json: json.to_vec(),
                flatmap: Default::default(),
            }),
            target_type_name: THING.to_string(),
            ..Default::default()
        }
    }

    #[test]
    fn moved_state_and_identity_are_mapped() {
        let (server, _) = server();
        let response = move_resource_state(&server, request("old_thing", br#"{"title":"t"}"#));
        assert_no_diagnostics(&response.diagnostics);
        assert_eq!(
            value_of(response.target_state.as_ref(), &thing_type()),
            thing("t", Some("moved"))
        );
        assert!(response.target_identity.is_some());
        assert!(response.target_private.is_empty());
    }

    #[test]
    fn refusals_answer_without_state() {
        let (server, _) = server();
        let refused = move_resource_state(&server, request("other", b"{}"));
        assert_eq!(summaries(&refused.diagnostics), ["Cannot move"]);
        assert!(refused.target_state.is_none() && refused.target_identity.is_none());
        let malformed = move_resource_state(&server, request("old_thing", b"{oops"));
        assert_eq!(
            summaries(&malformed.diagnostics),
            ["Malformed stored state"]
        );
    }
}
