//! `explain(document, path)`: one value of a `policy_document`, the app that set it and the
//! guardrails that bound it, all read from the document's own provenance.

use backup_policy::{EffectiveGuardrails, PolicyDocument, Setting, RULE_FIELDS};
use serde::Serialize;
use tfplugin::framework::{Function, FunctionError, Parameter, Signature};
use tfvalue::{Type, Value};

use super::effective_policy::parse_document;

/// The `explain` function.
pub struct Explain;

/// What `explain` finds at a path.
struct Explanation {
    value: serde_json::Value,
    set_by: Option<String>,
    tightened_by: Vec<String>,
}

impl Function for Explain {
    fn name(&self) -> &'static str {
        "explain"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![
                Parameter::new("document", Type::String, "An app's `policy_document`."),
                Parameter::new(
                    "path",
                    Type::String,
                    "What to explain: `rules.<rule>`, `rules.<rule>.<field>`, \
                     `rules.<rule>.recovery_point_tags.<key>`, `rules.<rule>.copy_to.<vault_arn>`, `tags.<key>` \
                     or `guardrails.<guardrail>`.",
                ),
            ],
            return_type: result_type(),
            summary: "Where a value of a policy_document comes from".into(),
            description: "Returns an object: `path`; `value`, the effective value as canonical JSON (use \
                          `jsondecode`); `set_by`, the app that set it (`null`: the default); `tightened_by`, the \
                          guardrails that bound it, each as `<guardrail> = <value> (set by <app>)` or `locked by \
                          <app> (<path>)`."
                .into(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let document = parse_document(&arguments[0], 0)?;
        let path = arguments[1].as_str().unwrap_or_default();
        let explanation = explain(&document, path)
            .ok_or_else(|| FunctionError::argument(1, not_found(&document, path)))?;
        Ok(Value::Object(
            [
                ("path".to_string(), Value::String(path.to_string())),
                (
                    "value".to_string(),
                    Value::String(canonical(&explanation.value)),
                ),
                (
                    "set_by".to_string(),
                    explanation.set_by.map_or(Value::Null, Value::String),
                ),
                (
                    "tightened_by".to_string(),
                    Value::List(
                        explanation
                            .tightened_by
                            .into_iter()
                            .map(Value::String)
                            .collect(),
                    ),
                ),
            ]
            .into(),
        ))
    }
}

/// `object({path = string, value = string, set_by = string, tightened_by = list(string)})`.
fn result_type() -> Type {
    Type::object([
        ("path", Type::String),
        ("value", Type::String),
        ("set_by", Type::String),
        ("tightened_by", Type::list(Type::String)),
    ])
}

