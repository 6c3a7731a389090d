//! Audit evidence from the root's guardrails: the framework's controls and the report plan,
//! checked through the backend; a root guardrail change updating the framework in the same plan
//! (shown at plan time); a framework changed out of band planned back; nothing left after destroy.

use std::collections::BTreeMap;

use crate::config::{tree, workdir, Root};
use crate::support::terraform::Terraform;
use crate::{blocking, central, sdk_client, Names};
use terraform_provider_backup::cloud::AuditBackend;

/// The framework's controls by name, with their parameters, through the backend.
async fn controls(names: &Names) -> BTreeMap<String, BTreeMap<String, String>> {
    let (_, framework) = central()
        .await
        .find_framework(&Names::rt(&names.root))
        .await
        .unwrap()
        .expect("the root's audit framework");
    framework
        .controls
        .into_iter()
        .map(|c| (c.name, c.parameters))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_roots_guardrails_become_an_audit_framework_with_a_report_plan() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(&tree(&names, &Root::default()));
    blocking(|| {
        work.init();
        let plan = work.plan_json();
        let root = plan.change("backup_app.root");
        assert!(
            !root
                .unknown_paths()
                .iter()
                .any(|p| p.starts_with("audit_controls")),
            "{plan}"
        );
        assert_eq!(
            root.after["audit_controls"]["BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"]
                ["requiredRetentionDays"],
            "7",
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let found = controls(&names).await;
    assert_eq!(
        found.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
            "BACKUP_RECOVERY_POINT_ENCRYPTED",
            "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
            "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
        ]
    );
    let frequency = &found["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"];
    assert_eq!(frequency["requiredFrequencyUnit"], "days");
    assert_eq!(frequency["requiredFrequencyValue"], "1");
    assert_eq!(frequency["requiredRetentionDays"], "7");
    let aws = central().await;
    let (arn, _) = aws
        .find_framework(&Names::rt(&names.root))
        .await
        .unwrap()
        .unwrap();
    let report = aws
        .find_report_plan(&format!("{}_report", Names::rt(&names.root)))
        .await
        .unwrap()
        .expect("the report plan");
    assert_eq!(report.bucket, "audit-reports");
    assert_eq!(report.key_prefix, Some(format!("backup/{}", names.root)));
    assert_eq!(report.framework_arns, [arn]);
    assert_eq!(report.template, "CONTROL_COMPLIANCE_REPORT");

    // A root guardrail change: the framework's new controls are in the same plan, known.
    let stricter = Root {
        min_retention_days: 14,
        ..Root::default()
    };
    work.write_main_tf(&tree(&names, &stricter));
    blocking(|| {
        let plan = work.plan_json();
        // The guardrail is in every descendant's document too: all three change, all known.
        assert_eq!(
            plan.addresses(&["update"]),
            ["backup_app.root", "backup_app.team", "backup_child.service"],
            "{plan}"
        );
        let root = plan.change("backup_app.root");
        assert!(root.unknown_paths().is_empty(), "{plan}");
        assert_eq!(
            root.before["audit_controls"]["BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"]
                ["requiredRetentionDays"],
            "7"
        );
        assert_eq!(
            root.after["audit_controls"]["BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"]
                ["requiredRetentionDays"],
            "14"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let found = controls(&names).await;
    assert_eq!(
        found["BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"]["requiredRetentionDays"],
        "14"
    );
    assert_eq!(
        found["BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK"]["requiredRetentionDays"],
        "14"
    );

    // The framework loses its controls out of band: the plan restores them.
    sdk_client()
        .await
        .update_framework()
        .framework_name(Names::rt(&names.root))
        .framework_controls(
            aws_sdk_backup::types::FrameworkControl::builder()
                .control_name("BACKUP_RECOVERY_POINT_ENCRYPTED")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .expect("change the framework out of band");
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.addresses(&["update"]), ["backup_app.root"], "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    assert_eq!(controls(&names).await.len(), 4);

    blocking(|| {
        work.destroy();
    });
    let aws = central().await;
    assert!(aws
        .find_framework(&Names::rt(&names.root))
        .await
        .unwrap()
        .is_none());
    assert!(aws
        .find_report_plan(&format!("{}_report", Names::rt(&names.root)))
        .await
        .unwrap()
        .is_none());
}
