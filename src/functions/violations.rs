//! `violations(document, policy)`: every rule or guardrail a policy would break under a parent,
//! as strings, so a `precondition` can require none.

use tfplugin::framework::{Function, FunctionError, Parameter, Signature};
use tfvalue::{Type, Value};

use super::app_argument::{decode_app, members_description};
use super::effective_policy::{describe, parse_document};

/// The `violations` function.
pub struct Violations;

impl Function for Violations {
    fn name(&self) -> &'static str {
        "violations"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![
                Parameter::new("document", Type::String, "The parent app's `policy_document`."),
                Parameter::new(
                    "policy",
                    Type::Dynamic,
                    &format!("The policy to check: {}.", members_description()),
                ),
            ],
            return_type: Type::list(Type::String),
            summary: "What a policy would break under a parent".into(),
            description: "Checks `policy` under the parent `document` as a child app would be checked, and returns \
                          each problem as `<path>: <summary>: <detail>` (paths as in the resources, e.g. \
                          `policy.rules[\"daily\"].retention_days`); an empty list when the policy is valid. An \
                          unreadable or tampered `document` is an error, not a violation."
                .into(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        // The document is checked first, so a tampered one fails instead of reading as a violation.
        parse_document(&arguments[0], 0)?;
        let app = decode_app(&arguments[1], 1)?;
        let problems = match backup_policy::evaluate(arguments[0].as_str(), &app) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(describe).collect(),
        };
        Ok(Value::List(
            problems.into_iter().map(Value::String).collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::test_values::{app, object, root_document};

    fn violations(policy: Value) -> Result<Value, FunctionError> {
        Violations.call(&[Value::String(root_document()), policy])
    }

    #[test]
    fn a_valid_policy_has_none() {
        assert_eq!(
            violations(app("payments", 90, None)),
            Ok(Value::List(vec![]))
        );
    }

    #[test]
    fn each_broken_rule_is_one_string_with_its_path() {
        let result = violations(app("payments", 10, None)).unwrap();
        let Value::List(items) = result else {
            panic!("not a list")
        };
        assert_eq!(items.len(), 1);
        let text = items[0].as_str().unwrap();
        assert!(
            text.starts_with("policy.rules[\"daily\"].retention_days: "),
            "{text}"
        );
        assert!(text.contains("min_retention_days = 30"), "{text}");
        let locked = object(vec![
            ("name", Value::String("payments".into())),
            (
                "rules",
                object(vec![(
                    "daily",
                    object(vec![(
                        "schedule",
                        Value::String("cron(0 6 ? * * *)".into()),
                    )]),
                )]),
            ),
        ]);
        let Value::List(items) = violations(locked).unwrap() else {
            panic!("not a list")
        };
        assert!(items[0].as_str().unwrap().contains("schedule"), "{items:?}");
    }

    #[test]
    fn a_bad_document_or_policy_is_an_error_naming_it() {
        let err = Violations
            .call(&[Value::String("nope".into()), app("payments", 90, None)])
            .unwrap_err();
        assert_eq!(err.argument, Some(0));
        let err = violations(Value::String("nope".into())).unwrap_err();
        assert_eq!(err.argument, Some(1));
    }
}
