//! `ValidateListResourceConfig`: a list block's `config`, before `terraform query` runs it.

use super::answer::{answer, decode};
use crate::framework::ProviderServer;
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// `ValidateListResourceConfig`: schema validators, then the list's own checks.
pub(in crate::protocol) async fn validate_list_resource_config(
    server: &ProviderServer,
    request: pb::validate_list_resource_config::Request,
) -> pb::validate_list_resource_config::Response {
    answer(
        async {
            let schema = server.list_resource_schema(&request.type_name)?;
            let config = decode(
                request.config.as_ref(),
                schema.value_type(),
                "configuration",
            )?;
            let diagnostics = server
                .validate_list_resource_config(&request.type_name, &config)
                .await;
            Ok(pb::validate_list_resource_config::Response {
                diagnostics: diagnostics_to_proto(&diagnostics),
            })
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        assert_no_diagnostics, dynamic, garbage, list_config_type, server, summaries, THING,
    };
    use tfvalue::Value;

    fn request(
        type_name: &str,
        config: Option<pb::DynamicValue>,
    ) -> pb::validate_list_resource_config::Request {
        pb::validate_list_resource_config::Request {
            type_name: type_name.to_string(),
            config,
            include_resource_object: None,
            limit: None,
        }
    }

    fn prefix(p: &str) -> Option<pb::DynamicValue> {
        let config = Value::Object([("prefix".to_string(), Value::from(p))].into());
        dynamic(&config, &list_config_type())
    }

    #[tokio::test]
    async fn runs_the_lists_checks() {
        let (server, _) = server();
        let response = validate_list_resource_config(&server, request(THING, prefix("t"))).await;
        assert_no_diagnostics(&response.diagnostics);
        let response = validate_list_resource_config(&server, request(THING, prefix(""))).await;
        assert_eq!(summaries(&response.diagnostics), ["Empty prefix"]);
    }

    #[tokio::test]
    async fn unknown_types_and_garbage_answer_diagnostics() {
        let (server, _) = server();
        let response = validate_list_resource_config(&server, request("test_nope", None)).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Unknown list resource type"]
        );
        let response = validate_list_resource_config(&server, request(THING, garbage())).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Malformed configuration"]
        );
    }
}
