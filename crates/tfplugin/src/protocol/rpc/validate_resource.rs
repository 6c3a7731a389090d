//! `ValidateResourceConfig`: a resource's configuration, before any plan.

use super::answer::{answer, decode, note_client_capabilities};
use crate::framework::ProviderServer;
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// `ValidateResourceConfig`: schema validators, then the resource's own checks.
pub(in crate::protocol) async fn validate_resource_config(
    server: &ProviderServer,
    request: pb::validate_resource_config::Request,
) -> pb::validate_resource_config::Response {
    note_client_capabilities(server, request.client_capabilities.as_ref());
    answer(
        async {
            let schema = server.resource_schema(&request.type_name)?;
            let config = decode(
                request.config.as_ref(),
                schema.value_type(),
                "configuration",
            )?;
            let diagnostics = server
                .validate_resource_config(&request.type_name, &config)
                .await;
            Ok(pb::validate_resource_config::Response {
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
        assert_no_diagnostics, dynamic, garbage, server, summaries, thing, thing_type, THING,
    };

    fn request(
        type_name: &str,
        config: Option<pb::DynamicValue>,
    ) -> pb::validate_resource_config::Request {
        pb::validate_resource_config::Request {
            type_name: type_name.to_string(),
            config,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn unknown_type_or_undecodable_config_answers_only_diagnostics() {
        let (server, _) = server();
        let unknown = validate_resource_config(&server, request("nope", None)).await;
        assert_eq!(summaries(&unknown.diagnostics), ["Unknown resource type"]);
        let garbled = validate_resource_config(&server, request(THING, garbage())).await;
        assert_eq!(summaries(&garbled.diagnostics), ["Malformed configuration"]);
    }

    #[tokio::test]
    async fn resource_checks_answer_with_their_path() {
        let (server, _) = server();
        let ok = validate_resource_config(
            &server,
            request(THING, dynamic(&thing("fine", None), &thing_type())),
        )
        .await;
        assert_no_diagnostics(&ok.diagnostics);
        let bad = validate_resource_config(
            &server,
            request(THING, dynamic(&thing("bad", None), &thing_type())),
        )
        .await;
        assert_eq!(summaries(&bad.diagnostics), ["Bad name"]);
        let steps = &bad.diagnostics[0].attribute.as_ref().unwrap().steps;
        assert_eq!(
            steps[0].selector,
            Some(pb::attribute_path::step::Selector::AttributeName(
                "name".into()
            ))
        );
    }

    #[tokio::test]
    async fn client_capabilities_are_noted() {
        let (server, _) = server();
        let mut request = request(THING, dynamic(&thing("fine", None), &thing_type()));
        request.client_capabilities = Some(pb::ClientCapabilities {
            write_only_attributes_allowed: true,
            ..Default::default()
        });
        validate_resource_config(&server, request).await;
        assert!(server.write_only_supported());
    }
}
