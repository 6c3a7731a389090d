//! Data sources: `data "TYPE" "NAME" { ... }`, read at plan time from their configuration.

use async_trait::async_trait;
use tfvalue::Value;

use super::diagnostics::Diagnostics;
use super::registry::{Registered, Registry};
use super::resource::Context;
use super::schema::Schema;

/// Why an answer was deferred to a later round (Terraform Stacks' deferred actions).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeferredReason {
    /// The configuration holds values known only later.
    ConfigUnknown,
    /// The provider's configuration holds values known only later.
    ProviderConfigUnknown,
}

/// Input of a data source read.
#[derive(Clone, Debug)]
pub struct DataReadRequest {
    /// The configuration: wholly known (the framework defers or refuses unknown ones).
    pub config: Value,
}

/// Output of a data source read.
#[derive(Clone, Debug, Default)]
pub struct DataReadResponse {
    /// The configuration with every computed attribute filled in; starts as the configuration.
    pub state: Value,
    /// Set when the read was deferred instead of done.
    pub deferred: Option<DeferredReason>,
    /// Problems found.
    pub diagnostics: Diagnostics,
}

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync + 'static {
    /// The full type name, e.g. `backup_policy`.
    fn type_name(&self) -> &'static str;

    /// The schema: required/optional attributes are the arguments, computed ones the results.
    fn schema(&self) -> Schema;

    /// Checks the configuration beyond what schema validators check.
    async fn validate(&self, _ctx: &Context, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Reads: fills in `response.state`'s computed attributes from `request.config`.
    async fn read(&self, ctx: &Context, request: &DataReadRequest, response: &mut DataReadResponse);
}

#[async_trait]
impl Registered for dyn DataSource {
    const KIND: &'static str = "data source";

    fn registered_name(&self) -> &'static str {
        self.type_name()
    }

    fn registered_schema(&self) -> Schema {
        self.schema()
    }

    async fn registered_validate(
        &self,
        ctx: &Context,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) {
        self.validate(ctx, config, diagnostics).await;
    }
}

/// The provider's data sources by type name, each with its schema computed once.
pub(crate) type DataSources = Registry<dyn DataSource>;

impl Registry<dyn DataSource> {
    /// Reads a data source. An unknown configuration is deferred when the client allows it
    /// (computed attributes unknown), and refused with a diagnostic otherwise.
    pub(crate) async fn read(
        &self,
        ctx: &Context,
        type_name: &str,
        config: Value,
        deferral_allowed: bool,
    ) -> DataReadResponse {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(diagnostics) => {
                return DataReadResponse {
                    diagnostics,
                    ..Default::default()
                }
            }
        };
        let mut response = DataReadResponse {
            state: config.clone(),
            ..Default::default()
        };
        if !config.is_wholly_known() {
            if deferral_allowed {
                response.state = with_computed_unknown(&entry.schema, config);
                response.deferred = Some(DeferredReason::ConfigUnknown);
            } else {
                response.diagnostics.error(
                    "Data source configuration not known yet",
                    format!(
                        "The {type_name} data source needs its whole configuration to read, and part of it is \
                         known only after apply. Use values known at plan time, or apply what they depend on first."
                    ),
                );
            }
            return response;
        }
        let request = DataReadRequest { config };
        entry.object.read(ctx, &request, &mut response).await;
        if !response.diagnostics.has_errors() && !response.state.is_wholly_known() {
            response.diagnostics.error(
                "Provider left a value unknown after reading",
                format!(
                    "The {type_name} data source returned unknown values from a known configuration; this is a \
                     bug in the provider. Please report it."
                ),
            );
        }
        response
    }
}

