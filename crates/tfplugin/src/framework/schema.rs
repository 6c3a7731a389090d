//! Schemas: what attributes a provider, resource or identity has, and how each behaves.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use tfvalue::{AttributePath, Type, Value};

use super::diagnostics::Diagnostics;

/// Whether the user must, may, or may not set an attribute.
///
/// One enum instead of three booleans makes impossible combinations
/// (required and computed) unrepresentable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Constraint {
    /// The user must set it.
    Required,
    /// The user may set it; the provider never does.
    Optional,
    /// Only the provider sets it.
    Computed,
    /// The user may set it; if not, the provider does.
    OptionalComputed,
}

impl Constraint {
    /// Whether the provider may set the value.
    pub fn is_computed(self) -> bool {
        matches!(self, Constraint::Computed | Constraint::OptionalComputed)
    }
}

/// How a nested attribute holds its objects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// One object.
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects, keyed by the user.
    Map,
}

/// What an attribute holds.
#[derive(Clone, Debug)]
pub enum AttributeKind {
    /// A value of a plain Terraform type.
    Typed(Type),
    /// Objects with their own attributes.
    Nested(Nesting, Vec<Attribute>),
    /// Declared to Terraform as `dynamic`, but expected to hold objects of these attributes.
    ///
    /// For structures Terraform 1.0.x cannot plan as nested attributes (a map of objects
    /// inside a nested attribute crashes its plan check). The framework converts the
    /// configured value to the shape at validate time, with errors at attribute paths,
    /// and [`conform`] gives resources the converted value.
    Shaped(Nesting, Vec<Attribute>),
}

/// A check on one attribute's configured value, run at validate time.
pub trait Validator: Send + Sync {
    /// What a valid value is, in Markdown; used in docs.
    fn description(&self) -> String;
    /// Checks a known, non-null value; adds errors at `path`.
    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics);
}

/// A per-attribute step of the plan pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanModifier {
    /// A change of this attribute needs the object to be replaced.
    RequiresReplace,
    /// A computed value that never changes once set: keep the prior value instead of "known after apply".
    UseStateForUnknown,
    /// The planned value is always the configured one (see [`Attribute::optional_nested`]).
    FollowConfig,
}

/// One attribute of a schema.
#[derive(Clone)]
pub struct Attribute {
    /// Its name.
    pub name: String,
    /// What it holds.
    pub kind: AttributeKind,
    /// Who sets it.
    pub constraint: Constraint,
    /// Markdown description for docs and `terraform providers schema`.
    pub description: String,
    /// Hidden in plan output and logs.
    pub sensitive: bool,
    /// Sent in configuration but never stored in plan or state (Terraform 1.11+).
    pub write_only: bool,
    /// Deprecation message, if deprecated.
    pub deprecation: Option<String>,
    /// Value planned when the user sets none (an optional+computed attribute).
    pub default: Option<Value>,
    /// Validation checks.
    pub validators: Vec<Arc<dyn Validator>>,
    /// Plan steps.
    pub plan_modifiers: Vec<PlanModifier>,
}

impl fmt::Debug for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attribute")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("constraint", &self.constraint)
            .finish_non_exhaustive()
    }
}

impl Attribute {
    fn new(name: &str, kind: AttributeKind) -> Self {
        Self {
            name: name.to_string(),
            kind,
            constraint: Constraint::Optional,
            description: String::new(),
            sensitive: false,
            write_only: false,
            deprecation: None,
            default: None,
            validators: Vec::new(),
            plan_modifiers: Vec::new(),
        }
    }

    /// A `string` attribute.
    pub fn string(name: &str) -> Self {
        Self::new(name, AttributeKind::Typed(Type::String))
    }

    /// A `number` attribute.
    pub fn number(name: &str) -> Self {
        Self::new(name, AttributeKind::Typed(Type::Number))
    }

