//! On-demand VM backups against the fake ARM server: `Backups_Trigger` followed through its
//! long-running operation to its job, the job listed with the documented `$filter` (and only in
//! its time window) and read with its expiry until it completes into a recovery point; the vaults
//! of the subscription listed. Every call validated against the vendored specs.

use std::time::{SystemTime, UNIX_EPOCH};

use terraform_provider_backup::cloud::azure::{AzureBackend, SoftDeleteState};
use terraform_provider_backup::cloud::jobs::JobState;

use crate::support::azure::vm_id;
use crate::{create_vault, fake_and_backend, policy_spec, vm_spec};

fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

#[tokio::test]
async fn a_triggered_backup_is_listed_followed_and_leaves_a_recovery_point() {
    let (fake, azure) = fake_and_backend().await;
    fake.set_async_polls(1);
    let vault = create_vault(&azure, "rsv", SoftDeleteState::Disabled).await;
    let policy = azure
        .ensure_policy(&policy_spec(&vault, "org-root", 35))
        .await
        .unwrap();
    let vm = vm_id("vm1");
    fake.add_vm(&vm);
    let backups = azure.vm_backups().expect("ARM triggers backups");
    // Not protected yet: Azure has no item to back up.
    assert!(backups
        .trigger_vm_backup(&vault, &vm, now() + 86_400)
        .await
        .is_err());
    azure
        .protect_vm(&vm_spec(&vault, &vm, &policy.id))
        .await
        .unwrap();

    let expiry = now() + 40 * 86_400 + 17;
    let job = backups
        .trigger_vm_backup(&vault, &vm, expiry)
        .await
        .unwrap();
    let listed = backups
        .list_vm_backup_jobs(&vault, now() - 3600, now() + 60)
        .await
        .unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].job_id, job);
    assert_eq!(listed[0].vm_name, "vm1");
    assert_eq!(
        listed[0].expiry, None,
        "the list does not report the expiry"
    );
    assert!(listed[0]
        .container
        .as_deref()
        .is_some_and(|c| c.ends_with(";rg-app;vm1")));
    // Outside the time window: not listed.
    let earlier = backups
        .list_vm_backup_jobs(&vault, now() - 7200, now() - 3600)
        .await
        .unwrap();
    assert!(earlier.is_empty(), "{earlier:?}");

    let mut states = Vec::new();
    loop {
        let status = backups.vm_backup_job(&vault, &job).await.unwrap();
        assert_eq!(status.expiry, Some(expiry), "the expiry to the second");
        states.push(status.state.clone());
        if status.state.is_final() {
            break;
        }
    }
    assert_eq!(states, [JobState::Running, JobState::Completed]);
    assert_eq!(
        azure.vm_recovery_points(&vault, &vm).await.unwrap().len(),
        1
    );

    // A past expiry is refused by Azure.
    assert!(backups
        .trigger_vm_backup(&vault, &vm, now() - 60)
        .await
        .is_err());

    let vaults = azure.list_vaults().await.unwrap();
    assert_eq!(
        vaults.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        ["rsv"]
    );
    assert_eq!(vaults[0].tags["owner"], "platform");
    fake.assert_valid();
    assert!(
        fake.unspecified()
            .iter()
            .all(|c| c.contains("Microsoft.Compute")),
        "{:?}",
        fake.unspecified()
    );
}
