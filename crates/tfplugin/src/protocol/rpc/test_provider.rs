//! A tiny provider for the RPC units' tests: one resource, `test_thing`, with an identity,
//! import, a state upgrade from version 0 and a move from `old_thing`; one data source,
//! `test_echo`; one function, `repeat`; one action, `test_count`; a list of `test_thing`s.

use std::any::Any;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tfvalue::{AttributePath, Type, Value};

use crate::framework::validators::{check, Invalid};
use crate::framework::{
    Action, ApplyRequest, ApplyResponse, Attribute, Context, DataReadRequest, DataReadResponse,
    DataSource, Diagnostics, Function, FunctionError, ImportRequest, ImportResponse, ListRequest,
    ListResource, ListResults, Listed, MoveStateRequest, MoveStateResponse, Parameter, PlanRequest,
    PlanResponse, Progress, Provider, ProviderServer, ReadRequest, ReadResponse, Resource, Schema,
    Signature, UpgradeStateRequest, UpgradeStateResponse,
};
use crate::protocol::convert::{decode_dynamic, encode_dynamic};
use crate::protocol::proto::tfplugin6 as pb;

/// The resource type the test provider serves.
pub(super) const THING: &str = "test_thing";

/// `test_thing`: `name` (required, forces replacement when it is "replace-me"), `size`, `id`.
struct Thing;

/// The state `test_thing` holds for `name`.
pub(super) fn thing(name: &str, id: Option<&str>) -> Value {
    Value::Object(
        [
            (
                "id".to_string(),
                id.map_or(Value::Null, |i| Value::String(i.into())),
            ),
            ("name".to_string(), Value::String(name.into())),
            ("size".to_string(), Value::Null),
        ]
        .into(),
    )
}

/// The value type of `test_thing`.
pub(super) fn thing_type() -> Type {
    Thing.schema().value_type().clone()
}

/// The identity type of `test_thing`.
pub(super) fn identity_type() -> Type {
    Type::object([("id", Type::String)])
}

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> &'static str {
        THING
    }
    fn schema(&self) -> Schema {
        Schema::new(
            "A thing.",
            vec![
                Attribute::string("id").computed(),
                Attribute::string("name").required(),
                Attribute::number("size").optional(),
            ],
        )
        .with_version(1)
    }
    fn identity_schema(&self) -> Option<Schema> {
        Some(Schema::new("", vec![Attribute::string("id").required()]))
    }
    fn identity(&self, state: &Value) -> Option<Value> {
        let id = state.get("id")?.clone();
        Some(Value::Object([("id".to_string(), id)].into()))
    }
    async fn validate(&self, _: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        if config.get("name").and_then(Value::as_str) == Some("bad") {
            diagnostics.error_at(AttributePath::attr("name"), "Bad name", "Not that name.");
        }
    }
    async fn modify_plan(&self, _: &Context, request: &PlanRequest, response: &mut PlanResponse) {
        if request.config.get("name").and_then(Value::as_str) == Some("replace-me") {
            response.requires_replace.push(AttributePath::attr("name"));
        }
        response.planned_private = b"planned".to_vec();
    }
    async fn create(&self, _: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        let name = request.planned_state.get("name").and_then(Value::as_str);
        response.new_state = thing(name.unwrap_or_default(), Some("id-1"));
        response.private = b"created".to_vec();
    }
    async fn read(&self, _: &Context, request: &ReadRequest, response: &mut ReadResponse) {
        if request.current_state.get("name").and_then(Value::as_str) == Some("gone") {
            response.new_state = Value::Null;
        }
        response.private = b"read".to_vec();
    }
    async fn update(&self, _: &Context, _: &ApplyRequest, _: &mut ApplyResponse) {}
    async fn delete(&self, _: &Context, _: &ApplyRequest, _: &mut ApplyResponse) {}
    async fn import(&self, _: &Context, request: &ImportRequest, response: &mut ImportResponse) {
        let id = match &request.identity {
            Some(identity) => identity
                .get("id")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            None => &request.id,
        };
        if id.is_empty() {
            response.diagnostics.error("No id", "Give an id.");
            return;
        }
        response.state = thing("imported", Some(id));
        response.private = b"imported".to_vec();
    }
    fn upgrade_state(&self, request: &UpgradeStateRequest, response: &mut UpgradeStateResponse) {
        let name = request.raw_json.get("title").and_then(|t| t.as_str());
        response.state = thing(name.unwrap_or_default(), Some("upgraded"));
    }
    fn move_state(&self, request: &MoveStateRequest, response: &mut MoveStateResponse) {
        if request.source_type_name != "old_thing" {
            response
                .diagnostics
                .error("Cannot move", "Only old_thing moves here.");
            return;
        }
        let name = request
            .source_state_json
            .get("title")
            .and_then(|t| t.as_str());
        response.state = thing(name.unwrap_or_default(), Some("moved"));
    }
}

