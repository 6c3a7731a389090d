//! `evaluate` end to end: one test per rule of `docs/guides/inheritance.md`, with the guide's HCL
//! written as `AppInput`s.

mod common;

use backup_policy::{
    evaluate, AwsAnchor, GuardrailsPatch, PolicyDocument, RulePatch, Setting,
    DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES,
};
use common::*;

#[test]
fn root_document_has_everything_with_provenance() {
    let doc = root();
    assert_eq!(doc.app(), "org-root");
    assert_eq!(doc.lineage(), ["org-root"]);
    assert_eq!(doc.format(), "backup.appofapps/v1");
    let daily = &doc.rules()["daily"];
    assert_eq!(daily.start_window_minutes, 60);
    assert_eq!(daily.copy_to[0].retention_days, Some(90));
    let monthly = &doc.rules()["monthly"];
    assert_eq!(monthly.start_window_minutes, DEFAULT_START_WINDOW_MINUTES);
    assert_eq!(
        monthly.completion_window_minutes,
        DEFAULT_COMPLETION_WINDOW_MINUTES
    );
    assert_eq!(monthly.cold_storage_after_days, None);
    assert!(!monthly.enable_continuous_backup && monthly.copy_to.is_empty());
    let g = doc.guardrails();
    assert_eq!(
        g.min_retention_days,
        Some(Setting {
            value: 30,
            set_by: "org-root".into()
        })
    );
    assert!(g.require_copy() && g.allow_new_rules());
    assert_eq!(g.locked.len(), 2);
    let prov = &doc.provenance().rules["monthly"];
    assert_eq!(prov.field("schedule"), Some("org-root"));
    assert_eq!(prov.field("start_window_minutes"), None);
    let json = doc.to_json();
    assert_eq!(PolicyDocument::parse(&json).unwrap(), doc);
}

#[test]
fn rules_merge_by_name() {
    let mut eu = app("eu-prod");
    eu.policy.rules.insert(
        "weekly".into(),
        RulePatch {
            copy_to: Some(vec![copy(EU_DR, None)]),
            ..rule("cron(0 3 ? * SUN *)", 90)
        },
    );
    let doc = child_of(&root(), &eu).unwrap();
    assert_eq!(
        doc.rules().keys().collect::<Vec<_>>(),
        ["daily", "monthly", "weekly"]
    );
    assert_eq!(doc.rules()["daily"], root().rules()["daily"]);
    let weekly = &doc.rules()["weekly"];
    assert_eq!(weekly.start_window_minutes, 480);
    assert_eq!(weekly.completion_window_minutes, 10080);
    assert_eq!(weekly.copy_retention_days(&weekly.copy_to[0]), 90);
    assert_eq!(doc.provenance().rules["weekly"].introduced_by, "eu-prod");
    assert_eq!(doc.lineage(), ["org-root", "eu-prod"]);
}

#[test]
fn scalars_are_replaced() {
    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            retention_days: Some(90),
            start_window_minutes: Some(120),
            ..Default::default()
        },
    );
    let doc = child_of(&root(), &child).unwrap();
    let daily = &doc.rules()["daily"];
    assert_eq!(
        (
            daily.retention_days,
            daily.start_window_minutes,
            daily.completion_window_minutes
        ),
        (90, 120, 180)
    );
    assert_eq!(daily.schedule, "cron(0 5 ? * * *)");
    let prov = &doc.provenance().rules["daily"];
    assert_eq!(prov.field("retention_days"), Some("payments-prod"));
    assert_eq!(prov.field("completion_window_minutes"), Some("org-root"));
}

#[test]
fn maps_merge_by_key() {
    let mut eu = app("eu-prod");
    eu.policy.tags = map(&[("environment", "prod")]);
    eu.policy.rules.insert(
        "daily".into(),
        RulePatch {
            recovery_point_tags: Some(map(&[("tier", "gold")])),
            ..Default::default()
        },
    );
    let doc = child_of(&root(), &eu).unwrap();
    assert_eq!(
        doc.tags(),
        &map(&[("environment", "prod"), ("owner", "platform")])
    );
    assert_eq!(
        doc.rules()["daily"].recovery_point_tags,
        map(&[("commit", "abc123"), ("tier", "gold")])
    );
    assert_eq!(doc.provenance().tags["environment"], "eu-prod");
    assert_eq!(doc.provenance().tags["owner"], "org-root");
}

