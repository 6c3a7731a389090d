//! Inheritance: an app's patch merged onto its parent's effective policy.
//!
//! Maps (rules, tags, recovery point tags) merge by key, scalars are replaced, copies merge by vault
//! ARN; nothing is ever removed. Alongside the effective values, the merge records who set each one
//! ([`Provenance`]) and every inherited value this app changes ([`Change`]), which is what `locked`
//! paths are checked against.

use std::collections::{BTreeMap, BTreeSet};

use tfvalue::AttributePath;

use crate::diagnostic::{paths, PolicyDiagnostic};
use crate::model::{
    normalize_cold, CopyPatch, EffectiveCopy, EffectiveRule, PolicyPatch, RulePatch,
    DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES,
};
use crate::provenance::{CopyProvenance, Provenance, RuleProvenance};

/// An inherited value this app changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Change {
    /// The rule changed, or `None` for a tag.
    pub rule: Option<String>,
    /// The rule field (from `RULE_FIELDS`) or the tag key.
    pub field: String,
    /// Where in this app's configuration the change is.
    pub path: AttributePath,
    /// The inherited value, rendered for messages (`None` when there was none, e.g. a new copy).
    pub old: Option<String>,
    /// What this app does, e.g. `sets 90` or `adds a copy to "arn:..."`.
    pub action: String,
}

/// The outcome of merging one app's patch.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    pub rules: BTreeMap<String, EffectiveRule>,
    pub tags: BTreeMap<String, String>,
    pub provenance: Provenance,
    /// Inherited values this app changes.
    pub changes: Vec<Change>,
    /// Rules this app adds.
    pub new_rules: BTreeSet<String>,
    /// Rules this app adds or changes in any way.
    pub touched: BTreeSet<String>,
}

