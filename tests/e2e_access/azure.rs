//! The tree on Azure against the fake ARM server (every call validated against the vendored
//! specs): role assignments with the built-in backup roles, the diagnostic setting and the vault's
//! job-failure alerts from the inherited policy; a principal added below; drift repaired by one
//! apply; an assignment the provider did not make reported, never deleted; nothing left after
//! destroy.

use terraform_provider_backup::cloud::azure::governance::{
    alert_rule_name, assignment_name, backup_role, RoleAssignmentSpec, BACKUP_LOG_CATEGORIES,
};
use terraform_provider_backup::cloud::azure::{ArmBackend, ArmOptions, AzureBackend, VaultRef};

use crate::blocking;
use crate::config::{GROUP, WORKSPACE};
use crate::support::azure::{providers, settings, vm_id};
use crate::support::fake_arm::server::{FakeArm, SUBSCRIPTION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;

const RG: &str = "rg-backup";
/// The restore group the team adds.
const RESTORE_GROUP: &str = "2c7d4d2f-9a5b-4d4f-8e3b-6f8a2b3c4d5e";
/// The action group the root routes alerts to.
const ACTION_GROUP: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ops/providers/Microsoft.Insights/actionGroups/backup-oncall";
/// A principal someone granted by hand.
const HAND_MADE: &str = "3d8e5e3a-0b6c-4e5a-9f4c-7a9b3c4d5e6f";

fn vault(name: &str) -> VaultRef {
    VaultRef::new(RG, name)
}

fn tree(fake: &FakeArm, team_policy: &str) -> String {
    let vm = vm_id("vm1");
    providers(fake)
        + &format!(
            r#"
resource "backup_app" "root" {{
  name = "org-root"
  policy = {{
    rules       = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
    access      = {{ readers = ["{GROUP}"], admins = ["{GROUP}"] }}
    alerts      = {{ azure_job_failure_alerts = true, action_group_id = "{ACTION_GROUP}" }}
    audit_trail = {{ log_analytics_workspace_id = "{WORKSPACE}" }}
  }}
  guardrails = {{ require_alerts = true }}
  azure = {{
    resource_group = "{RG}"
    location       = "westeurope"
    vault_name     = "rsv-root"
    soft_delete    = "Disabled"
  }}
}}

resource "backup_app" "team" {{
  name   = "team"
  parent = backup_app.root.policy_document
  {team_policy}
  azure = {{
    resource_group = "{RG}"
    location       = "westeurope"
    vault_name     = "rsv-team"
    soft_delete    = "Disabled"
  }}
}}

resource "backup_child" "vm1" {{
  name   = "vm1"
  parent = backup_app.team.policy_document
  azure  = {{ vm_ids = ["{vm}"] }}
}}
"#
        )
}

async fn backend(fake: &FakeArm) -> ArmBackend {
    ArmBackend::from_settings(settings(fake), ArmOptions::for_tests()).expect("backend")
}

/// The (role, principal) pairs assigned at the vault, as role names.
async fn assignments(backend: &ArmBackend, vault_name: &str) -> Vec<(String, String)> {
    let scope = backend.vault_id(&vault(vault_name));
    let mut out: Vec<(String, String)> = backend
        .list_role_assignments(&scope)
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            let guid = a
                .role_definition_id
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .to_owned();
            let role = ["readers", "restorers", "admins"]
                .into_iter()
                .map(backup_role)
                .find(|(_, g)| *g == guid)
                .map_or(guid, |(name, _)| name.to_owned());
            (role, a.principal_id)
        })
        .collect();
    out.sort();
    out
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = list
        .iter()
        .map(|(r, p)| (r.to_string(), p.to_string()))
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_assignments_diagnostics_and_alerts_follow_the_tree() {
    let fake = FakeArm::start().await;
    fake.add_vm(&vm_id("vm1"));
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&tree(&fake, ""));
    blocking(|| {
        work.init();
        work.apply();
        work.assert_plan_clean();
    });
    let arm = backend(&fake).await;
    let inherited = [("Backup Reader", GROUP), ("Backup Contributor", GROUP)];
    for name in ["rsv-root", "rsv-team"] {
        assert_eq!(assignments(&arm, name).await, pairs(&inherited), "{name}");
        let setting = arm
            .find_diagnostic_setting(&arm.vault_id(&vault(name)))
            .await
            .unwrap()
            .expect("diagnostic setting");
        assert_eq!(setting.workspace_id, WORKSPACE);
        assert!(setting.dedicated);
        assert_eq!(setting.categories.len(), BACKUP_LOG_CATEGORIES.len());
        assert_eq!(
            arm.find_job_failure_alerts(&vault(name)).await.unwrap(),
            Some(true)
        );
        let rule = arm
            .find_alert_routing(&vault(name), &alert_rule_name(name))
            .await
            .unwrap()
            .expect("alert processing rule");
        assert_eq!(rule.action_group_id, ACTION_GROUP);
        assert_eq!(rule.scope, arm.vault_id(&vault(name)));
    }

    // The team adds a restore group: one more assignment on its vault, nothing replaced.
    let adds = format!(r#"policy = {{ access = {{ restorers = ["{RESTORE_GROUP}"] }} }}"#);
    work.write_main_tf(&tree(&fake, &adds));
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.output.code(), 2, "{plan}");
        assert!(plan.change("backup_app.root").is(&["no-op"]), "{plan}");
        assert!(plan.change("backup_app.team").is(&["update"]), "{plan}");
        assert!(plan.change("backup_child.vm1").is(&["update"]), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    let mut with_restorer = inherited.to_vec();
    with_restorer.push(("Backup Operator", RESTORE_GROUP));
    assert_eq!(assignments(&arm, "rsv-team").await, pairs(&with_restorer));
    assert_eq!(assignments(&arm, "rsv-root").await, pairs(&inherited));

    // Out of band: an assignment and the diagnostic setting removed, alerts turned off, and an
    // assignment someone made by hand. Plan shows the drift (and warns of the hand-made one);
    // one apply repairs the rest and leaves the hand-made one alone.
    let team_scope = arm.vault_id(&vault("rsv-team"));
    let ours = assignments(&arm, "rsv-team").await;
    assert_eq!(ours.len(), 3);
    let scope_list = arm.list_role_assignments(&team_scope).await.unwrap();
    arm.delete_role_assignment(&team_scope, &scope_list[0].name)
        .await
        .unwrap();
    arm.delete_diagnostic_setting(&arm.vault_id(&vault("rsv-root")))
        .await
        .unwrap();
    arm.set_job_failure_alerts(&vault("rsv-team"), false)
        .await
        .unwrap();
    arm.delete_alert_routing(&vault("rsv-root"), &alert_rule_name("rsv-root"))
        .await
        .unwrap();
    let reader_role = format!(
        "/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{}",
        backup_role("readers").1
    );
    let hand_made = RoleAssignmentSpec {
        name: assignment_name(&team_scope, "by hand", HAND_MADE),
        role_definition_id: reader_role,
        principal_id: HAND_MADE.into(),
    };
    arm.put_role_assignment(&team_scope, &hand_made)
        .await
        .unwrap();
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.output.code(), 2, "{plan}");
        assert!(plan.change("backup_app.root").is(&["update"]), "{plan}");
        assert!(plan.change("backup_app.team").is(&["update"]), "{plan}");
        assert!(
            plan.output
                .combined()
                .contains("Role assignment not managed by this app")
                && plan.output.combined().contains(HAND_MADE),
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let mut with_hand_made = with_restorer.clone();
    with_hand_made.push(("Backup Reader", HAND_MADE));
    assert_eq!(assignments(&arm, "rsv-team").await, pairs(&with_hand_made));
    assert!(arm
        .find_diagnostic_setting(&arm.vault_id(&vault("rsv-root")))
        .await
        .unwrap()
        .is_some());
    assert_eq!(
        arm.find_job_failure_alerts(&vault("rsv-team"))
            .await
            .unwrap(),
        Some(true)
    );

    // The restore group dropped again: its assignment goes, the hand-made one stays.
    work.write_main_tf(&tree(&fake, ""));
    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });
    let mut without = inherited.to_vec();
    without.push(("Backup Reader", HAND_MADE));
    assert_eq!(assignments(&arm, "rsv-team").await, pairs(&without));

    // The hand-made assignment is someone else's to remove; then destroy leaves nothing.
    arm.delete_role_assignment(&team_scope, &hand_made.name)
        .await
        .unwrap();
    blocking(|| {
        work.destroy();
    });
    fake.assert_nothing_left();
    fake.assert_valid();
    let unspecified: Vec<String> = fake
        .unspecified()
        .into_iter()
        .filter(|call| {
            !call.contains("Microsoft.Compute/virtualMachines") && !call.contains("/oauth2/")
        })
        .collect();
    assert!(
        unspecified.is_empty(),
        "calls no spec describes: {unspecified:?}"
    );
}
