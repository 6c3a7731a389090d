//! proptest strategies for types and values of those types.

#![allow(dead_code)] // each test crate uses part of this

use std::collections::{BTreeMap, BTreeSet};

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use tfvalue::{Number, NumberBound, Refinements, Type, Value};

/// A random type, nested up to 4 levels, with optional attributes now and then.
pub(crate) fn arb_type() -> BoxedStrategy<Type> {
    let leaf = prop_oneof![
        Just(Type::Bool),
        Just(Type::Number),
        Just(Type::String),
        Just(Type::Dynamic)
    ];
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(Type::list),
            inner.clone().prop_map(Type::set),
            inner.clone().prop_map(Type::map),
            (btree_map("[a-z_]{1,6}", (inner.clone(), any::<bool>()), 0..4)).prop_map(|attrs| {
                let optional: BTreeSet<String> = attrs
                    .iter()
                    .filter(|(_, (_, opt))| *opt)
                    .map(|(k, _)| k.clone())
                    .collect();
                Type::Object {
                    attributes: attrs.into_iter().map(|(k, (t, _))| (k, t)).collect(),
                    optional,
                }
            }),
            vec(inner, 0..4).prop_map(Type::Tuple),
        ]
    })
    .boxed()
}

/// Numbers of every kind: small and large integers, exact floats, and long or huge decimals.
pub(crate) fn arb_number() -> BoxedStrategy<Number> {
    prop_oneof![
        any::<i64>().prop_map(Number::from),
        any::<u64>().prop_map(Number::from),
        any::<f64>().prop_filter_map("finite", Number::from_f64_exact),
        any::<f64>().prop_filter_map("finite", |f| Number::try_from(f).ok()),
        ("-?[0-9]{1,40}", "[0-9]{0,30}", -500i32..500)
            .prop_filter_map("valid", |(int, frac, exp)| Number::parse(&format!(
                "{int}.{frac}e{exp}"
            ))),
    ]
    .boxed()
}

/// Refinements Terraform can carry for an unknown of type `ty`, in their canonical form.
pub(crate) fn arb_refinements(ty: &Type) -> BoxedStrategy<Refinements> {
    let not_null = prop::option::of(Just(false));
    match ty {
        Type::Dynamic => Just(Refinements::default()).boxed(),
        Type::String => (not_null, prop::option::of(".{1,10}"))
            .prop_map(|(is_null, string_prefix)| Refinements {
                is_null,
                string_prefix,
                ..Default::default()
            })
            .boxed(),
        Type::Number => {
            let bound = || {
                prop::option::of(
                    (arb_number(), any::<bool>())
                        .prop_map(|(value, inclusive)| NumberBound { value, inclusive }),
                )
            };
            (not_null, bound(), bound())
                .prop_map(|(is_null, number_lower, number_upper)| Refinements {
                    is_null,
                    number_lower,
                    number_upper,
                    ..Default::default()
                })
                .boxed()
        }
        Type::List(_) | Type::Set(_) | Type::Map(_) => (
            not_null,
            prop::option::of(1u64..100),
            prop::option::of(0u64..100),
        )
            .prop_map(|(is_null, length_lower, length_upper)| Refinements {
                is_null,
                length_lower,
                length_upper,
                ..Default::default()
            })
            .boxed(),
        _ => not_null
            .prop_map(|is_null| Refinements {
                is_null,
                ..Default::default()
            })
            .boxed(),
    }
}

/// A random value of type `ty`: nulls, unknowns (when `unknowns`), and known values.
///
/// `budget` bounds how many `dynamic` values may nest, each picking a fresh type.
pub(crate) fn arb_value(ty: &Type, unknowns: bool, budget: u32) -> BoxedStrategy<Value> {
    let known: BoxedStrategy<Value> = match ty {
        Type::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        Type::Number => arb_number().prop_map(Value::Number).boxed(),
        Type::String => ".{0,12}".prop_map(Value::String).boxed(),
        Type::List(e) => vec(arb_value(e, unknowns, budget), 0..4)
            .prop_map(Value::List)
            .boxed(),
        Type::Set(e) => vec(arb_value(e, unknowns, budget), 0..4)
            .prop_map(Value::Set)
            .boxed(),
        Type::Map(e) => btree_map(".{0,6}", arb_value(e, unknowns, budget), 0..4)
            .prop_map(Value::Map)
            .boxed(),
        Type::Object { attributes, .. } => {
            let parts: Vec<BoxedStrategy<(String, Value)>> = attributes
                .iter()
                .map(|(name, t)| {
                    let name = name.clone();
                    arb_value(t, unknowns, budget)
                        .prop_map(move |v| (name.clone(), v))
                        .boxed()
                })
                .collect();
            parts
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<BTreeMap<_, _>>()))
                .boxed()
        }
        Type::Tuple(types) => {
            let parts: Vec<BoxedStrategy<Value>> = types
                .iter()
                .map(|t| arb_value(t, unknowns, budget))
                .collect();
            parts.prop_map(Value::Tuple).boxed()
        }
        Type::Dynamic if budget == 0 => Just(Value::Null).boxed(),
        Type::Dynamic => arb_type()
            .prop_filter("a concrete type", |t| *t != Type::Dynamic)
            .prop_flat_map(move |t| {
                arb_value(&t, unknowns, budget - 1)
                    .prop_map(move |v| Value::Dynamic(t.clone(), Box::new(v)))
            })
            .boxed(),
    };
    if unknowns {
        prop_oneof![
            1 => Just(Value::Null),
            1 => arb_refinements(ty).prop_map(Value::Unknown),
            6 => known,
        ]
        .boxed()
    } else {
        prop_oneof![1 => Just(Value::Null), 6 => known].boxed()
    }
}

/// A type and a value of it.
pub(crate) fn arb_typed_value(unknowns: bool) -> BoxedStrategy<(Type, Value)> {
    arb_type()
        .prop_flat_map(move |t| {
            let value = arb_value(&t, unknowns, 2);
            (Just(t), value)
        })
        .boxed()
}
