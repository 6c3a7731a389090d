//! `ValidateDataResourceConfig`: a data source's configuration, before it is read.

use super::answer::{answer, decode};
use crate::framework::ProviderServer;
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// `ValidateDataResourceConfig`: schema validators, then the data source's own checks.
pub(in crate::protocol) async fn validate_data_resource_config(
    server: &ProviderServer,
    request: pb::validate_data_resource_config::Request,
) -> pb::validate_data_resource_config::Response {
    answer(
        async {
            let schema = server.data_source_schema(&request.type_name)?;
            let config = decode(
                request.config.as_ref(),
                schema.value_type(),
                "configuration",
            )?;
            let diagnostics = server
                .validate_data_source_config(&request.type_name, &config)
                .await;
            Ok(pb::validate_data_resource_config::Response {
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
        assert_no_diagnostics, dynamic, echo_config, echo_type, garbage, server, summaries, ECHO,
    };
    use tfvalue::Value;

    fn request(
        type_name: &str,
        config: Option<pb::DynamicValue>,
    ) -> pb::validate_data_resource_config::Request {
        pb::validate_data_resource_config::Request {
            type_name: type_name.to_string(),
            config,
        }
    }

    #[tokio::test]
    async fn runs_the_data_sources_checks() {
        let (server, _) = server();
        let good = echo_config(Value::String("ok".into()));
        let response =
            validate_data_resource_config(&server, request(ECHO, dynamic(&good, &echo_type())))
                .await;
        assert_no_diagnostics(&response.diagnostics);
        let bad = echo_config(Value::String("bad".into()));
        let response =
            validate_data_resource_config(&server, request(ECHO, dynamic(&bad, &echo_type())))
                .await;
        assert_eq!(summaries(&response.diagnostics), ["Bad input"]);
        let steps = &response.diagnostics[0].attribute.as_ref().unwrap().steps;
        assert_eq!(steps.len(), 1);
    }

    #[tokio::test]
    async fn unknown_types_and_garbage_answer_diagnostics() {
        let (server, _) = server();
        let response = validate_data_resource_config(&server, request("test_nope", None)).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Unknown data source type"]
        );
        let response = validate_data_resource_config(&server, request(ECHO, garbage())).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Malformed configuration"]
        );
    }
}
