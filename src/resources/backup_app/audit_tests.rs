use backup_policy::{evaluate, AppInput, GuardrailsPatch, RulePatch};

use super::*;
use crate::cloud::AuditBackend;
use crate::resources::fakes::{object, FakeAws};

fn document(min_retention: i64) -> PolicyDocument {
    let mut app = AppInput {
        name: "org-root".into(),
        guardrails: GuardrailsPatch {
            min_retention_days: Some(min_retention),
            ..Default::default()
        },
        ..Default::default()
    };
    app.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            retention_days: Some(90),
            ..Default::default()
        },
    );
    evaluate(None, &app).unwrap()
}

fn audit() -> AuditModel {
    AuditModel {
        report_bucket: "audit-reports".into(),
        report_key_prefix: Some("backup".into()),
        framework_name: None,
        max_restore_time_minutes: None,
    }
}

/// A state holding `document` and the `audit` block of [`audit`].
fn state(document: &PolicyDocument) -> Value {
    object(&[
        ("policy_document", Value::from(document.to_json())),
        (
            "audit",
            object(&[
                ("report_bucket", Value::from("audit-reports")),
                ("report_key_prefix", Value::from("backup")),
                ("framework_name", Value::Null),
                ("max_restore_time_minutes", Value::Null),
            ]),
        ),
    ])
}

#[tokio::test]
async fn the_framework_follows_the_guardrails_and_the_report_goes_to_the_bucket() {
    let aws = FakeAws::new("111111111111", "eu-west-1");
    let vault = AppAwsModel {
        vault_name: "org-root".into(),
        ..Default::default()
    };
    let doc = document(30);
    let controls = converge(
        &*aws,
        "org-root",
        Some(&audit()),
        &vault,
        &doc,
        &Value::Null,
    )
    .await
    .unwrap();
    assert_eq!(
        controls,
        planned_controls(Some(&audit()), "org-root", Some(&doc), Some(&vault))
    );
    let (arn, framework) = aws.find_framework("org_root").await.unwrap().unwrap();
    assert!(framework.controls.iter().any(|c| c.name
        == "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"
        && c.parameters["requiredRetentionDays"] == "30"));
    let report = aws
        .find_report_plan("org_root_report")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.bucket, "audit-reports");
    assert_eq!(report.key_prefix.as_deref(), Some("backup"));
    assert_eq!(report.framework_arns, [arn]);
    let applied = state(&doc);
    assert!(!drifted(&*aws, "org-root", &vault, &applied).await.unwrap());

    // A tightened guardrail is drift until converged, then the framework has the new value.
    let tighter = document(60);
    assert!(drifted(&*aws, "org-root", &vault, &state(&tighter))
        .await
        .unwrap());
    converge(
        &*aws,
        "org-root",
        Some(&audit()),
        &vault,
        &tighter,
        &applied,
    )
    .await
    .unwrap();
    let (_, framework) = aws.find_framework("org_root").await.unwrap().unwrap();
    let minimum = framework
        .controls
        .iter()
        .find(|c| c.name == "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK")
        .unwrap();
    assert_eq!(minimum.parameters["requiredRetentionDays"], "60");

    // Removing the block deletes both.
    assert_eq!(
        converge(&*aws, "org-root", None, &vault, &tighter, &state(&tighter))
            .await
            .unwrap(),
        Value::Null
    );
    let world = aws.world();
    assert!(world.frameworks.is_empty() && world.report_plans.is_empty());
}

#[test]
fn audit_belongs_on_a_root_app_with_an_aws_block() {
    let config = object(&[
        ("parent", Value::from("{}")),
        ("aws", Value::Null),
        ("audit", object(&[("report_bucket", Value::from("b-1"))])),
    ]);
    let mut diagnostics = Diagnostics::default();
    check_config(&config, &mut diagnostics);
    let all = diagnostics.into_vec();
    assert_eq!(all.len(), 2);
    assert!(all
        .iter()
        .all(|d| d.path.as_ref().map(ToString::to_string).as_deref() == Some("audit")));
}
