//! Validation of an app's effective policy: values AWS would reject, retention against cold storage
//! and guardrails, new rules, required copies and locked paths. Every problem is collected.

use tfvalue::AttributePath;

use crate::cron;
use crate::diagnostic::{paths, PolicyDiagnostic};
use crate::guardrails::{EffectiveGuardrails, Setting};
use crate::merge::{Change, Merged};
use crate::model::{EffectiveRule, PolicyPatch, RulePatch};

/// AWS Backup's limits on lifecycle days (`DeleteAfterDays`, `MoveToColdStorageAfterDays`).
const MAX_LIFECYCLE_DAYS: i64 = 36_500;
/// AWS Backup's upper limit on start and completion windows (100 years).
const MAX_WINDOW_MINUTES: i64 = 52_560_000;
/// Recovery points stay in cold storage at least this long.
const MIN_COLD_DAYS: i64 = 90;

/// What validation looks at for one app.
pub(crate) struct Context<'a> {
    /// The app's name.
    pub app: &'a str,
    /// What the app states.
    pub patch: &'a PolicyPatch,
    /// The merged effective policy.
    pub merged: &'a Merged,
    /// Guardrails from the ancestors only (bind this app's additions and changes).
    pub inherited: &'a EffectiveGuardrails,
    /// Guardrails including this app's own (bind every effective retention).
    pub guardrails: &'a EffectiveGuardrails,
}

/// Runs every check, appending one diagnostic per problem.
pub(crate) fn validate(ctx: &Context<'_>, diagnostics: &mut Vec<PolicyDiagnostic>) {
    for (name, patch) in &ctx.patch.rules {
        let is_new = ctx.merged.new_rules.contains(name);
        if is_new || !ctx.merged.rules.contains_key(name) {
            check_rule_name(name, diagnostics);
        }
        check_rule_values(ctx.app, name, patch, diagnostics);
        if is_new {
            check_new_rule(ctx, name, diagnostics);
        }
    }
    for (key, value) in &ctx.patch.tags {
        check_tag(key, value, || paths::tag(key), diagnostics);
    }
    for name in &ctx.merged.touched {
        if let (Some(rule), Some(patch)) = (ctx.merged.rules.get(name), ctx.patch.rules.get(name)) {
            check_cold_storage(ctx, name, rule, patch, diagnostics);
        }
    }
    for (name, rule) in &ctx.merged.rules {
        check_retention_bounds(ctx, name, rule, diagnostics);
    }
    for change in &ctx.merged.changes {
        check_locks(ctx, change, diagnostics);
    }
}

fn check_rule_name(name: &str, diagnostics: &mut Vec<PolicyDiagnostic>) {
    let valid = (1..=50).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if !valid {
        diagnostics.push(PolicyDiagnostic::new(
            paths::rule(name),
            "Invalid rule name",
            format!("rule name {name:?} must be 1 to 50 letters, digits, '-', '_' or '.'."),
        ));
    }
}

