//! Operations on values: semantic equality, path lookup, implied types.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::path::{AttributePath, PathStep};
use crate::types::Type;
use crate::value::Value;

impl Value {
    /// Whether two values mean the same thing.
    ///
    /// Sets compare regardless of element order (and of repeated elements),
    /// numbers compare by value, a [`Value::Dynamic`] compares by its type and
    /// inner value (or by its inner value against a bare value), and the
    /// variants that encode alike compare alike (`List` with `Tuple`, `Map` with
    /// `Object`). Unknowns are equal when their refinements are; null only
    /// equals null.
    pub fn equal_semantics(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Dynamic(t1, v1), Value::Dynamic(t2, v2)) => t1 == t2 && v1.equal_semantics(v2),
            (Value::Dynamic(_, v), o) | (o, Value::Dynamic(_, v)) => v.equal_semantics(o),
            (Value::Null, Value::Null) => true,
            (Value::Unknown(r1), Value::Unknown(r2)) => r1 == r2,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a.cmp_numeric(b) == Ordering::Equal,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Set(a), Value::Set(b) | Value::List(b)) | (Value::List(a), Value::Set(b)) => {
                let contains =
                    |set: &[Value], item: &Value| set.iter().any(|x| x.equal_semantics(item));
                a.iter().all(|x| contains(b, x)) && b.iter().all(|x| contains(a, x))
            }
            (Value::List(a) | Value::Tuple(a), Value::List(b) | Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.equal_semantics(y))
            }
            (Value::Map(a) | Value::Object(a), Value::Map(b) | Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .all(|(k, x)| b.get(k).is_some_and(|y| x.equal_semantics(y)))
            }
            _ => false,
        }
    }

    /// The value at `path`, if every step exists (null and unknown values have no parts).
    ///
    /// Attribute and key steps both look into objects and maps; index steps look
    /// into lists and tuples, and into sets by their current element order (the
    /// order the codecs report set elements in).
    pub fn get_path(&self, path: &AttributePath) -> Option<&Value> {
        path.steps()
            .iter()
            .try_fold(self, |value, step| value.step(step))
    }

    /// Mutable access to the value at `path` (see [`Value::get_path`]).
    pub fn get_path_mut(&mut self, path: &AttributePath) -> Option<&mut Value> {
        path.steps()
            .iter()
            .try_fold(self, |value, step| value.step_mut(step))
    }

    fn step(&self, step: &PathStep) -> Option<&Value> {
        match (self, step) {
            (Value::Dynamic(_, inner), _) => inner.step(step),
            (Value::Object(m) | Value::Map(m), PathStep::Attribute(k) | PathStep::Key(k)) => {
                m.get(k)
            }
            (Value::List(v) | Value::Tuple(v) | Value::Set(v), PathStep::Index(i)) => {
                v.get(usize::try_from(*i).ok()?)
            }
            _ => None,
        }
    }

    fn step_mut(&mut self, step: &PathStep) -> Option<&mut Value> {
        match (self, step) {
            (Value::Dynamic(_, inner), _) => inner.step_mut(step),
            (Value::Object(m) | Value::Map(m), PathStep::Attribute(k) | PathStep::Key(k)) => {
                m.get_mut(k)
            }
            (Value::List(v) | Value::Tuple(v) | Value::Set(v), PathStep::Index(i)) => {
                v.get_mut(usize::try_from(*i).ok()?)
            }
            _ => None,
        }
    }

    /// The type this value evidently has, used where a value sits at a `dynamic` position.
    ///
    /// Null and unknown values imply `dynamic`; a list, set or map implies the one
    /// element type all its elements agree on (`dynamic` for none); an object or
    /// tuple implies the types of its parts. `None` when elements disagree.
    pub fn implied_type(&self) -> Option<Type> {
        Some(match self {
            Value::Null | Value::Unknown(_) => Type::Dynamic,
            Value::Bool(_) => Type::Bool,
            Value::Number(_) => Type::Number,
            Value::String(_) => Type::String,
            Value::Dynamic(ty, _) => ty.clone(),
            Value::List(items) => Type::list(common_type(items)?),
            Value::Set(items) => Type::set(common_type(items)?),
            Value::Map(entries) => Type::map(common_type(entries.values())?),
            Value::Tuple(items) => Type::Tuple(
                items
                    .iter()
                    .map(Value::implied_type)
                    .collect::<Option<_>>()?,
            ),
            Value::Object(attrs) => Type::Object {
                attributes: attrs
                    .iter()
                    .map(|(k, v)| Some((k.clone(), v.implied_type()?)))
                    .collect::<Option<BTreeMap<_, _>>>()?,
                optional: Default::default(),
            },
        })
    }

    /// "a string", "null", "an unknown value", … for messages.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown(_) => "an unknown value",
            Value::Bool(_) => "a bool",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::List(_) => "a list",
            Value::Set(_) => "a set",
            Value::Map(_) => "a map",
            Value::Object(_) => "an object",
            Value::Tuple(_) => "a tuple",
            Value::Dynamic(_, inner) => inner.describe(),
        }
    }
}

