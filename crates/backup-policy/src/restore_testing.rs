//! Restore testing as policy: how often a recovery point is restored to prove it, which one, and
//! how long the restored copy stays up for validation; inherited and guarded like the rules.
//!
//! The part follows the AWS Backup restore testing model. The *plan* fields (`schedule`,
//! `start_window_hours`, the recovery point selection) belong to the restore testing plan the
//! nearest cloud-backed app owns, so only such an app (or an app with no cloud-backed ancestor)
//! may change them; the *selection* fields (`protected_resource_type`,
//! `restore_metadata_overrides`, `validation_window_hours`) apply per child. A part nobody sets
//! is absent from the policy document, so documents without restore testing keep their hashes.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tfvalue::AttributePath;

use crate::cron;
use crate::diagnostic::{paths, PolicyDiagnostic};
use crate::guardrails::Setting;
use crate::validate::check_vault_arn;

/// AWS Backup's default start window of a restore testing plan (hours).
pub const DEFAULT_RESTORE_START_WINDOW_HOURS: i64 = 24;
/// How far back recovery points are considered when no app says (days).
pub const DEFAULT_SELECTION_WINDOW_DAYS: i64 = 30;
/// The recovery point picked when no app says.
pub const DEFAULT_ALGORITHM: &str = "LATEST_WITHIN_WINDOW";
/// The algorithms AWS Backup accepts.
pub const ALGORITHMS: [&str; 2] = ["LATEST_WITHIN_WINDOW", "RANDOM_WITHIN_WINDOW"];
/// The restore testing fields, in schema order.
pub const RESTORE_TESTING_FIELDS: [&str; 8] = [
    "schedule",
    "start_window_hours",
    "algorithm",
    "selection_window_days",
    "include_vaults",
    "validation_window_hours",
    "protected_resource_type",
    "restore_metadata_overrides",
];
/// The fields of the restore testing plan (the rest are per selection).
const PLAN_FIELDS: [&str; 5] = [
    "schedule",
    "start_window_hours",
    "algorithm",
    "selection_window_days",
    "include_vaults",
];

/// `policy.restore_testing` as an app states it; `None` keeps the inherited value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RestoreTestingPatch {
    /// When restore tests start: an AWS `cron(...)` expression (UTC).
    pub schedule: Option<String>,
    /// Hours after the scheduled time within which the restore job must start (1 to 168).
    pub start_window_hours: Option<i64>,
    /// `LATEST_WITHIN_WINDOW` or `RANDOM_WITHIN_WINDOW`: which recovery point is restored.
    pub algorithm: Option<String>,
    /// How many days back recovery points are considered (1 to 365).
    pub selection_window_days: Option<i64>,
    /// Vault ARNs (or `*`) recovery points may come from; added to the inherited ones.
    pub include_vaults: Option<Vec<String>>,
    /// Hours the restored resource is kept for validation before it is deleted (1 to 168).
    pub validation_window_hours: Option<i64>,
    /// The AWS resource type restored, e.g. `EBS`, `EC2`, `RDS`, `S3`, `DynamoDB`.
    pub protected_resource_type: Option<String>,
    /// Restore metadata to override (e.g. `instanceType`); merged by key.
    pub restore_metadata_overrides: Option<BTreeMap<String, String>>,
}

/// Restore testing as it applies to an app after inheritance, with defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveRestoreTesting {
    /// AWS `cron(...)` expression.
    pub schedule: String,
    /// Start window in hours (default [`DEFAULT_RESTORE_START_WINDOW_HOURS`]).
    pub start_window_hours: i64,
    /// One of [`ALGORITHMS`] (default [`DEFAULT_ALGORITHM`]).
    pub algorithm: String,
    /// Days back recovery points are considered (default [`DEFAULT_SELECTION_WINDOW_DAYS`]).
    pub selection_window_days: i64,
    /// Vaults recovery points may come from, sorted; empty: the vault of the backup plan that
    /// protects the tested resources.
    pub include_vaults: Vec<String>,
    /// Hours the restored resource is kept for validation; `None`: AWS's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_window_hours: Option<i64>,
    /// The AWS resource type restored; `None` until an app names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected_resource_type: Option<String>,
    /// Restore metadata overrides.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub restore_metadata_overrides: BTreeMap<String, String>,
    /// Which app set each field (by field name); a field missing here has its default.
    pub set_by: BTreeMap<String, String>,
}

/// The restore testing guardrails as an app states them (flattened into `guardrails`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RestoreTestingGuardrailsPatch {
    /// Whether this app and its descendants must test restores; once on, stays on.
    pub require_restore_testing: Option<bool>,
    /// Longest time between two restore tests, in days; may only fall down the tree.
    pub restore_testing_max_interval_days: Option<i64>,
    /// Longest validation window, in hours; may only fall down the tree.
    pub restore_testing_max_validation_window_hours: Option<i64>,
}

