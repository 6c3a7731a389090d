//! The `policy` argument the functions take: an app as `backup_app` states it, in one object.
//!
//! `{ name, rules, tags, guardrails }`: `rules` and `tags` as in the resources' `policy`,
//! `guardrails` as in `backup_app`'s, `name` the app name provenance records (default
//! [`DEFAULT_NAME`]). The shapes and checks come from `backup_app`'s schema, so the functions
//! accept exactly what the resources accept.

use backup_policy::{AppInput, GuardrailsPatch, PolicyPatch};
use serde::de::DeserializeOwned;
use tfplugin::framework::{
    Attribute, AttributeKind, Diagnostics, FunctionError, Nesting, Resource,
};
use tfvalue::{AttributePath, Type, Value};

use crate::resources::BackupApp;

/// The app name used when the argument sets none.
pub(crate) const DEFAULT_NAME: &str = "function";

/// The attributes of the argument object, taken from `backup_app`'s schema.
fn attributes() -> Vec<Attribute> {
    let schema = BackupApp.schema();
    let find = |name: &str| schema.attributes.iter().find(|a| a.name == name).cloned();
    let mut attributes = vec![Attribute::string("name")];
    if let Some(policy) = find("policy") {
        attributes.extend(policy.children().unwrap_or_default().iter().cloned());
    }
    attributes.extend(find("guardrails"));
    attributes
}

/// The Markdown list of the argument's members, for the functions' docs.
pub(crate) fn members_description() -> String {
    "an object `{ name, rules, tags, guardrails }`: `rules` and `tags` as in a resource's `policy`, \
     `guardrails` as in `backup_app`, `name` the app name recorded in provenance (default `\"function\"`); \
     every member is optional"
        .to_string()
}

/// Decodes argument `index` into an app, or a function error naming that argument and the
/// place inside it.
pub(crate) fn decode_app(value: &Value, index: usize) -> Result<AppInput, FunctionError> {
    let attributes = attributes();
    let ty = Type::object(attributes.iter().map(|a| (a.name.clone(), a.shape_type())));
    let converted = tfvalue::convert(value, &ty)
        .map_err(|e| FunctionError::argument(index, at(e.path(), e.message())))?;
    let mut diagnostics = Diagnostics::new();
    check(
        &attributes,
        &converted,
        &AttributePath::root(),
        &mut diagnostics,
    );
    if let Some(d) = diagnostics.iter().find(|d| d.is_error()) {
        let path = d.path.clone().unwrap_or_else(AttributePath::root);
        return Err(FunctionError::argument(
            index,
            at(&path, &format!("{}: {}", d.summary, d.detail)),
        ));
    }
    let name = match converted.get("name") {
        Some(Value::String(name)) => name.clone(),
        _ => DEFAULT_NAME.to_string(),
    };
    let policy_members = ["rules", "tags"].map(|m| {
        (
            m.to_string(),
            converted.get(m).cloned().unwrap_or(Value::Null),
        )
    });
    let policy: PolicyPatch = decode_member(
        &Value::Object(policy_members.into_iter().collect()),
        index,
        "",
    )?;
    let guardrails: GuardrailsPatch = match converted.get("guardrails") {
        Some(g) if !g.is_null() => decode_member(g, index, "guardrails")?,
        _ => GuardrailsPatch::default(),
    };
    Ok(AppInput {
        name,
        policy,
        guardrails,
        ..Default::default()
    })
}

/// Decodes an object member, nulls meaning "not set".
fn decode_member<T: DeserializeOwned>(
    value: &Value,
    index: usize,
    name: &str,
) -> Result<T, FunctionError> {
    let set = match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    };
    tfvalue::from_value(&set).map_err(|e| {
        let path = if name.is_empty() {
            e.path().clone()
        } else {
            AttributePath::attr(name).join(e.path())
        };
        FunctionError::argument(index, at(&path, e.message()))
    })
}

/// Runs the schema's validators on every known value, as the resources' validation does.
fn check(
    attributes: &[Attribute],
    value: &Value,
    path: &AttributePath,
    diagnostics: &mut Diagnostics,
) {
    for attribute in attributes {
        let Some(v) = value.get(&attribute.name).filter(|v| !v.is_null()) else {
            continue;
        };
        let path = path.clone().attribute(attribute.name.clone());
        for validator in &attribute.validators {
            validator.validate(&path, v, diagnostics);
        }
        let (AttributeKind::Nested(nesting, children) | AttributeKind::Shaped(nesting, children)) =
            &attribute.kind
        else {
            continue;
        };
        match (nesting, v) {
            (Nesting::Single, _) => check(children, v, &path, diagnostics),
            (Nesting::Map, Value::Map(items) | Value::Object(items)) => {
                for (key, item) in items {
                    check(children, item, &path.clone().key(key.clone()), diagnostics);
                }
            }
            (_, Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
                for (i, item) in items.iter().enumerate() {
                    check(children, item, &path.clone().index(i as i64), diagnostics);
                }
            }
            _ => {}
        }
    }
}

/// `text`, prefixed with the place in the argument when there is one.
fn at(path: &AttributePath, text: &str) -> String {
    if path.is_root() {
        text.to_string()
    } else {
        format!("{path}: {text}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tfvalue::Number;

    fn object(members: Vec<(&str, Value)>) -> Value {
        Value::Object(
            members
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    fn daily(retention: i64) -> Value {
        object(vec![(
            "daily",
            object(vec![
                ("schedule", Value::String("cron(0 5 ? * * *)".into())),
                ("retention_days", Value::Number(Number::from(retention))),
            ]),
        )])
    }

    #[test]
    fn decodes_rules_tags_guardrails_and_name() {
        let value = object(vec![
            ("name", Value::String("root".into())),
            ("rules", daily(35)),
            (
                "tags",
                object(vec![("owner", Value::String("platform".into()))]),
            ),
            (
                "guardrails",
                object(vec![(
                    "min_retention_days",
                    Value::Number(Number::from(30)),
                )]),
            ),
        ]);
        let app = decode_app(&value, 1).unwrap();
        assert_eq!(app.name, "root");
        assert_eq!(app.policy.rules["daily"].retention_days, Some(35));
        assert_eq!(app.policy.tags["owner"], "platform");
        assert_eq!(app.guardrails.min_retention_days, Some(30));
    }

    #[test]
    fn everything_is_optional() {
        let app = decode_app(&object(vec![]), 1).unwrap();
        assert_eq!(app.name, DEFAULT_NAME);
        assert!(app.policy.rules.is_empty() && app.guardrails == GuardrailsPatch::default());
    }

    #[test]
    fn errors_name_the_argument_and_the_place() {
        let unknown_member = decode_app(&object(vec![("rulez", daily(35))]), 1).unwrap_err();
        assert_eq!(unknown_member.argument, Some(1));
        assert!(
            unknown_member.text.contains("rulez"),
            "{}",
            unknown_member.text
        );
        let out_of_range = decode_app(&object(vec![("rules", daily(0))]), 1).unwrap_err();
        assert_eq!(out_of_range.argument, Some(1));
        assert!(
            out_of_range
                .text
                .starts_with("rules[\"daily\"].retention_days: "),
            "{}",
            out_of_range.text
        );
        let not_object = decode_app(&Value::String("x".into()), 2).unwrap_err();
        assert_eq!(not_object.argument, Some(2));
    }
}
