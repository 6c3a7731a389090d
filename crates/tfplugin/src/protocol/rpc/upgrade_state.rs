//! `UpgradeResourceState`: stored state (JSON) into the current schema's shape.

use super::answer::{answer, encode_into};
use crate::framework::{Diagnostics, ProviderServer};
use crate::protocol::convert::{diagnostics_to_proto, raw_state_bytes};
use crate::protocol::proto::tfplugin6 as pb;

/// `UpgradeResourceState`: the stored state, upgraded by the resource when its version is older.
pub(in crate::protocol) fn upgrade_resource_state(
    server: &ProviderServer,
    request: pb::upgrade_resource_state::Request,
) -> pb::upgrade_resource_state::Response {
    answer(upgrade(server, &request))
}

fn upgrade(
    server: &ProviderServer,
    request: &pb::upgrade_resource_state::Request,
) -> Result<pb::upgrade_resource_state::Response, Diagnostics> {
    let schema = server.resource_schema(&request.type_name)?;
    let raw = raw_state_bytes(request.raw_state.as_ref())?;
    let upgraded = server.upgrade_state(&request.type_name, request.version, raw);
    let mut diagnostics = upgraded.diagnostics;
    let upgraded_state = if diagnostics.has_errors() {
        None
    } else {
        encode_into(
            &upgraded.state,
            schema.value_type(),
            "upgraded state",
            &mut diagnostics,
        )
    };
    Ok(pb::upgrade_resource_state::Response {
        upgraded_state,
        diagnostics: diagnostics_to_proto(&diagnostics),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        assert_no_diagnostics, server, summaries, thing, thing_type, value_of, THING,
    };
    use tfvalue::Value;

    fn request(version: i64, json: &[u8]) -> pb::upgrade_resource_state::Request {
        pb::upgrade_resource_state::Request {
            type_name: THING.to_string(),
            version,
            raw_state: Some(pb::RawState {
                json: json.to_vec(),
                flatmap: Default::default(),
            }),
        }
    }

    #[test]
    fn current_version_is_decoded_and_older_goes_through_the_resource() {
        let (server, _) = server();
        let cases: [(i64, &[u8], Value); 2] = [
            (
                1,
                br#"{"id":"i","name":"n","size":null}"#,
                thing("n", Some("i")),
            ),
            (0, br#"{"title":"old"}"#, thing("old", Some("upgraded"))),
        ];
        for (version, json, want) in cases {
            let response = upgrade_resource_state(&server, request(version, json));
            assert_no_diagnostics(&response.diagnostics);
            assert_eq!(
                value_of(response.upgraded_state.as_ref(), &thing_type()),
                want
            );
        }
    }

    #[test]
    fn errors_answer_without_state() {
        let (server, _) = server();
        let newer = upgrade_resource_state(&server, request(2, b"{}"));
        assert_eq!(
            summaries(&newer.diagnostics),
            ["State written by a newer provider"]
        );
        assert!(newer.upgraded_state.is_none());
        let mut flatmap = request(1, b"");
        flatmap
            .raw_state
            .as_mut()
            .unwrap()
            .flatmap
            .insert("id".into(), "x".into());
        let refused = upgrade_resource_state(&server, flatmap);
        assert_eq!(
            summaries(&refused.diagnostics),
            ["Unsupported state format"]
        );
        let mut unknown = request(1, b"{}");
        unknown.type_name = "nope".into();
        assert_eq!(
            summaries(&upgrade_resource_state(&server, unknown).diagnostics),
            ["Unknown resource type"]
        );
    }
}
