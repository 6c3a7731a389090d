//! `GenerateResourceConfig`: the configuration Terraform writes for an object it found (a list
//! result or an import without configuration).

use super::answer::{answer, decode, encode_into};
use crate::framework::ProviderServer;
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// `GenerateResourceConfig`: the state without what the provider computes.
pub(in crate::protocol) fn generate_resource_config(
    server: &ProviderServer,
    request: pb::generate_resource_config::Request,
) -> pb::generate_resource_config::Response {
    answer((|| {
        let schema = server.resource_schema(&request.type_name)?;
        let ty = schema.value_type();
        let state = decode(request.state.as_ref(), ty, "state")?;
        let config = server.generate_resource_config(&request.type_name, &state)?;
        let mut diagnostics = Default::default();
        let config = encode_into(&config, ty, "configuration", &mut diagnostics);
        Ok(pb::generate_resource_config::Response {
            config,
            diagnostics: diagnostics_to_proto(&diagnostics),
        })
    })())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        dynamic, garbage, server, summaries, thing, thing_type, value_of, THING,
    };
    use tfvalue::Value;

    #[test]
    fn computed_attributes_are_left_out() {
        let (server, _) = server();
        let request = pb::generate_resource_config::Request {
            type_name: THING.to_string(),
            state: dynamic(&thing("a", Some("id-a")), &thing_type()),
        };
        let response = generate_resource_config(&server, request);
        assert!(response.diagnostics.is_empty());
        let config = value_of(response.config.as_ref(), &thing_type());
        assert_eq!(config, thing("a", None));
        assert_eq!(config.get("id"), Some(&Value::Null));
    }

    #[test]
    fn unknown_types_and_garbage_answer_diagnostics() {
        let (server, _) = server();
        let nope = pb::generate_resource_config::Request {
            type_name: "test_nope".to_string(),
            state: None,
        };
        let response = generate_resource_config(&server, nope);
        assert_eq!(summaries(&response.diagnostics), ["Unknown resource type"]);
        let bad = pb::generate_resource_config::Request {
            type_name: THING.to_string(),
            state: garbage(),
        };
        let response = generate_resource_config(&server, bad);
        assert_eq!(summaries(&response.diagnostics), ["Malformed state"]);
        assert!(response.config.is_none());
    }
}
