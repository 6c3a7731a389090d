//! The resource's values: which point a configuration names, its lifecycle, and the state a
//! described point makes (computed dates derived from the creation date, so plans can show them).

use std::collections::BTreeMap;

use tfplugin::framework::null_object;
use tfvalue::Value;

use super::super::state::set_attr;
use super::schema::point_schema;
use crate::cloud::recovery_points::RecoveryPointInfo;
pub(crate) use crate::cloud::time::rfc3339;
use crate::cloud::time::DAY_SECONDS as DAY;
use crate::cloud::{LifecycleSpec, Tags};

/// The recovery point a configuration or state names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PointRef {
    /// The vault holding it.
    pub(crate) vault_name: String,
    /// Its ARN.
    pub(crate) arn: String,
}

impl PointRef {
    /// The point `value` names; `None` while either attribute is unknown or null.
    pub(crate) fn of(value: &Value) -> Option<PointRef> {
        let text = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        Some(PointRef {
            vault_name: text("vault_name")?,
            arn: text("recovery_point_arn")?,
        })
    }
}

/// What `lifecycle` holds in a configuration or plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LifecycleValue {
    /// Not set: the point's own lifecycle is kept.
    Unset,
    /// Not known yet (depends on another resource).
    Unknown,
    /// Set to this.
    Known(LifecycleSpec),
}

impl LifecycleValue {
    /// `lifecycle` of `value`.
    pub(crate) fn of(value: &Value) -> LifecycleValue {
        let Some(block) = value.get("lifecycle").filter(|v| !v.is_null()) else {
            return LifecycleValue::Unset;
        };
        if !block.is_wholly_known() {
            return LifecycleValue::Unknown;
        }
        let days = |name: &str| {
            block
                .get(name)
                .filter(|v| !v.is_null())
                .and_then(|v| tfvalue::from_value::<i64>(v).ok())
        };
        LifecycleValue::Known(LifecycleSpec {
            cold_after_days: days("move_to_cold_storage_after_days"),
            delete_after_days: days("delete_after_days").unwrap_or(0),
        })
    }
}

/// The `lifecycle` value of `spec` (0 days to delete and no cold storage are null).
pub(crate) fn lifecycle_value(spec: &LifecycleSpec) -> Value {
    let days = |d: Option<i64>| d.filter(|d| *d > 0).map_or(Value::Null, Value::from);
    Value::Object(BTreeMap::from([
        (
            "delete_after_days".to_string(),
            days(Some(spec.delete_after_days)),
        ),
        (
            "move_to_cold_storage_after_days".to_string(),
            days(spec.cold_after_days),
        ),
    ]))
}

/// What the provider knows of a point: AWS's description, its tags, and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Described {
    /// The description.
    pub(crate) info: RecoveryPointInfo,
    /// Its tags.
    pub(crate) tags: Tags,
    /// The account holding it.
    pub(crate) account_id: String,
    /// The region holding it.
    pub(crate) region: String,
}

/// Writes every computed attribute of `described` into `state`, with `lifecycle` as the point's
/// lifecycle and the dates derived from it. `vault_name`, `recovery_point_arn`, `policy_document`
/// and `delete_on_destroy` are left as they are.
pub(crate) fn fill(state: &mut Value, described: &Described, lifecycle: &LifecycleSpec) {
    let info = &described.info;
    let text = |s: &str| Value::from(s.to_owned());
    let optional = |s: Option<&String>| s.map_or(Value::Null, |s| Value::from(s.clone()));
    set_attr(state, "id", text(&info.arn));
    set_attr(state, "account_id", text(&described.account_id));
    set_attr(state, "region", text(&described.region));
    set_attr(state, "resource_arn", text(&info.resource_arn));
    set_attr(state, "resource_type", text(&info.resource_type));
    set_attr(state, "status", text(&info.status));
    set_attr(
        state,
        "creation_date",
        Value::from(rfc3339(info.created_epoch_seconds)),
    );
    set_attr(
        state,
        "backup_rule_name",
        optional(info.backup_rule_name.as_ref()),
    );
    set_attr(
        state,
        "backup_size_bytes",
        info.backup_size_bytes.map_or(Value::Null, Value::from),
    );
    let tags = described
        .tags
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(v.clone())))
        .collect();
    set_attr(state, "tags", Value::Map(tags));
    set_lifecycle(state, lifecycle, info.created_epoch_seconds);
}

/// Sets `lifecycle` and the dates derived from it and the creation time.
pub(crate) fn set_lifecycle(state: &mut Value, lifecycle: &LifecycleSpec, created: i64) {
    set_attr(state, "lifecycle", lifecycle_value(lifecycle));
    let at = |days: Option<i64>| {
        days.filter(|d| *d > 0)
            .map_or(Value::Null, |d| Value::from(rfc3339(created + d * DAY)))
    };
    set_attr(state, "delete_at", at(Some(lifecycle.delete_after_days)));
    set_attr(
        state,
        "move_to_cold_storage_at",
        at(lifecycle.cold_after_days),
    );
}

/// The creation time recorded in `state` (seconds since the epoch), if any.
pub(crate) fn created_epoch_seconds(state: &Value) -> Option<i64> {
    let date = state.get("creation_date").and_then(Value::as_str)?;
    crate::cloud::time::epoch_seconds(date)
}

/// A state naming `point`, every other attribute null but the defaults: what an import starts
/// from (read fills in the rest).
pub(crate) fn bare_state(point: &PointRef) -> Value {
    let schema = point_schema();
    let mut state = null_object(&schema.attributes);
    for attribute in &schema.attributes {
        if let Some(default) = &attribute.default {
            set_attr(&mut state, &attribute.name, default.clone());
        }
    }
    set_attr(&mut state, "id", Value::from(point.arn.clone()));
    set_attr(
        &mut state,
        "vault_name",
        Value::from(point.vault_name.clone()),
    );
    set_attr(
        &mut state,
        "recovery_point_arn",
        Value::from(point.arn.clone()),
    );
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifecycle_values_round_trip() {
        let spec = LifecycleSpec {
            cold_after_days: Some(10),
            delete_after_days: 120,
        };
        let state = Value::Object(BTreeMap::from([(
            "lifecycle".to_string(),
            lifecycle_value(&spec),
        )]));
        assert_eq!(LifecycleValue::of(&state), LifecycleValue::Known(spec));
        let never = LifecycleSpec::default();
        let state = Value::Object(BTreeMap::from([(
            "lifecycle".to_string(),
            lifecycle_value(&never),
        )]));
        assert_eq!(LifecycleValue::of(&state), LifecycleValue::Known(never));
        assert_eq!(
            LifecycleValue::of(&Value::Object(BTreeMap::new())),
            LifecycleValue::Unset
        );
    }
}
