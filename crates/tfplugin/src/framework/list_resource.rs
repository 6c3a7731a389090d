//! List resources (Terraform 1.14+): `list "TYPE" "NAME" { config { ... } }` in a `.tfquery.hcl`
//! file, run by `terraform query`. A list finds existing objects of the managed resource type of
//! the same name and streams each with its identity (and, when asked, its state), so
//! `-generate-config-out` can write `import` and `resource` blocks for them.

use std::fmt;
use std::ops::ControlFlow;

use async_trait::async_trait;
use tfvalue::Value;

use super::diagnostics::{Diagnostic, Diagnostics};
use super::registry::{Registered, Registry};
use super::resource::Context;
use super::schema::Schema;

/// Input of a list.
#[derive(Clone, Debug)]
pub struct ListRequest {
    /// The list block's `config`, wholly known.
    pub config: Value,
    /// Whether each result should carry the object's whole state (costs a read per object).
    pub include_resource_object: bool,
    /// The most results Terraform wants; the stream stops there.
    pub limit: i64,
}

/// One object a list found.
#[derive(Clone, Debug, PartialEq)]
pub struct Listed {
    /// The object's identity, of the resource type's identity schema.
    pub identity: Value,
    /// A name for people (shown by `terraform query`).
    pub display_name: String,
    /// The object's state, of the resource type's schema, when the request asked for it.
    pub state: Option<Value>,
}

/// What a list streams: a found object, or diagnostics (an error ends the list).
#[derive(Clone, Debug)]
pub enum ListEvent {
    /// One object found.
    Found(Box<Listed>),
    /// Problems met while listing.
    Diagnostics(Diagnostics),
}

/// Where a list sends its results, one at a time, as it finds them. Stops the list once `limit`
/// results were sent, when the reader went away, or when Terraform asked the provider to stop.
pub struct ListResults {
    sink: Box<dyn FnMut(ListEvent) -> bool + Send>,
    limit: i64,
    sent: i64,
    stopped: bool,
    cancel: tokio_util::sync::CancellationToken,
}

impl fmt::Debug for ListResults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListResults")
            .field("limit", &self.limit)
            .field("sent", &self.sent)
            .finish_non_exhaustive()
    }
}

impl ListResults {
    /// Results delivered to `sink`, which answers false once nobody reads them any more.
    pub fn new(limit: i64, sink: impl FnMut(ListEvent) -> bool + Send + 'static) -> Self {
        Self {
            sink: Box::new(sink),
            limit,
            sent: 0,
            stopped: false,
            cancel: tokio_util::sync::CancellationToken::new(),
        }
    }

    /// Whether the list should stop: the limit is reached, the reader left, or Terraform stopped us.
    pub fn is_done(&self) -> bool {
        self.stopped || self.sent >= self.limit || self.cancel.is_cancelled()
    }

    /// Sends one found object; `Break` when the list should stop now.
    pub fn push(&mut self, listed: Listed) -> ControlFlow<()> {
        if self.is_done() {
            return ControlFlow::Break(());
        }
        if !(self.sink)(ListEvent::Found(Box::new(listed))) {
            self.stopped = true;
        }
        self.sent += 1;
        if self.is_done() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// Sends diagnostics (nothing when empty); an error stops the list.
    pub fn diagnostics(&mut self, diagnostics: Diagnostics) -> ControlFlow<()> {
        if diagnostics.is_empty() {
            return if self.is_done() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            };
        }
        let fatal = diagnostics.has_errors();
        if !(self.sink)(ListEvent::Diagnostics(diagnostics)) || fatal {
            self.stopped = true;
        }
        if self.is_done() {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    }

    /// How many objects were sent.
    pub fn sent(&self) -> i64 {
        self.sent
    }
}

/// A list resource type: named like the managed resource type whose objects it finds.
#[async_trait]
pub trait ListResource: Send + Sync + 'static {
    /// The type name, the same as the managed resource type's, e.g. `backup_app`.
    fn type_name(&self) -> &'static str;

    /// The schema of the list block's `config` block (its filters).
    fn schema(&self) -> Schema;

    /// Checks the configuration beyond what schema validators check.
    async fn validate(&self, _ctx: &Context, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Finds objects and sends each to `results` until it answers `Break` or none are left.
    async fn list(&self, ctx: &Context, request: &ListRequest, results: &mut ListResults);
}

#[async_trait]
impl Registered for dyn ListResource {
    const KIND: &'static str = "list resource";

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

/// The provider's list resources by type name, each with its schema computed once.
pub(crate) type ListResources = Registry<dyn ListResource>;

impl Registry<dyn ListResource> {
    /// Runs a list; a zero or negative limit lists nothing.
    pub(crate) async fn list(
        &self,
        ctx: &Context,
        type_name: &str,
        request: &ListRequest,
        results: &mut ListResults,
    ) {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(d) => {
                let _ = results.diagnostics(d);
                return;
            }
        };
        if !request.config.is_wholly_known() {
            let _ = results.diagnostics(
                Diagnostic::error(
                    "List configuration not known",
                    format!(
                        "The {type_name} list was run with values not known yet; a list block's \
                         configuration must be known when `terraform query` runs."
                    ),
                )
                .into(),
            );
            return;
        }
        results.cancel = ctx.cancel.clone();
        if results.is_done() {
            return;
        }
        entry.object.list(ctx, request, results).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Attribute;
    use std::sync::Arc;
    use std::sync::Mutex;

