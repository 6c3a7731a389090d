//! Properties of inheritance over generated trees: determinism, identity, guardrails always hold,
//! monotone tightening, and a hash that changes exactly when the content does.

use backup_policy::{
    evaluate, AppInput, CopyPatch, GuardrailsPatch, LockTarget, PolicyDiagnostic, PolicyDocument,
    PolicyPatch, RulePatch,
};
use proptest::prelude::*;

const RULES: [&str; 3] = ["daily", "weekly", "monthly"];
const ARNS: [&str; 3] = [
    "arn:aws:backup:us-west-2:111111111111:backup-vault:dr",
    "arn:aws:backup:eu-west-1:222222222222:backup-vault:eu",
    "arn:aws:backup:eu-west-1:333333333333:backup-vault:audit",
];
const SCHEDULES: [&str; 6] = [
    "cron(0 5 ? * * *)",
    "cron(30 2 ? * SUN *)",
    "cron(0 6 1 * ? *)",
    "rate(12 hours)",
    "cron(0/15 * ? * * *)", // invalid: more than once an hour
    "cron(0 5 * * * *)",    // invalid: both day fields set
];
const LOCKS: [&str; 8] = [
    "rules.daily.schedule",
    "rules.daily",
    "rules.*.retention_days",
    "rules.weekly.copy_to",
    "tags.owner",
    "tags.*",
    "rules.*",
    "rules.nope.schedule", // never valid: no such rule
];

fn copy_patch(index: usize) -> impl Strategy<Value = CopyPatch> {
    (
        prop::option::weighted(0.5, 30i64..400),
        prop::option::weighted(0.2, prop::sample::select(vec![0i64, 10, 200])),
    )
        .prop_map(move |(retention_days, cold)| CopyPatch {
            vault_arn: ARNS[index].into(),
            retention_days,
            cold_storage_after_days: cold,
        })
}

/// Copies to distinct vaults (now and then one listed twice, which is an error).
fn copies() -> impl Strategy<Value = Vec<CopyPatch>> {
    (
        prop::sample::subsequence(vec![0usize, 1, 2], 0..=2),
        any::<bool>(),
        0..40u8,
    )
        .prop_flat_map(|(picked, _, dup)| {
            let mut picked = picked;
            if dup == 0 && !picked.is_empty() {
                picked.push(picked[0]);
            }
            picked.into_iter().map(copy_patch).collect::<Vec<_>>()
        })
}

fn rule_patch(complete: bool) -> impl Strategy<Value = RulePatch> {
    // Mostly valid schedules; now and then one AWS rejects.
    let schedule = prop_oneof![
        12 => prop::sample::select(SCHEDULES[..4].to_vec()),
        1 => prop::sample::select(SCHEDULES[4..].to_vec()),
    ]
    .prop_map(String::from);
    (
        if complete {
            prop::sample::select(SCHEDULES[..4].to_vec())
                .prop_map(|s| Some(s.to_string()))
                .boxed()
        } else {
            prop::option::weighted(0.5, schedule).boxed()
        },
        prop::option::weighted(0.2, prop::sample::select(vec![60i64, 120, 480])),
        prop::option::weighted(0.2, prop::sample::select(vec![180i64, 1440, 10_080])),
        if complete {
            (30i64..400).prop_map(Some).boxed()
        } else {
            prop::option::weighted(0.7, 20i64..500).boxed()
        },
        prop::option::weighted(0.1, prop::sample::select(vec![0i64, 10, 100])),
        prop::option::weighted(0.2, any::<bool>()),
        prop::option::weighted(0.6, copies()),
        prop::option::weighted(0.3, prop::collection::btree_map("[a-c]", "[x-z]", 0..2)),
    )
        .prop_map(
            |(schedule, start, completion, retention, cold, continuous, copy_to, tags)| RulePatch {
                schedule,
                start_window_minutes: start,
                completion_window_minutes: completion,
                retention_days: retention,
                cold_storage_after_days: cold,
                enable_continuous_backup: continuous,
                copy_to,
                recovery_point_tags: tags,
            },
        )
}