/// Restore testing guardrails in force for an app, each with the app that set it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreTestingGuardrails {
    /// `require_restore_testing`; `true` once any app turns it on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Setting<bool>>,
    /// The lowest `restore_testing_max_interval_days` in the lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_interval_days: Option<Setting<i64>>,
    /// The lowest `restore_testing_max_validation_window_hours` in the lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_validation_window_hours: Option<Setting<i64>>,
}

impl RestoreTestingGuardrails {
    /// Whether no restore testing guardrail is set (then it is left out of the document).
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether restore testing is required (default `false`).
    pub fn required(&self) -> bool {
        self.required.as_ref().is_some_and(|s| s.value)
    }
}

/// `policy.restore_testing.<field>`.
pub(crate) fn field_path(field: &str) -> AttributePath {
    AttributePath::attr("policy")
        .attribute("restore_testing")
        .attribute(field)
}

/// `policy.restore_testing`.
fn part_path() -> AttributePath {
    AttributePath::attr("policy").attribute("restore_testing")
}

/// Merges `patch` (set by `app`) onto the inherited restore testing. `owns_plan`: whether the app
/// may change the plan fields (it anchors a cloud itself, or no ancestor does).
pub(crate) fn merge(
    app: &str,
    patch: Option<&RestoreTestingPatch>,
    inherited: Option<EffectiveRestoreTesting>,
    owns_plan: bool,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> Option<EffectiveRestoreTesting> {
    let Some(patch) = patch else {
        return inherited;
    };
    let mut out = match inherited {
        Some(inherited) => inherited,
        None if !owns_plan => {
            diagnostics.push(PolicyDiagnostic::new(
                part_path(),
                "Restore testing started below its owner",
                format!(
                    "app {app:?} starts restore_testing, but its restore testing plan would belong to the nearest \
                     ancestor with a vault of its own, which has none; set restore_testing there."
                ),
            ));
            return None;
        }
        None => {
            let Some(schedule) = &patch.schedule else {
                diagnostics.push(PolicyDiagnostic::new(
                    field_path("schedule"),
                    "Incomplete restore testing",
                    format!(
                        "app {app:?} starts restore testing (no ancestor sets it), so it must set schedule."
                    ),
                ));
                return None;
            };
            EffectiveRestoreTesting {
                schedule: schedule.clone(),
                start_window_hours: DEFAULT_RESTORE_START_WINDOW_HOURS,
                algorithm: DEFAULT_ALGORITHM.to_string(),
                selection_window_days: DEFAULT_SELECTION_WINDOW_DAYS,
                include_vaults: Vec::new(),
                validation_window_hours: None,
                protected_resource_type: None,
                restore_metadata_overrides: BTreeMap::new(),
                set_by: BTreeMap::new(),
            }
        }
    };
    let before = out.clone();
    if let Some(v) = &patch.schedule {
        out.schedule.clone_from(v);
    }
    if let Some(v) = patch.start_window_hours {
        out.start_window_hours = v;
    }
    if let Some(v) = &patch.algorithm {
        out.algorithm.clone_from(v);
    }
    if let Some(v) = patch.selection_window_days {
        out.selection_window_days = v;
    }
    if let Some(vaults) = &patch.include_vaults {
        let all: BTreeSet<String> = out.include_vaults.iter().chain(vaults).cloned().collect();
        out.include_vaults = all.into_iter().collect();
    }
    if let Some(v) = patch.validation_window_hours {
        out.validation_window_hours = Some(v);
    }
    if let Some(v) = &patch.protected_resource_type {
        out.protected_resource_type = Some(v.clone());
    }
    if let Some(overrides) = &patch.restore_metadata_overrides {
        out.restore_metadata_overrides
            .extend(overrides.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    for field in RESTORE_TESTING_FIELDS {
        let changed = field_differs(field, &before, &out);
        // Restating an inherited value is no change: who set it first stays on record.
        if sets(patch, field) && (changed || !before.set_by.contains_key(field)) {
            out.set_by.insert(field.to_string(), app.to_string());
        }
        if changed && !owns_plan && PLAN_FIELDS.contains(&field) {
            diagnostics.push(PolicyDiagnostic::new(
                field_path(field),
                "Restore testing plan field set below its owner",
                format!(
                    "app {app:?} changes restore_testing.{field}, which belongs to the restore testing plan of the \
                     nearest app with a vault of its own; set it there (only protected_resource_type, \
                     restore_metadata_overrides and validation_window_hours may differ per app)."
                ),
            ));
        }
    }
    Some(out)
}

/// Whether `field` has another value in `b` than in `a`.
fn field_differs(field: &str, a: &EffectiveRestoreTesting, b: &EffectiveRestoreTesting) -> bool {
    match field {
        "schedule" => a.schedule != b.schedule,
        "start_window_hours" => a.start_window_hours != b.start_window_hours,
        "algorithm" => a.algorithm != b.algorithm,
        "selection_window_days" => a.selection_window_days != b.selection_window_days,
        "include_vaults" => a.include_vaults != b.include_vaults,
        "validation_window_hours" => a.validation_window_hours != b.validation_window_hours,
        "protected_resource_type" => a.protected_resource_type != b.protected_resource_type,
        _ => a.restore_metadata_overrides != b.restore_metadata_overrides,
    }
}

/// Accumulates `patch` (set by `app`) onto the inherited restore testing guardrails, reporting
/// every attempt to loosen one.
pub(crate) fn accumulate(
    inherited: &RestoreTestingGuardrails,
    app: &str,
    patch: &RestoreTestingGuardrailsPatch,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> RestoreTestingGuardrails {
    let mut out = inherited.clone();
    let setting = |value| Setting {
        value,
        set_by: app.to_string(),
    };
    if let Some(require) = patch.require_restore_testing {
        match &inherited.required {
            Some(s) if s.value && !require => diagnostics.push(loosened(
                "require_restore_testing",
                "false",
                s,
                "keep it true",
            )),
            Some(s) if s.value == require => {}
            _ => out.required = Some(setting(require)),
        }
    }
    let upper_bounds = [
        (
            "restore_testing_max_interval_days",
            patch.restore_testing_max_interval_days,
            &inherited.max_interval_days,
            &mut out.max_interval_days,
            365,
        ),
        (
            "restore_testing_max_validation_window_hours",
            patch.restore_testing_max_validation_window_hours,
            &inherited.max_validation_window_hours,
            &mut out.max_validation_window_hours,
            168,
        ),
    ];
    for (field, value, inherited, out, limit) in upper_bounds {
        let Some(value) = value else { continue };
        if !(1..=limit).contains(&value) {
            diagnostics.push(PolicyDiagnostic::new(
                paths::guardrail(field),
                "Invalid guardrail",
                format!("{field} = {value} must be between 1 and {limit}."),
            ));
            continue;
        }
        match inherited {
            Some(s) if value > s.value => {
                diagnostics.push(loosened(field, &value.to_string(), s, "lower it"))
            }
            Some(s) if value == s.value => {}
            _ => {
                *out = Some(Setting {
                    value,
                    set_by: app.to_string(),
                })
            }
        }
    }
    out
}

fn loosened<T: std::fmt::Display>(
    field: &str,
    attempted: &str,
    inherited: &Setting<T>,
    how: &str,
) -> PolicyDiagnostic {
    PolicyDiagnostic::new(
        paths::guardrail(field),
        "Guardrail loosened",
        format!(
            "{field} = {attempted} would loosen {field} = {} set by app {:?}; guardrails may only tighten down the \
             tree, so {how} or leave it unset.",
            inherited.value, inherited.set_by
        ),
    )
}

/// Checks what `app` states (values AWS would reject) and its effective restore testing against
/// the guardrails in force.
pub(crate) fn check(
    app: &str,
    patch: Option<&RestoreTestingPatch>,
    effective: Option<&EffectiveRestoreTesting>,
    guardrails: &RestoreTestingGuardrails,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) {
    if let Some(patch) = patch {
        check_values(app, patch, diagnostics);
    }
    // A violation points at the value when this app set it, else at the guardrail when this app
    // set that, else at the part (an ancestor's value under an ancestor's guardrail cannot occur).
    let blame = |field: &str, guardrail: &str, setting_by: &str| {
        if patch.is_some_and(|p| sets(p, field)) {
            field_path(field)
        } else if setting_by == app {
            paths::guardrail(guardrail)
        } else {
            part_path()
        }
    };
    let Some(effective) = effective else {
        if let Some(s) = guardrails.required.as_ref().filter(|s| s.value) {
            diagnostics.push(PolicyDiagnostic::new(
                if s.set_by == app {
                    paths::guardrail("require_restore_testing")
                } else {
                    part_path()
                },
                "Restore testing required",
                format!(
                    "app {app:?} has no restore_testing, but require_restore_testing = true is set by app {:?}; \
                     set policy.restore_testing (at least its schedule) in this app or an ancestor.",
                    s.set_by
                ),
            ));
        }
        return;
    };
    if let Some(bound) = &guardrails.max_interval_days {
        if let Ok(schedule) = cron::parse(&effective.schedule) {
            let interval = cron::max_interval_days(&schedule);
            if interval.is_none_or(|days| days > bound.value) {
                let every = interval.map_or("less often than every year".to_string(), |d| {
                    format!("up to {d} days apart")
                });
                diagnostics.push(PolicyDiagnostic::new(
                    blame("schedule", "restore_testing_max_interval_days", &bound.set_by),
                    "Restore testing too rare",
                    format!(
                        "restore_testing.schedule = {:?} (set by app {:?}) runs restore tests {every}, but \
                         restore_testing_max_interval_days = {} is set by app {:?}.",
                        effective.schedule,
                        effective.set_by.get("schedule").map_or(app, String::as_str),
                        bound.value,
                        bound.set_by
                    ),
                ));
            }
        }
    }
    if let Some(bound) = &guardrails.max_validation_window_hours {
        let window = effective.validation_window_hours;
        if window.is_none_or(|hours| hours > bound.value) {
            let shown = window.map_or("unset (AWS's default)".to_string(), |h| h.to_string());
            diagnostics.push(PolicyDiagnostic::new(
                blame(
                    "validation_window_hours",
                    "restore_testing_max_validation_window_hours",
                    &bound.set_by,
                ),
                "Validation window above guardrail",
                format!(
                    "restore_testing.validation_window_hours = {shown} is above \
                     restore_testing_max_validation_window_hours = {} set by app {:?}; set it to at most {}.",
                    bound.value, bound.set_by, bound.value
                ),
            ));
        }
    }
}

/// Whether `patch` sets `field`.
fn sets(patch: &RestoreTestingPatch, field: &str) -> bool {
    match field {
        "schedule" => patch.schedule.is_some(),
        "start_window_hours" => patch.start_window_hours.is_some(),
        "algorithm" => patch.algorithm.is_some(),
        "selection_window_days" => patch.selection_window_days.is_some(),
        "include_vaults" => patch.include_vaults.is_some(),
        "validation_window_hours" => patch.validation_window_hours.is_some(),
        "protected_resource_type" => patch.protected_resource_type.is_some(),
        _ => patch.restore_metadata_overrides.is_some(),
    }
}

/// Values AWS Backup would reject, each at its path.
fn check_values(app: &str, patch: &RestoreTestingPatch, diagnostics: &mut Vec<PolicyDiagnostic>) {
    let mut push = |field: &str, summary: &str, detail: String| {
        diagnostics.push(PolicyDiagnostic::new(field_path(field), summary, detail));
    };
    if let Some(schedule) = &patch.schedule {
        match cron::parse(schedule) {
            Err(reason) => push(
                "schedule",
                "Invalid restore testing schedule",
                format!(
                    "app {app:?}: schedule {schedule:?} would be rejected by AWS Backup: {reason}."
                ),
            ),
            Ok(cron::Schedule::Rate(_)) => push(
                "schedule",
                "Invalid restore testing schedule",
                format!(
                    "app {app:?}: restore testing takes a cron(...) schedule, not {schedule:?}."
                ),
            ),
            Ok(cron::Schedule::Cron(_)) => {}
        }
    }
    for (field, value, max) in [
        ("start_window_hours", patch.start_window_hours, 168),
        ("selection_window_days", patch.selection_window_days, 365),
        (
            "validation_window_hours",
            patch.validation_window_hours,
            168,
        ),
    ] {
        if let Some(v) = value.filter(|v| !(1..=max).contains(v)) {
            push(
                field,
                "Invalid restore testing value",
                format!("app {app:?}: restore_testing.{field} = {v} must be between 1 and {max}."),
            );
        }
    }
    if let Some(a) = patch
        .algorithm
        .as_deref()
        .filter(|a| !ALGORITHMS.contains(a))
    {
        push(
            "algorithm",
            "Invalid restore testing value",
            format!(
                "app {app:?}: algorithm {a:?} must be one of {}.",
                ALGORITHMS.join(", ")
            ),
        );
    }
    if let Some(t) = patch.protected_resource_type.as_deref() {
        let valid = !t.is_empty()
            && t.len() <= 50
            && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !valid {
            push(
                "protected_resource_type",
                "Invalid restore testing value",
                format!("app {app:?}: protected_resource_type {t:?} must name an AWS Backup resource type such as EBS, EC2, RDS, S3 or DynamoDB."),
            );
        }
    }
    for (index, vault) in patch.include_vaults.iter().flatten().enumerate() {
        if vault != "*" {
            if let Err(reason) = check_vault_arn(vault) {
                diagnostics.push(PolicyDiagnostic::new(
                    field_path("include_vaults").index(index as i64),
                    "Invalid vault",
                    format!("app {app:?}: include_vaults entry {vault:?} must be \"*\" or a vault ARN: {reason}."),
                ));
            }
        }
    }
}

#[cfg(test)]
#[path = "restore_testing_tests.rs"]
mod tests;
