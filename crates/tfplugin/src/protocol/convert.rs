//! Pure conversions between framework types and protocol messages.
//!
//! Nothing here does I/O; proto types stop at this module.

use tfvalue::{AttributePath, PathStep, Type, Value};

use super::proto::tfplugin6 as pb;
use crate::framework::{
    Attribute, AttributeKind, Constraint, DeferredReason, Diagnostic, Diagnostics, FunctionError,
    Nesting, Parameter, Schema, Severity, Signature,
};

/// Decodes a DynamicValue against a type; an absent value is null.
pub(crate) fn decode_dynamic(
    value: Option<&pb::DynamicValue>,
    ty: &Type,
    what: &str,
) -> Result<Value, Diagnostic> {
    let Some(value) = value else {
        return Ok(Value::Null);
    };
    let decoded = if !value.msgpack.is_empty() {
        tfvalue::decode_msgpack(&value.msgpack, ty).map_err(|e| e.to_string())
    } else if !value.json.is_empty() {
        tfvalue::decode_json(&value.json, ty).map_err(|e| e.to_string())
    } else {
        Ok(Value::Null)
    };
    decoded.map_err(|problem| {
        Diagnostic::error(
            format!("Malformed {what}"),
            format!("Terraform sent a {what} this provider could not decode: {problem}"),
        )
    })
}

/// Encodes a value as msgpack DynamicValue.
pub(crate) fn encode_dynamic(
    value: &Value,
    ty: &Type,
    what: &str,
) -> Result<pb::DynamicValue, Diagnostic> {
    tfvalue::encode_msgpack(value, ty)
        .map(|msgpack| pb::DynamicValue { msgpack, json: Vec::new() })
        .map_err(|e| {
            Diagnostic::error(
                format!("Could not encode {what}"),
                format!("The provider produced a {what} that does not fit its schema: {e}. This is a provider bug."),
            )
        })
}

/// The JSON bytes of stored state (`null` when absent); the legacy flatmap form is refused.
pub(crate) fn raw_state_bytes(raw: Option<&pb::RawState>) -> Result<&[u8], Diagnostic> {
    match raw {
        Some(raw) if !raw.json.is_empty() => Ok(raw.json.as_slice()),
        Some(raw) if !raw.flatmap.is_empty() => Err(Diagnostic::error(
            "Unsupported state format",
            "This state is in the legacy flatmap format of Terraform 0.11 and older, which this provider never wrote.",
        )),
        _ => Ok(b"null".as_slice()),
    }
}

/// Stored state parsed as JSON.
pub(crate) fn raw_state_json(raw: Option<&pb::RawState>) -> Result<serde_json::Value, Diagnostic> {
    serde_json::from_slice(raw_state_bytes(raw)?).map_err(|e| {
        Diagnostic::error(
            "Malformed stored state",
            format!("The stored state is not valid JSON: {e}"),
        )
    })
}

/// A framework attribute path as a protocol path.
pub(crate) fn path_to_proto(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    let steps = path
        .steps()
        .iter()
        .map(|step| pb::attribute_path::Step {
            selector: Some(match step {
                PathStep::Attribute(name) => Selector::AttributeName(name.clone()),
                PathStep::Key(key) => Selector::ElementKeyString(key.clone()),
                PathStep::Index(i) => Selector::ElementKeyInt(*i),
            }),
        })
        .collect();
    pb::AttributePath { steps }
}

/// A protocol path as a framework path (steps without a selector are skipped).
#[cfg(test)]
fn path_from_proto(path: &pb::AttributePath) -> AttributePath {
    use pb::attribute_path::step::Selector;
    path.steps
        .iter()
        .filter_map(|s| s.selector.as_ref())
        .map(|s| match s {
            Selector::AttributeName(n) => PathStep::Attribute(n.clone()),
            Selector::ElementKeyString(k) => PathStep::Key(k.clone()),
            Selector::ElementKeyInt(i) => PathStep::Index(*i),
        })
        .collect::<Vec<_>>()
        .into()
}

/// Diagnostics as protocol diagnostics.
pub(crate) fn diagnostics_to_proto(diagnostics: &Diagnostics) -> Vec<pb::Diagnostic> {
    diagnostics.iter().map(diagnostic_to_proto).collect()
}

/// The detail, naming the attribute path when it reaches inside an attribute.
///
/// Terraform points at the attribute's source, but for a place inside a nested value
/// (`policy.rules["daily"].retention_days`) it can only underline the whole outer
/// attribute, so the path is spelled out.
fn detail_with_path(d: &Diagnostic) -> String {
    match &d.path {
        Some(path) if path.steps().len() > 1 && !d.detail.contains(&path.to_string()) => {
            format!("{}\n\nAttribute: {path}", d.detail)
        }
        _ => d.detail.clone(),
    }
}

fn diagnostic_to_proto(d: &Diagnostic) -> pb::Diagnostic {
    pb::Diagnostic {
        severity: match d.severity {
            Severity::Error => pb::diagnostic::Severity::Error as i32,
            Severity::Warning => pb::diagnostic::Severity::Warning as i32,
        },
        summary: d.summary.clone(),
        detail: detail_with_path(d),
        attribute: d.path.as_ref().filter(|p| !p.is_root()).map(path_to_proto),
    }
}

/// A framework schema as a protocol schema.
pub(crate) fn schema_to_proto(schema: &Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(pb::schema::Block {
            version: schema.version,
            attributes: schema.attributes.iter().map(attribute_to_proto).collect(),
            block_types: Vec::new(),
            description: schema.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: schema.deprecation.is_some(),
            deprecation_message: schema.deprecation.clone().unwrap_or_default(),
        }),
    }
}

