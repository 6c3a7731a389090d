//! What the server offers `terraform query`: list resources routed to their registry, and
//! configuration generated from a state.

use tfvalue::Value;

use super::diagnostics::{Diagnostic, Diagnostics};
use super::generate_config::generate_config;
use super::list_resource::{ListRequest, ListResults};
use super::schema::Schema;
use super::server::ProviderServer;

impl ProviderServer {
    /// Every list resource type with the schema of its `config` block.
    pub fn list_resource_schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.list_resources.schemas()
    }

    /// The `config` schema of a list resource type, or a diagnostic naming the known types.
    pub fn list_resource_schema(&self, type_name: &str) -> Result<&Schema, Diagnostics> {
        self.list_resources.schema(type_name)
    }

    /// Validates a list block's `config`.
    pub async fn validate_list_resource_config(
        &self,
        type_name: &str,
        config: &Value,
    ) -> Diagnostics {
        self.list_resources
            .validate(&self.context(), type_name, config)
            .await
    }

    /// Runs a list, sending what it finds to `results`. A list needs the resource type of its
    /// name to have an identity: that is what Terraform's import blocks use.
    pub async fn list(&self, type_name: &str, request: &ListRequest, results: &mut ListResults) {
        if self.identity_schema(type_name).is_none() {
            let _ = results.diagnostics(
                Diagnostic::error(
                    "List resource without an identity",
                    format!(
                        "The {type_name} list has no managed resource type of its name with an \
                         identity; this is a bug in the provider."
                    ),
                )
                .into(),
            );
            return;
        }
        self.list_resources
            .list(&self.context(), type_name, request, results)
            .await;
    }

    /// The configuration that manages the object in `state` (see [`generate_config`]).
    pub fn generate_resource_config(
        &self,
        type_name: &str,
        state: &Value,
    ) -> Result<Value, Diagnostics> {
        let schema = self.resource_schema(type_name)?;
        Ok(generate_config(schema, state))
    }
}