/// The data source type the test provider serves.
pub(super) const ECHO: &str = "test_echo";

/// `test_echo`: `input` (required; "bad" fails validation), `output` = `input` upper-cased.
struct Echo;

/// The configuration of `test_echo`, `output` unset.
pub(super) fn echo_config(input: Value) -> Value {
    Value::Object([("input".into(), input), ("output".into(), Value::Null)].into())
}

/// The value type of `test_echo`.
pub(super) fn echo_type() -> Type {
    Echo.schema().value_type().clone()
}

#[async_trait]
impl DataSource for Echo {
    fn type_name(&self) -> &'static str {
        ECHO
    }
    fn schema(&self) -> Schema {
        Schema::new(
            "Echoes its input.",
            vec![
                Attribute::string("input").required(),
                Attribute::string("output").computed(),
            ],
        )
    }
    async fn validate(&self, _: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        if config.get("input").and_then(Value::as_str) == Some("bad") {
            diagnostics.error_at(AttributePath::attr("input"), "Bad input", "Not that input.");
        }
    }
    async fn read(&self, _: &Context, request: &DataReadRequest, response: &mut DataReadResponse) {
        let input = request.config.get("input").and_then(Value::as_str);
        let output = input.unwrap_or_default().to_uppercase();
        response.state = echo_config(Value::String(input.unwrap_or_default().into()));
        if let Value::Object(members) = &mut response.state {
            members.insert("output".into(), Value::String(output));
        }
    }
}

/// `repeat(text, times)`: `text` repeated; a negative `times` is an error at argument 1.
struct Repeat;

impl Function for Repeat {
    fn name(&self) -> &'static str {
        "repeat"
    }
    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![
                Parameter::new("text", Type::String, "What to repeat."),
                Parameter::new("times", Type::Number, "How often."),
            ],
            return_type: Type::String,
            summary: "Repeats text.".into(),
            description: "Repeats `text` `times` times.".into(),
        }
    }
    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let text = arguments[0].as_str().unwrap_or_default();
        let times: i64 = tfvalue::from_value(&arguments[1])
            .map_err(|e| FunctionError::argument(1, e.to_string()))?;
        let times = usize::try_from(times)
            .map_err(|_| FunctionError::argument(1, "times must not be negative."))?;
        Ok(Value::String(text.repeat(times)))
    }
}

/// The action type the test provider serves.
pub(super) const COUNT: &str = "test_count";

/// `test_count`: reports `1` .. `to` as progress; `to` above 3 fails at plan, 0 fails at invoke.
struct Count;

/// The configuration of `test_count`.
pub(super) fn count_config(to: Value) -> Value {
    Value::Object([("to".into(), to)].into())
}

/// The value type of `test_count`'s configuration.
pub(super) fn count_type() -> Type {
    Count.schema().value_type().clone()
}

#[async_trait]
impl Action for Count {
    fn type_name(&self) -> &'static str {
        COUNT
    }
    fn schema(&self) -> Schema {
        Schema::new("Counts.", vec![Attribute::number("to").required()])
    }
    async fn validate(&self, _: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        let to: Option<i64> = config.get("to").and_then(|v| tfvalue::from_value(v).ok());
        if to.is_some_and(|n| n < 0) {
            diagnostics.error_at(AttributePath::attr("to"), "Negative", "Count up, not down.");
        }
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
        diagnostics: &mut Diagnostics,
    ) {
        let to: i64 = config
            .get("to")
            .and_then(|v| tfvalue::from_value(v).ok())
            .unwrap_or_default();
        if to == 0 {
            diagnostics.error("Nothing to count", "to is 0.");
        }
        for i in 1..=to {
            progress.report(i.to_string());
        }
    }
}