    /// A `bool` attribute.
    pub fn bool(name: &str) -> Self {
        Self::new(name, AttributeKind::Typed(Type::Bool))
    }

    /// An attribute of any plain type, e.g. `map(string)`.
    pub fn typed(name: &str, ty: Type) -> Self {
        Self::new(name, AttributeKind::Typed(ty))
    }

    /// One nested object.
    pub fn single_nested(name: &str, attributes: Vec<Attribute>) -> Self {
        Self::new(name, AttributeKind::Nested(Nesting::Single, attributes))
    }

    /// A list of nested objects.
    pub fn list_nested(name: &str, attributes: Vec<Attribute>) -> Self {
        Self::new(name, AttributeKind::Nested(Nesting::List, attributes))
    }

    /// A map of nested objects.
    pub fn map_nested(name: &str, attributes: Vec<Attribute>) -> Self {
        Self::new(name, AttributeKind::Nested(Nesting::Map, attributes))
    }

    /// A `dynamic` attribute expected to hold a map of objects of these attributes.
    pub fn map_shaped(name: &str, attributes: Vec<Attribute>) -> Self {
        Self::new(name, AttributeKind::Shaped(Nesting::Map, attributes))
    }

    /// A `dynamic` attribute expected to hold a list of objects of these attributes.
    pub fn list_shaped(name: &str, attributes: Vec<Attribute>) -> Self {
        Self::new(name, AttributeKind::Shaped(Nesting::List, attributes))
    }

    /// Must be set.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.constraint = Constraint::Required;
        self
    }

    /// May be set.
    #[must_use]
    pub fn optional(mut self) -> Self {
        self.constraint = Constraint::Optional;
        self
    }

    /// Set by the provider only.
    #[must_use]
    pub fn computed(mut self) -> Self {
        self.constraint = Constraint::Computed;
        self
    }

    /// An optional nested attribute that works on every Terraform 1.x.
    ///
    /// Terraform 1.0.x's planner panics on a null nested attribute that is not computed
    /// (it descends into the null value). Declaring it optional+computed makes those
    /// versions take the configured value whole; the `FollowConfig` step then plans
    /// exactly the configured value, so users see a plain optional attribute.
    #[must_use]
    pub fn optional_nested(mut self) -> Self {
        self.constraint = Constraint::OptionalComputed;
        self.plan_modifiers.push(PlanModifier::FollowConfig);
        self
    }

    /// Whether users see this as a plain optional attribute (optional, or optional only
    /// for client compatibility).
    pub fn is_user_optional(&self) -> bool {
        self.constraint == Constraint::Optional || self.has_modifier(PlanModifier::FollowConfig)
    }

    /// May be set; otherwise the provider sets it.
    #[must_use]
    pub fn optional_computed(mut self) -> Self {
        self.constraint = Constraint::OptionalComputed;
        self
    }

    /// Markdown description.
    #[must_use]
    pub fn description(mut self, text: &str) -> Self {
        self.description = text.to_string();
        self
    }

    /// Marks the value sensitive.
    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Marks the value write-only (also sensitive, for clients older than 1.11).
    #[must_use]
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self.sensitive = true;
        self
    }

    /// Marks the attribute deprecated with a message saying what to use instead.
    #[must_use]
    pub fn deprecated(mut self, message: &str) -> Self {
        self.deprecation = Some(message.to_string());
        self
    }

    /// The value planned when the user sets none; makes the attribute optional+computed.
    #[must_use]
    pub fn default_value(mut self, value: impl Into<Value>) -> Self {
        self.default = Some(value.into());
        self.constraint = Constraint::OptionalComputed;
        self
    }

    /// Adds a validator.
    #[must_use]
    pub fn validator(mut self, validator: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(validator));
        self
    }

    /// Changing this attribute replaces the object.
    #[must_use]
    pub fn requires_replace(mut self) -> Self {
        self.plan_modifiers.push(PlanModifier::RequiresReplace);
        self
    }

    /// Keeps the prior computed value in plans instead of "known after apply".
    #[must_use]
    pub fn use_state_for_unknown(mut self) -> Self {
        self.plan_modifiers.push(PlanModifier::UseStateForUnknown);
        self
    }

    /// Whether the attribute has the given plan modifier.
    pub fn has_modifier(&self, modifier: PlanModifier) -> bool {
        self.plan_modifiers.contains(&modifier)
    }

    /// The Terraform type of the attribute's value, as declared to Terraform.
    pub fn value_type(&self) -> Type {
        match &self.kind {
            AttributeKind::Typed(ty) => ty.clone(),
            AttributeKind::Nested(nesting, attributes) => nested_type(*nesting, attributes),
            AttributeKind::Shaped(..) => Type::Dynamic,
        }
    }

    /// The type the attribute's value has once conformed: for shaped attributes the
    /// shape's type, otherwise the declared type.
    pub fn shape_type(&self) -> Type {
        match &self.kind {
            AttributeKind::Typed(ty) => ty.clone(),
            AttributeKind::Nested(nesting, attributes) => nested_type(
                *nesting,
                &attributes
                    .iter()
                    .map(|a| (a.name.clone(), a.shape_type()))
                    .collect::<Vec<_>>(),
            ),
            AttributeKind::Shaped(nesting, attributes) => nested_type(
                *nesting,
                &attributes
                    .iter()
                    .map(|a| (a.name.clone(), a.shape_type()))
                    .collect::<Vec<_>>(),
            ),
        }
    }

    /// The nested attributes, for nested and shaped attributes.
    pub fn children(&self) -> Option<&[Attribute]> {
        match &self.kind {
            AttributeKind::Typed(_) => None,
            AttributeKind::Nested(_, children) | AttributeKind::Shaped(_, children) => {
                Some(children)
            }
        }
    }
}