#[test]
fn copies_merge_by_vault_arn() {
    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            copy_to: Some(vec![copy(DR, Some(180)), copy(AUDIT, None)]),
            ..Default::default()
        },
    );
    let doc = child_of(&root(), &child).unwrap();
    let daily = &doc.rules()["daily"];
    let arns: Vec<&str> = daily.copy_to.iter().map(|c| c.vault_arn.as_str()).collect();
    assert_eq!(arns, [AUDIT, DR]);
    assert_eq!(daily.copy_retention_days(&daily.copy_to[0]), 35);
    assert_eq!(daily.copy_to[1].retention_days, Some(180));

    // Listing nothing drops nothing.
    let mut quiet = app("quiet");
    quiet.policy.rules.insert(
        "daily".into(),
        RulePatch {
            copy_to: Some(vec![]),
            ..Default::default()
        },
    );
    assert_eq!(
        child_of(&root(), &quiet).unwrap().rules()["daily"]
            .copy_to
            .len(),
        1
    );
}

#[test]
fn min_rises_and_max_falls() {
    let mut eu = app("eu-prod");
    eu.guardrails = GuardrailsPatch {
        min_retention_days: Some(60),
        max_retention_days: Some(400),
        ..Default::default()
    };
    eu.policy.rules.insert(
        "daily".into(),
        RulePatch {
            retention_days: Some(60),
            ..Default::default()
        },
    );
    let eu_doc = child_of(&root(), &eu).unwrap();
    assert_eq!(
        eu_doc.guardrails().min_retention_days,
        Some(Setting {
            value: 60,
            set_by: "eu-prod".into()
        })
    );
    assert_eq!(
        eu_doc.guardrails().max_retention_days,
        Some(Setting {
            value: 400,
            set_by: "eu-prod".into()
        })
    );

    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            retention_days: Some(45),
            ..Default::default()
        },
    );
    let errors = child_of(&eu_doc, &child).unwrap_err();
    assert_eq!(paths(&errors), [r#"policy.rules["daily"].retention_days"#]);
    assert_eq!(errors[0].summary, "Retention below guardrail");
    assert!(errors[0]
        .detail
        .contains(r#"retention_days = 45 is below min_retention_days = 60 set by app "eu-prod""#));

    // An app's own rules must respect the bounds it sets.
    let mut strict = app("eu-prod");
    strict.guardrails.min_retention_days = Some(60);
    let errors = child_of(&root(), &strict).unwrap_err();
    assert_eq!(paths(&errors), ["guardrails.min_retention_days"]);
    assert!(errors[0].detail.contains(
        r#"rule "daily": retention_days = 35 is below min_retention_days = 60 set by app "eu-prod""#
    ));
    assert!(errors[0].detail.contains(r#"set by app "org-root""#));

    // Loosening is an error.
    let mut loose = app("eu-prod");
    loose.guardrails = GuardrailsPatch {
        min_retention_days: Some(7),
        max_retention_days: Some(9999),
        ..Default::default()
    };
    let errors = child_of(&root(), &loose).unwrap_err();
    assert_eq!(
        paths(&errors),
        [
            "guardrails.min_retention_days",
            "guardrails.max_retention_days"
        ]
    );
    assert!(errors[0].detail.contains(r#"set by app "org-root""#));
}

#[test]
fn retention_above_max_and_copy_retention_are_checked() {
    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            retention_days: Some(4000),
            copy_to: Some(vec![copy(DR, Some(20))]),
            ..Default::default()
        },
    );
    let errors = child_of(&root(), &child).unwrap_err();
    assert_eq!(
        paths(&errors),
        [
            r#"policy.rules["daily"].copy_to[0].retention_days"#,
            r#"policy.rules["daily"].retention_days"#
        ]
    );
    assert!(errors[0].detail.contains("retention_days = 20"));
    assert!(errors[0].detail.contains("below min_retention_days = 30"));
    assert!(errors[1].detail.contains(
        r#"retention_days = 4000 is above max_retention_days = 3650 set by app "org-root""#
    ));
}

#[test]
fn require_copy_binds_new_rules() {
    let mut eu = app("eu-prod");
    eu.policy
        .rules
        .insert("hourly".into(), rule("cron(0 * ? * * *)", 30));
    let errors = child_of(&root(), &eu).unwrap_err();
    assert_eq!(paths(&errors), [r#"policy.rules["hourly"].copy_to"#]);
    assert_eq!(errors[0].summary, "Copy required");
    assert!(errors[0]
        .detail
        .contains(r#"require_copy = true set by app "org-root""#));

    let mut off = app("eu-prod");
    off.guardrails.require_copy = Some(false);
    assert_eq!(
        paths(&child_of(&root(), &off).unwrap_err()),
        ["guardrails.require_copy"]
    );
}

#[test]
fn locked_paths_cannot_change() {
    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0 2 ? * * *)".into()),
            ..Default::default()
        },
    );
    child.policy.tags = map(&[("owner", "payments")]);
    let errors = child_of(&root(), &child).unwrap_err();
    assert_eq!(
        paths(&errors),
        [
            r#"policy.rules["daily"].schedule"#,
            r#"policy.tags["owner"]"#
        ]
    );
    assert_eq!(
        errors[0].detail,
        r#"rules.daily.schedule is locked by app "org-root" at "cron(0 5 ? * * *)"; this app sets "cron(0 2 ? * * *)"."#
    );
    assert_eq!(
        errors[1].detail,
        r#"tags.owner is locked by app "org-root" at "platform"; this app sets "payments"."#
    );

    // Restating a locked value is fine.
    let mut same = app("payments-prod");
    same.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            ..Default::default()
        },
    );
    same.policy.tags = map(&[("owner", "platform")]);
    assert!(child_of(&root(), &same).is_ok());
}

#[test]
fn wildcard_and_whole_rule_locks_reach_grandchildren() {
    let mut eu = app("eu-prod");
    eu.guardrails.locked = Some(vec![
        "rules.*.retention_days".into(),
        "rules.monthly".into(),
    ]);
    let eu_doc = child_of(&root(), &eu).unwrap();
    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            retention_days: Some(40),
            ..Default::default()
        },
    );
    child.policy.rules.insert(
        "monthly".into(),
        RulePatch {
            recovery_point_tags: Some(map(&[("x", "y")])),
            copy_to: Some(vec![copy(DR, None)]),
            ..Default::default()
        },
    );
    let errors = child_of(&eu_doc, &child).unwrap_err();
    assert_eq!(
        paths(&errors),
        [
            r#"policy.rules["daily"].retention_days"#,
            r#"policy.rules["monthly"].copy_to[0]"#,
            r#"policy.rules["monthly"].recovery_point_tags["x"]"#,
        ]
    );
    assert!(errors[0]
        .detail
        .contains(r#"(locked entry "rules.*.retention_days")"#));
    assert!(errors[1].detail.contains("adds a copy to"));
}

#[test]
fn locked_entries_must_name_something() {
    let mut eu = app("eu-prod");
    eu.guardrails.locked = Some(vec![
        "rules.daily.schedule".into(),
        "rules.weekly.schedule".into(),
        "tags.team".into(),
        "colour".into(),
    ]);
    let errors = child_of(&root(), &eu).unwrap_err();
    assert_eq!(
        paths(&errors),
        [
            "guardrails.locked[1]",
            "guardrails.locked[2]",
            "guardrails.locked[3]"
        ]
    );
    assert!(errors[0].detail.contains("names no rule"));
    assert_eq!(errors[0].summary, "Invalid locked path");
}

#[test]
fn allow_new_rules_false_closes_the_rule_set() {
    let mut eu = app("eu-prod");
    eu.guardrails.allow_new_rules = Some(false);
    let eu_doc = child_of(&root(), &eu).unwrap();
    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "yearly".into(),
        RulePatch {
            copy_to: Some(vec![copy(DR, None)]),
            ..rule("cron(0 7 1 1 ? *)", 3650)
        },
    );
    let errors = child_of(&eu_doc, &child).unwrap_err();
    assert_eq!(paths(&errors), [r#"policy.rules["yearly"]"#]);
    assert_eq!(
        errors[0].detail,
        r#"rule "yearly" is new, but app "eu-prod" sets allow_new_rules = false."#
    );

    let mut reopen = app("payments-prod");
    reopen.guardrails.allow_new_rules = Some(true);
    assert_eq!(
        paths(&child_of(&eu_doc, &reopen).unwrap_err()),
        ["guardrails.allow_new_rules"]
    );
}

#[test]
fn cold_storage_needs_ninety_more_days() {
    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            cold_storage_after_days: Some(30),
            ..Default::default()
        },
    );
    let errors = child_of(&root(), &child).unwrap_err();
    assert_eq!(
        paths(&errors),
        [r#"policy.rules["daily"].cold_storage_after_days"#]
    );
    assert!(errors[0].detail.starts_with(
        r#"rule "daily": retention_days = 35 (set by app "org-root") must be at least cold_storage_after_days + 90 = 120 (cold_storage_after_days set by app "payments-prod")"#
    ), "{}", errors[0].detail);

    let mut ok = app("payments-prod");
    ok.policy.rules.insert(
        "daily".into(),
        RulePatch {
            cold_storage_after_days: Some(30),
            retention_days: Some(120),
            ..Default::default()
        },
    );
    assert_eq!(
        child_of(&root(), &ok).unwrap().rules()["daily"].cold_storage_after_days,
        Some(30)
    );

    let mut copy_cold = app("payments-prod");
    copy_cold.policy.rules.insert(
        "daily".into(),
        RulePatch {
            copy_to: Some(vec![backup_policy::CopyPatch {
                vault_arn: DR.into(),
                retention_days: None,
                cold_storage_after_days: Some(10),
            }]),
            ..Default::default()
        },
    );
    assert_eq!(
        paths(&child_of(&root(), &copy_cold).unwrap_err()),
        [r#"policy.rules["daily"].copy_to[0].cold_storage_after_days"#]
    );
}

#[test]
fn several_problems_give_several_diagnostics() {
    let mut child = app("payments-prod");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0/15 * ? * * *)".into()),
            retention_days: Some(10),
            start_window_minutes: Some(5),
            copy_to: Some(vec![copy("not-an-arn", None)]),
            ..Default::default()
        },
    );
    child.policy.rules.insert(
        "weekly".into(),
        RulePatch {
            retention_days: Some(90),
            ..Default::default()
        },
    );
    child.policy.tags = map(&[("aws:reserved", "x")]);
    child.guardrails.min_retention_days = Some(1);
    let errors = child_of(&root(), &child).unwrap_err();
    let got = paths(&errors);
    for expected in [
        r#"policy.rules["daily"].schedule"#,
        r#"policy.rules["daily"].start_window_minutes"#,
        r#"policy.rules["daily"].copy_to[0].vault_arn"#,
        r#"policy.rules["weekly"]"#,
        r#"policy.tags["aws:reserved"]"#,
        r#"policy.rules["daily"].retention_days"#,
        "guardrails.min_retention_days",
    ] {
        assert!(
            got.contains(&expected.to_string()),
            "missing {expected} in {got:?}"
        );
    }
    assert!(errors
        .iter()
        .all(|d| !d.detail.is_empty() && !d.summary.is_empty()));
}

#[test]
fn parent_problems_are_reported_at_parent() {
    for bad in ["", "{", r#"{"format":"backup.appofapps/v2"}"#] {
        let errors = evaluate(Some(bad), &app("x")).unwrap_err();
        assert_eq!(paths(&errors), ["parent"], "{bad}");
    }
    let tampered = root()
        .to_json()
        .replace("\"retention_days\":35", "\"retention_days\":3");
    let errors = evaluate(Some(&tampered), &app("x")).unwrap_err();
    assert!(errors[0].detail.contains("modified"));
}

#[test]
fn names_must_be_unique_in_a_lineage() {
    let errors = child_of(&root(), &app("org-root")).unwrap_err();
    assert_eq!(paths(&errors), ["name"]);
    assert_eq!(paths(&evaluate(None, &app("")).unwrap_err()), ["name"]);
}

#[test]
fn anchors_are_inherited_and_replaced() {
    let anchor = |app: &str| AwsAnchor {
        app: app.into(),
        account_id: "111111111111".into(),
        region: "eu-west-1".into(),
        vault_name: app.into(),
        vault_arn: format!("arn:aws:backup:eu-west-1:111111111111:backup-vault:{app}"),
        plan_name: app.into(),
        kms_key_arn: None,
        air_gapped_vault_arn: None,
    };
    let mut root_in = root_input();
    root_in.anchors.aws = Some(anchor("org-root"));
    let root_doc = evaluate(None, &root_in).unwrap();
    let a = root_doc.anchors().aws.as_ref().unwrap();
    assert_eq!(a.effective_hash, root_doc.rules_hash());

    // A pure policy node in between inherits the anchor; an unchanged child matches its hash.
    let env = child_of(&root_doc, &app("env")).unwrap();
    assert_eq!(env.anchors(), root_doc.anchors());
    let same = child_of(&env, &app("same")).unwrap();
    assert_eq!(
        same.rules_hash(),
        same.anchors().aws.as_ref().unwrap().effective_hash
    );
    let mut changed = app("changed");
    changed.policy.rules.insert(
        "daily".into(),
        RulePatch {
            retention_days: Some(90),
            ..Default::default()
        },
    );
    let changed = child_of(&env, &changed).unwrap();
    assert_ne!(
        changed.rules_hash(),
        changed.anchors().aws.as_ref().unwrap().effective_hash
    );

    // An app with its own vault becomes the anchor below it.
    let mut eu = app("eu-prod");
    eu.anchors.aws = Some(anchor("eu-prod"));
    eu.policy.tags = map(&[("environment", "prod")]);
    let eu_doc = child_of(&root_doc, &eu).unwrap();
    let a = eu_doc.anchors().aws.as_ref().unwrap();
    assert_eq!(
        (a.location.app.as_str(), a.effective_hash.as_str()),
        ("eu-prod", eu_doc.rules_hash().as_str())
    );
    assert!(eu_doc.anchors().azure.is_none());
}