/// The type of the `test_thing` list's config: `prefix`.
pub(super) fn list_config_type() -> Type {
    ThingList.schema().value_type().clone()
}

/// The `test_thing` list: three things named `<prefix>0..2`; an empty prefix is refused.
struct ThingList;

#[async_trait]
impl ListResource for ThingList {
    fn type_name(&self) -> &'static str {
        THING
    }
    fn schema(&self) -> Schema {
        Schema::new("Things.", vec![Attribute::string("prefix").required()])
    }
    async fn validate(&self, _: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        if config.get("prefix").and_then(Value::as_str) == Some("") {
            diagnostics.error("Empty prefix", "Name a prefix.");
        }
    }
    async fn list(&self, _: &Context, request: &ListRequest, results: &mut ListResults) {
        let prefix = request
            .config
            .get("prefix")
            .and_then(Value::as_str)
            .unwrap_or_default();
        for i in 0..3 {
            let name = format!("{prefix}{i}");
            let id = format!("id-{name}");
            let listed = Listed {
                identity: Value::Object([("id".to_string(), Value::from(id.clone()))].into()),
                state: request
                    .include_resource_object
                    .then(|| thing(&name, Some(&id))),
                display_name: name,
            };
            if results.push(listed).is_break() {
                return;
            }
        }
    }
}

/// The provider: a `region` attribute that must not be empty, and configure keeps the configuration it saw.
#[derive(Default)]
struct TestProvider {
    configured: Arc<Mutex<Option<Value>>>,
}

#[async_trait]
impl Provider for TestProvider {
    fn type_name(&self) -> &'static str {
        "test"
    }
    fn schema(&self) -> Schema {
        let not_empty = check("Must not be empty.", |v: &Value| match v.as_str() {
            Some("") => Err(Invalid("The region is empty".to_string())),
            _ => Ok(()),
        });
        Schema::new(
            "The test provider.",
            vec![Attribute::string("region").required().validator(not_empty)],
        )
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(Thing)]
    }
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Echo)]
    }
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(Repeat)]
    }
    fn actions(&self) -> Vec<Arc<dyn Action>> {
        vec![Arc::new(Count)]
    }
    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![Arc::new(ThingList)]
    }
    async fn configure(
        &self,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        if config.get("region").and_then(Value::as_str) == Some("nowhere") {
            diagnostics.warning("Odd region", "Nothing is there.");
        }
        *self.configured.lock().unwrap() = Some(config.clone());
        None
    }
}

/// A server for the test provider, and the slot where `configure` leaves its configuration.
pub(super) fn server() -> (ProviderServer, Arc<Mutex<Option<Value>>>) {
    let provider = TestProvider::default();
    let configured = provider.configured.clone();
    (ProviderServer::new(provider), configured)
}

/// A value as the msgpack DynamicValue Terraform would send.
pub(super) fn dynamic(value: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(encode_dynamic(value, ty, "test value").expect("test value encodes"))
}

/// A DynamicValue no decoder accepts.
pub(super) fn garbage() -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: vec![0xc1, 0xff, 0x00],
        json: Vec::new(),
    })
}

/// A response value decoded back.
pub(super) fn value_of(value: Option<&pb::DynamicValue>, ty: &Type) -> Value {
    decode_dynamic(value, ty, "response value").expect("response value decodes")
}

/// The summaries of protocol diagnostics.
pub(super) fn summaries(diagnostics: &[pb::Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.summary.as_str()).collect()
}

/// Fails the test, naming them, when an answer carries diagnostics.
pub(super) fn assert_no_diagnostics(diagnostics: &[pb::Diagnostic]) {
    assert!(
        diagnostics.is_empty(),
        "unexpected diagnostics: {diagnostics:?}"
    );
}