fn check_rule_values(
    app: &str,
    name: &str,
    patch: &RulePatch,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) {
    let mut push = |field: &str, summary: &str, detail: String| {
        diagnostics.push(PolicyDiagnostic::new(
            paths::rule_field(name, field),
            summary,
            detail,
        ));
    };
    if let Some(schedule) = &patch.schedule {
        if let Err(reason) = cron::parse(schedule) {
            push(
                "schedule",
                "Invalid schedule",
                format!("rule {name:?} of app {app:?}: schedule {schedule:?} would be rejected by AWS Backup: {reason}."),
            );
        }
    }
    for (field, value) in [
        ("start_window_minutes", patch.start_window_minutes),
        ("completion_window_minutes", patch.completion_window_minutes),
    ] {
        if let Some(v) = value.filter(|v| !(60..=MAX_WINDOW_MINUTES).contains(v)) {
            push(
                field,
                "Invalid backup window",
                format!("rule {name:?} of app {app:?}: {field} = {v} must be between 60 and {MAX_WINDOW_MINUTES}."),
            );
        }
    }
    if let Some(v) = patch
        .retention_days
        .filter(|v| !(1..=MAX_LIFECYCLE_DAYS).contains(v))
    {
        push(
            "retention_days",
            "Invalid retention",
            format!("rule {name:?} of app {app:?}: retention_days = {v} must be between 1 and {MAX_LIFECYCLE_DAYS}."),
        );
    }
    if let Some(v) = patch
        .cold_storage_after_days
        .filter(|v| !(0..=MAX_LIFECYCLE_DAYS).contains(v))
    {
        push(
            "cold_storage_after_days",
            "Invalid retention",
            format!(
                "rule {name:?} of app {app:?}: cold_storage_after_days = {v} must be between 0 (never) and {MAX_LIFECYCLE_DAYS}."
            ),
        );
    }
    for (index, copy) in patch.copy_to.iter().flatten().enumerate() {
        if let Err(reason) = check_vault_arn(&copy.vault_arn) {
            diagnostics.push(PolicyDiagnostic::new(
                paths::copy_field(name, index, "vault_arn"),
                "Invalid vault ARN",
                format!(
                    "rule {name:?} of app {app:?}: copy_to vault_arn {:?} {reason}.",
                    copy.vault_arn
                ),
            ));
        }
        if let Some(v) = copy
            .retention_days
            .filter(|v| !(1..=MAX_LIFECYCLE_DAYS).contains(v))
        {
            diagnostics.push(PolicyDiagnostic::new(
                paths::copy_field(name, index, "retention_days"),
                "Invalid retention",
                format!("rule {name:?} of app {app:?}: copy retention_days = {v} must be between 1 and {MAX_LIFECYCLE_DAYS}."),
            ));
        }
        if let Some(v) = copy
            .cold_storage_after_days
            .filter(|v| !(0..=MAX_LIFECYCLE_DAYS).contains(v))
        {
            diagnostics.push(PolicyDiagnostic::new(
                paths::copy_field(name, index, "cold_storage_after_days"),
                "Invalid retention",
                format!(
                    "rule {name:?} of app {app:?}: copy cold_storage_after_days = {v} must be between 0 (never) and {MAX_LIFECYCLE_DAYS}."
                ),
            ));
        }
    }
    for (key, value) in patch.recovery_point_tags.iter().flatten() {
        check_tag(
            key,
            value,
            || paths::recovery_point_tag(name, key),
            diagnostics,
        );
    }
}

/// What is wrong with a copy destination's vault ARN; the text follows the ARN in the diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VaultArnError {
    /// Not seven `:`-separated parts naming a backup vault.
    #[error("must look like arn:aws:backup:<region>:<account-id>:backup-vault:<vault-name>")]
    Shape,
    /// An empty region or one with characters a region never has.
    #[error("has no valid region ({0:?})")]
    Region(String),
    /// An account id that is not 12 digits.
    #[error("has no valid 12-digit account id ({0:?})")]
    Account(String),
    /// A vault name AWS Backup would not accept.
    #[error("has no valid vault name ({0:?}: 2 to 50 letters, digits, '-' or '_')")]
    VaultName(String),
}

/// Checks that `arn` is a backup vault ARN, or says what is wrong with it.
///
/// The shape is `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`.
pub fn check_vault_arn(arn: &str) -> Result<(), VaultArnError> {
    let parts: Vec<&str> = arn.split(':').collect();
    let [prefix, partition, service, region, account, kind, vault] = parts[..] else {
        return Err(VaultArnError::Shape);
    };
    if prefix != "arn"
        || !partition.starts_with("aws")
        || service != "backup"
        || kind != "backup-vault"
    {
        return Err(VaultArnError::Shape);
    }
    if region.is_empty()
        || !region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(VaultArnError::Region(region.to_string()));
    }
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(VaultArnError::Account(account.to_string()));
    }
    if !(2..=50).contains(&vault.len())
        || !vault
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(VaultArnError::VaultName(vault.to_string()));
    }
    Ok(())
}

/// Checks one tag; `path` is only built for a problem.
fn check_tag(
    key: &str,
    value: &str,
    path: impl FnOnce() -> AttributePath,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) {
    let problem = if key.is_empty() || key.chars().count() > 128 {
        Some(format!("tag key {key:?} must be 1 to 128 characters"))
    } else if key
        .get(..4)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("aws:"))
    {
        Some(format!(
            "tag key {key:?} may not start with \"aws:\" (reserved by AWS)"
        ))
    } else if value.chars().count() > 256 {
        Some(format!(
            "the value of tag {key:?} is longer than 256 characters"
        ))
    } else {
        None
    };
    if let Some(problem) = problem {
        diagnostics.push(PolicyDiagnostic::new(
            path(),
            "Invalid tag",
            format!("{problem}."),
        ));
    }
}

