//! `PlanAction`: an action's checks before it runs (no side effects), or a deferral.

use super::answer::{answer, decode};
use crate::framework::ProviderServer;
use crate::protocol::convert::{deferred_to_proto, diagnostics_to_proto};
use crate::protocol::proto::tfplugin6 as pb;

/// `PlanAction`: the action's plan checks; an unknown configuration is deferred where the
/// client allows deferral.
pub(in crate::protocol) async fn plan_action(
    server: &ProviderServer,
    request: pb::plan_action::Request,
) -> pb::plan_action::Response {
    answer(
        async {
            let schema = server.action_schema(&request.action_type)?;
            let config = decode(
                request.config.as_ref(),
                schema.value_type(),
                "configuration",
            )?;
            let deferral_allowed = request
                .client_capabilities
                .as_ref()
                .is_some_and(|c| c.deferral_allowed);
            let (diagnostics, deferred) = server
                .plan_action(&request.action_type, &config, deferral_allowed)
                .await;
            Ok(pb::plan_action::Response {
                diagnostics: diagnostics_to_proto(&diagnostics),
                deferred: deferred.map(deferred_to_proto),
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
        config: Option<pb::DynamicValue>,
        deferral_allowed: bool,
    ) -> pb::plan_action::Request {
        pb::plan_action::Request {
            action_type: COUNT.to_string(),
            config,
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed,
                write_only_attributes_allowed: false,
            }),
        }
    }

    fn count(to: Value) -> Option<pb::DynamicValue> {
        dynamic(&count_config(to), &count_type())
    }

    #[tokio::test]
    async fn plan_checks_answer_at_their_path() {
        let (server, _) = server();
        let ok = plan_action(
            &server,
            request(count(Value::Number(Number::from(2))), false),
        )
        .await;
        assert_no_diagnostics(&ok.diagnostics);
        assert!(ok.deferred.is_none());
        let far = plan_action(
            &server,
            request(count(Value::Number(Number::from(9))), false),
        )
        .await;
        assert_eq!(summaries(&far.diagnostics), ["Too far"]);
    }

    #[tokio::test]
    async fn unknown_configuration_is_deferred_where_allowed() {
        let (server, _) = server();
        let deferred = plan_action(&server, request(count(Value::unknown()), true)).await;
        assert_no_diagnostics(&deferred.diagnostics);
        assert_eq!(
            deferred.deferred.unwrap().reason,
            pb::deferred::Reason::ResourceConfigUnknown as i32
        );
        let checked = plan_action(&server, request(count(Value::unknown()), false)).await;
        assert_no_diagnostics(&checked.diagnostics);
        assert!(checked.deferred.is_none());
    }

    #[tokio::test]
    async fn garbage_and_unknown_types_answer_diagnostics() {
        let (server, _) = server();
        let response = plan_action(&server, request(garbage(), false)).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Malformed configuration"]
        );
        let mut unknown = request(None, false);
        unknown.action_type = "test_nope".into();
        let response = plan_action(&server, unknown).await;
        assert_eq!(summaries(&response.diagnostics), ["Unknown action type"]);
    }
}
