//! Guardrails: bounds and locks that accumulate down the tree and may only tighten.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{paths, PolicyDiagnostic};
use crate::model::{EffectiveRule, GuardrailsPatch, RULE_FIELDS};

/// A guardrail value together with the app that set it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting<T> {
    /// The value in force.
    pub value: T,
    /// Name of the app that set it (the first one, when descendants restate it).
    pub set_by: String,
}

/// Guardrails in force for an app: its ancestors' and its own, accumulated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveGuardrails {
    /// The highest `min_retention_days` in the lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_retention_days: Option<Setting<i64>>,
    /// The lowest `max_retention_days` in the lineage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retention_days: Option<Setting<i64>>,
    /// `require_copy` as last set; `true` once any app turns it on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_copy: Option<Setting<bool>>,
    /// `allow_new_rules` as last set; `false` once any app turns it off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_new_rules: Option<Setting<bool>>,
    /// Every locked path in the lineage, sorted by path.
    #[serde(default)]
    pub locked: Vec<LockedPath>,
    /// Restore testing guardrails; left out of the document while none is set.
    #[serde(
        default,
        skip_serializing_if = "crate::RestoreTestingGuardrails::is_empty"
    )]
    pub restore_testing: crate::RestoreTestingGuardrails,
    /// The access and alert guardrails.
    #[serde(flatten)]
    pub access: crate::access::AccessGuardrails,
    /// The vault hardening guardrails.
    #[serde(flatten)]
    pub hardening: crate::hardening::HardeningGuardrails,
}

impl EffectiveGuardrails {
    /// Whether rules added below must copy to at least one vault (default `false`).
    pub fn require_copy(&self) -> bool {
        self.require_copy.as_ref().is_some_and(|s| s.value)
    }

    /// Whether descendants may add rules (default `true`).
    pub fn allow_new_rules(&self) -> bool {
        self.allow_new_rules.as_ref().is_none_or(|s| s.value)
    }
}

/// A `locked` entry: the path as written, what it resolves to, and who locked it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedPath {
    /// The entry as written, e.g. `rules.daily.schedule`.
    pub path: String,
    /// Name of the app that locked it.
    pub set_by: String,
    /// What the entry locks.
    pub target: LockTarget,
}

/// What a `locked` entry locks. `*` stands for every rule or tag (neither AWS rule names nor tag
/// keys may contain `*`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LockTarget {
    /// A rule (`field: None`: all of it) or one of its fields.
    Rule {
        /// Rule name, or `*`.
        rule: String,
        /// Field name from [`RULE_FIELDS`], or `None` for the whole rule.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        field: Option<String>,
    },
    /// A tag.
    Tag {
        /// Tag key, or `*`.
        key: String,
    },
}

impl LockTarget {
    /// Whether this lock covers `field` of rule `rule`.
    pub fn covers_rule_field(&self, rule: &str, field: &str) -> bool {
        match self {
            LockTarget::Rule { rule: r, field: f } => {
                (r == "*" || r == rule) && f.as_deref().is_none_or(|f| f == field)
            }
            LockTarget::Tag { .. } => false,
        }
    }

    /// Whether this lock covers tag `key`.
    pub fn covers_tag(&self, key: &str) -> bool {
        matches!(self, LockTarget::Tag { key: k } if k == "*" || k == key)
    }
}

/// Why a `locked` entry names nothing; the text follows the entry in the diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// `rules.<rule>.<field>` where the rule exists but the field is not a rule attribute.
    #[error("{0:?} is not a rule attribute; use one of {fields}", fields = RULE_FIELDS.join(", "))]
    NotARuleField(String),
    /// `rules.<a>.<b>` where neither `a.b` nor `a` is a rule.
    #[error("names no rule: neither {whole:?} nor {prefix:?} is a rule of this app's policy")]
    NoSuchRuleEither {
        /// Everything after `rules.`.
        whole: String,
        /// That without its last segment.
        prefix: String,
    },
    /// `rules.<rule>` where the rule does not exist.
    #[error("names no rule: {0:?} is not a rule of this app's policy")]
    NoSuchRule(String),
    /// `tags.<key>` where the tag does not exist.
    #[error("names no tag: {0:?} is not a tag of this app's policy")]
    NoSuchTag(String),
    /// Neither `rules.` nor `tags.`.
    #[error("must start with \"rules.\" or \"tags.\" (e.g. rules.daily.schedule, rules.daily, rules.*.retention_days, tags.owner)")]
    UnknownPrefix,
}