fn check_new_rule(ctx: &Context<'_>, name: &str, diagnostics: &mut Vec<PolicyDiagnostic>) {
    if let Some(Setting {
        value: false,
        set_by,
    }) = &ctx.inherited.allow_new_rules
    {
        diagnostics.push(PolicyDiagnostic::new(
            paths::rule(name),
            "New rule not allowed",
            format!("rule {name:?} is new, but app {set_by:?} sets allow_new_rules = false."),
        ));
    }
    if let Some(Setting {
        value: true,
        set_by,
    }) = &ctx.inherited.require_copy
    {
        if ctx
            .merged
            .rules
            .get(name)
            .is_some_and(|r| r.copy_to.is_empty())
        {
            diagnostics.push(PolicyDiagnostic::new(
                paths::rule_field(name, "copy_to"),
                "Copy required",
                format!(
                    "rule {name:?} has no copy_to, but require_copy = true set by app {set_by:?} requires every rule a \
                     descendant adds to copy to at least one vault."
                ),
            ));
        }
    }
}

/// Who set a rule field, for messages: `(set by app "x")`.
fn set_by(ctx: &Context<'_>, rule: &str, field: &str) -> String {
    match ctx
        .merged
        .provenance
        .rules
        .get(rule)
        .and_then(|p| p.field(field))
    {
        Some(app) => format!("set by app {app:?}"),
        None => "the default".into(),
    }
}

fn check_cold_storage(
    ctx: &Context<'_>,
    name: &str,
    rule: &EffectiveRule,
    patch: &RulePatch,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) {
    if patch.retention_days.is_some() || patch.cold_storage_after_days.is_some() {
        if let Some(cold) = rule.cold_storage_after_days {
            if rule.retention_days < cold + MIN_COLD_DAYS {
                let field = if patch.retention_days.is_some() {
                    "retention_days"
                } else {
                    "cold_storage_after_days"
                };
                diagnostics.push(PolicyDiagnostic::new(
                    paths::rule_field(name, field),
                    "Retention too short for cold storage",
                    format!(
                        "rule {name:?}: retention_days = {} ({}) must be at least cold_storage_after_days + {MIN_COLD_DAYS} = {} \
                         (cold_storage_after_days {}); recovery points stay in cold storage at least {MIN_COLD_DAYS} days.",
                        rule.retention_days,
                        set_by(ctx, name, "retention_days"),
                        cold + MIN_COLD_DAYS,
                        set_by(ctx, name, "cold_storage_after_days"),
                    ),
                ));
            }
        }
    }
    let listed: Vec<&str> = patch
        .copy_to
        .iter()
        .flatten()
        .map(|c| c.vault_arn.as_str())
        .collect();
    for copy in &rule.copy_to {
        let index = listed.iter().position(|arn| *arn == copy.vault_arn);
        let follows_changed_rule = copy.retention_days.is_none() && patch.retention_days.is_some();
        let (Some(cold), true) = (
            copy.cold_storage_after_days,
            index.is_some() || follows_changed_rule,
        ) else {
            continue;
        };
        let retention = rule.copy_retention_days(copy);
        if retention >= cold + MIN_COLD_DAYS {
            continue;
        }
        let path = match index {
            Some(i)
                if patch
                    .copy_to
                    .as_ref()
                    .is_some_and(|c| c[i].retention_days.is_some()) =>
            {
                paths::copy_field(name, i, "retention_days")
            }
            Some(i) => paths::copy_field(name, i, "cold_storage_after_days"),
            None => paths::rule_field(name, "retention_days"),
        };
        diagnostics.push(PolicyDiagnostic::new(
            path,
            "Retention too short for cold storage",
            format!(
                "rule {name:?}: the copy to {:?} keeps recovery points {retention} days, but it must keep them at least \
                 cold_storage_after_days + {MIN_COLD_DAYS} = {} days.",
                copy.vault_arn,
                cold + MIN_COLD_DAYS
            ),
        ));
    }
}

