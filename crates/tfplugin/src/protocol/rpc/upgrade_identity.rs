//! `UpgradeResourceIdentity`: a stored identity (JSON) into the current identity schema.

use super::answer::{answer, decode, encode_into};
use crate::framework::{Diagnostic, Diagnostics, ProviderServer};
use crate::protocol::convert::{diagnostics_to_proto, raw_state_json};
use crate::protocol::proto::tfplugin6 as pb;

/// `UpgradeResourceIdentity`: only the current identity version is accepted, re-encoded.
pub(in crate::protocol) fn upgrade_resource_identity(
    server: &ProviderServer,
    request: pb::upgrade_resource_identity::Request,
) -> pb::upgrade_resource_identity::Response {
    answer(upgrade(server, request))
}

fn upgrade(
    server: &ProviderServer,
    request: pb::upgrade_resource_identity::Request,
) -> Result<pb::upgrade_resource_identity::Response, Diagnostics> {
    let Some(schema) = server.identity_schema(&request.type_name) else {
        return Err(Diagnostic::error(
            "Resource has no identity",
            format!("{} has no resource identity.", request.type_name),
        )
        .into());
    };
    if request.version != schema.version {
        return Err(Diagnostic::error(
            "Unsupported identity version",
            format!(
                "Identity version {} of {} cannot be upgraded.",
                request.version, request.type_name
            ),
        )
        .into());
    }
    let json = raw_state_json(request.raw_identity.as_ref())?;
    let ty = schema.value_type();
    let raw = pb::DynamicValue {
        msgpack: Vec::new(),
        json: json.to_string().into_bytes(),
    };
    let identity = decode(Some(&raw), ty, "resource identity")?;
    let mut diagnostics = Diagnostics::new();
    let data = encode_into(&identity, ty, "resource identity", &mut diagnostics);
    Ok(pb::upgrade_resource_identity::Response {
        upgraded_identity: data.map(|d| pb::ResourceIdentityData {
            identity_data: Some(d),
        }),
        diagnostics: diagnostics_to_proto(&diagnostics),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        assert_no_diagnostics, identity_type, server, summaries, value_of, THING,
    };
    use tfvalue::Value;

    fn request(
        type_name: &str,
        version: i64,
        json: &[u8],
    ) -> pb::upgrade_resource_identity::Request {
        pb::upgrade_resource_identity::Request {
            type_name: type_name.to_string(),
            version,
            raw_identity: Some(pb::RawState {
                json: json.to_vec(),
                flatmap: Default::default(),
            }),
        }
    }

    #[test]
    fn current_identity_is_re_encoded() {
        let (server, _) = server();
        let response = upgrade_resource_identity(&server, request(THING, 0, br#"{"id":"x"}"#));
        assert_no_diagnostics(&response.diagnostics);
        let data = response.upgraded_identity.unwrap().identity_data;
        assert_eq!(
            value_of(data.as_ref(), &identity_type()),
            Value::Object([("id".to_string(), Value::String("x".into()))].into())
        );
    }

    #[test]
    fn refusals_answer_only_diagnostics() {
        let (server, _) = server();
        let cases: [(&str, i64, &[u8], &str); 4] = [
            ("nope", 0, b"{}", "Resource has no identity"),
            (THING, 3, b"{}", "Unsupported identity version"),
            (THING, 0, b"{not json", "Malformed stored state"),
            (THING, 0, br#"{"id":[1]}"#, "Malformed resource identity"),
        ];
        for (type_name, version, json, summary) in cases {
            let response = upgrade_resource_identity(&server, request(type_name, version, json));
            assert_eq!(summaries(&response.diagnostics), [summary]);
            assert!(response.upgraded_identity.is_none());
        }
    }
}
