//! One unit per RPC (or small RPC family): decode the request with `convert`, call the
//! framework's [`ProviderServer`](crate::framework::ProviderServer), encode the answer.
//! The tonic service in `provider_service` only routes here.

mod answer;
pub(super) mod apply;
pub(super) mod call_function;
pub(super) mod functions;
pub(super) mod generate_config;
pub(super) mod import;
pub(super) mod invoke_action;
pub(super) mod list_resource;
pub(super) mod move_state;
pub(super) mod plan;
pub(super) mod plan_action;
pub(super) mod provider_config;
#[cfg(test)]
mod provider_deferral;
pub(super) mod read;
pub(super) mod read_data_source;
pub(super) mod schema;
pub(super) mod stop;
#[cfg(test)]
mod test_provider;
pub(super) mod upgrade_identity;
pub(super) mod upgrade_state;
pub(super) mod validate_action;
pub(super) mod validate_data_source;
pub(super) mod validate_list_resource;
pub(super) mod validate_resource;
