//! Configuration from a state, for `terraform query -generate-config-out` and
//! `terraform plan -generate-config-out` (`GenerateResourceConfig`): what a user would write to
//! manage the object, nothing the provider computes.

use std::collections::BTreeMap;

use tfvalue::Value;

use super::schema::{Attribute, AttributeKind, Constraint, Nesting, Schema};

/// The configuration that manages the object in `state`: computed-only, write-only and deprecated
/// attributes are null, as is an optional+computed attribute that holds its default; everything
/// the user writes is kept, inside nested attributes too.
pub fn generate_config(schema: &Schema, state: &Value) -> Value {
    config_of(&schema.attributes, state)
}

fn config_of(attributes: &[Attribute], value: &Value) -> Value {
    let Value::Object(fields) = value else {
        return value.clone();
    };
    let out: BTreeMap<String, Value> = attributes
        .iter()
        .map(|attribute| {
            let field = fields.get(&attribute.name).unwrap_or(&Value::Null);
            (attribute.name.clone(), attribute_config(attribute, field))
        })
        .collect();
    Value::Object(out)
}

fn attribute_config(attribute: &Attribute, value: &Value) -> Value {
    let dropped = attribute.constraint == Constraint::Computed
        || attribute.write_only
        || attribute.deprecation.is_some()
        || attribute.default.as_ref() == Some(value);
    if dropped || value.is_null() {
        return Value::Null;
    }
    match &attribute.kind {
        AttributeKind::Typed(_) => value.clone(),
        AttributeKind::Nested(nesting, children) => nested_config(*nesting, children, value),
        // A shaped value holds only what the user wrote: its absent attributes are left out.
        AttributeKind::Shaped(nesting, children) => {
            without_nulls(nested_config(*nesting, children, value))
        }
    }
}

/// A nested value's configuration: each object through its attributes.
fn nested_config(nesting: Nesting, children: &[Attribute], value: &Value) -> Value {
    let each = |items: &[Value]| items.iter().map(|i| config_of(children, i)).collect();
    let each_entry = |items: &BTreeMap<String, Value>| {
        items
            .iter()
            .map(|(k, i)| (k.clone(), config_of(children, i)))
            .collect()
    };
    match (nesting, value) {
        (Nesting::Single, _) => config_of(children, value),
        (_, Value::List(items)) => Value::List(each(items)),
        (_, Value::Set(items)) => Value::Set(each(items)),
        (_, Value::Tuple(items)) => Value::Tuple(each(items)),
        (_, Value::Map(items)) => Value::Map(each_entry(items)),
        (_, Value::Object(items)) => Value::Object(each_entry(items)),
        (_, other) => other.clone(),
    }
}

/// The value with null object attributes removed, at every depth.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Map(items) => Value::Map(
            items
                .into_iter()
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::List(items) => Value::List(items.into_iter().map(without_nulls).collect()),
        Value::Tuple(items) => Value::Tuple(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object(fields: &[(&str, Value)]) -> Value {
        Value::Object(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    fn schema() -> Schema {
        Schema::new(
            "",
            vec![
                Attribute::string("id").computed(),
                Attribute::string("name").required(),
                Attribute::bool("force").default_value(false),
                Attribute::string("token").optional().write_only(),
                Attribute::string("legacy").optional().deprecated("Gone."),
                Attribute::single_nested(
                    "box",
                    vec![
                        Attribute::string("label").optional(),
                        Attribute::string("arn").computed(),
                    ],
                )
                .optional(),
                Attribute::map_shaped("rules", vec![Attribute::number("days").optional()])
                    .optional(),
            ],
        )
    }

    #[test]
    fn keeps_what_users_write_and_drops_what_the_provider_computes() {
        let state = object(&[
            ("id", Value::from("x")),
            ("name", Value::from("x")),
            ("force", Value::Bool(false)),
            ("token", Value::Null),
            ("legacy", Value::from("old")),
            (
                "box",
                object(&[("label", Value::from("l")), ("arn", Value::from("arn:x"))]),
            ),
            (
                "rules",
                object(&[(
                    "daily",
                    object(&[("days", Value::from(7)), ("extra", Value::Null)]),
                )]),
            ),
        ]);
        let config = generate_config(&schema(), &state);
        assert_eq!(
            config,
            object(&[
                ("id", Value::Null),
                ("name", Value::from("x")),
                ("force", Value::Null),
                ("token", Value::Null),
                ("legacy", Value::Null),
                (
                    "box",
                    object(&[("label", Value::from("l")), ("arn", Value::Null)])
                ),
                (
                    "rules",
                    object(&[("daily", object(&[("days", Value::from(7))]))])
                ),
            ])
        );
        let forced = object(&[("name", Value::from("x")), ("force", Value::Bool(true))]);
        assert_eq!(
            generate_config(&schema(), &forced).get("force"),
            Some(&Value::Bool(true)),
            "a value other than the default is kept"
        );
    }
}
