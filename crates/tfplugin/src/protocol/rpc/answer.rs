//! What every RPC unit shares: decoding request values, encoding response values, and the
//! diagnostics-only answer of an RPC that fails before the resource is reached.

use tfvalue::{Type, Value};

use crate::framework::{Diagnostics, ProviderServer};
use crate::protocol::convert::{decode_dynamic, diagnostics_to_proto, encode_dynamic};
use crate::protocol::proto::tfplugin6 as pb;

/// A response that carries only diagnostics: what an RPC answers when it fails before the
/// resource is reached (unknown type, undecodable value, unreadable stored state).
pub(super) trait Failed: Default {
    /// The response holding nothing but `diagnostics`.
    fn failed(diagnostics: &Diagnostics) -> Self;
}

macro_rules! failed_with_diagnostics {
    ($($response:ty),* $(,)?) => {$(
        impl Failed for $response {
            #[allow(clippy::needless_update)] // some responses hold nothing but diagnostics
            fn failed(diagnostics: &Diagnostics) -> Self {
                Self {
                    diagnostics: diagnostics_to_proto(diagnostics),
                    ..Default::default()
                }
            }
        }
    )*};
}

failed_with_diagnostics!(
    pb::upgrade_resource_identity::Response,
    pb::validate_provider_config::Response,
    pb::configure_provider::Response,
    pb::validate_resource_config::Response,
    pb::upgrade_resource_state::Response,
    pb::read_resource::Response,
    pb::plan_resource_change::Response,
    pb::apply_resource_change::Response,
    pb::import_resource_state::Response,
    pb::move_resource_state::Response,
    pb::validate_data_resource_config::Response,
    pb::read_data_source::Response,
    pb::validate_action_config::Response,
    pb::plan_action::Response,
    pb::validate_list_resource_config::Response,
    pb::generate_resource_config::Response,
);

/// The answer for an RPC's outcome: the response, or one carrying only the diagnostics.
pub(super) fn answer<T: Failed>(outcome: Result<T, Diagnostics>) -> T {
    outcome.unwrap_or_else(|d| T::failed(&d))
}

/// Decodes a request value; a failure ends the RPC with its diagnostic.
pub(super) fn decode(
    value: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Diagnostics> {
    decode_dynamic(value, ty, what).map_err(Diagnostics::from)
}

/// Encodes a value, adding a diagnostic on failure.
pub(super) fn encode_into(
    value: &Value,
    ty: &Type,
    what: &str,
    diagnostics: &mut Diagnostics,
) -> Option<pb::DynamicValue> {
    encode_dynamic(value, ty, what)
        .map_err(|d| diagnostics.push(d))
        .ok()
}

/// The encoded identity of an object, when its resource type has identities.
pub(super) fn identity_data(
    server: &ProviderServer,
    type_name: &str,
    state: &Value,
    diagnostics: &mut Diagnostics,
) -> Option<pb::ResourceIdentityData> {
    let schema = server.identity_schema(type_name)?;
    let identity = server.identity(type_name, state)?;
    encode_into(
        &identity,
        schema.value_type(),
        "resource identity",
        diagnostics,
    )
    .map(|v| pb::ResourceIdentityData {
        identity_data: Some(v),
    })
}

/// Records what the client announced it supports (write-only attributes, Terraform 1.11+).
pub(super) fn note_client_capabilities(
    server: &ProviderServer,
    capabilities: Option<&pb::ClientCapabilities>,
) {
    if let Some(c) = capabilities {
        server.note_write_only_support(c.write_only_attributes_allowed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Diagnostic;

    #[test]
    fn failed_answer_carries_only_the_diagnostics() {
        let outcome: Result<pb::read_resource::Response, Diagnostics> =
            Err(Diagnostic::error("Broken", "detail").into());
        let response = answer(outcome);
        assert_eq!(response.diagnostics.len(), 1);
        assert_eq!(response.diagnostics[0].summary, "Broken");
        assert!(response.new_state.is_none() && response.private.is_empty());
    }

    #[test]
    fn encode_failure_becomes_a_diagnostic() {
        let mut diagnostics = Diagnostics::new();
        let encoded = encode_into(
            &Value::String("x".into()),
            &Type::Bool,
            "state",
            &mut diagnostics,
        );
        assert!(encoded.is_none());
        assert!(diagnostics.has_errors());
        assert!(diagnostics
            .iter()
            .any(|d| d.summary == "Could not encode state"));
    }
}
