//! `ValidateActionConfig`: an action's configuration, before it is planned.

use super::answer::{answer, decode};
use crate::framework::ProviderServer;
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// `ValidateActionConfig`: schema validators, then the action's own checks.
pub(in crate::protocol) async fn validate_action_config(
    server: &ProviderServer,
    request: pb::validate_action_config::Request,
) -> pb::validate_action_config::Response {
    answer(
        async {
            let schema = server.action_schema(&request.type_name)?;
            let config = decode(
                request.config.as_ref(),
                schema.value_type(),
                "configuration",
            )?;
            let diagnostics = server
                .validate_action_config(&request.type_name, &config)
                .await;
            Ok(pb::validate_action_config::Response {
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
        assert_no_diagnostics, count_config, count_type, dynamic, garbage, server, summaries, COUNT,
    };
    use tfvalue::{Number, Value};

    fn request(
        type_name: &str,
        config: Option<pb::DynamicValue>,
    ) -> pb::validate_action_config::Request {
        pb::validate_action_config::Request {
            type_name: type_name.to_string(),
            config,
        }
    }

    #[tokio::test]
    async fn runs_the_actions_checks() {
        let (server, _) = server();
        let good = count_config(Value::Number(Number::from(2)));
        let response =
            validate_action_config(&server, request(COUNT, dynamic(&good, &count_type()))).await;
        assert_no_diagnostics(&response.diagnostics);
        let bad = count_config(Value::Number(Number::from(-1)));
        let response =
            validate_action_config(&server, request(COUNT, dynamic(&bad, &count_type()))).await;
        assert_eq!(summaries(&response.diagnostics), ["Negative"]);
        assert!(response.diagnostics[0].attribute.is_some());
    }

    #[tokio::test]
    async fn unknown_types_and_garbage_answer_diagnostics() {
        let (server, _) = server();
        let response = validate_action_config(&server, request("test_nope", None)).await;
        assert_eq!(summaries(&response.diagnostics), ["Unknown action type"]);
        let response = validate_action_config(&server, request(COUNT, garbage())).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Malformed configuration"]
        );
    }
}