    /// `test_numbers`: lists `count` numbered objects, then warns "the end".
    struct Numbers;

    #[async_trait]
    impl ListResource for Numbers {
        fn type_name(&self) -> &'static str {
            "test_numbers"
        }
        fn schema(&self) -> Schema {
            Schema::new("Numbers.", vec![Attribute::number("count").required()])
        }
        async fn validate(&self, _: &Context, config: &Value, diagnostics: &mut Diagnostics) {
            let count: Option<i64> = config
                .get("count")
                .and_then(|v| tfvalue::from_value(v).ok());
            if count.is_some_and(|n| n < 0) {
                diagnostics.error("Negative", "At least 0.");
            }
        }
        async fn list(&self, _: &Context, request: &ListRequest, results: &mut ListResults) {
            let count: i64 = tfvalue::from_value(request.config.get("count").unwrap()).unwrap();
            for i in 0..count {
                let listed = Listed {
                    identity: Value::from(i.to_string()),
                    display_name: format!("n{i}"),
                    state: request.include_resource_object.then(|| Value::from(i)),
                };
                if results.push(listed).is_break() {
                    return;
                }
            }
            let mut end = Diagnostics::new();
            end.warning("The end", "No more numbers.");
            let _ = results.diagnostics(end);
        }
    }

    fn config(count: i64) -> Value {
        Value::Object([("count".to_string(), Value::from(count))].into())
    }

    /// The display names and diagnostic summaries a list sent, reading at most `read` events.
    async fn run(count: i64, limit: i64, read: usize, ctx: &Context) -> Vec<String> {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let mut results = ListResults::new(limit, move |event| {
            let mut seen = sink.lock().unwrap();
            seen.push(match event {
                ListEvent::Found(l) => l.display_name,
                ListEvent::Diagnostics(d) => d.iter().map(|d| d.summary.clone()).collect(),
            });
            seen.len() < read
        });
        let request = ListRequest {
            config: config(count),
            include_resource_object: false,
            limit,
        };
        ListResources::new(vec![Arc::new(Numbers)])
            .list(ctx, "test_numbers", &request, &mut results)
            .await;
        let seen = seen.lock().unwrap().clone();
        seen
    }

    #[tokio::test]
    async fn lists_everything_within_the_limit() {
        let ctx = Context::default();
        assert_eq!(
            run(3, 100, usize::MAX, &ctx).await,
            ["n0", "n1", "n2", "The end"]
        );
        assert_eq!(run(5, 2, usize::MAX, &ctx).await, ["n0", "n1"]);
        assert!(run(5, 0, usize::MAX, &ctx).await.is_empty());
    }

    #[tokio::test]
    async fn stops_when_the_reader_leaves_or_terraform_stops() {
        let ctx = Context::default();
        assert_eq!(run(5, 100, 2, &ctx).await, ["n0", "n1"]);
        ctx.cancel.cancel();
        assert!(run(5, 100, usize::MAX, &ctx).await.is_empty());
    }

    #[tokio::test]
    async fn unknown_types_and_configs_answer_diagnostics() {
        let lists = ListResources::new(vec![Arc::new(Numbers)]);
        let ctx = Context::default();
        let mut sent = Vec::new();
        for (type_name, config) in [
            ("test_nope", config(1)),
            (
                "test_numbers",
                Value::Object([("count".to_string(), Value::unknown())].into()),
            ),
        ] {
            let seen = Arc::new(Mutex::new(Vec::new()));
            let sink = seen.clone();
            let mut results = ListResults::new(10, move |event| {
                if let ListEvent::Diagnostics(d) = event {
                    sink.lock()
                        .unwrap()
                        .extend(d.iter().map(|d| d.summary.clone()));
                }
                true
            });
            let request = ListRequest {
                config,
                include_resource_object: true,
                limit: 10,
            };
            lists.list(&ctx, type_name, &request, &mut results).await;
            sent.extend(seen.lock().unwrap().clone());
        }
        assert_eq!(
            sent,
            ["Unknown list resource type", "List configuration not known"]
        );
        let negative = lists.validate(&ctx, "test_numbers", &config(-1)).await;
        assert!(negative.iter().any(|d| d.summary == "Negative"));
        assert!(lists
            .validate(&ctx, "test_numbers", &config(1))
            .await
            .is_empty());
        assert_eq!(lists.schemas().count(), 1);
    }
}