/// Resolves a `locked` entry against the locking app's effective rules and tags.
///
/// The grammar is `rules.<rule>.<field>`, `rules.<rule>`, `rules.*.<field>`, `rules.*`,
/// `tags.<key>` and `tags.*`. Rule names may contain dots: the last segment is the field when it
/// names one and the rest names a rule; otherwise the whole remainder is the rule name.
pub fn parse_lock(
    entry: &str,
    rules: &BTreeMap<String, EffectiveRule>,
    tags: &BTreeMap<String, String>,
) -> Result<LockTarget, LockError> {
    if let Some(rest) = entry.strip_prefix("rules.") {
        if let Some((rule, field)) = rest.rsplit_once('.') {
            if RULE_FIELDS.contains(&field) && (rule == "*" || rules.contains_key(rule)) {
                return Ok(LockTarget::Rule {
                    rule: rule.to_string(),
                    field: Some(field.to_string()),
                });
            }
        }
        if rest == "*" || rules.contains_key(rest) {
            return Ok(LockTarget::Rule {
                rule: rest.to_string(),
                field: None,
            });
        }
        return Err(match rest.rsplit_once('.') {
            Some((rule, field)) if rules.contains_key(rule) || rule == "*" => {
                LockError::NotARuleField(field.to_string())
            }
            Some((rule, _)) => LockError::NoSuchRuleEither {
                whole: rest.to_string(),
                prefix: rule.to_string(),
            },
            None => LockError::NoSuchRule(rest.to_string()),
        });
    }
    if let Some(key) = entry.strip_prefix("tags.") {
        if key == "*" || tags.contains_key(key) {
            return Ok(LockTarget::Tag {
                key: key.to_string(),
            });
        }
        return Err(LockError::NoSuchTag(key.to_string()));
    }
    Err(LockError::UnknownPrefix)
}

