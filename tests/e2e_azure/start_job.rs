//! `terraform apply -invoke=action.backup_start_job.<name>` with `vm_ids` on Terraform 1.15.5
//! against the fake ARM server: the child's VM is backed up through `Backups_Trigger`, its job
//! followed to completion with progress, and the job (with the recovery point's expiry) and the
//! recovery point it made are read back through the API; invoking again with the same tags adopts
//! the job instead of backing up twice, other tags back up again, a retention below the
//! guardrail and an App Service app fail the plan. Every call is validated against bms.json.

use std::time::{SystemTime, UNIX_EPOCH};

use terraform_provider_backup::cloud::azure::{ArmBackend, ArmOptions, VaultRef, VmBackupJob};

use crate::support::azure::{providers, settings, site_id, vm_id};
use crate::support::fake_arm::server::FakeArm;
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::{blocking, item_path, root_app, RG};

fn config(fake: &FakeArm, commit: &str, retention_days: u32, vm_ids: &str) -> String {
    let vm = vm_id("vm1");
    providers(fake)
        + &root_app(35)
            .replace(
                r#"soft_delete          = "Enabled""#,
                r#"soft_delete          = "Disabled""#,
            )
            .replace(
                "  azure = {",
                "  guardrails = { min_retention_days = 30 }\n  azure = {",
            )
        + &format!(
            r#"
resource "backup_child" "vm1" {{
  name   = "vm1"
  parent = backup_app.root.policy_document
  azure  = {{ vm_ids = ["{vm}"] }}
}}

action "backup_start_job" "vm1" {{
  config {{
    policy_document = backup_child.vm1.policy_document
    vm_ids          = {vm_ids}
    tags            = {{ commit = "{commit}" }}
    retention_days  = {retention_days}
    wait            = true
    timeout_minutes = 5
  }}
}}
"#
        )
}

/// The VM backup jobs of the root's vault of the last day, each read with its details, through
/// the API.
async fn jobs(fake: &FakeArm) -> Vec<VmBackupJob> {
    let backend = ArmBackend::from_settings(settings(fake), ArmOptions::for_tests()).unwrap();
    let backups = terraform_provider_backup::cloud::azure::AzureBackend::vm_backups(&backend)
        .expect("the ARM backend triggers backups");
    let vault = VaultRef::new(RG, "rsv-org-root");
    let now = now();
    let listed = backups
        .list_vm_backup_jobs(&vault, now - 86_400, now + 60)
        .await
        .expect("BackupJobs_List");
    let mut jobs = Vec::new();
    for job in listed {
        jobs.push(backups.vm_backup_job(&vault, &job.job_id).await.unwrap());
    }
    jobs
}

fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

const INVOKE: [&str; 5] = [
    "apply",
    "-auto-approve",
    "-input=false",
    "-no-color",
    "-invoke=action.backup_start_job.vm1",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_backs_up_the_childs_vm_and_a_retry_adopts_the_job() {
    let fake = FakeArm::start().await;
    fake.add_vm(&vm_id("vm1"));
    let work = Workdir::new(&Terraform::v1_15());
    let vms = "backup_child.vm1.azure.vm_ids";
    work.write_main_tf(&config(&fake, "abc123", 40, vms));
    blocking(|| {
        work.init();
        work.apply();
    });
    assert!(jobs(&fake).await.is_empty(), "apply starts no job");

    fake.set_async_polls(2);
    let started = now();
    let output = blocking(|| work.run_ok(&INVOKE));
    let text = output.unwrapped();
    assert!(text.contains("Started backup job"), "{output}");
    assert!(text.contains("RUNNING (33.3%)"), "progress:\n{output}");
    assert!(text.contains("COMPLETED."), "{output}");

    let listed = jobs(&fake).await;
    assert_eq!(listed.len(), 1, "{listed:?}");
    let job = &listed[0];
    assert_eq!(job.vm_name, "vm1");
    assert_eq!(job.state.as_str(), "COMPLETED");
    // The recovery point is kept retention_days (rounded up by under an hour for the marker).
    let expiry = job
        .expiry
        .expect("the job reports the recovery point's expiry");
    let kept = expiry - started;
    assert!(
        (40 * 86_400..40 * 86_400 + 3600 + 60).contains(&kept),
        "kept {kept} s"
    );
    let points = fake
        .stored_paths()
        .into_iter()
        .filter(|p| {
            p.starts_with(&item_path("vm1").to_ascii_lowercase()) && p.contains("/recoverypoints/")
        })
        .count();
    assert_eq!(points, 1, "the completed job left a recovery point");

    // The same app, VM and tags: the job is adopted, nothing is backed up again.
    let output = blocking(|| work.run_ok(&INVOKE));
    assert!(output.unwrapped().contains("earlier invoke"), "{output}");
    assert_eq!(jobs(&fake).await.len(), 1);
    // Another commit is another backup.
    work.write_main_tf(&config(&fake, "def456", 40, vms));
    blocking(|| work.run_ok(&INVOKE));
    assert_eq!(jobs(&fake).await.len(), 2);

    // Below the root's min_retention_days, or an App Service app: refused at plan.
    work.write_main_tf(&config(&fake, "ghi789", 7, vms));
    let refused = blocking(|| work.run(&INVOKE)).assert_failure();
    assert!(
        refused.unwrapped().contains("min_retention_days = 30"),
        "{refused}"
    );
    let site = format!("[\"{}\"]", site_id("rg-app", "shop"));
    work.write_main_tf(&config(&fake, "ghi789", 40, &site));
    let refused = blocking(|| work.run(&INVOKE)).assert_failure();
    assert!(
        refused
            .unwrapped()
            .contains("App Service apps cannot be backed up by this action"),
        "{refused}"
    );
    assert_eq!(jobs(&fake).await.len(), 2);

    fake.assert_valid();
    let unvalidated: Vec<String> = fake
        .unspecified()
        .into_iter()
        .filter(|c| !c.contains("Microsoft.Compute"))
        .collect();
    assert!(
        unvalidated.is_empty(),
        "calls no spec describes: {unvalidated:?}"
    );
    work.write_main_tf(&config(&fake, "abc123", 40, vms));
    blocking(|| work.destroy());
}
