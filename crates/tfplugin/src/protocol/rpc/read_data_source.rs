//! `ReadDataSource`: reads a data source from its configuration.

use super::answer::{answer, decode, encode_into};
use crate::framework::{Diagnostics, ProviderServer};
use crate::protocol::convert::{deferred_to_proto, diagnostics_to_proto};
use crate::protocol::proto::tfplugin6 as pb;

/// `ReadDataSource`: the data source's read; an unknown configuration is deferred where the
/// client allows deferral, and refused with a diagnostic otherwise.
pub(in crate::protocol) async fn read_data_source(
    server: &ProviderServer,
    request: pb::read_data_source::Request,
) -> pb::read_data_source::Response {
    answer(read(server, request).await)
}

async fn read(
    server: &ProviderServer,
    request: pb::read_data_source::Request,
) -> Result<pb::read_data_source::Response, Diagnostics> {
    let ty = server.data_source_schema(&request.type_name)?.value_type();
    let config = decode(request.config.as_ref(), ty, "configuration")?;
    let deferral_allowed = request
        .client_capabilities
        .as_ref()
        .is_some_and(|c| c.deferral_allowed);
    let read = server
        .read_data_source(&request.type_name, config, deferral_allowed)
        .await;
    let mut diagnostics = read.diagnostics;
    let state = if diagnostics.has_errors() {
        None
    } else {
        encode_into(&read.state, ty, "data source state", &mut diagnostics)
    };
    Ok(pb::read_data_source::Response {
        state,
        diagnostics: diagnostics_to_proto(&diagnostics),
        deferred: read.deferred.map(deferred_to_proto),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        assert_no_diagnostics, dynamic, echo_config, echo_type, garbage, server, summaries,
        value_of, ECHO,
    };
    use tfvalue::Value;

    fn request(
        config: Option<pb::DynamicValue>,
        deferral_allowed: bool,
    ) -> pb::read_data_source::Request {
        pb::read_data_source::Request {
            type_name: ECHO.to_string(),
            config,
            provider_meta: None,
            client_capabilities: Some(pb::ClientCapabilities {
                deferral_allowed,
                write_only_attributes_allowed: false,
            }),
        }
    }

    #[tokio::test]
    async fn state_holds_the_computed_results() {
        let (server, _) = server();
        let config = echo_config(Value::String("ab".into()));
        let response =
            read_data_source(&server, request(dynamic(&config, &echo_type()), false)).await;
        assert_no_diagnostics(&response.diagnostics);
        assert!(response.deferred.is_none());
        let state = value_of(response.state.as_ref(), &echo_type());
        assert_eq!(state.get("output"), Some(&Value::String("AB".into())));
    }

    #[tokio::test]
    async fn unknown_configuration_is_deferred_only_where_allowed() {
        let (server, _) = server();
        let config = echo_config(Value::unknown());
        let deferred =
            read_data_source(&server, request(dynamic(&config, &echo_type()), true)).await;
        assert_no_diagnostics(&deferred.diagnostics);
        assert_eq!(
            deferred.deferred.unwrap().reason,
            pb::deferred::Reason::ResourceConfigUnknown as i32
        );
        let state = value_of(deferred.state.as_ref(), &echo_type());
        assert!(state.get("output").unwrap().is_unknown());
        let refused =
            read_data_source(&server, request(dynamic(&config, &echo_type()), false)).await;
        assert_eq!(
            summaries(&refused.diagnostics),
            ["Data source configuration not known yet"]
        );
        assert!(refused.deferred.is_none() && refused.state.is_none());
    }

    #[tokio::test]
    async fn garbage_and_unknown_types_answer_diagnostics() {
        let (server, _) = server();
        let response = read_data_source(&server, request(garbage(), false)).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Malformed configuration"]
        );
        let mut unknown_type = request(None, false);
        unknown_type.type_name = "test_nope".into();
        let response = read_data_source(&server, unknown_type).await;
        assert_eq!(
            summaries(&response.diagnostics),
            ["Unknown data source type"]
        );
    }
}