/// A root defines every rule in [`RULES`] and an `owner` tag; descendants change some of them and
/// now and then add a rule (complete or not).
fn policy_patch(root: bool) -> impl Strategy<Value = PolicyPatch> {
    let known = prop::sample::select(RULES.to_vec()).prop_map(String::from);
    let rules = if root {
        (rule_patch(true), rule_patch(true), rule_patch(true))
            .prop_map(|(a, b, c)| RULES.iter().map(|n| n.to_string()).zip([a, b, c]).collect())
            .boxed()
    } else {
        (
            prop::collection::btree_map(known, rule_patch(false), 0..3),
            prop::option::weighted(0.15, rule_patch(true)),
        )
            .prop_map(|(mut rules, extra)| {
                if let Some(extra) = extra {
                    rules.insert("extra".to_string(), extra);
                }
                rules
            })
            .boxed()
    };
    let tags = prop::collection::btree_map(
        prop::sample::select(vec!["owner", "env"]).prop_map(String::from),
        "[ab]",
        0..2,
    );
    (rules, tags).prop_map(move |(rules, mut tags)| {
        if root {
            tags.entry("owner".into()).or_insert_with(|| "a".into());
        }
        PolicyPatch {
            rules,
            tags,
            ..Default::default()
        }
    })
}

fn guardrails_patch() -> impl Strategy<Value = GuardrailsPatch> {
    (
        prop::option::weighted(0.25, 1i64..60),
        prop::option::weighted(0.25, 300i64..4000),
        prop::option::weighted(0.2, prop::bool::weighted(0.9)),
        prop::option::weighted(
            0.3,
            prop::collection::vec(
                prop::sample::select(LOCKS.to_vec()).prop_map(String::from),
                0..2,
            ),
        ),
        prop::option::weighted(0.2, prop::bool::weighted(0.2)),
    )
        .prop_map(
            |(min, max, require_copy, locked, allow_new_rules)| GuardrailsPatch {
                min_retention_days: min,
                max_retention_days: max,
                require_copy,
                locked,
                allow_new_rules,
                ..Default::default()
            },
        )
}

fn app(level: usize) -> impl Strategy<Value = AppInput> {
    (policy_patch(level == 0), guardrails_patch()).prop_map(move |(policy, guardrails)| AppInput {
        name: format!("app{level}"),
        policy,
        guardrails,
        anchors: Default::default(),
    })
}

/// A chain of 1 to 5 apps, root first.
fn chain() -> impl Strategy<Value = Vec<AppInput>> {
    (app(0), app(1), app(2), app(3), app(4), 1usize..=5).prop_map(|(a, b, c, d, e, n)| {
        let mut apps = vec![a, b, c, d, e];
        apps.truncate(n);
        apps
    })
}

/// Evaluates a chain until the first app that fails, returning the documents and that failure.
fn run(chain: &[AppInput]) -> (Vec<PolicyDocument>, Option<Vec<PolicyDiagnostic>>) {
    let mut docs: Vec<PolicyDocument> = Vec::new();
    for app in chain {
        let parent = docs.last().map(PolicyDocument::to_json);
        match evaluate(parent.as_deref(), app) {
            Ok(doc) => docs.push(doc),
            Err(e) => return (docs, Some(e)),
        }
    }
    (docs, None)
}