fn attribute_to_proto(attribute: &Attribute) -> pb::schema::Attribute {
    let (ty, nested_type) = match &attribute.kind {
        AttributeKind::Typed(_) | AttributeKind::Shaped(..) => {
            (type_bytes(&attribute.value_type()), None)
        }
        AttributeKind::Nested(nesting, children) => {
            use pb::schema::object::NestingMode;
            let mode = match nesting {
                Nesting::Single => NestingMode::Single,
                Nesting::List => NestingMode::List,
                Nesting::Set => NestingMode::Set,
                Nesting::Map => NestingMode::Map,
            };
            #[allow(deprecated)]
            let object = pb::schema::Object {
                attributes: children.iter().map(attribute_to_proto).collect(),
                nesting: mode as i32,
                min_items: 0,
                max_items: 0,
            };
            (Vec::new(), Some(object))
        }
    };
    pb::schema::Attribute {
        name: attribute.name.clone(),
        r#type: ty,
        nested_type,
        description: attribute.description.clone(),
        required: attribute.constraint == Constraint::Required,
        optional: matches!(
            attribute.constraint,
            Constraint::Optional | Constraint::OptionalComputed
        ),
        computed: attribute.constraint.is_computed(),
        sensitive: attribute.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: attribute.deprecation.is_some(),
        write_only: attribute.write_only,
        deprecation_message: attribute.deprecation.clone().unwrap_or_default(),
    }
}

/// An identity schema in the protocol's own identity shape.
pub(crate) fn identity_schema_to_proto(schema: &Schema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: schema.version,
        identity_attributes: schema
            .attributes
            .iter()
            .map(|a| pb::resource_identity_schema::IdentityAttribute {
                name: a.name.clone(),
                r#type: type_bytes(&a.value_type()),
                required_for_import: a.constraint == Constraint::Required,
                optional_for_import: a.constraint != Constraint::Required,
                description: a.description.clone(),
            })
            .collect(),
    }
}

/// A function signature as the protocol's function definition.
pub(crate) fn function_to_proto(signature: &Signature) -> pb::Function {
    let parameter = |p: &Parameter| pb::function::Parameter {
        name: p.name.clone(),
        r#type: type_bytes(&p.ty),
        allow_null_value: p.allow_null,
        allow_unknown_values: false,
        description: p.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
    };
    pb::Function {
        parameters: signature.parameters.iter().map(parameter).collect(),
        variadic_parameter: None,
        r#return: Some(pb::function::Return {
            r#type: type_bytes(&signature.return_type),
        }),
        summary: signature.summary.clone(),
        description: signature.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: String::new(),
    }
}

/// A function error as the protocol carries it.
pub(crate) fn function_error_to_proto(error: &FunctionError) -> pb::FunctionError {
    pb::FunctionError {
        // Terraform ends the sentence itself ("Invalid value for ... parameter: TEXT.").
        text: error.text.trim_end_matches('.').to_string(),
        function_argument: error.argument.map(|i| i as i64),
    }
}

/// A deferral reason as the protocol's `Deferred`.
pub(crate) fn deferred_to_proto(reason: DeferredReason) -> pb::Deferred {
    let reason = match reason {
        DeferredReason::ConfigUnknown => pb::deferred::Reason::ResourceConfigUnknown,
        DeferredReason::ProviderConfigUnknown => pb::deferred::Reason::ProviderConfigUnknown,
    };
    pb::Deferred {
        reason: reason as i32,
    }
}

/// A type as the compact JSON bytes the protocol carries.
pub(crate) fn type_bytes(ty: &Type) -> Vec<u8> {
    ty.to_json().to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip() {
        let path = AttributePath::attr("policy")
            .attribute("rules")
            .key("daily")
            .attribute("copy_to")
            .index(2);
        assert_eq!(path_from_proto(&path_to_proto(&path)), path);
    }

    #[test]
    fn schema_flags_follow_constraint() {
        let schema = Schema::new(
            "d",
            vec![
                Attribute::string("a").required(),
                Attribute::string("b").optional_computed(),
                Attribute::string("c").computed(),
                Attribute::string("s").optional().write_only(),
                Attribute::single_nested("n", vec![Attribute::number("x").optional()]).optional(),
            ],
        );
        let block = schema_to_proto(&schema).block.unwrap();
        let flags: Vec<_> = block
            .attributes
            .iter()
            .map(|a| (a.required, a.optional, a.computed))
            .collect();
        assert_eq!(
            flags,
            vec![
                (true, false, false),
                (false, true, true),
                (false, false, true),
                (false, true, false),
                (false, true, false)
            ]
        );
        assert!(block.attributes[3].write_only && block.attributes[3].sensitive);
        assert_eq!(block.attributes[0].r#type, b"\"string\"");
        assert!(block.attributes[4].r#type.is_empty() && block.attributes[4].nested_type.is_some());
    }

    #[test]
    fn malformed_dynamic_value_is_a_diagnostic() {
        let bad = pb::DynamicValue {
            msgpack: vec![0xc1, 0xff, 0x00],
            json: Vec::new(),
        };
        let err = decode_dynamic(
            Some(&bad),
            &Type::object([("a", Type::String)]),
            "configuration",
        )
        .unwrap_err();
        assert!(err.is_error());
        assert!(err.summary.contains("Malformed configuration"));
    }
}
