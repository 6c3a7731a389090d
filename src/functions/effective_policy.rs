//! `effective_policy(parent_document, policy)`: the `policy_document` an app with this policy
//! would publish under that parent, by the same merge the resources run.

use backup_policy::{PolicyDiagnostic, PolicyDocument};
use tfplugin::framework::{Function, FunctionError, Parameter, Signature};
use tfvalue::{Type, Value};

use super::app_argument::{decode_app, members_description};

/// The `effective_policy` function.
pub struct EffectivePolicy;

impl Function for EffectivePolicy {
    fn name(&self) -> &'static str {
        "effective_policy"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![
                Parameter::new(
                    "parent_document",
                    Type::String,
                    "The parent app's `policy_document`; `null` for a root app.",
                )
                .nullable(),
                Parameter::new(
                    "policy",
                    Type::Dynamic,
                    &format!("The app's own policy: {}.", members_description()),
                ),
            ],
            return_type: Type::String,
            summary: "The policy_document an app with this policy would publish".into(),
            description: "Merges `policy` into the parent's effective policy exactly as `backup_app` and \
                          `backup_child` do (guardrails checked, provenance recorded) and returns the canonical \
                          `policy_document` JSON, hash included. A policy that breaks a rule or guardrail is an \
                          error naming the argument and the place in it."
                .into(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let parent = arguments[0].as_str();
        let app = decode_app(&arguments[1], 1)?;
        backup_policy::evaluate(parent, &app)
            .map(|document| Value::String(document.to_json()))
            .map_err(|problems| problems_error(&problems))
    }
}

/// The error for a failed evaluation: at the parent document when that is what failed
/// (unreadable or tampered), else at the policy.
pub(super) fn problems_error(problems: &[PolicyDiagnostic]) -> FunctionError {
    let index = if problems.iter().any(|p| p.path.to_string() == "parent") {
        0
    } else {
        1
    };
    let text = problems.iter().map(describe).collect::<Vec<_>>().join("; ");
    FunctionError::argument(index, text)
}

/// One problem as a line: where (in the resources' terms), what, and why.
pub(super) fn describe(problem: &PolicyDiagnostic) -> String {
    problem.to_string()
}

/// Reads the document argument at `index`, hash checked.
pub(super) fn parse_document(value: &Value, index: usize) -> Result<PolicyDocument, FunctionError> {
    let json = value.as_str().unwrap_or_default();
    PolicyDocument::parse(json).map_err(|p| {
        FunctionError::argument(
            index,
            format!(
                "{}: {}",
                p.summary,
                p.detail.replacen("parent", "the document", 1)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::test_values::{app, root_document};

    #[test]
    fn a_root_policy_gives_its_canonical_document() {
        let result = EffectivePolicy
            .call(&[
                Value::Null,
                app("org-root", 35, Some("rules.daily.schedule")),
            ])
            .unwrap();
        let json = result.as_str().unwrap();
        let document = PolicyDocument::parse(json).unwrap();
        assert_eq!(document.app(), "org-root");
        assert_eq!(document.rules()["daily"].retention_days, 35);
        assert_eq!(json, root_document());
    }

    #[test]
    fn a_child_merges_under_its_parent_with_provenance() {
        let parent = Value::String(root_document());
        let result = EffectivePolicy
            .call(&[parent, app("payments", 90, None)])
            .unwrap();
        let document = PolicyDocument::parse(result.as_str().unwrap()).unwrap();
        assert_eq!(document.lineage(), ["org-root", "payments"]);
        let daily = &document.provenance().rules["daily"];
        assert_eq!(daily.field("retention_days"), Some("payments"));
        assert_eq!(daily.field("schedule"), Some("org-root"));
    }

    #[test]
    fn errors_name_the_argument_at_fault() {
        let tampered = Value::String(
            root_document().replace("\"retention_days\":35", "\"retention_days\":36"),
        );
        let err = EffectivePolicy
            .call(&[tampered, app("payments", 90, None)])
            .unwrap_err();
        assert_eq!(err.argument, Some(0));
        assert!(err.text.contains("hash"), "{}", err.text);
        let below = EffectivePolicy
            .call(&[Value::String(root_document()), app("payments", 10, None)])
            .unwrap_err();
        assert_eq!(below.argument, Some(1));
        assert!(below.text.contains("min_retention_days"), "{}", below.text);
    }
}