fn explain(document: &PolicyDocument, path: &str) -> Option<Explanation> {
    if let Some(key) = path.strip_prefix("tags.") {
        let value = document.tags().get(key)?;
        return Some(Explanation {
            value: json(value),
            set_by: document.provenance().tags.get(key).cloned(),
            tightened_by: locks(document.guardrails(), |t| t.covers_tag(key)),
        });
    }
    if let Some(name) = path.strip_prefix("guardrails.") {
        return explain_guardrail(document.guardrails(), name);
    }
    let rest = path.strip_prefix("rules.")?;
    // Rule names may contain dots: the longest rule name the path starts with is the rule.
    let (rule_name, tail) = document
        .rules()
        .keys()
        .filter_map(|name| match rest.strip_prefix(name.as_str()) {
            Some("") => Some((name, "")),
            Some(tail) => tail.strip_prefix('.').map(|t| (name, t)),
            None => None,
        })
        .max_by_key(|(name, _)| name.len())?;
    let rule = &document.rules()[rule_name];
    let provenance = document.provenance().rules.get(rule_name);
    let guardrails = document.guardrails();
    let retention_bounds = || bounds(guardrails);
    if tail.is_empty() {
        return Some(Explanation {
            value: json(rule),
            set_by: provenance.map(|p| p.introduced_by.clone()),
            tightened_by: locks(guardrails, |t| {
                RULE_FIELDS
                    .iter()
                    .any(|f| t.covers_rule_field(rule_name, f))
            }),
        });
    }
    if let Some(key) = tail.strip_prefix("recovery_point_tags.") {
        return Some(Explanation {
            value: json(rule.recovery_point_tags.get(key)?),
            set_by: provenance.and_then(|p| p.recovery_point_tags.get(key).cloned()),
            tightened_by: locks(guardrails, |t| {
                t.covers_rule_field(rule_name, "recovery_point_tags")
            }),
        });
    }
    if let Some(arn) = tail.strip_prefix("copy_to.") {
        let copy = rule.copy_to.iter().find(|c| c.vault_arn == arn)?;
        let mut tightened_by = retention_bounds();
        tightened_by.extend(locks(guardrails, |t| {
            t.covers_rule_field(rule_name, "copy_to")
        }));
        return Some(Explanation {
            value: json(copy),
            set_by: provenance.and_then(|p| p.copy_to.get(arn).map(|c| c.added_by.clone())),
            tightened_by,
        });
    }
    if !RULE_FIELDS.contains(&tail) {
        return None;
    }
    let value = serde_json::to_value(rule)
        .ok()?
        .get(tail)
        .cloned()
        .unwrap_or_default();
    let mut tightened_by = if tail == "retention_days" {
        retention_bounds()
    } else {
        Vec::new()
    };
    tightened_by.extend(locks(guardrails, |t| t.covers_rule_field(rule_name, tail)));
    Some(Explanation {
        value,
        set_by: provenance.and_then(|p| p.field(tail)).map(str::to_string),
        tightened_by,
    })
}

fn explain_guardrail(guardrails: &EffectiveGuardrails, name: &str) -> Option<Explanation> {
    fn setting<T: Serialize>(s: &Option<Setting<T>>) -> Option<Explanation> {
        s.as_ref().map(|s| Explanation {
            value: json(&s.value),
            set_by: Some(s.set_by.clone()),
            tightened_by: Vec::new(),
        })
    }
    match name {
        "min_retention_days" => setting(&guardrails.min_retention_days),
        "max_retention_days" => setting(&guardrails.max_retention_days),
        "require_copy" => setting(&guardrails.require_copy),
        "allow_new_rules" => setting(&guardrails.allow_new_rules),
        "locked" => Some(Explanation {
            value: json(
                &guardrails
                    .locked
                    .iter()
                    .map(|l| &l.path)
                    .collect::<Vec<_>>(),
            ),
            set_by: None,
            tightened_by: locks(guardrails, |_| true),
        }),
        _ => None,
    }
}

/// The retention bounds in force, as `<guardrail> = <value> (set by <app>)`.
fn bounds(guardrails: &EffectiveGuardrails) -> Vec<String> {
    [
        ("min_retention_days", &guardrails.min_retention_days),
        ("max_retention_days", &guardrails.max_retention_days),
    ]
    .into_iter()
    .filter_map(|(name, s)| {
        s.as_ref()
            .map(|s| format!("{name} = {} (set by {})", s.value, s.set_by))
    })
    .collect()
}

/// The locks matching `covers`, as `locked by <app> (<path>)`.
fn locks(
    guardrails: &EffectiveGuardrails,
    covers: impl Fn(&backup_policy::LockTarget) -> bool,
) -> Vec<String> {
    guardrails
        .locked
        .iter()
        .filter(|l| covers(&l.target))
        .map(|l| format!("locked by {} ({})", l.set_by, l.path))
        .collect()
}