/// Merges `patch`, set by `app`, onto the inherited rules, tags and provenance (taken over, not
/// copied: the caller is done with them).
pub(crate) fn merge(
    app: &str,
    patch: &PolicyPatch,
    rules: BTreeMap<String, EffectiveRule>,
    tags: BTreeMap<String, String>,
    provenance: Provenance,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> Merged {
    let mut out = Merged {
        rules,
        tags,
        provenance,
        ..Default::default()
    };
    // Patches are keyed by name, so while a name is handled `out` still holds what it inherits.
    for (name, rule_patch) in &patch.rules {
        match out.rules.get(name) {
            Some(inherited) => {
                let mut rule = inherited.clone();
                let inherited_prov = out.provenance.rules.get(name);
                let mut prov = inherited_prov.cloned().unwrap_or_default();
                out.changes.extend(apply_rule(
                    app,
                    name,
                    rule_patch,
                    &mut rule,
                    &mut prov,
                    diagnostics,
                ));
                let prov_changed = match inherited_prov {
                    Some(inherited_prov) => prov != *inherited_prov,
                    None => prov != RuleProvenance::default(),
                };
                if rule != *inherited || prov_changed {
                    out.touched.insert(name.clone());
                }
                out.rules.insert(name.clone(), rule);
                out.provenance.rules.insert(name.clone(), prov);
            }
            None => {
                let (Some(schedule), Some(retention_days)) =
                    (&rule_patch.schedule, rule_patch.retention_days)
                else {
                    let missing: Vec<&str> = [
                        rule_patch.schedule.is_none().then_some("schedule"),
                        rule_patch
                            .retention_days
                            .is_none()
                            .then_some("retention_days"),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    diagnostics.push(PolicyDiagnostic::new(
                        paths::rule(name),
                        "Incomplete rule",
                        format!(
                            "rule {name:?} is new in app {app:?} (no ancestor defines it), so it must set {}.",
                            missing.join(" and ")
                        ),
                    ));
                    continue;
                };
                let mut rule = EffectiveRule {
                    schedule: schedule.clone(),
                    start_window_minutes: DEFAULT_START_WINDOW_MINUTES,
                    completion_window_minutes: DEFAULT_COMPLETION_WINDOW_MINUTES,
                    retention_days,
                    cold_storage_after_days: None,
                    enable_continuous_backup: false,
                    copy_to: vec![],
                    recovery_point_tags: BTreeMap::new(),
                };
                let mut prov = RuleProvenance {
                    introduced_by: app.to_string(),
                    ..Default::default()
                };
                // Everything a new rule sets is new, not a change to an inherited value.
                let _ = apply_rule(app, name, rule_patch, &mut rule, &mut prov, diagnostics);
                out.new_rules.insert(name.clone());
                out.touched.insert(name.clone());
                out.rules.insert(name.clone(), rule);
                out.provenance.rules.insert(name.clone(), prov);
            }
        }
    }
    for (key, value) in &patch.tags {
        match out.tags.get(key) {
            Some(old) if old == value => continue,
            Some(old) => out.changes.push(Change {
                rule: None,
                field: key.clone(),
                path: paths::tag(key),
                old: Some(format!("{old:?}")),
                action: format!("sets {value:?}"),
            }),
            None => {}
        }
        out.tags.insert(key.clone(), value.clone());
        out.provenance.tags.insert(key.clone(), app.to_string());
    }
    out
}

/// Applies one rule patch in place, returning the changes to values the rule had before.
fn apply_rule(
    app: &str,
    name: &str,
    patch: &RulePatch,
    rule: &mut EffectiveRule,
    prov: &mut RuleProvenance,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    // `old` and `new` render the values for messages, so they run only for a change.
    let mut scalar =
        |field: &str, old: &dyn Fn() -> String, new: &dyn Fn() -> String, changed: bool| {
            if changed {
                changes.push(Change {
                    rule: Some(name.to_string()),
                    field: field.to_string(),
                    path: paths::rule_field(name, field),
                    old: Some(old()),
                    action: format!("sets {}", new()),
                });
            }
            if changed || !prov.fields.contains_key(field) {
                prov.fields.insert(field.to_string(), app.to_string());
            }
        };
    if let Some(s) = &patch.schedule {
        scalar(
            "schedule",
            &|| format!("{:?}", rule.schedule),
            &|| format!("{s:?}"),
            *s != rule.schedule,
        );
        if *s != rule.schedule {
            rule.schedule.clone_from(s);
        }
    }
    macro_rules! int_field {
        ($field:ident) => {
            if let Some(v) = patch.$field {
                scalar(
                    stringify!($field),
                    &|| rule.$field.to_string(),
                    &|| v.to_string(),
                    v != rule.$field,
                );
                rule.$field = v;
            }
        };
    }
    int_field!(start_window_minutes);
    int_field!(completion_window_minutes);
    int_field!(retention_days);
    if let Some(v) = patch.cold_storage_after_days {
        let new = normalize_cold(Some(v));
        let show = |d: Option<i64>| d.map_or("never (0)".to_string(), |d| d.to_string());
        scalar(
            "cold_storage_after_days",
            &|| show(rule.cold_storage_after_days),
            &|| show(new),
            new != rule.cold_storage_after_days,
        );
        rule.cold_storage_after_days = new;
    }
    if let Some(v) = patch.enable_continuous_backup {
        let old = rule.enable_continuous_backup;
        scalar(
            "enable_continuous_backup",
            &|| old.to_string(),
            &|| v.to_string(),
            v != old,
        );
        rule.enable_continuous_backup = v;
    }
    if let Some(copies) = &patch.copy_to {
        changes.extend(merge_copies(app, name, copies, rule, prov, diagnostics));
    }
    for (key, value) in patch.recovery_point_tags.iter().flatten() {
        let old = rule.recovery_point_tags.get(key);
        if old == Some(value) {
            continue;
        }
        changes.push(Change {
            rule: Some(name.to_string()),
            field: "recovery_point_tags".into(),
            path: paths::recovery_point_tag(name, key),
            old: old.map(|o| format!("{key} = {o:?}")),
            action: match old {
                Some(_) => format!("sets {key} = {value:?}"),
                None => format!("adds {key} = {value:?}"),
            },
        });
        rule.recovery_point_tags.insert(key.clone(), value.clone());
        prov.recovery_point_tags
            .insert(key.clone(), app.to_string());
    }
    changes
}

/// Merges copies by vault ARN: a known ARN updates that copy, a new one is added.
fn merge_copies(
    app: &str,
    name: &str,
    copies: &[CopyPatch],
    rule: &mut EffectiveRule,
    prov: &mut RuleProvenance,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut seen = BTreeSet::new();
    for (index, patch) in copies.iter().enumerate() {
        if !seen.insert(patch.vault_arn.as_str()) {
            diagnostics.push(PolicyDiagnostic::new(
                paths::copy_field(name, index, "vault_arn"),
                "Duplicate copy",
                format!(
                    "rule {name:?} of app {app:?} lists a copy to {:?} more than once.",
                    patch.vault_arn
                ),
            ));
            continue;
        }
        let change = |field: &str, old: Option<String>, action: String| Change {
            rule: Some(name.to_string()),
            field: "copy_to".into(),
            path: if field.is_empty() {
                paths::copy(name, index)
            } else {
                paths::copy_field(name, index, field)
            },
            old,
            action,
        };
        let cold = patch
            .cold_storage_after_days
            .map(|d| normalize_cold(Some(d)));
        match rule
            .copy_to
            .iter_mut()
            .find(|c| c.vault_arn == patch.vault_arn)
        {
            None => {
                changes.push(change(
                    "",
                    None,
                    format!("adds a copy to {:?}", patch.vault_arn),
                ));
                rule.copy_to.push(EffectiveCopy {
                    vault_arn: patch.vault_arn.clone(),
                    retention_days: patch.retention_days,
                    cold_storage_after_days: cold.flatten(),
                });
                prov.copy_to.insert(
                    patch.vault_arn.clone(),
                    CopyProvenance {
                        added_by: app.to_string(),
                        retention_days: patch.retention_days.map(|_| app.to_string()),
                        cold_storage_after_days: cold.map(|_| app.to_string()),
                    },
                );
            }
            Some(copy) => {
                let copy_prov = prov.copy_to.entry(patch.vault_arn.clone()).or_default();
                if let Some(days) = patch.retention_days {
                    if copy.retention_days != Some(days) {
                        let old = copy
                            .retention_days
                            .map_or(format!("the rule's ({})", rule.retention_days), |d| {
                                d.to_string()
                            });
                        changes.push(change(
                            "retention_days",
                            Some(format!("copy to {:?} retention_days {old}", copy.vault_arn)),
                            format!("sets it to {days}"),
                        ));
                        copy.retention_days = Some(days);
                        copy_prov.retention_days = Some(app.to_string());
                    }
                }
                if let Some(new) = cold {
                    if copy.cold_storage_after_days != new {
                        let show =
                            |d: Option<i64>| d.map_or("never".to_string(), |d| d.to_string());
                        changes.push(change(
                            "cold_storage_after_days",
                            Some(format!(
                                "copy to {:?} cold_storage_after_days {}",
                                copy.vault_arn,
                                show(copy.cold_storage_after_days)
                            )),
                            format!("sets it to {}", show(new)),
                        ));
                        copy.cold_storage_after_days = new;
                        copy_prov.cold_storage_after_days = Some(app.to_string());
                    }
                }
            }
        }
    }
    rule.copy_to.sort_by(|a, b| a.vault_arn.cmp(&b.vault_arn));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    const DR: &str = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr";
    const AUDIT: &str = "arn:aws:backup:eu-west-1:333333333333:backup-vault:audit";

    /// Merges `patch` of `app` onto what `parent` merged (or onto nothing), with its diagnostics.
    fn merge_onto(
        parent: Option<&Merged>,
        app: &str,
        patch: &PolicyPatch,
    ) -> (Merged, Vec<PolicyDiagnostic>) {
        let (rules, tags, provenance) = parent
            .map(|p| (p.rules.clone(), p.tags.clone(), p.provenance.clone()))
            .unwrap_or_default();
        let mut d = vec![];
        let m = merge(app, patch, rules, tags, provenance, &mut d);
        (m, d)
    }

    fn root() -> Merged {
        let patch = PolicyPatch {
            rules: BTreeMap::from([(
                "daily".to_string(),
                RulePatch {
                    schedule: Some("cron(0 5 ? * * *)".into()),
                    retention_days: Some(35),
                    copy_to: Some(vec![CopyPatch {
                        vault_arn: DR.into(),
                        retention_days: Some(90),
                        cold_storage_after_days: None,
                    }]),
                    recovery_point_tags: Some(BTreeMap::from([("commit".into(), "abc".into())])),
                    ..Default::default()
                },
            )]),
            tags: BTreeMap::from([("owner".into(), "platform".into())]),
            ..Default::default()
        };
        let (m, d) = merge_onto(None, "root", &patch);
        assert!(d.is_empty());
        m
    }

    #[test]
    fn new_rule_gets_defaults_and_provenance() {
        let m = root();
        let daily = &m.rules["daily"];
        assert_eq!(daily.start_window_minutes, DEFAULT_START_WINDOW_MINUTES);
        assert_eq!(
            daily.completion_window_minutes,
            DEFAULT_COMPLETION_WINDOW_MINUTES
        );
        assert!(m.changes.is_empty());
        assert_eq!(m.new_rules, BTreeSet::from(["daily".to_string()]));
        let prov = &m.provenance.rules["daily"];
        assert_eq!(prov.field("schedule"), Some("root"));
        assert_eq!(prov.field("start_window_minutes"), None);
        assert_eq!(prov.copy_to[DR].retention_days.as_deref(), Some("root"));
        assert_eq!(m.provenance.tags["owner"], "root");
    }

    #[test]
    fn child_merges_by_key_and_arn() {
        let parent = root();
        let patch = PolicyPatch {
            rules: BTreeMap::from([(
                "daily".to_string(),
                RulePatch {
                    retention_days: Some(90),
                    copy_to: Some(vec![
                        CopyPatch {
                            vault_arn: DR.into(),
                            retention_days: Some(180),
                            cold_storage_after_days: None,
                        },
                        CopyPatch {
                            vault_arn: AUDIT.into(),
                            retention_days: None,
                            cold_storage_after_days: Some(0),
                        },
                    ]),
                    recovery_point_tags: Some(BTreeMap::from([("tier".into(), "gold".into())])),
                    ..Default::default()
                },
            )]),
            tags: BTreeMap::from([("environment".into(), "prod".into())]),
            ..Default::default()
        };
        let (m, d) = merge_onto(Some(&parent), "child", &patch);
        assert!(d.is_empty());
        let daily = &m.rules["daily"];
        assert_eq!(daily.schedule, "cron(0 5 ? * * *)");
        assert_eq!(daily.retention_days, 90);
        let arns: Vec<&str> = daily.copy_to.iter().map(|c| c.vault_arn.as_str()).collect();
        assert_eq!(arns, [AUDIT, DR]);
        assert_eq!(daily.copy_retention_days(&daily.copy_to[0]), 90);
        assert_eq!(daily.copy_to[1].retention_days, Some(180));
        assert_eq!(daily.recovery_point_tags.len(), 2);
        assert_eq!(m.tags.len(), 2);
        let changed: Vec<String> = m.changes.iter().map(|c| c.path.to_string()).collect();
        assert_eq!(
            changed,
            [
                r#"policy.rules["daily"].retention_days"#,
                r#"policy.rules["daily"].copy_to[0].retention_days"#,
                r#"policy.rules["daily"].copy_to[1]"#,
                r#"policy.rules["daily"].recovery_point_tags["tier"]"#,
            ]
        );
        let prov = &m.provenance.rules["daily"];
        assert_eq!(prov.introduced_by, "root");
        assert_eq!(prov.field("retention_days"), Some("child"));
        assert_eq!(prov.field("schedule"), Some("root"));
        assert_eq!(prov.copy_to[DR].added_by, "root");
        assert_eq!(prov.copy_to[DR].retention_days.as_deref(), Some("child"));
        assert_eq!(prov.copy_to[AUDIT].added_by, "child");
    }

    #[test]
    fn restating_a_value_is_not_a_change() {
        let parent = root();
        let patch = PolicyPatch {
            rules: BTreeMap::from([(
                "daily".to_string(),
                RulePatch {
                    retention_days: Some(35),
                    schedule: Some("cron(0 5 ? * * *)".into()),
                    ..Default::default()
                },
            )]),
            tags: BTreeMap::from([("owner".into(), "platform".into())]),
            ..Default::default()
        };
        let (m, _) = merge_onto(Some(&parent), "child", &patch);
        assert!(m.changes.is_empty() && m.touched.is_empty());
        assert_eq!(m.provenance, parent.provenance);
    }

    #[test]
    fn incomplete_new_rule_and_duplicate_copy() {
        let patch = PolicyPatch {
            rules: BTreeMap::from([
                (
                    "weekly".to_string(),
                    RulePatch {
                        retention_days: Some(35),
                        ..Default::default()
                    },
                ),
                (
                    "daily".to_string(),
                    RulePatch {
                        schedule: Some("cron(0 5 ? * * *)".into()),
                        retention_days: Some(35),
                        copy_to: Some(vec![
                            CopyPatch {
                                vault_arn: DR.into(),
                                ..Default::default()
                            },
                            CopyPatch {
                                vault_arn: DR.into(),
                                ..Default::default()
                            },
                        ]),
                        ..Default::default()
                    },
                ),
            ]),
            ..Default::default()
        };
        let (m, d) = merge_onto(None, "root", &patch);
        assert_eq!(d.len(), 2);
        assert_eq!(
            d[0].path.to_string(),
            r#"policy.rules["daily"].copy_to[1].vault_arn"#
        );
        assert_eq!(d[1].path.to_string(), r#"policy.rules["weekly"]"#);
        assert!(d[1].detail.contains("must set schedule"));
        assert!(!m.rules.contains_key("weekly"));
        assert_eq!(m.rules["daily"].copy_to.len(), 1);
    }
}