/// The object type of a list of attributes.
pub fn object_type(attributes: &[Attribute]) -> Type {
    Type::object(attributes.iter().map(|a| (a.name.clone(), a.value_type())))
}

/// The type holding objects of these attributes in the given nesting.
fn nested_type<A: NamedType>(nesting: Nesting, attributes: &[A]) -> Type {
    let object = Type::object(attributes.iter().map(NamedType::named_type));
    match nesting {
        Nesting::Single => object,
        Nesting::List => Type::list(object),
        Nesting::Set => Type::set(object),
        Nesting::Map => Type::map(object),
    }
}

/// Something that contributes a named attribute type to an object type.
trait NamedType {
    fn named_type(&self) -> (String, Type);
}

impl NamedType for Attribute {
    fn named_type(&self) -> (String, Type) {
        (self.name.clone(), self.value_type())
    }
}

impl NamedType for (String, Type) {
    fn named_type(&self) -> (String, Type) {
        self.clone()
    }
}

/// A value with every shaped attribute converted to its shape, for resources to decode.
///
/// Errors carry the full path from the value's root.
pub fn conform(attributes: &[Attribute], value: &Value) -> Result<Value, tfvalue::DecodeError> {
    conform_object(attributes, value, &AttributePath::root())
}

fn conform_object(
    attributes: &[Attribute],
    value: &Value,
    path: &AttributePath,
) -> Result<Value, tfvalue::DecodeError> {
    let Value::Object(map) = value else {
        return Ok(value.clone());
    };
    let mut out = map.clone();
    for attribute in attributes {
        let Some(v) = map.get(&attribute.name) else {
            continue;
        };
        let attr_path = path.clone().attribute(attribute.name.clone());
        let conformed = match &attribute.kind {
            AttributeKind::Typed(_) => continue,
            AttributeKind::Shaped(..) => {
                tfvalue::convert(v, &attribute.shape_type()).map_err(|e| {
                    tfvalue::DecodeError::new(attr_path.clone().join(e.path()), e.message())
                })?
            }
            AttributeKind::Nested(Nesting::Single, children) => {
                conform_object(children, v, &attr_path)?
            }
            AttributeKind::Nested(_, children) => match v {
                Value::List(items) | Value::Set(items) => Value::List(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| {
                            conform_object(children, item, &attr_path.clone().index(i as i64))
                        })
                        .collect::<Result<_, _>>()?,
                ),
                Value::Map(items) => Value::Map(
                    items
                        .iter()
                        .map(|(k, item)| {
                            Ok((
                                k.clone(),
                                conform_object(children, item, &attr_path.clone().key(k.clone()))?,
                            ))
                        })
                        .collect::<Result<_, tfvalue::DecodeError>>()?,
                ),
                other => other.clone(),
            },
        };
        out.insert(attribute.name.clone(), conformed);
    }
    Ok(Value::Object(out))
}