/// The one type a collection's elements agree on (`dynamic` where only nulls say nothing).
fn common_type<'a>(items: impl IntoIterator<Item = &'a Value>) -> Option<Type> {
    items
        .into_iter()
        .try_fold(Type::Dynamic, |acc, item| unify(acc, item.implied_type()?))
}

/// The type that fits both, treating `dynamic` (from nulls and unknowns) as a wildcard.
fn unify(a: Type, b: Type) -> Option<Type> {
    Some(match (a, b) {
        (a, b) if a == b => a,
        (Type::Dynamic, t) | (t, Type::Dynamic) => t,
        (Type::List(a), Type::List(b)) => Type::list(unify(*a, *b)?),
        (Type::Set(a), Type::Set(b)) => Type::set(unify(*a, *b)?),
        (Type::Map(a), Type::Map(b)) => Type::map(unify(*a, *b)?),
        (Type::Tuple(a), Type::Tuple(b)) if a.len() == b.len() => Type::Tuple(
            a.into_iter()
                .zip(b)
                .map(|(x, y)| unify(x, y))
                .collect::<Option<_>>()?,
        ),
        (
            Type::Object { attributes: a, .. },
            Type::Object {
                attributes: mut b, ..
            },
        ) if a.len() == b.len() && a.keys().all(|k| b.contains_key(k)) => Type::Object {
            attributes: a
                .into_iter()
                .map(|(k, x)| {
                    let y = b.remove(&k)?;
                    Some((k, unify(x, y)?))
                })
                .collect::<Option<_>>()?,
            optional: Default::default(),
        },
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::number::Number;
    use crate::value::Refinements;

    fn num(text: &str) -> Value {
        Value::Number(Number::parse(text).unwrap())
    }

    #[test]
    fn semantic_equality() {
        let a = Value::Set(vec!["x".into(), "y".into()]);
        let b = Value::Set(vec!["y".into(), "x".into()]);
        assert!(a.equal_semantics(&b));
        assert!(!a.equal_semantics(&Value::List(vec!["x".into()])));
        assert!(Value::List(vec!["x".into(), "y".into()])
            .equal_semantics(&Value::Tuple(vec!["x".into(), "y".into()])));
        assert!(!Value::List(vec!["x".into(), "y".into()])
            .equal_semantics(&Value::List(vec!["y".into(), "x".into()])));
        assert!(num("1.50").equal_semantics(&num("15e-1")));
        assert!(!num("1").equal_semantics(&num("1.0000000000000000000001")));
        assert!(Value::Dynamic(Type::String, Box::new("a".into())).equal_semantics(&"a".into()));
        assert!(!Value::Null.equal_semantics(&Value::unknown()));
        let refined = Value::Unknown(Refinements {
            is_null: Some(false),
            ..Default::default()
        });
        assert!(!refined.equal_semantics(&Value::unknown()));
        let obj = |v: Value| Value::Object(BTreeMap::from([("a".to_string(), v)]));
        assert!(obj(b.clone()).equal_semantics(&obj(a.clone())));
        assert!(!obj(Value::Null).equal_semantics(&obj(a)));
    }

    #[test]
    fn paths() {
        let value = Value::Object(BTreeMap::from([(
            "rules".to_string(),
            Value::Map(BTreeMap::from([(
                "daily".to_string(),
                Value::List(vec![Value::Dynamic(Type::String, Box::new("x".into()))]),
            )])),
        )]));
        let path = AttributePath::attr("rules").key("daily").index(0);
        assert_eq!(value.get_path(&path).and_then(Value::as_str), Some("x"));
        assert!(value
            .get_path(&AttributePath::attr("rules").key("weekly"))
            .is_none());
        assert!(value
            .get_path(&AttributePath::attr("rules").key("daily").index(-1))
            .is_none());
        assert_eq!(value.get_path(&AttributePath::root()), Some(&value));
        let mut value = value;
        if let Some(slot) = value.get_path_mut(&path) {
            *slot = "y".into();
        }
        assert_eq!(value.get_path(&path).and_then(Value::as_str), Some("y"));
    }

    #[test]
    fn implied_types() {
        let list = Value::List(vec![Value::Null, "a".into()]);
        assert_eq!(list.implied_type(), Some(Type::list(Type::String)));
        assert_eq!(
            Value::List(vec![]).implied_type(),
            Some(Type::list(Type::Dynamic))
        );
        assert_eq!(
            Value::List(vec!["a".into(), true.into()]).implied_type(),
            None
        );
        let obj = Value::Object(BTreeMap::from([("n".to_string(), Value::from(1))]));
        assert_eq!(
            obj.implied_type(),
            Some(Type::object([("n", Type::Number)]))
        );
    }
}