fn without_hash(doc: &PolicyDocument) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(&doc.to_json()).unwrap();
    v.as_object_mut().unwrap().remove("hash");
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn merging_is_deterministic(apps in chain()) {
        let (a, ea) = run(&apps);
        let (b, eb) = run(&apps);
        prop_assert_eq!(a.iter().map(PolicyDocument::to_json).collect::<Vec<_>>(), b.iter().map(PolicyDocument::to_json).collect::<Vec<_>>());
        prop_assert_eq!(ea, eb);
    }

    #[test]
    fn a_child_without_changes_has_its_parents_policy(apps in chain()) {
        let (docs, _) = run(&apps);
        for parent in &docs {
            let child = AppInput { name: "unchanged".into(), ..Default::default() };
            let doc = evaluate(Some(&parent.to_json()), &child).unwrap();
            prop_assert_eq!(doc.rules(), parent.rules());
            prop_assert_eq!(doc.tags(), parent.tags());
            prop_assert_eq!(doc.guardrails(), parent.guardrails());
            prop_assert_eq!(doc.provenance(), parent.provenance());
            prop_assert_eq!(doc.rules_hash(), parent.rules_hash());
        }
    }

    #[test]
    fn every_effective_rule_satisfies_every_ancestors_guardrails(apps in chain()) {
        let (docs, _) = run(&apps);
        for (i, doc) in docs.iter().enumerate() {
            for (j, ancestor) in docs[..=i].iter().enumerate() {
                let g = ancestor.guardrails();
                for (name, rule) in doc.rules() {
                    let mut retentions = vec![rule.retention_days];
                    retentions.extend(rule.copy_to.iter().filter_map(|c| c.retention_days));
                    for days in retentions {
                        if let Some(min) = &g.min_retention_days { prop_assert!(days >= min.value, "{} {} < {}", name, days, min.value); }
                        if let Some(max) = &g.max_retention_days { prop_assert!(days <= max.value, "{} {} > {}", name, days, max.value); }
                    }
                    if let Some(cold) = rule.cold_storage_after_days { prop_assert!(rule.retention_days >= cold + 90); }
                    prop_assert!(backup_policy::cron::parse(&rule.schedule).is_ok());
                    if j == i { continue; }
                    // Strictly below the ancestor: its locks, rule set, and copy requirement hold.
                    match ancestor.rules().get(name) {
                        None => {
                            prop_assert!(g.allow_new_rules(), "rule {} added under allow_new_rules = false", name);
                            if g.require_copy() { prop_assert!(!rule.copy_to.is_empty(), "rule {} has no copy", name); }
                        }
                        Some(old) => {
                            for copy in &old.copy_to {
                                prop_assert!(rule.copy_to.iter().any(|c| c.vault_arn == copy.vault_arn), "copy dropped");
                            }
                            for lock in &g.locked {
                                if let LockTarget::Rule { field, .. } = &lock.target {
                                    if !lock.target.covers_rule_field(name, field.as_deref().unwrap_or("schedule")) { continue; }
                                    let (a, b) = (serde_json::to_value(old).unwrap(), serde_json::to_value(rule).unwrap());
                                    match field {
                                        Some(f) => prop_assert_eq!(&a[f.as_str()], &b[f.as_str()], "{} locked", lock.path),
                                        None => prop_assert_eq!(&a, &b, "{} locked", lock.path),
                                    }
                                }
                            }
                        }
                    }
                }
                for lock in &g.locked {
                    if let LockTarget::Tag { key } = &lock.target {
                        for (k, v) in ancestor.tags() {
                            if key == "*" || key == k { prop_assert_eq!(doc.tags().get(k), Some(v)); }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn guardrails_tighten_monotonically(apps in chain()) {
        let (docs, _) = run(&apps);
        for pair in docs.windows(2) {
            let (a, b) = (pair[0].guardrails(), pair[1].guardrails());
            if let Some(min) = &a.min_retention_days { prop_assert!(b.min_retention_days.as_ref().unwrap().value >= min.value); }
            if let Some(max) = &a.max_retention_days { prop_assert!(b.max_retention_days.as_ref().unwrap().value <= max.value); }
            if a.require_copy() { prop_assert!(b.require_copy()); }
            if !a.allow_new_rules() { prop_assert!(!b.allow_new_rules()); }
            for lock in &a.locked { prop_assert!(b.locked.contains(lock)); }
            prop_assert!(pair[1].rules().keys().all(|k| pair[0].rules().contains_key(k) || a.allow_new_rules()));
        }
    }

    #[test]
    fn hash_changes_iff_content_changes(apps in chain(), x in app(9), y in app(9)) {
        let (docs, _) = run(&apps);
        let parent = docs.last().map(PolicyDocument::to_json);
        let (Ok(a), Ok(b)) = (evaluate(parent.as_deref(), &x), evaluate(parent.as_deref(), &y)) else { return Ok(()) };
        prop_assert_eq!(a.hash() == b.hash(), without_hash(&a) == without_hash(&b));
        prop_assert_eq!(a.rules_hash() == b.rules_hash(), (a.rules(), a.tags()) == (b.rules(), b.tags()));
        prop_assert_eq!(PolicyDocument::parse(&a.to_json()).unwrap(), a.clone());
        // Any edit of the content breaks the hash.
        let edited = a.to_json().replacen("\"lineage\":[", "\"lineage\":[\"intruder\",", 1);
        prop_assert!(PolicyDocument::parse(&edited).is_err());
    }

    #[test]
    fn restating_inherited_values_changes_nothing(apps in chain()) {
        let (docs, _) = run(&apps);
        let Some(parent) = docs.last() else { return Ok(()) };
        let mut same = AppInput { name: "restates".into(), ..Default::default() };
        for (name, rule) in parent.rules() {
            same.policy.rules.insert(name.clone(), RulePatch {
                schedule: Some(rule.schedule.clone()),
                retention_days: Some(rule.retention_days),
                copy_to: Some(rule.copy_to.iter().map(|c| CopyPatch { vault_arn: c.vault_arn.clone(), retention_days: c.retention_days, cold_storage_after_days: None }).collect()),
                recovery_point_tags: Some(rule.recovery_point_tags.clone()),
                ..Default::default()
            });
        }
        same.policy.tags = parent.tags().clone();
        let restated = evaluate(Some(&parent.to_json()), &same).unwrap();
        let unchanged = evaluate(Some(&parent.to_json()), &AppInput { name: "restates".into(), ..Default::default() }).unwrap();
        prop_assert_eq!(restated.rules(), unchanged.rules());
        prop_assert_eq!(restated.rules_hash(), unchanged.rules_hash());
    }
}
