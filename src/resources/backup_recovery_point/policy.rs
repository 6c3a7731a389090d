//! Which lifecycles a point may have: AWS's own rule (90 days in cold storage at least) and,
//! with a `policy_document`, the app's effective policy: never shorter than the
//! `min_retention_days` guardrail or the retention of the rule that made the point, never longer
//! than `max_retention_days`. Deleting a point is held to the same minimum and the vault lock's.

use backup_policy::PolicyDocument;
use tfplugin::framework::Diagnostics;
use tfvalue::{AttributePath, Value};

use crate::cloud::{LifecycleSpec, VaultLockState};

/// Days a point must stay in cold storage before AWS deletes it.
const COLD_MINIMUM_DAYS: i64 = 90;

/// The checked `policy_document` of `config`; `None` when unset or unknown, and `None` with an
/// error at it when it is not a valid document.
pub(crate) fn document(config: &Value, diagnostics: &mut Diagnostics) -> Option<PolicyDocument> {
    let Some(Value::String(json)) = config.get("policy_document") else {
        return None;
    };
    match PolicyDocument::parse(json) {
        Ok(doc) => Some(doc),
        Err(problem) => {
            diagnostics.error_at(
                AttributePath::attr("policy_document"),
                "Invalid policy document",
                problem.detail.replace("parent's", "the document's"),
            );
            None
        }
    }
}

fn delete_path() -> AttributePath {
    AttributePath::attr("lifecycle").attribute("delete_after_days")
}

