//! Computes an app's `policy_document` from its configuration at plan and apply time.

use backup_policy::{AppInput, CloudAnchorsPatch, GuardrailsPatch, PolicyDocument, PolicyPatch};
use tfplugin::framework::{conform, Diagnostic, Diagnostics, Schema};
use tfvalue::Value;

use super::model::decode_attribute;

/// The result of evaluating an app's policy.
#[derive(Debug)]
pub(crate) enum Evaluation {
    /// Some input is not known yet (e.g. the parent's document before the parent is planned).
    Unknown,
    /// The effective policy.
    Known(Box<PolicyDocument>),
    /// The configuration is invalid; diagnostics were added.
    Invalid,
}

impl Evaluation {
    /// The `policy_document` attribute value for this outcome.
    pub(crate) fn document_value(&self) -> Value {
        match self {
            Evaluation::Unknown => Value::unknown(),
            Evaluation::Known(doc) => Value::String(doc.to_json()),
            Evaluation::Invalid => Value::Null,
        }
    }
}

/// Evaluates the configured app (`guardrails` only for `backup_app`) against its parent's document.
pub(crate) fn evaluate(
    schema: &Schema,
    config: &Value,
    anchors: CloudAnchorsPatch,
    diagnostics: &mut Diagnostics,
) -> Evaluation {
    let inputs = ["name", "parent", "policy", "guardrails"];
    if inputs
        .iter()
        .any(|name| config.get(name).is_some_and(|v| !v.is_wholly_known()))
    {
        return Evaluation::Unknown;
    }
    let config = match conform(&schema.attributes, config) {
        Ok(conformed) => conformed,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error("Invalid attribute value", e.message().to_string())
                    .at(e.path().clone()),
            );
            return Evaluation::Invalid;
        }
    };
    let config = &config;
    let name = config
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let parent = config
        .get("parent")
        .and_then(Value::as_str)
        .map(str::to_string);
    let before = diagnostics.has_errors();
    let policy: Option<PolicyPatch> = decode_attribute(config, "policy", diagnostics);
    let guardrails: Option<GuardrailsPatch> = decode_attribute(config, "guardrails", diagnostics);
    let (Some(policy), Some(guardrails)) = (policy, guardrails) else {
        return Evaluation::Invalid;
    };
    let input = AppInput {
        name,
        policy,
        guardrails,
        anchors,
    };
    match backup_policy::evaluate(parent.as_deref(), &input) {
        Ok(document) if !before || !diagnostics.has_errors() => {
            Evaluation::Known(Box::new(document))
        }
        Ok(_) => Evaluation::Invalid,
        Err(problems) => {
            for p in problems {
                diagnostics.push(Diagnostic::error(p.summary, p.detail).at(p.path));
            }
            Evaluation::Invalid
        }
    }
}
