//! Actions (Terraform 1.14+): `action "TYPE" "NAME" { config { ... } }`, run with
//! `terraform apply -invoke=action.TYPE.NAME` or from an `action_trigger`. Planned first (checks
//! only, no side effects), then invoked, reporting progress while they run.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use tfvalue::Value;

use super::data_source::DeferredReason;
use super::diagnostics::Diagnostics;
use super::registry::{Registered, Registry};
use super::resource::Context;
use super::schema::Schema;

/// Where an invoked action reports progress; each message reaches the user as it is sent.
#[derive(Clone)]
pub struct Progress {
    sink: Arc<dyn Fn(String) + Send + Sync>,
}

impl Progress {
    /// Progress delivered to `sink`.
    pub fn new(sink: impl Fn(String) + Send + Sync + 'static) -> Self {
        Self {
            sink: Arc::new(sink),
        }
    }

    /// Progress nobody reads.
    pub fn discard() -> Self {
        Self::new(|_| {})
    }

    /// Reports one message.
    pub fn report(&self, message: impl Into<String>) {
        (self.sink)(message.into());
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress")
    }
}

/// An action type.
#[async_trait]
pub trait Action: Send + Sync + 'static {
    /// The full type name, e.g. `backup_start_job`.
    fn type_name(&self) -> &'static str;

    /// The schema of the action's `config` block.
    fn schema(&self) -> Schema;

    /// Checks the configuration beyond what schema validators check.
    async fn validate(&self, _ctx: &Context, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Checks at plan time, without side effects. Values not known yet are unknown in `config`.
    async fn plan(&self, _ctx: &Context, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Runs the action on a wholly known configuration, reporting progress as it goes.
    async fn invoke(
        &self,
        ctx: &Context,
        config: &Value,
        progress: &Progress,
        diagnostics: &mut Diagnostics,
    );
}

#[async_trait]
impl Registered for dyn Action {
    const KIND: &'static str = "action";

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

/// The provider's actions by type name, each with its schema computed once.
pub(crate) type Actions = Registry<dyn Action>;

impl Registry<dyn Action> {
    /// Plans an action. An unknown configuration is deferred where the client allows it;
    /// otherwise the action checks what is known.
    pub(crate) async fn plan(
        &self,
        ctx: &Context,
        type_name: &str,
        config: &Value,
        deferral_allowed: bool,
    ) -> (Diagnostics, Option<DeferredReason>) {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(d) => return (d, None),
        };
        if deferral_allowed && !config.is_wholly_known() {
            return (Diagnostics::new(), Some(DeferredReason::ConfigUnknown));
        }
        let mut diagnostics = Diagnostics::new();
        entry.object.plan(ctx, config, &mut diagnostics).await;
        (diagnostics, None)
    }

    /// Invokes an action; its configuration must be wholly known by now.
    pub(crate) async fn invoke(
        &self,
        ctx: &Context,
        type_name: &str,
        config: &Value,
        progress: &Progress,
    ) -> Diagnostics {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(d) => return d,
        };
        let mut diagnostics = Diagnostics::new();
        if !config.is_wholly_known() {
            diagnostics.error(
                "Action configuration not known",
                format!(
                    "The {type_name} action was invoked with values not known yet; Terraform resolves them \
                     before invoking. This is a bug in Terraform or the provider."
                ),
            );
            return diagnostics;
        }
        entry
            .object
            .invoke(ctx, config, progress, &mut diagnostics)
            .await;
        diagnostics
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Attribute;
    use std::sync::Mutex;
    use tfvalue::AttributePath;

    /// `test_count`: counts to `to`, reporting each step; refuses `to` above 3 at plan.
    struct Count;

    #[async_trait]
    impl Action for Count {
        fn type_name(&self) -> &'static str {
            "test_count"
        }
        fn schema(&self) -> Schema {
            Schema::new("Counts.", vec![Attribute::number("to").required()])
        }
        async fn plan(&self, _: &Context, config: &Value, diagnostics: &mut Diagnostics) {
            let to: Option<i64> = config.get("to").and_then(|v| tfvalue::from_value(v).ok());
            if to.is_some_and(|n| n > 3) {
                diagnostics.error_at(AttributePath::attr("to"), "Too far", "At most 3.");
            }
        }
        async fn invoke(
            &self,
            _: &Context,
            config: &Value,
            progress: &Progress,
            _: &mut Diagnostics,
        ) {
            let to: i64 = tfvalue::from_value(config.get("to").unwrap()).unwrap();
            for i in 1..=to {
                progress.report(format!("{i}"));
            }
        }
    }

    fn actions() -> Actions {
        Actions::new(vec![Arc::new(Count)])
    }

    fn config(to: Value) -> Value {
        Value::Object([("to".to_string(), to)].into())
    }

    fn n(v: i64) -> Value {
        Value::Number(tfvalue::Number::from(v))
    }

    #[tokio::test]
    async fn plan_checks_or_defers() {
        let a = actions();
        let ctx = Context::default();
        let (ok, deferred) = a.plan(&ctx, "test_count", &config(n(2)), false).await;
        assert!(ok.is_empty() && deferred.is_none());
        let (far, _) = a.plan(&ctx, "test_count", &config(n(5)), false).await;
        assert!(far.iter().any(|d| d.summary == "Too far"));
        let (none, deferred) = a
            .plan(&ctx, "test_count", &config(Value::unknown()), true)
            .await;
        assert!(none.is_empty());
        assert_eq!(deferred, Some(DeferredReason::ConfigUnknown));
        let (unknown, deferred) = a
            .plan(&ctx, "test_count", &config(Value::unknown()), false)
            .await;
        assert!(unknown.is_empty() && deferred.is_none());
    }

    #[tokio::test]
    async fn invoke_reports_progress_in_order() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let progress = Progress::new(move |m| sink.lock().unwrap().push(m));
        let d = actions()
            .invoke(&Context::default(), "test_count", &config(n(3)), &progress)
            .await;
        assert!(d.is_empty());
        assert_eq!(*seen.lock().unwrap(), ["1", "2", "3"]);
        let unknown = actions()
            .invoke(
                &Context::default(),
                "test_count",
                &config(Value::unknown()),
                &progress,
            )
            .await;
        assert!(unknown.has_errors());
        let missing = actions()
            .invoke(
                &Context::default(),
                "test_nope",
                &config(n(1)),
                &Progress::discard(),
            )
            .await;
        assert!(missing.iter().any(|d| d.detail.contains("test_count")));
    }

    #[tokio::test]
    async fn validate_runs_schema_validators_and_schemas_are_listed() {
        let a = actions();
        assert!(a
            .validate(&Context::default(), "test_count", &config(n(1)))
            .await
            .is_empty());
        assert_eq!(a.schemas().count(), 1);
        assert!(a.schema("test_nope").is_err());
    }
}