/// Whether `lifecycle` is allowed for a point made by rule `rule` (`None`: on demand, or not
/// known), under `doc` if given; errors at `lifecycle.delete_after_days` naming the rule broken.
pub(crate) fn check_lifecycle(
    lifecycle: &LifecycleSpec,
    doc: Option<&PolicyDocument>,
    rule: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> bool {
    let days = lifecycle.delete_after_days;
    let kept = |days: i64| match days {
        0 => "kept until deleted".to_string(),
        days => format!("kept {days} days"),
    };
    if let (Some(cold), true) = (lifecycle.cold_after_days, days > 0) {
        if days < cold + COLD_MINIMUM_DAYS {
            diagnostics.error_at(
                delete_path(),
                "Recovery point deleted too soon after cold storage",
                format!(
                    "AWS Backup keeps a point in cold storage for at least {COLD_MINIMUM_DAYS} days: with \
                     move_to_cold_storage_after_days = {cold}, delete_after_days must be at least {}.",
                    cold + COLD_MINIMUM_DAYS
                ),
            );
            return false;
        }
    }
    let Some(doc) = doc else {
        return true;
    };
    let guardrails = doc.guardrails();
    let finite = (days > 0).then_some(days);
    if let (Some(min), Some(days)) = (&guardrails.min_retention_days, finite) {
        if days < min.value {
            diagnostics.error_at(
                delete_path(),
                "Recovery point lifecycle weakens the policy",
                format!(
                    "A recovery point {} is below min_retention_days = {} set by app {:?} for app {:?}. A \
                     point's lifecycle may only be tightened.",
                    kept(days),
                    min.value,
                    min.set_by,
                    doc.app()
                ),
            );
            return false;
        }
    }
    let made_by = rule.and_then(|name| doc.rules().get(name).map(|r| (name, r)));
    if let (Some((name, effective)), Some(days)) = (made_by, finite) {
        if days < effective.retention_days {
            diagnostics.error_at(
                delete_path(),
                "Recovery point lifecycle weakens the policy",
                format!(
                    "The point was made by rule {name:?}, whose retention_days = {} in the effective policy of \
                     app {:?} (rules.{name}.retention_days); a point {} would be deleted before the rule says. \
                     A point's lifecycle may only be tightened.",
                    effective.retention_days,
                    doc.app(),
                    kept(days),
                ),
            );
            return false;
        }
    }
    if let Some(max) = &guardrails.max_retention_days {
        if finite.is_none_or(|days| days > max.value) {
            diagnostics.error_at(
                delete_path(),
                "Recovery point lifecycle outside the guardrails",
                format!(
                    "A recovery point {} is above max_retention_days = {} set by app {:?} for app {:?}.",
                    kept(days),
                    max.value,
                    max.set_by,
                    doc.app()
                ),
            );
            return false;
        }
    }
    true
}

/// Why deleting a point made at `created` (seconds since the epoch) is refused at `now`, if it
/// is: younger than the vault lock's `min_retention_days`, or than the document's guardrail.
pub(crate) fn deletion_refused(
    created: i64,
    now: i64,
    lock: Option<&VaultLockState>,
    doc: Option<&PolicyDocument>,
) -> Option<String> {
    let age_days = (now - created).div_euclid(86_400);
    if let Some(min) = lock.and_then(|l| l.min_retention_days) {
        if age_days < min {
            return Some(format!(
                "The vault lock keeps recovery points at least {min} days (min_retention_days); this one is \
                 {age_days} days old."
            ));
        }
    }
    let min = doc.and_then(|d| d.guardrails().min_retention_days.as_ref());
    if let (Some(min), Some(doc)) = (min, doc) {
        if age_days < min.value {
            return Some(format!(
                "min_retention_days = {} set by app {:?} for app {:?} keeps recovery points that long; this one \
                 is {age_days} days old.",
                min.value,
                min.set_by,
                doc.app()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use backup_policy::{AppInput, GuardrailsPatch, RulePatch};

    /// Root app `org-root`: rule `daily` keeps 35 days; guardrails 30..=400 days.
    fn doc() -> PolicyDocument {
        let mut root = AppInput {
            name: "org-root".into(),
            guardrails: GuardrailsPatch {
                min_retention_days: Some(30),
                max_retention_days: Some(400),
                ..Default::default()
            },
            ..Default::default()
        };
        root.policy.rules.insert(
            "daily".into(),
            RulePatch {
                schedule: Some("cron(0 5 ? * * *)".into()),
                retention_days: Some(35),
                ..Default::default()
            },
        );
        backup_policy::evaluate(None, &root).unwrap()
    }

    fn days(delete: i64, cold: Option<i64>) -> LifecycleSpec {
        LifecycleSpec {
            cold_after_days: cold,
            delete_after_days: delete,
        }
    }

    fn problem(lifecycle: LifecycleSpec, rule: Option<&str>) -> Option<(AttributePath, String)> {
        let mut diagnostics = Diagnostics::new();
        let ok = check_lifecycle(&lifecycle, Some(&doc()), rule, &mut diagnostics);
        let found = diagnostics
            .iter()
            .next()
            .map(|d| (d.path.clone().unwrap(), d.detail.clone()));
        assert_eq!(ok, found.is_none());
        found
    }

    #[test]
    fn tightening_is_allowed_and_weakening_names_the_rule_broken() {
        assert_eq!(problem(days(90, None), Some("daily")), None);
        assert_eq!(problem(days(35, None), Some("daily")), None);
        let (path, detail) = problem(days(20, None), None).unwrap();
        assert_eq!(path, delete_path());
        assert!(
            detail.contains("below min_retention_days = 30 set by app \"org-root\""),
            "{detail}"
        );
        let (_, detail) = problem(days(31, None), Some("daily")).unwrap();
        assert!(detail.contains("rules.daily.retention_days"), "{detail}");
        // A rule the document does not have (another app's) binds nothing here.
        assert_eq!(problem(days(31, None), Some("weekly")), None);
        let (_, detail) = problem(days(500, None), None).unwrap();
        assert!(
            detail.contains("above max_retention_days = 400"),
            "{detail}"
        );
        let (_, detail) = problem(days(0, None), None).unwrap();
        assert!(detail.contains("kept until deleted"), "{detail}");
    }

    #[test]
    fn cold_storage_needs_ninety_more_days_with_or_without_a_document() {
        let mut diagnostics = Diagnostics::new();
        assert!(!check_lifecycle(
            &days(100, Some(30)),
            None,
            None,
            &mut diagnostics
        ));
        assert!(diagnostics
            .iter()
            .next()
            .unwrap()
            .detail
            .contains("at least 120"));
        assert!(check_lifecycle(
            &days(120, Some(30)),
            None,
            None,
            &mut Diagnostics::new()
        ));
        assert!(check_lifecycle(
            &days(0, None),
            None,
            None,
            &mut Diagnostics::new()
        ));
    }

    #[test]
    fn deletion_waits_for_the_lock_and_the_guardrail() {
        let day = 86_400;
        let lock = VaultLockState {
            min_retention_days: Some(7),
            max_retention_days: None,
            lock_date: None,
        };
        let refused = deletion_refused(0, 3 * day, Some(&lock), None).unwrap();
        assert!(refused.contains("at least 7 days"), "{refused}");
        assert_eq!(deletion_refused(0, 8 * day, Some(&lock), None), None);
        let refused = deletion_refused(0, 8 * day, Some(&lock), Some(&doc())).unwrap();
        assert!(refused.contains("min_retention_days = 30"), "{refused}");
        assert_eq!(deletion_refused(0, 31 * day, None, Some(&doc())), None);
    }
}