fn check_retention_bounds(
    ctx: &Context<'_>,
    name: &str,
    rule: &EffectiveRule,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) {
    let patch = ctx.patch.rules.get(name);
    let bounds = [
        (
            &ctx.guardrails.min_retention_days,
            "min_retention_days",
            "below",
            "Retention below guardrail",
        ),
        (
            &ctx.guardrails.max_retention_days,
            "max_retention_days",
            "above",
            "Retention above guardrail",
        ),
    ];
    for (bound, bound_name, word, summary) in bounds {
        let Some(bound) = bound else { continue };
        let violates = |days: i64| {
            if word == "below" {
                days < bound.value
            } else {
                days > bound.value
            }
        };
        let blame = |set_here: bool, own: AttributePath| {
            if set_here || bound.set_by != ctx.app {
                own
            } else {
                paths::guardrail(bound_name)
            }
        };
        if violates(rule.retention_days) {
            let set_here = patch.is_some_and(|p| p.retention_days.is_some());
            let mut detail = format!(
                "rule {name:?}: retention_days = {} is {word} {bound_name} = {} set by app {:?}.",
                rule.retention_days, bound.value, bound.set_by
            );
            if !set_here {
                detail.push_str(&format!(
                    " retention_days is {}; set it in this app to override.",
                    set_by(ctx, name, "retention_days")
                ));
            }
            diagnostics.push(PolicyDiagnostic::new(
                blame(set_here, paths::rule_field(name, "retention_days")),
                summary,
                detail,
            ));
        }
        for copy in &rule.copy_to {
            let Some(days) = copy.retention_days.filter(|d| violates(*d)) else {
                continue;
            };
            let index = patch.and_then(|p| p.copy_to.as_ref()).and_then(|c| {
                c.iter()
                    .position(|c| c.vault_arn == copy.vault_arn && c.retention_days.is_some())
            });
            let own = match index {
                Some(i) => paths::copy_field(name, i, "retention_days"),
                None => paths::rule_field(name, "copy_to"),
            };
            let who = ctx
                .merged
                .provenance
                .rules
                .get(name)
                .and_then(|p| p.copy_to.get(&copy.vault_arn));
            let who = who
                .and_then(|c| c.retention_days.as_deref())
                .unwrap_or(ctx.app);
            diagnostics.push(PolicyDiagnostic::new(
                blame(index.is_some(), own),
                summary,
                format!(
                    "rule {name:?}: the copy to {:?} has retention_days = {days} (set by app {who:?}), which is {word} \
                     {bound_name} = {} set by app {:?}.",
                    copy.vault_arn, bound.value, bound.set_by
                ),
            ));
        }
    }
}

fn check_locks(ctx: &Context<'_>, change: &Change, diagnostics: &mut Vec<PolicyDiagnostic>) {
    let lock = ctx.inherited.locked.iter().find(|l| match &change.rule {
        Some(rule) => l.target.covers_rule_field(rule, &change.field),
        None => l.target.covers_tag(&change.field),
    });
    let Some(lock) = lock else { return };
    let concrete = match &change.rule {
        Some(rule) => format!("rules.{rule}.{}", change.field),
        None => format!("tags.{}", change.field),
    };
    let entry = if lock.path == concrete {
        String::new()
    } else {
        format!(" (locked entry {:?})", lock.path)
    };
    let at = change
        .old
        .as_ref()
        .map(|old| format!(" at {old}"))
        .unwrap_or_default();
    diagnostics.push(PolicyDiagnostic::new(
        change.path.clone(),
        "Locked value changed",
        format!(
            "{concrete} is locked by app {:?}{entry}{at}; this app {}.",
            lock.set_by, change.action
        ),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vault_arns() {
        assert!(check_vault_arn("arn:aws:backup:us-west-2:111111111111:backup-vault:dr").is_ok());
        assert!(check_vault_arn(
            "arn:aws-us-gov:backup:us-gov-west-1:111111111111:backup-vault:my_vault-1"
        )
        .is_ok());
        for bad in [
            "dr",
            "arn:aws:s3:::bucket",
            "arn:aws:backup:us-west-2:1111:backup-vault:dr",
            "arn:aws:backup::111111111111:backup-vault:dr",
            "arn:aws:backup:us-west-2:111111111111:backup-plan:dr",
            "arn:aws:backup:us-west-2:111111111111:backup-vault:d",
            "arn:aws:backup:us-west-2:111111111111:backup-vault:has space",
        ] {
            assert!(check_vault_arn(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn tags_and_rule_names() {
        let mut d = vec![];
        check_tag("aws:owner", "x", || paths::tag("aws:owner"), &mut d);
        check_tag("", "x", || paths::tag(""), &mut d);
        check_tag("ok", &"v".repeat(257), || paths::tag("ok"), &mut d);
        check_tag("fine", "value", || paths::tag("fine"), &mut d);
        check_tag("AWS:x", "v", || paths::tag("AWS:x"), &mut d);
        check_tag("é:aws", "v", || paths::tag("é:aws"), &mut d);
        check_rule_name("daily.eu-1_b", &mut d);
        check_rule_name("has space", &mut d);
        let paths: Vec<String> = d.iter().map(|d| d.path.to_string()).collect();
        assert_eq!(
            paths,
            [
                r#"policy.tags["aws:owner"]"#,
                r#"policy.tags[""]"#,
                r#"policy.tags["ok"]"#,
                r#"policy.tags["AWS:x"]"#,
                r#"policy.rules["has space"]"#
            ]
        );
    }
}
