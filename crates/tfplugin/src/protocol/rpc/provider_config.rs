//! `ValidateProviderConfig` and `ConfigureProvider`: the provider block.

use tfvalue::Value;

use super::answer::{answer, decode, note_client_capabilities};
use crate::framework::{Diagnostics, ProviderServer};
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// The provider configuration of a request, decoded against the provider schema.
fn provider_config(
    server: &ProviderServer,
    config: Option<&pb::DynamicValue>,
) -> Result<Value, Diagnostics> {
    let ty = server.provider_schema().value_type();
    decode(config, ty, "provider configuration")
}

/// `ValidateProviderConfig`: schema validators, then the provider's own checks.
pub(in crate::protocol) async fn validate_provider_config(
    server: &ProviderServer,
    request: pb::validate_provider_config::Request,
) -> pb::validate_provider_config::Response {
    answer(
        async {
            let config = provider_config(server, request.config.as_ref())?;
            let diagnostics = server.validate_provider_config(&config).await;
            Ok(pb::validate_provider_config::Response {
                diagnostics: diagnostics_to_proto(&diagnostics),
            })
        }
        .await,
    )
}

/// `ConfigureProvider`: notes the client's capabilities and configures the provider (or, with a
/// provider block not known yet and a client that allows deferral, defers what needs it).
pub(in crate::protocol) async fn configure_provider(
    server: &ProviderServer,
    request: pb::configure_provider::Request,
) -> pb::configure_provider::Response {
    note_client_capabilities(server, request.client_capabilities.as_ref());
    answer(
        async {
            let config = provider_config(server, request.config.as_ref())?;
            let deferral_allowed = request
                .client_capabilities
                .as_ref()
                .is_some_and(|c| c.deferral_allowed);
            let diagnostics = server.configure_or_defer(&config, deferral_allowed).await;
            Ok(pb::configure_provider::Response {
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
        assert_no_diagnostics, dynamic, garbage, server, summaries,
    };

    fn config(region: Option<&str>) -> Option<pb::DynamicValue> {
        let (server, _) = server();
        let region = region.map_or(Value::Null, |r| Value::String(r.into()));
        let value = Value::Object([("region".to_string(), region)].into());
        dynamic(&value, server.provider_schema().value_type())
    }

    #[tokio::test]
    async fn undecodable_config_answers_only_diagnostics() {
        let (server, configured) = server();
        let validated = validate_provider_config(
            &server,
            pb::validate_provider_config::Request { config: garbage() },
        )
        .await;
        assert_eq!(
            summaries(&validated.diagnostics),
            ["Malformed provider configuration"]
        );
        let configure = configure_provider(
            &server,
            pb::configure_provider::Request {
                config: garbage(),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(
            summaries(&configure.diagnostics),
            ["Malformed provider configuration"]
        );
        assert!(
            configured.lock().unwrap().is_none(),
            "configure must not run"
        );
    }

    #[tokio::test]
    async fn validate_runs_schema_validators() {
        let (server, _) = server();
        let ok = validate_provider_config(
            &server,
            pb::validate_provider_config::Request {
                config: config(Some("north")),
            },
        )
        .await;
        assert_no_diagnostics(&ok.diagnostics);
        let empty = validate_provider_config(
            &server,
            pb::validate_provider_config::Request {
                config: config(Some("")),
            },
        )
        .await;
        assert_eq!(empty.diagnostics.len(), 1);
        assert_eq!(
            empty.diagnostics[0].severity,
            pb::diagnostic::Severity::Error as i32
        );
    }

    #[tokio::test]
    async fn configure_passes_the_config_and_returns_its_diagnostics() {
        let (server, configured) = server();
        let response = configure_provider(
            &server,
            pb::configure_provider::Request {
                config: config(Some("nowhere")),
                client_capabilities: Some(pb::ClientCapabilities {
                    write_only_attributes_allowed: true,
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(summaries(&response.diagnostics), ["Odd region"]);
        assert_eq!(
            response.diagnostics[0].severity,
            pb::diagnostic::Severity::Warning as i32
        );
        let seen = configured.lock().unwrap().clone().unwrap();
        assert_eq!(seen.get("region").and_then(Value::as_str), Some("nowhere"));
    }
}