/// The configuration with every computed attribute unknown: what a deferred read promises.
pub(super) fn with_computed_unknown(schema: &Schema, config: Value) -> Value {
    let Value::Object(mut members) = config else {
        return config;
    };
    for attribute in &schema.attributes {
        if attribute.constraint.is_computed() {
            let member = members.entry(attribute.name.clone()).or_insert(Value::Null);
            if member.is_null() {
                *member = Value::unknown();
            }
        }
    }
    Value::Object(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Attribute;
    use std::sync::Arc;
    use tfvalue::AttributePath;

    struct Echo;

    #[async_trait]
    impl DataSource for Echo {
        fn type_name(&self) -> &'static str {
            "test_echo"
        }
        fn schema(&self) -> Schema {
            Schema::new(
                "Echoes.",
                vec![
                    Attribute::string("input").required(),
                    Attribute::string("output").computed(),
                ],
            )
        }
        async fn validate(&self, _: &Context, config: &Value, diagnostics: &mut Diagnostics) {
            if config.get("input").and_then(Value::as_str) == Some("bad") {
                diagnostics.error_at(AttributePath::attr("input"), "Bad input", "Not that.");
            }
        }
        async fn read(
            &self,
            _: &Context,
            request: &DataReadRequest,
            response: &mut DataReadResponse,
        ) {
            let input = request
                .config
                .get("input")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if input == "leave-unknown" {
                response.state = Value::Object(
                    [
                        ("input".into(), Value::String(input.into())),
                        ("output".into(), Value::unknown()),
                    ]
                    .into(),
                );
                return;
            }
            response.state = Value::Object(
                [
                    ("input".into(), Value::String(input.into())),
                    ("output".into(), Value::String(input.to_uppercase())),
                ]
                .into(),
            );
        }
    }

    fn config(input: Value) -> Value {
        Value::Object([("input".into(), input), ("output".into(), Value::Null)].into())
    }

    fn data_sources() -> DataSources {
        DataSources::new(vec![Arc::new(Echo)])
    }

    #[tokio::test]
    async fn reads_known_configuration() {
        let ds = data_sources();
        let response = ds
            .read(
                &Context::default(),
                "test_echo",
                config(Value::String("ab".into())),
                false,
            )
            .await;
        assert!(
            response.diagnostics.is_empty(),
            "{:?}",
            response.diagnostics
        );
        assert_eq!(
            response.state.get("output"),
            Some(&Value::String("AB".into()))
        );
        assert_eq!(response.deferred, None);
        assert_eq!(ds.schemas().count(), 1);
    }

    #[tokio::test]
    async fn unknown_configuration_is_deferred_when_allowed_and_refused_otherwise() {
        let ds = data_sources();
        let deferred = ds
            .read(
                &Context::default(),
                "test_echo",
                config(Value::unknown()),
                true,
            )
            .await;
        assert_eq!(deferred.deferred, Some(DeferredReason::ConfigUnknown));
        assert!(deferred.diagnostics.is_empty());
        assert!(deferred.state.get("output").unwrap().is_unknown());
        let refused = ds
            .read(
                &Context::default(),
                "test_echo",
                config(Value::unknown()),
                false,
            )
            .await;
        assert_eq!(refused.deferred, None);
        assert!(refused
            .diagnostics
            .iter()
            .any(|d| d.summary == "Data source configuration not known yet"));
    }

    #[tokio::test]
    async fn unknown_results_and_unknown_types_are_errors() {
        let ds = data_sources();
        let response = ds
            .read(
                &Context::default(),
                "test_echo",
                config(Value::String("leave-unknown".into())),
                false,
            )
            .await;
        assert!(response.diagnostics.has_errors());
        let missing = ds
            .read(&Context::default(), "test_nope", Value::Null, false)
            .await;
        assert!(missing
            .diagnostics
            .iter()
            .any(|d| d.detail.contains("test_echo")));
    }

    #[tokio::test]
    async fn validate_runs_the_data_sources_own_checks() {
        let ds = data_sources();
        let bad = ds
            .validate(
                &Context::default(),
                "test_echo",
                &config(Value::String("bad".into())),
            )
            .await;
        assert!(bad.iter().any(|d| d.summary == "Bad input"));
        let good = ds
            .validate(
                &Context::default(),
                "test_echo",
                &config(Value::String("ok".into())),
            )
            .await;
        assert!(good.is_empty());
    }
}