/// Accumulates `patch` (set by `app`) onto the inherited guardrails, reporting every attempt to
/// loosen one. Locked entries are resolved against the app's own effective `rules` and `tags`.
pub(crate) fn accumulate(
    inherited: &EffectiveGuardrails,
    app: &str,
    patch: &GuardrailsPatch,
    rules: &BTreeMap<String, EffectiveRule>,
    tags: &BTreeMap<String, String>,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> EffectiveGuardrails {
    let mut out = inherited.clone();
    fn setting<T>(value: T, app: &str) -> Setting<T> {
        Setting {
            value,
            set_by: app.to_string(),
        }
    }

    if let Some(min) = patch.min_retention_days {
        if min < 1 {
            diagnostics.push(invalid_bound("min_retention_days", min));
        } else {
            match &inherited.min_retention_days {
                Some(s) if min < s.value => diagnostics.push(loosened(
                    "min_retention_days",
                    &min.to_string(),
                    s,
                    "raise it",
                )),
                Some(s) if min == s.value => {}
                _ => out.min_retention_days = Some(setting(min, app)),
            }
        }
    }
    if let Some(max) = patch.max_retention_days {
        if max < 1 {
            diagnostics.push(invalid_bound("max_retention_days", max));
        } else {
            match &inherited.max_retention_days {
                Some(s) if max > s.value => diagnostics.push(loosened(
                    "max_retention_days",
                    &max.to_string(),
                    s,
                    "lower it",
                )),
                Some(s) if max == s.value => {}
                _ => out.max_retention_days = Some(setting(max, app)),
            }
        }
    }
    if let (Some(min), Some(max)) = (&out.min_retention_days, &out.max_retention_days) {
        if min.value > max.value {
            let field = if min.set_by == app {
                "min_retention_days"
            } else {
                "max_retention_days"
            };
            diagnostics.push(PolicyDiagnostic::new(
                paths::guardrail(field),
                "Conflicting guardrails",
                format!(
                    "min_retention_days = {} (set by app {:?}) is above max_retention_days = {} (set by app {:?}); \
                     no retention could satisfy both.",
                    min.value, min.set_by, max.value, max.set_by
                ),
            ));
        }
    }
    if let Some(require) = patch.require_copy {
        match &inherited.require_copy {
            Some(s) if s.value && !require => {
                diagnostics.push(loosened("require_copy", "false", s, "keep it true"))
            }
            Some(s) if s.value == require => {}
            _ => out.require_copy = Some(setting(require, app)),
        }
    }
    if let Some(allow) = patch.allow_new_rules {
        match &inherited.allow_new_rules {
            Some(s) if !s.value && allow => {
                diagnostics.push(loosened("allow_new_rules", "true", s, "keep it false"))
            }
            Some(s) if s.value == allow => {}
            _ => out.allow_new_rules = Some(setting(allow, app)),
        }
    }
    for (index, entry) in patch.locked.iter().flatten().enumerate() {
        match parse_lock(entry, rules, tags) {
            Ok(target) => {
                if !out.locked.iter().any(|l| l.path == *entry) {
                    out.locked.push(LockedPath {
                        path: entry.clone(),
                        set_by: app.to_string(),
                        target,
                    });
                }
            }
            Err(reason) => diagnostics.push(PolicyDiagnostic::new(
                paths::locked(index),
                "Invalid locked path",
                format!("locked entry {entry:?} of app {app:?} {reason}."),
            )),
        }
    }
    out.locked.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn invalid_bound(field: &str, value: i64) -> PolicyDiagnostic {
    PolicyDiagnostic::new(
        paths::guardrail(field),
        "Invalid guardrail",
        format!("{field} = {value} must be at least 1."),
    )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::daily_rule;

    fn rules(names: &[&str]) -> BTreeMap<String, EffectiveRule> {
        names
            .iter()
            .map(|n| (n.to_string(), daily_rule()))
            .collect()
    }

    #[test]
    fn lock_grammar() {
        let rules = rules(&["daily", "eu.daily"]);
        let tags = BTreeMap::from([("owner".to_string(), "platform".to_string())]);
        let rule = |r: &str, f: Option<&str>| LockTarget::Rule {
            rule: r.into(),
            field: f.map(Into::into),
        };
        assert_eq!(
            parse_lock("rules.daily.schedule", &rules, &tags),
            Ok(rule("daily", Some("schedule")))
        );
        assert_eq!(
            parse_lock("rules.daily", &rules, &tags),
            Ok(rule("daily", None))
        );
        assert_eq!(
            parse_lock("rules.eu.daily", &rules, &tags),
            Ok(rule("eu.daily", None))
        );
        assert_eq!(
            parse_lock("rules.eu.daily.copy_to", &rules, &tags),
            Ok(rule("eu.daily", Some("copy_to")))
        );
        assert_eq!(
            parse_lock("rules.*.retention_days", &rules, &tags),
            Ok(rule("*", Some("retention_days")))
        );
        assert_eq!(parse_lock("rules.*", &rules, &tags), Ok(rule("*", None)));
        assert_eq!(
            parse_lock("tags.owner", &rules, &tags),
            Ok(LockTarget::Tag {
                key: "owner".into()
            })
        );
        assert!(parse_lock("rules.weekly.schedule", &rules, &tags)
            .unwrap_err()
            .to_string()
            .contains("names no rule"));
        assert!(parse_lock("rules.daily.colour", &rules, &tags)
            .unwrap_err()
            .to_string()
            .contains("not a rule attribute"));
        assert!(parse_lock("tags.team", &rules, &tags)
            .unwrap_err()
            .to_string()
            .contains("names no tag"));
        assert!(parse_lock("policy.rules.daily", &rules, &tags)
            .unwrap_err()
            .to_string()
            .contains("must start with"));
    }

    #[test]
    fn covers() {
        let l = LockTarget::Rule {
            rule: "*".into(),
            field: Some("schedule".into()),
        };
        assert!(
            l.covers_rule_field("daily", "schedule")
                && !l.covers_rule_field("daily", "retention_days")
        );
        let l = LockTarget::Rule {
            rule: "daily".into(),
            field: None,
        };
        assert!(
            l.covers_rule_field("daily", "copy_to") && !l.covers_rule_field("weekly", "copy_to")
        );
        assert!(LockTarget::Tag { key: "*".into() }.covers_tag("x"));
        assert!(!LockTarget::Tag { key: "a".into() }.covers_rule_field("a", "schedule"));
    }

    #[test]
    fn only_tightens() {
        let rules = rules(&["daily"]);
        let tags = BTreeMap::new();
        let mut d = vec![];
        let root = GuardrailsPatch {
            min_retention_days: Some(30),
            max_retention_days: Some(3650),
            require_copy: Some(true),
            locked: Some(vec!["rules.daily.schedule".into()]),
            allow_new_rules: Some(false),
            ..Default::default()
        };
        let g = accumulate(
            &EffectiveGuardrails::default(),
            "root",
            &root,
            &rules,
            &tags,
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        let loosen = GuardrailsPatch {
            min_retention_days: Some(10),
            max_retention_days: Some(5000),
            require_copy: Some(false),
            locked: None,
            allow_new_rules: Some(true),
            ..Default::default()
        };
        let child = accumulate(&g, "child", &loosen, &rules, &tags, &mut d);
        assert_eq!(child, g);
        let fields: Vec<String> = d.iter().map(|d| d.path.to_string()).collect();
        assert_eq!(
            fields,
            [
                "guardrails.min_retention_days",
                "guardrails.max_retention_days",
                "guardrails.require_copy",
                "guardrails.allow_new_rules"
            ]
        );
        assert!(d[0].detail.contains("set by app \"root\""));

        let mut d = vec![];
        let tighten = GuardrailsPatch {
            min_retention_days: Some(60),
            max_retention_days: Some(30),
            locked: Some(vec!["rules.daily".into(), "rules.daily.schedule".into()]),
            ..Default::default()
        };
        let child = accumulate(&g, "child", &tighten, &rules, &tags, &mut d);
        assert_eq!(
            child.min_retention_days,
            Some(Setting {
                value: 60,
                set_by: "child".into()
            })
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].summary, "Conflicting guardrails");
        let locked: Vec<(&str, &str)> = child
            .locked
            .iter()
            .map(|l| (l.path.as_str(), l.set_by.as_str()))
            .collect();
        assert_eq!(
            locked,
            [("rules.daily", "child"), ("rules.daily.schedule", "root")]
        );
    }
}
