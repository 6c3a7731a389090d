//! The tree on AWS: vault access policies and notifications from the inherited policy, a change
//! planned exactly, a guarded protection that cannot be dropped, out-of-band removal repaired by
//! one apply, and nothing left after destroy.

use serde_json::Value;
use terraform_provider_backup::cloud::aws::AwsBackend;
use terraform_provider_backup::cloud::{BackupBackend, VaultAccessSpec, VaultNotificationSpec};

use crate::config::{
    adds_restorer, leaf_child, root_app, team_app, topic, Names, ADMINS, AUDITORS, RESTORE,
};
use crate::support::aws::{providers, CENTRAL};
use crate::support::aws_emulator::{AwsEmulator, REGION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::{blocking, central};

fn workdir(tf: &Terraform) -> Workdir {
    let mut work = Workdir::new(tf);
    work.aws_credentials(CENTRAL);
    work
}

fn tree(names: &Names, team_extra: &str) -> String {
    let endpoint = AwsEmulator::shared().endpoint();
    providers(&endpoint, &endpoint)
        + &root_app(names)
        + &team_app(names, team_extra)
        + &leaf_child(names)
}

/// The access policy every vault of the tree has, with `restorers`.
fn expected_access(restorers: &[&str]) -> VaultAccessSpec {
    VaultAccessSpec {
        copy_from_accounts: vec![],
        readers: vec![AUDITORS.to_string()],
        restorers: restorers.iter().map(|r| r.to_string()).collect(),
        admins: vec![ADMINS.to_string()],
        protect_recovery_points: true,
    }
}

fn expected_notifications() -> VaultNotificationSpec {
    VaultNotificationSpec {
        sns_topic_arn: topic(),
        events: [
            "BACKUP_JOB_COMPLETED",
            "BACKUP_JOB_FAILED",
            "COPY_JOB_FAILED",
            "RESTORE_JOB_COMPLETED",
        ]
        .map(String::from)
        .to_vec(),
    }
}

async fn assert_vault(backend: &AwsBackend, vault: &str, restorers: &[&str]) {
    assert_eq!(
        backend.find_vault_access(vault).await.unwrap(),
        Some(expected_access(restorers)),
        "access policy of {vault}"
    );
    assert_eq!(
        backend.find_vault_notifications(vault).await.unwrap(),
        Some(expected_notifications()),
        "notifications of {vault}"
    );
}

/// The AWS SDK's Backup client for [`CENTRAL`]: the out-of-band hand.
async fn sdk_client() -> aws_sdk_backup::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(AwsEmulator::shared().endpoint())
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            CENTRAL, "test", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_backup::Client::new(&sdk)
}

