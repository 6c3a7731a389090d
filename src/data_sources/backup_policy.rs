//! `backup_policy`: reads and verifies a published `policy_document`, so a tree can span
//! workspaces and state files (a root published through `terraform_remote_state`, `tfe_outputs`
//! or a file, consumed by children elsewhere).

use std::collections::BTreeMap;

use async_trait::async_trait;
use backup_policy::{PolicyDocument, Setting};
use tfplugin::framework::{
    Attribute, Context, DataReadRequest, DataReadResponse, DataSource, Diagnostics, Schema,
};
use tfvalue::{AttributePath, Number, Type, Value};

/// The `backup_policy` data source.
pub struct BackupPolicy;

#[async_trait]
impl DataSource for BackupPolicy {
    fn type_name(&self) -> &'static str {
        "backup_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Reads and verifies a `policy_document` another workspace published, so its apps can be parents here. \
             The document's hash is checked: a document changed after its app wrote it is refused.",
            vec![
                Attribute::string("document").required().description(
                    "The published `policy_document` of an app, e.g. an output read with `terraform_remote_state` \
                     or `tfe_outputs`, or a file. Any JSON formatting of it is accepted; its content must match \
                     its hash.",
                ),
                Attribute::string("expected_app").optional().description(
                    "When set, the document must belong to the app of this name: a guard against wiring the \
                     wrong output.",
                ),
                Attribute::string("id").computed().description("The document's hash."),
                Attribute::string("policy_document").computed().description(
                    "The document in canonical form: pass it as `parent` to a `backup_app` or `backup_child`.",
                ),
                Attribute::string("hash")
                    .computed()
                    .description("SHA-256 of the document's content, as `sha256:<hex>`."),
                Attribute::string("rules_hash").computed().description(
                    "SHA-256 of the effective rules and tags only: equal for two apps exactly when they back \
                     up alike.",
                ),
                Attribute::string("app")
                    .computed()
                    .description("The app the document belongs to."),
                Attribute::typed("lineage", Type::list(Type::String))
                    .computed()
                    .description("App names from the root down to the document's app."),
                Attribute::typed("rule_names", Type::list(Type::String))
                    .computed()
                    .description("Names of the effective rules, sorted."),
                Attribute::typed("retention_days", Type::map(Type::Number))
                    .computed()
                    .description("Effective `retention_days` of each rule, by rule name."),
                Attribute::typed("tags", Type::map(Type::String))
                    .computed()
                    .description("Effective tags."),
                Attribute::number("min_retention_days").computed().description(
                    "The `min_retention_days` guardrail in force; null when no app in the lineage set one.",
                ),
                Attribute::number("max_retention_days").computed().description(
                    "The `max_retention_days` guardrail in force; null when no app in the lineage set one.",
                ),
            ],
        )
    }

    async fn validate(&self, _ctx: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        // A document known at validate time (a literal or a file) is checked here already.
        if let (Some(Value::String(document)), Some(expected)) =
            (config.get("document"), config.get("expected_app"))
        {
            if expected.is_wholly_known() {
                let _ = verify(document, expected.as_str(), diagnostics);
            }
        }
    }

    async fn read(
        &self,
        _ctx: &Context,
        request: &DataReadRequest,
        response: &mut DataReadResponse,
    ) {
        let config = &request.config;
        let document = config
            .get("document")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let expected = config.get("expected_app").and_then(Value::as_str);
        let Some(doc) = verify(document, expected, &mut response.diagnostics) else {
            return;
        };
        response.state = state(config, &doc);
    }
}