fn json<T: Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// Compact JSON with object keys sorted, so equal values give equal strings.
fn canonical(value: &serde_json::Value) -> String {
    fn sorted(value: &serde_json::Value) -> serde_json::Value {
        match value {
            serde_json::Value::Object(map) => {
                let mut keys: Vec<_> = map.keys().collect();
                keys.sort();
                serde_json::Value::Object(
                    keys.into_iter()
                        .map(|k| (k.clone(), sorted(&map[k])))
                        .collect(),
                )
            }
            serde_json::Value::Array(items) => {
                serde_json::Value::Array(items.iter().map(sorted).collect())
            }
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// Why `path` names nothing, with what the document has.
fn not_found(document: &PolicyDocument, path: &str) -> String {
    let rules: Vec<_> = document.rules().keys().map(String::as_str).collect();
    let tags: Vec<_> = document.tags().keys().map(String::as_str).collect();
    format!(
        "{path:?} names nothing in the policy_document of app {:?}. Use rules.<rule>, rules.<rule>.<field> \
         (fields: {}), rules.<rule>.recovery_point_tags.<key>, rules.<rule>.copy_to.<vault_arn>, tags.<key> or \
         guardrails.<guardrail> (min_retention_days, max_retention_days, require_copy, allow_new_rules, locked, \
         when set); its rules: [{}]; its tags: [{}].",
        document.app(),
        RULE_FIELDS.join(", "),
        rules.join(", "),
        tags.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::functions::effective_policy::EffectivePolicy;
    use crate::functions::test_values::{app, root_document};

    fn child_document() -> Value {
        EffectivePolicy
            .call(&[Value::String(root_document()), app("payments", 90, None)])
            .unwrap()
    }

    fn explain_at(path: &str) -> Result<Value, FunctionError> {
        Explain.call(&[child_document(), Value::String(path.into())])
    }

    fn strings(value: &Value) -> Vec<String> {
        match value {
            Value::List(items) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            _ => panic!("not a list: {value:?}"),
        }
    }

    #[test]
    fn a_field_names_its_setter_and_its_bounds() {
        let result = explain_at("rules.daily.retention_days").unwrap();
        assert_eq!(result.get("value").unwrap().as_str(), Some("90"));
        assert_eq!(result.get("set_by").unwrap().as_str(), Some("payments"));
        assert_eq!(
            strings(result.get("tightened_by").unwrap()),
            ["min_retention_days = 30 (set by org-root)"]
        );
        let schedule = explain_at("rules.daily.schedule").unwrap();
        assert_eq!(
            schedule.get("value").unwrap().as_str(),
            Some("\"cron(0 5 ? * * *)\"")
        );
        assert_eq!(schedule.get("set_by").unwrap().as_str(), Some("org-root"));
        assert_eq!(
            strings(schedule.get("tightened_by").unwrap()),
            ["locked by org-root (rules.daily.schedule)"]
        );
    }

    #[test]
    fn tags_guardrails_rules_and_defaults() {
        let tag = explain_at("tags.owner").unwrap();
        assert_eq!(tag.get("value").unwrap().as_str(), Some("\"platform\""));
        let floor = explain_at("guardrails.min_retention_days").unwrap();
        assert_eq!(floor.get("value").unwrap().as_str(), Some("30"));
        assert_eq!(floor.get("set_by").unwrap().as_str(), Some("org-root"));
        let rule = explain_at("rules.daily").unwrap();
        assert!(rule
            .get("value")
            .unwrap()
            .as_str()
            .unwrap()
            .starts_with("{\"completion_window_minutes\":"));
        assert_eq!(rule.get("set_by").unwrap().as_str(), Some("org-root"));
        let default = explain_at("rules.daily.enable_continuous_backup").unwrap();
        assert_eq!(default.get("value").unwrap().as_str(), Some("false"));
        assert_eq!(default.get("set_by"), Some(&Value::Null));
    }

    #[test]
    fn unknown_paths_and_bad_documents_name_their_argument() {
        let err = explain_at("rules.weekly.schedule").unwrap_err();
        assert_eq!(err.argument, Some(1));
        assert!(err.text.contains("its rules: [daily]"), "{}", err.text);
        let err = Explain
            .call(&[
                Value::String("{}".into()),
                Value::String("tags.owner".into()),
            ])
            .unwrap_err();
        assert_eq!(err.argument, Some(0));
    }
}
