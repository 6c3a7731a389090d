//! The plan pipeline: defaults, write-only nulling, unknown-marking and plan modifiers,
//! applied in a fixed order before the resource's own plan step.
//!
//! The order copies terraform-plugin-framework's; it is what makes plans predictable.

use tfvalue::{AttributePath, Value};

use super::schema::{Attribute, AttributeKind, Nesting, PlanModifier};

/// What the schema-driven steps decided.
#[derive(Debug, Default)]
pub(crate) struct SchemaPlan {
    /// Paths whose change forces replacement.
    pub(crate) requires_replace: Vec<AttributePath>,
}

/// Runs the schema-driven steps over a whole resource value.
///
/// `planned` starts as Terraform's proposed new state and is changed in place.
pub(crate) fn apply_schema_steps(
    attributes: &[Attribute],
    config: &Value,
    prior: &Value,
    planned: &mut Value,
    write_only_supported: bool,
) -> SchemaPlan {
    let mut out = SchemaPlan::default();
    let creating = prior.is_null();
    // Terraform proposes prior values for computed attributes the config leaves null,
    // so a difference here is a difference the configuration asks for.
    let changed = creating || !planned.equal_semantics(prior);
    let step = Step {
        creating,
        changed,
        write_only_supported,
    };
    step.object(
        attributes,
        config,
        prior,
        planned,
        &AttributePath::root(),
        &mut out,
    );
    out.requires_replace.sort();
    out.requires_replace.dedup();
    out
}

#[derive(Clone, Copy)]
struct Step {
    creating: bool,
    changed: bool,
    write_only_supported: bool,
}

impl Step {
    fn object(
        self,
        attributes: &[Attribute],
        config: &Value,
        prior: &Value,
        planned: &mut Value,
        path: &AttributePath,
        out: &mut SchemaPlan,
    ) {
        let Value::Object(planned_attrs) = planned else {
            return;
        };
        for attribute in attributes {
            let name = attribute.name.as_str();
            let config_value = config.get(name).unwrap_or(&Value::Null);
            let prior_value = prior.get(name).unwrap_or(&Value::Null);
            let Some(planned_value) = planned_attrs.get_mut(name) else {
                continue;
            };
            let attr_path = path.clone().attribute(name);
            self.attribute(
                attribute,
                config_value,
                prior_value,
                planned_value,
                &attr_path,
                out,
            );
        }
    }