/// Parses and checks `document` (hash, format, app); problems are errors at its attribute.
fn verify(
    document: &str,
    expected_app: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> Option<PolicyDocument> {
    let doc = match PolicyDocument::parse(document) {
        Ok(doc) => doc,
        Err(problem) => {
            diagnostics.error_at(
                AttributePath::attr("document"),
                "Invalid policy document",
                // The policy core words its findings for a `parent`; here the document is the input.
                problem
                    .detail
                    .replace("parent's", "the document's")
                    .replace("parent ", "the document "),
            );
            return None;
        }
    };
    if let Some(expected) = expected_app.filter(|e| *e != doc.app()) {
        diagnostics.error_at(
            AttributePath::attr("document"),
            "Policy document of another app",
            format!(
                "The document belongs to app {:?} (lineage {}), but expected_app is {expected:?}.",
                doc.app(),
                doc.lineage().join(" > ")
            ),
        );
        return None;
    }
    Some(doc)
}

/// The data source's state for a verified document.
fn state(config: &Value, doc: &PolicyDocument) -> Value {
    let string = |s: &str| Value::String(s.to_string());
    let strings = |items: Vec<&str>| Value::List(items.into_iter().map(string).collect());
    let bound = |s: &Option<Setting<i64>>| {
        s.as_ref()
            .map_or(Value::Null, |s| Value::Number(Number::from(s.value)))
    };
    let members: BTreeMap<String, Value> = [
        (
            "document",
            config.get("document").cloned().unwrap_or_default(),
        ),
        (
            "expected_app",
            config.get("expected_app").cloned().unwrap_or_default(),
        ),
        ("id", string(doc.hash())),
        ("policy_document", Value::String(doc.to_json())),
        ("hash", string(doc.hash())),
        ("rules_hash", Value::String(doc.rules_hash())),
        ("app", string(doc.app())),
        (
            "lineage",
            strings(doc.lineage().iter().map(String::as_str).collect()),
        ),
        (
            "rule_names",
            strings(doc.rules().keys().map(String::as_str).collect()),
        ),
        (
            "retention_days",
            Value::Map(
                doc.rules()
                    .iter()
                    .map(|(name, rule)| {
                        (
                            name.clone(),
                            Value::Number(Number::from(rule.retention_days)),
                        )
                    })
                    .collect(),
            ),
        ),
        (
            "tags",
            Value::Map(
                doc.tags()
                    .iter()
                    .map(|(k, v)| (k.clone(), string(v)))
                    .collect(),
            ),
        ),
        (
            "min_retention_days",
            bound(&doc.guardrails().min_retention_days),
        ),
        (
            "max_retention_days",
            bound(&doc.guardrails().max_retention_days),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    Value::Object(members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use backup_policy::{AppInput, GuardrailsPatch, RulePatch};

    fn root_document() -> String {
        let mut root = AppInput {
            name: "org-root".into(),
            guardrails: GuardrailsPatch {
                min_retention_days: Some(30),
                ..Default::default()
            },
            ..Default::default()
        };
        root.policy.rules.insert(
            "daily".into(),
            RulePatch {
                schedule: Some("cron(0 5 ? * * *)".into()),
                retention_days: Some(35),
                ..Default::default()
            },
        );
        root.policy.tags.insert("owner".into(), "platform".into());
        backup_policy::evaluate(None, &root).unwrap().to_json()
    }

    fn config(document: &str, expected_app: Option<&str>) -> Value {
        let mut members: BTreeMap<String, Value> = BackupPolicy
            .schema()
            .attributes
            .iter()
            .map(|a| (a.name.clone(), Value::Null))
            .collect();
        members.insert("document".into(), Value::String(document.into()));
        if let Some(app) = expected_app {
            members.insert("expected_app".into(), Value::String(app.into()));
        }
        Value::Object(members)
    }

    async fn read(config: Value) -> DataReadResponse {
        let mut response = DataReadResponse {
            state: config.clone(),
            ..Default::default()
        };
        BackupPolicy
            .read(
                &Context::default(),
                &DataReadRequest { config },
                &mut response,
            )
            .await;
        response
    }

    #[tokio::test]
    async fn a_published_document_is_verified_and_exposed() {
        let document = root_document();
        // Re-formatted JSON (as a JSON round trip through HCL gives) still verifies.
        let pretty = serde_json::to_string_pretty(
            &serde_json::from_str::<serde_json::Value>(&document).unwrap(),
        )
        .unwrap();
        let response = read(config(&pretty, Some("org-root"))).await;
        assert!(
            response.diagnostics.is_empty(),
            "{:?}",
            response.diagnostics
        );
        let state = &response.state;
        assert_eq!(
            state.get("policy_document"),
            Some(&Value::String(document.clone()))
        );
        assert_eq!(state.get("app"), Some(&Value::String("org-root".into())));
        assert_eq!(
            state.get("min_retention_days"),
            Some(&Value::Number(Number::from(30)))
        );
        assert_eq!(state.get("max_retention_days"), Some(&Value::Null));
        let hash = PolicyDocument::parse(&document).unwrap().hash().to_string();
        assert_eq!(state.get("id"), Some(&Value::String(hash)));
        assert!(state.is_wholly_known());
        let ty = BackupPolicy.schema().value_type().clone();
        tfvalue::encode_msgpack(state, &ty).expect("the state fits the schema");
    }

    #[tokio::test]
    async fn a_tampered_document_is_refused_at_its_attribute() {
        let tampered = root_document().replace("\"retention_days\":35", "\"retention_days\":3");
        let response = read(config(&tampered, None)).await;
        let d = response.diagnostics.iter().next().expect("an error");
        assert_eq!(d.path, Some(AttributePath::attr("document")));
        assert!(d.detail.contains("does not match its hash"), "{}", d.detail);
        assert!(
            d.detail.starts_with("the document's content"),
            "{}",
            d.detail
        );
    }

    #[tokio::test]
    async fn another_apps_document_and_garbage_are_refused() {
        let response = read(config(&root_document(), Some("payments"))).await;
        assert!(response
            .diagnostics
            .iter()
            .any(|d| d.summary == "Policy document of another app"));
        let mut diagnostics = Diagnostics::new();
        BackupPolicy
            .validate(&Context::default(), &config("{}", None), &mut diagnostics)
            .await;
        assert!(diagnostics.has_errors());
    }
}
