//! Access, alerts and audit trail through `evaluate`, down a three-level tree.

use backup_policy::access::AccessPatch;
use backup_policy::alerts::{AlertsPatch, AuditTrailPatch};
use backup_policy::{evaluate, AppInput, GuardrailsPatch, PolicyDocument, RulePatch};

const ADMINS: &str = "arn:aws:iam::111111111111:role/backup-admins";
const RESTORE: &str = "arn:aws:iam::111111111111:role/payments-restore";
const GROUP: &str = "0b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d";
const TOPIC: &str = "arn:aws:sns:eu-west-1:111111111111:backup-alerts";
const WORKSPACE: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/audit";

fn root() -> PolicyDocument {
    let mut root = AppInput {
        name: "org-root".into(),
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
    root.policy.access = Some(AccessPatch {
        admins: Some(vec![ADMINS.into(), GROUP.into()]),
        ..Default::default()
    });
    root.policy.alerts = Some(AlertsPatch {
        sns_topic_arn: Some(TOPIC.into()),
        ..Default::default()
    });
    root.policy.audit_trail = Some(AuditTrailPatch {
        log_analytics_workspace_id: Some(WORKSPACE.into()),
    });
    root.guardrails = GuardrailsPatch {
        protect_recovery_points: Some(true),
        allowed_principals: Some(vec![ADMINS.into(), RESTORE.into(), GROUP.into()]),
        require_alerts: Some(true),
        ..Default::default()
    };
    evaluate(None, &root).unwrap()
}

fn app(name: &str) -> AppInput {
    AppInput {
        name: name.into(),
        ..Default::default()
    }
}

#[test]
fn a_child_adds_a_restorer_and_inherits_the_rest() {
    let root = root();
    let team = evaluate(Some(&root.to_json()), &app("team")).unwrap();
    assert_eq!(team.governance(), root.governance());
    let mut payments = app("payments");
    payments.policy.access = Some(AccessPatch {
        restorers: Some(vec![RESTORE.into()]),
        ..Default::default()
    });
    let doc = evaluate(Some(&team.to_json()), &payments).unwrap();
    let access = doc.governance().access.as_ref().unwrap();
    assert_eq!(access.restorers[RESTORE], "payments");
    assert_eq!(access.admins[ADMINS], "org-root");
    assert_eq!(
        doc.governance()
            .alerts
            .as_ref()
            .unwrap()
            .sns_topic_arn
            .as_ref()
            .unwrap()
            .value,
        TOPIC
    );
    assert!(doc.guardrails().access.protect_recovery_points());
    assert_ne!(doc.governance().hash(), team.governance().hash());
    assert_eq!(team.governance().hash(), root.governance().hash());
    let back = PolicyDocument::parse(&doc.to_json()).unwrap();
    assert_eq!(back, doc);
    assert_eq!(back.to_json(), doc.to_json());
    assert_eq!(
        doc.anchors().aws,
        None,
        "no cloud blocks here: anchors stay empty"
    );
}

#[test]
fn a_document_without_governance_does_not_mention_it() {
    let mut plain = app("plain");
    plain.policy.tags.insert("owner".into(), "x".into());
    let json = evaluate(None, &plain).unwrap().to_json();
    for word in [
        "access",
        "alerts",
        "audit_trail",
        "protect_recovery_points",
        "governance_hash",
    ] {
        assert!(!json.contains(word), "{word} in {json}");
    }
}

#[test]
fn a_grandchild_cannot_drop_a_guarded_protection() {
    let root = root();
    let team = evaluate(Some(&root.to_json()), &app("team")).unwrap();
    let mut rogue = app("rogue");
    rogue.guardrails.protect_recovery_points = Some(false);
    rogue.policy.alerts = Some(AlertsPatch {
        azure_job_failure_alerts: Some(false),
        ..Default::default()
    });
    rogue.policy.access = Some(AccessPatch {
        readers: Some(vec!["arn:aws:iam::999999999999:role/outsider".into()]),
        ..Default::default()
    });
    let errors = evaluate(Some(&team.to_json()), &rogue).unwrap_err();
    let got: Vec<(String, bool)> = errors
        .iter()
        .map(|d| (d.path.to_string(), d.detail.contains("\"org-root\"")))
        .collect();
    assert_eq!(
        got,
        [
            ("guardrails.protect_recovery_points".to_string(), true),
            (r#"policy.access["readers"][0]"#.to_string(), true),
            ("policy.alerts.azure_job_failure_alerts".to_string(), true),
        ]
    );
}