    fn attribute(
        self,
        attribute: &Attribute,
        config: &Value,
        prior: &Value,
        planned: &mut Value,
        path: &AttributePath,
        out: &mut SchemaPlan,
    ) {
        if attribute.write_only && self.write_only_supported {
            *planned = Value::Null;
            return;
        }
        if attribute.has_modifier(PlanModifier::FollowConfig) {
            *planned = config.clone();
        } else if config.is_null() {
            if let Some(default) = &attribute.default {
                *planned = default.clone();
            } else if attribute.constraint.is_computed() && self.changed {
                *planned = Value::unknown();
            }
        }
        if planned.is_unknown()
            && config.is_null()
            && attribute.has_modifier(PlanModifier::UseStateForUnknown)
            && !prior.is_null()
            && !prior.is_unknown()
        {
            *planned = prior.clone();
        }
        if let AttributeKind::Nested(nesting, children) = &attribute.kind {
            self.nested(*nesting, children, config, prior, planned, path, out);
        }
        if attribute.has_modifier(PlanModifier::RequiresReplace)
            && !self.creating
            && !planned.equal_semantics(prior)
        {
            out.requires_replace.push(path.clone());
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn nested(
        self,
        nesting: Nesting,
        children: &[Attribute],
        config: &Value,
        prior: &Value,
        planned: &mut Value,
        path: &AttributePath,
        out: &mut SchemaPlan,
    ) {
        match (nesting, planned) {
            (Nesting::Single, planned @ Value::Object(_)) => {
                self.object(children, config, prior, planned, path, out);
            }
            (Nesting::List | Nesting::Set, Value::List(items) | Value::Set(items)) => {
                for (i, item) in items.iter_mut().enumerate() {
                    let config_item = element(config, i);
                    let prior_item = element(prior, i);
                    let item_path = path.clone().index(i as i64);
                    self.object(children, config_item, prior_item, item, &item_path, out);
                }
            }
            (Nesting::Map, Value::Map(items)) => {
                for (key, item) in items.iter_mut() {
                    let config_item = config.get(key).unwrap_or(&Value::Null);
                    let prior_item = prior.get(key).unwrap_or(&Value::Null);
                    let item_path = path.clone().key(key.clone());
                    self.object(children, config_item, prior_item, item, &item_path, out);
                }
            }
            _ => {}
        }
    }
}

fn element(value: &Value, index: usize) -> &Value {
    match value {
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            items.get(index).unwrap_or(&Value::Null)
        }
        _ => &Value::Null,
    }
}

/// Sets every write-only attribute of a value to null, so secrets never reach state.
pub(crate) fn null_write_only(attributes: &[Attribute], value: &mut Value) {
    let Value::Object(map) = value else { return };
    for attribute in attributes {
        let Some(v) = map.get_mut(&attribute.name) else {
            continue;
        };
        if attribute.write_only {
            *v = Value::Null;
            continue;
        }
        if let AttributeKind::Nested(_, children) = &attribute.kind {
            match v {
                Value::Object(_) => null_write_only(children, v),
                Value::List(items) | Value::Set(items) => {
                    items
                        .iter_mut()
                        .for_each(|item| null_write_only(children, item));
                }
                Value::Map(items) => items
                    .values_mut()
                    .for_each(|item| null_write_only(children, item)),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn schema() -> Vec<Attribute> {
        vec![
            Attribute::string("name").required().requires_replace(),
            Attribute::string("note").optional(),
            Attribute::string("id").computed().use_state_for_unknown(),
            Attribute::string("digest").computed(),
            Attribute::bool("force").default_value(false),
            Attribute::string("secret").optional().write_only(),
        ]
    }

    #[test]
    fn create_marks_computed_unknown_and_fills_defaults() {
        let config = obj(&[
            ("name", "a".into()),
            ("note", Value::Null),
            ("id", Value::Null),
            ("digest", Value::Null),
            ("force", Value::Null),
            ("secret", "s3cr3t".into()),
        ]);
        let mut planned = config.clone();
        let out = apply_schema_steps(&schema(), &config, &Value::Null, &mut planned, true);
        assert!(out.requires_replace.is_empty());
        assert!(planned.get("id").unwrap().is_unknown());
        assert!(planned.get("digest").unwrap().is_unknown());
        assert_eq!(planned.get("force"), Some(&Value::Bool(false)));
        assert_eq!(planned.get("secret"), Some(&Value::Null));
    }

    #[test]
    fn update_keeps_stable_computed_and_detects_replace() {
        let prior = obj(&[
            ("name", "a".into()),
            ("note", "x".into()),
            ("id", "id-1".into()),
            ("digest", "d".into()),
            ("force", false.into()),
            ("secret", Value::Null),
        ]);
        let config = obj(&[
            ("name", "b".into()),
            ("note", "x".into()),
            ("id", Value::Null),
            ("digest", Value::Null),
            ("force", Value::Null),
            ("secret", Value::Null),
        ]);
        let mut planned = obj(&[
            ("name", "b".into()),
            ("note", "x".into()),
            ("id", "id-1".into()),
            ("digest", "d".into()),
            ("force", Value::Null),
            ("secret", Value::Null),
        ]);
        let out = apply_schema_steps(&schema(), &config, &prior, &mut planned, true);
        assert_eq!(out.requires_replace, vec![AttributePath::attr("name")]);
        assert_eq!(planned.get("id"), Some(&Value::from("id-1")));
        assert!(planned.get("digest").unwrap().is_unknown());
    }

    #[test]
    fn no_change_keeps_everything_known() {
        let prior = obj(&[
            ("name", "a".into()),
            ("note", Value::Null),
            ("id", "id-1".into()),
            ("digest", "d".into()),
            ("force", false.into()),
            ("secret", Value::Null),
        ]);
        let config = obj(&[
            ("name", "a".into()),
            ("note", Value::Null),
            ("id", Value::Null),
            ("digest", Value::Null),
            ("force", Value::Null),
            ("secret", Value::Null),
        ]);
        let mut planned = prior.clone();
        let out = apply_schema_steps(&schema(), &config, &prior, &mut planned, true);
        assert!(out.requires_replace.is_empty());
        assert_eq!(planned, prior);
    }

    #[test]
    fn follow_config_plans_the_configured_value() {
        let attrs = vec![
            Attribute::string("name").required(),
            Attribute::single_nested("aws", vec![Attribute::string("vault_name").required()])
                .optional_nested(),
        ];
        let prior = obj(&[
            ("name", "a".into()),
            ("aws", obj(&[("vault_name", "v".into())])),
        ]);
        let config = obj(&[("name", "a".into()), ("aws", Value::Null)]);
        // Terraform proposes the prior value for an optional+computed attribute left null.
        let mut planned = prior.clone();
        apply_schema_steps(&attrs, &config, &prior, &mut planned, true);
        assert_eq!(planned.get("aws"), Some(&Value::Null));
        let config = obj(&[
            ("name", "a".into()),
            ("aws", obj(&[("vault_name", "w".into())])),
        ]);
        let mut planned = config.clone();
        apply_schema_steps(&attrs, &config, &Value::Null, &mut planned, true);
        assert_eq!(planned.get("aws"), config.get("aws"));
    }

    #[test]
    fn write_only_is_kept_for_clients_without_support() {
        let config = obj(&[
            ("name", "a".into()),
            ("note", Value::Null),
            ("id", Value::Null),
            ("digest", Value::Null),
            ("force", Value::Null),
            ("secret", "s3cr3t".into()),
        ]);
        let mut planned = config.clone();
        apply_schema_steps(&schema(), &config, &Value::Null, &mut planned, false);
        assert_eq!(planned.get("secret"), Some(&Value::from("s3cr3t")));
    }

    #[test]
    fn nested_write_only_is_nulled() {
        let attrs = vec![Attribute::single_nested(
            "app_service",
            vec![
                Attribute::string("site_id").required(),
                Attribute::string("url").optional().write_only(),
            ],
        )
        .optional()];
        let mut value = obj(&[(
            "app_service",
            obj(&[("site_id", "s".into()), ("url", "https://x?sig=1".into())]),
        )]);
        null_write_only(&attrs, &mut value);
        assert_eq!(
            value.get("app_service").unwrap().get("url"),
            Some(&Value::Null)
        );
    }
}
