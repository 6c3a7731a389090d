//! The serde bridge: typed reads and writes with attribute paths on errors.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tfvalue::{from_value, to_value, AttributePath, Number, Refinements, Type, Value};

fn object(entries: Vec<(&str, Value)>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

fn num(text: &str) -> Value {
    Value::Number(Number::parse(text).unwrap())
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Rule {
    schedule: String,
    retention_days: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    copy_to: Option<Vec<Copy>>,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Copy {
    vault: String,
    weight: f64,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
struct Policy {
    rules: BTreeMap<String, Rule>,
    tags: Option<HashMap<String, String>>,
    mode: Mode,
}

#[derive(Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "snake_case")]
enum Mode {
    Strict,
    Relaxed,
}

fn policy_type() -> Type {
    let copy = Type::object([("vault", Type::String), ("weight", Type::Number)]);
    let rule = Type::object([
        ("schedule", Type::String),
        ("retention_days", Type::Number),
        ("copy_to", Type::list(copy)),
    ]);
    Type::object([
        ("rules", Type::map(rule)),
        ("tags", Type::map(Type::String)),
        ("mode", Type::String),
    ])
}

fn policy_value(retention: Value) -> Value {
    let copy = object(vec![("vault", "v1".into()), ("weight", num("0.5"))]);
    let rule = object(vec![
        ("schedule", "cron(0 5 * * ? *)".into()),
        ("retention_days", retention),
        ("copy_to", Value::List(vec![copy])),
    ]);
    object(vec![
        (
            "rules",
            Value::Map(BTreeMap::from([("daily".to_string(), rule)])),
        ),
        ("tags", Value::Null),
        ("mode", "strict".into()),
    ])
}

#[test]
fn reads_structs_maps_lists_options_and_enums() {
    let policy: Policy = from_value(&policy_value(Value::from(35))).unwrap();
    let rule = &policy.rules["daily"];
    assert_eq!(rule.retention_days, Some(35));
    assert_eq!(
        rule.copy_to.as_ref().unwrap()[0],
        Copy {
            vault: "v1".into(),
            weight: 0.5
        }
    );
    assert_eq!(policy.tags, None);
    assert_eq!(policy.mode, Mode::Strict);
}

#[test]
fn errors_carry_the_path() {
    let err = from_value::<Policy>(&policy_value(Value::from(70000))).unwrap_err();
    assert_eq!(
        err.path(),
        &AttributePath::attr("rules")
            .key("daily")
            .attribute("retention_days")
    );
    assert_eq!(err.message(), "70000 is out of range; expected 0 to 65535");

    let err = from_value::<Policy>(&policy_value(num("1.5"))).unwrap_err();
    assert_eq!(err.message(), "expected a whole number, found 1.5");

    let err = from_value::<Policy>(&policy_value(Value::unknown())).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"rules["daily"].retention_days: value is not yet known"#
    );

    let mut value = policy_value(Value::Null);
    *value
        .get_path_mut(
            &AttributePath::attr("rules")
                .key("daily")
                .attribute("copy_to")
                .index(0)
                .attribute("vault"),
        )
        .unwrap() = Value::Bool(true);
    let err = from_value::<Policy>(&value).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"rules["daily"].copy_to[0].vault: expected a string, found a bool"#
    );

    let mut value = policy_value(Value::Null);
    *value.get_path_mut(&AttributePath::attr("mode")).unwrap() = "loose".into();
    let err = from_value::<Policy>(&value).unwrap_err();
    assert_eq!(err.path(), &AttributePath::attr("mode"));
    assert!(err.message().contains("unknown variant `loose`"), "{err}");

    // A required attribute that is null is refused at its own path.
    let mut value = policy_value(Value::Null);
    *value
        .get_path_mut(
            &AttributePath::attr("rules")
                .key("daily")
                .attribute("schedule"),
        )
        .unwrap() = Value::Null;
    let err = from_value::<Policy>(&value).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"rules["daily"].schedule: expected a string, found null"#
    );

    // An attribute the object lacks altogether is reported where it should be.
    let err = from_value::<Copy>(&object(vec![("vault", "v".into())])).unwrap_err();
    assert_eq!(err.path(), &AttributePath::attr("weight"));
}

#[test]
fn unknowns_are_fine_where_nobody_looks() {
    #[derive(Deserialize)]
    struct OnlyMode {
        mode: Mode,
    }
    let mut value = policy_value(Value::unknown());
    *value.get_path_mut(&AttributePath::attr("tags")).unwrap() = Value::unknown();
    let only: OnlyMode = from_value(&value).unwrap();
    assert_eq!(only.mode, Mode::Strict);
}

#[test]
fn value_fields_pass_through_untouched() {
    #[derive(Debug, Deserialize, Serialize)]
    struct Raw {
        name: String,
        anything: Value,
        maybe: Option<Value>,
    }
    let refined = Value::Unknown(Refinements {
        is_null: Some(false),
        ..Default::default()
    });
    let dynamic = Value::Dynamic(
        Type::list(Type::String),
        Box::new(Value::List(vec!["x".into()])),
    );
    let value = object(vec![
        ("name", "n".into()),
        ("anything", refined.clone()),
        ("maybe", dynamic.clone()),
    ]);
    let raw: Raw = from_value(&value).unwrap();
    assert_eq!(raw.anything, refined);
    assert_eq!(raw.maybe, Some(dynamic.clone()));

    let ty = Type::object([
        ("name", Type::String),
        ("anything", Type::Number),
        ("maybe", Type::Dynamic),
    ]);
    assert_eq!(to_value(&raw, &ty).unwrap(), value);

    // Plain `Value` round-trips too, and a null `Value` field is `Value::Null`.
    let whole: Value = from_value(&value).unwrap();
    assert_eq!(whole, value);
    let with_null = object(vec![
        ("name", "n".into()),
        ("anything", Value::Null),
        ("maybe", Value::Null),
    ]);
    let raw: Raw = from_value(&with_null).unwrap();
    assert_eq!((raw.anything, raw.maybe), (Value::Null, None));
}

#[test]
fn value_is_plain_data_to_other_formats() {
    let value = object(vec![
        ("n", num("0.1")),
        ("big", num("1e400")),
        ("list", Value::Set(vec![true.into()])),
        ("null", Value::Null),
    ]);
    let json = serde_json::to_string(&value).unwrap();
    assert_eq!(
        json,
        r#"{"big":"1e400","list":[true],"n":"0.1","null":null}"#
    );
    let back: Value = serde_json::from_str(r#"{"a":[1,"x"],"b":null}"#).unwrap();
    assert_eq!(
        back,
        object(vec![
            ("a", Value::Tuple(vec![Value::from(1), "x".into()])),
            ("b", Value::Null)
        ])
    );
    assert!(serde_json::to_string(&Value::unknown()).is_err());
}

#[test]
fn writes_by_the_type() {
    let policy = Policy {
        rules: BTreeMap::from([(
            "daily".to_string(),
            Rule {
                schedule: "s".into(),
                retention_days: None,
                copy_to: None,
            },
        )]),
        tags: Some(HashMap::from([("k".to_string(), "v".to_string())])),
        mode: Mode::Relaxed,
    };
    let value = to_value(&policy, &policy_type()).unwrap();
    // Skipped and `None` fields become null attributes.
    let rule = object(vec![
        ("schedule", "s".into()),
        ("retention_days", Value::Null),
        ("copy_to", Value::Null),
    ]);
    let want = object(vec![
        (
            "rules",
            Value::Map(BTreeMap::from([("daily".to_string(), rule)])),
        ),
        (
            "tags",
            Value::Map(BTreeMap::from([("k".to_string(), "v".into())])),
        ),
        ("mode", "relaxed".into()),
    ]);
    assert_eq!(value, want);
    assert_eq!(from_value::<Policy>(&value).unwrap(), policy);
    // And the result encodes.
    tfvalue::encode_msgpack(&value, &policy_type()).unwrap();
}

#[test]
fn write_errors_carry_the_path() {
    let ty = Type::object([(
        "rules",
        Type::map(Type::object([("schedule", Type::Number)])),
    )]);
    #[derive(Serialize)]
    struct S {
        schedule: &'static str,
    }
    let value = BTreeMap::from([("rules", BTreeMap::from([("d", S { schedule: "x" })]))]);
    let err = to_value(&value, &ty).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"rules["d"].schedule: expected a number, found a string"#
    );

    #[derive(Serialize)]
    struct Extra {
        rules: Option<u8>,
        colour: u8,
    }
    let err = to_value(
        &Extra {
            rules: None,
            colour: 1,
        },
        &ty,
    )
    .unwrap_err();
    assert!(
        err.message().starts_with("unexpected attribute \"colour\""),
        "{err}"
    );

    let err = to_value(&(1, 2), &Type::Tuple(vec![Type::Number])).unwrap_err();
    assert!(err.message().contains("tuple of 1"), "{err}");
    assert!(to_value(&f64::NAN, &Type::Number).is_err());
}

#[test]
fn dynamic_positions_get_the_implied_type() {
    let ty = Type::object([("data", Type::Dynamic)]);
    let value = to_value(&BTreeMap::from([("data", vec![1, 2])]), &ty).unwrap();
    let data = value.get("data").unwrap();
    assert_eq!(
        data,
        &Value::Dynamic(
            Type::Tuple(vec![Type::Number, Type::Number]),
            Box::new(Value::Tuple(vec![Value::from(1), Value::from(2)]))
        )
    );
    let back: BTreeMap<String, Vec<u8>> = from_value(&value).unwrap();
    assert_eq!(back["data"], vec![1, 2]);
    tfvalue::encode_msgpack(&value, &ty).unwrap();
}

#[test]
fn numbers_convert_with_checks() {
    assert_eq!(from_value::<i8>(&Value::from(-128)).unwrap(), -128);
    assert!(from_value::<i8>(&Value::from(128)).is_err());
    assert!(from_value::<u32>(&Value::from(-1)).is_err());
    assert_eq!(
        from_value::<u128>(&num("340282366920938463463374607431768211455")).unwrap(),
        u128::MAX
    );
    assert_eq!(from_value::<f64>(&num("0.1")).unwrap(), 0.1);
    assert!(from_value::<f64>(&num("1e400")).is_err());
    assert!(from_value::<f32>(&num("1e300")).is_err());
    assert_eq!(to_value(&0.1f32, &Type::Number).unwrap(), num("0.1"));
    assert_eq!(
        to_value(&u64::MAX, &Type::Number).unwrap(),
        num("18446744073709551615")
    );
    let keyed: HashMap<u16, bool> = from_value(&Value::Map(BTreeMap::from([(
        "7".to_string(),
        true.into(),
    )])))
    .unwrap();
    assert!(keyed[&7]);
}
