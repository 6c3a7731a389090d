//! Values the functions' unit tests share: a root app with a daily rule and a retention floor.

use tfvalue::{Number, Value};

use super::effective_policy::EffectivePolicy;
use tfplugin::framework::Function;

/// An object value from its members.
pub(super) fn object(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// A number value.
pub(super) fn number(n: i64) -> Value {
    Value::Number(Number::from(n))
}

/// The `policy` argument of app `name`: rule `daily` kept `retention` days (the root also sets its
/// schedule, a tag and `min_retention_days = 30`), and `locked` if given.
pub(super) fn app(name: &str, retention: i64, locked: Option<&str>) -> Value {
    let mut daily = vec![("retention_days", number(retention))];
    let mut members = vec![("name", Value::String(name.into()))];
    if name == "org-root" {
        daily.push(("schedule", Value::String("cron(0 5 ? * * *)".into())));
        members.push((
            "tags",
            object(vec![("owner", Value::String("platform".into()))]),
        ));
        let mut guardrails = vec![("min_retention_days", number(30))];
        if let Some(path) = locked {
            guardrails.push(("locked", Value::List(vec![Value::String(path.into())])));
        }
        members.push(("guardrails", object(guardrails)));
    }
    members.push(("rules", object(vec![("daily", object(daily))])));
    object(members)
}

/// The root app's document.
pub(super) fn root_document() -> String {
    let value = EffectivePolicy
        .call(&[
            Value::Null,
            app("org-root", 35, Some("rules.daily.schedule")),
        ])
        .expect("the root app evaluates");
    value.as_str().unwrap().to_string()
}