/// A resource's, provider's or identity's schema.
#[derive(Clone, Debug, Default)]
pub struct Schema {
    /// Schema version, bumped when stored state must be upgraded.
    pub version: i64,
    /// Markdown description.
    pub description: String,
    /// Deprecation message.
    pub deprecation: Option<String>,
    /// The top-level attributes.
    pub attributes: Vec<Attribute>,
    /// [`Schema::value_type`], computed on first use: every RPC decodes with it, and building
    /// the type tree each time was a measurable share of a plan. Taken after construction, so
    /// `attributes` must not change once the schema is served.
    value_type: std::sync::OnceLock<Type>,
}

impl Schema {
    /// A schema of the given attributes, version 0.
    pub fn new(description: &str, attributes: Vec<Attribute>) -> Self {
        Self {
            version: 0,
            description: description.to_string(),
            deprecation: None,
            attributes,
            value_type: std::sync::OnceLock::new(),
        }
    }

    /// The same schema with another version.
    #[must_use]
    pub fn with_version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }

    /// The object type of a whole value of this schema.
    pub fn value_type(&self) -> &Type {
        self.value_type
            .get_or_init(|| object_type(&self.attributes))
    }

    /// The attribute at a top-level name.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Every attribute with its path (map and list elements are not expanded), depth first.
    pub fn walk(&self) -> Vec<(AttributePath, &Attribute)> {
        let mut out = Vec::new();
        walk_into(&AttributePath::root(), &self.attributes, &mut out);
        out
    }
}

fn walk_into<'a>(
    base: &AttributePath,
    attributes: &'a [Attribute],
    out: &mut Vec<(AttributePath, &'a Attribute)>,
) {
    for attribute in attributes {
        let path = base.clone().attribute(attribute.name.clone());
        out.push((path.clone(), attribute));
        if let Some(children) = attribute.children() {
            walk_into(&path, children, out);
        }
    }
}

/// A null object of the given attributes: every attribute present and null.
pub fn null_object(attributes: &[Attribute]) -> Value {
    Value::Object(
        attributes
            .iter()
            .map(|a| (a.name.clone(), Value::Null))
            .collect::<BTreeMap<_, _>>(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_types_follow_nesting() {
        let rules = Attribute::map_nested(
            "rules",
            vec![Attribute::number("retention_days").required()],
        );
        assert_eq!(
            rules.value_type(),
            Type::map(Type::object([("retention_days", Type::Number)]))
        );
        let schema = Schema::new(
            "x",
            vec![Attribute::single_nested("policy", vec![rules]).optional()],
        );
        let paths: Vec<String> = schema.walk().iter().map(|(p, _)| p.to_string()).collect();
        assert_eq!(
            paths,
            ["policy", "policy.rules", "policy.rules.retention_days"]
        );
    }

    #[test]
    fn write_only_implies_sensitive_and_default_implies_computed() {
        let a = Attribute::string("secret").optional().write_only();
        assert!(a.sensitive && a.write_only);
        let b = Attribute::bool("force_destroy").default_value(false);
        assert_eq!(b.constraint, Constraint::OptionalComputed);
    }
}
