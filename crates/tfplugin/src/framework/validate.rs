//! Schema-driven validation of a configuration: validators and deprecations.

use tfvalue::{AttributePath, Value};

use super::diagnostics::{Diagnostic, Diagnostics};
use super::schema::{Attribute, AttributeKind};

/// Runs every attribute's validators on known values and warns on deprecated attributes that are set.
pub(crate) fn validate_config(
    attributes: &[Attribute],
    config: &Value,
    diagnostics: &mut Diagnostics,
) {
    validate_object(attributes, config, &AttributePath::root(), diagnostics);
}

fn validate_object(
    attributes: &[Attribute],
    config: &Value,
    path: &AttributePath,
    diagnostics: &mut Diagnostics,
) {
    for attribute in attributes {
        let Some(value) = config.get(&attribute.name) else {
            continue;
        };
        let attr_path = path.clone().attribute(attribute.name.clone());
        if value.is_null() {
            continue;
        }
        if let Some(message) = &attribute.deprecation {
            diagnostics.push(
                Diagnostic::warning("Deprecated attribute", message.clone()).at(attr_path.clone()),
            );
        }
        if value.is_unknown() {
            continue;
        }
        for validator in &attribute.validators {
            validator.validate(&attr_path, value, diagnostics);
        }
        let converted;
        let (children, value) = match &attribute.kind {
            AttributeKind::Typed(_) => continue,
            AttributeKind::Nested(_, children) => (children, value),
            AttributeKind::Shaped(_, children) => {
                match tfvalue::convert(value, &attribute.shape_type()) {
                    Ok(v) => {
                        converted = v;
                        (children, &converted)
                    }
                    Err(e) => {
                        diagnostics.push(
                            Diagnostic::error("Invalid attribute value", e.message().to_string())
                                .at(attr_path.clone().join(e.path())),
                        );
                        continue;
                    }
                }
            }
        };
        match value {
            Value::Object(_) => validate_object(children, value, &attr_path, diagnostics),
            Value::List(items) | Value::Set(items) => {
                for (i, item) in items.iter().enumerate() {
                    validate_object(
                        children,
                        item,
                        &attr_path.clone().index(i as i64),
                        diagnostics,
                    );
                }
            }
            Value::Map(items) => {
                for (key, item) in items {
                    validate_object(
                        children,
                        item,
                        &attr_path.clone().key(key.clone()),
                        diagnostics,
                    );
                }
            }
            _ => {}
        }
    }
}