/// `value` without `policy_document`, to compare everything else of a change.
fn without_document(value: &Value) -> Value {
    let mut value = value.clone();
    if let Some(map) = value.as_object_mut() {
        map.remove("policy_document");
    }
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_alerts_and_audit_flow_down_the_tree_and_are_kept_in_line() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(&tree(&names, ""));
    blocking(|| {
        work.init();
        work.apply();
        work.assert_plan_clean();
    });
    let backend = central().await;
    assert_vault(&backend, &names.root, &[]).await;
    assert_vault(&backend, &names.team, &[]).await;
    // The leaf inherits the team's access and alerts unchanged: it stays in the team's plan.
    let team_plan = backend
        .find_plan_by_name(&names.team)
        .await
        .unwrap()
        .expect("team plan");
    assert!(backend
        .find_selection_by_name(&team_plan.state.plan_id, &names.leaf)
        .await
        .unwrap()
        .is_some());
    assert!(backend
        .find_vault_by_name(&names.leaf)
        .await
        .unwrap()
        .is_none());

    // The team adds a restore principal: exactly that change, in place.
    work.write_main_tf(&tree(&names, &adds_restorer()));
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.output.code(), 2, "{plan}");
        assert!(plan.change("backup_app.root").is(&["no-op"]), "{plan}");
        for address in ["backup_app.team", "backup_child.leaf"] {
            let change = plan.change(address);
            assert!(change.is(&["update"]), "{address}: {plan}");
            let restorers = |value: &Value| {
                let document: Value =
                    serde_json::from_str(value["policy_document"].as_str().unwrap_or("{}"))
                        .unwrap_or_default();
                document["access"]["restorers"].get(RESTORE).is_some()
            };
            assert!(
                !restorers(&change.before) && restorers(&change.after),
                "{plan}"
            );
            assert!(
                plan.json["resource_changes"]
                    .as_array()
                    .is_some_and(|all| all.len() == 3),
                "{plan}"
            );
            if address == "backup_child.leaf" {
                // `parent` is the team's document: it changes with it.
                let strip = |v: &Value| {
                    let mut v = without_document(v);
                    v.as_object_mut().unwrap().remove("parent");
                    v
                };
                assert_eq!(
                    strip(&change.before),
                    strip(&change.after),
                    "only the documents change: {plan}"
                );
            }
        }
        let team = plan.change("backup_app.team");
        let mut before = without_document(&team.before);
        let mut after = without_document(&team.after);
        before.as_object_mut().unwrap().remove("policy");
        after.as_object_mut().unwrap().remove("policy");
        assert_eq!(before, after, "nothing but policy and its document: {plan}");
        assert!(plan.unknown_values().is_empty(), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    assert_vault(&backend, &names.team, &[RESTORE]).await;
    assert_vault(&backend, &names.root, &[]).await;

    // The team may not drop the root's guarded protection: a plan-time error at the path,
    // naming the ancestor.
    work.write_main_tf(&tree(
        &names,
        &format!(
            "{}\n  guardrails = {{ protect_recovery_points = false }}",
            adds_restorer()
        ),
    ));
    blocking(|| {
        let diagnostics = work.plan_diagnostics();
        assert!(!diagnostics.output.success(), "{}", diagnostics.output);
        let errors = diagnostics.errors_of("backup_app.team");
        assert!(
            errors
                .iter()
                .any(|d| d.points_at("guardrails.protect_recovery_points")
                    && d.text().contains(&format!("set by app \"{}\"", names.root))),
            "{}",
            diagnostics.output
        );
    });
    work.write_main_tf(&tree(&names, &adds_restorer()));

    // Removed out of band: shows as drift, one apply repairs it.
    let sdk = sdk_client().await;
    sdk.delete_backup_vault_notifications()
        .backup_vault_name(&names.team)
        .send()
        .await
        .expect("remove the team's notifications out of band");
    sdk.delete_backup_vault_access_policy()
        .backup_vault_name(&names.root)
        .send()
        .await
        .expect("remove the root's access policy out of band");
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.output.code(), 2, "{plan}");
        assert!(plan.change("backup_app.root").is(&["update"]), "{plan}");
        assert!(plan.change("backup_app.team").is(&["update"]), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    assert_vault(&backend, &names.root, &[]).await;
    assert_vault(&backend, &names.team, &[RESTORE]).await;

    // Destroy leaves no vault, access policy or notification behind.
    blocking(|| {
        work.destroy();
    });
    for vault in [&names.root, &names.team, &names.leaf] {
        assert!(
            backend.find_vault_by_name(vault).await.unwrap().is_none(),
            "{vault}"
        );
        assert_eq!(backend.find_vault_access(vault).await.unwrap(), None);
        assert_eq!(backend.find_vault_notifications(vault).await.unwrap(), None);
    }
    assert!(backend
        .find_plan_by_name(&names.team)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terraform_1_0_applies_the_governed_tree_without_a_perpetual_diff() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_0());
    work.write_main_tf(&tree(&names, &adds_restorer()));
    blocking(|| {
        work.init();
        work.apply();
        work.assert_plan_clean();
    });
    let backend = central().await;
    assert_vault(&backend, &names.root, &[]).await;
    assert_vault(&backend, &names.team, &[RESTORE]).await;
    blocking(|| {
        work.destroy();
    });
    assert!(backend
        .find_vault_by_name(&names.team)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_adding_a_restorer_gets_a_vault_of_its_own_with_that_access() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let endpoint = AwsEmulator::shared().endpoint();
    let child = format!(
        r#"
resource "backup_child" "restore" {{
  name   = "{leaf}"
  parent = backup_app.root.policy_document
  policy = {{ access = {{ restorers = ["{RESTORE}"] }} }}
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/payments"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}
"#,
        leaf = names.leaf
    );
    work.write_main_tf(&(providers(&endpoint, &endpoint) + &root_app(&names) + &child));
    blocking(|| {
        work.init();
        let plan = work.plan_json();
        assert_eq!(
            plan.change("backup_child.restore").after["mode"],
            "derived",
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let backend = central().await;
    // The child's own vault lets its restorer in; the root's does not.
    assert_vault(&backend, &names.leaf, &[RESTORE]).await;
    assert_vault(&backend, &names.root, &[]).await;
    blocking(|| {
        work.destroy();
    });
    for vault in [&names.root, &names.leaf] {
        assert!(backend.find_vault_by_name(vault).await.unwrap().is_none());
        assert_eq!(backend.find_vault_notifications(vault).await.unwrap(), None);
    }
}
