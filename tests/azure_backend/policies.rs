//! Backup policies: create, update in place, delete.

use terraform_provider_backup::cloud::azure::{AzureBackend, PolicySpec, SoftDeleteState};

use crate::{create_vault, fake_and_backend, schedule};

#[tokio::test]
async fn policy_create_update_in_place_delete() {
    let (fake, azure) = fake_and_backend().await;
    let vault = create_vault(&azure, "rsv", SoftDeleteState::Disabled).await;

    let mut spec = PolicySpec {
        vault: vault.clone(),
        name: "org-root".into(),
        schedule: schedule(35),
        instant_rp_retention_days: Some(2),
    };
    let created = azure.ensure_policy(&spec).await.unwrap();
    assert_eq!(created.id, azure.policy_id(&vault, "org-root"));
    assert_eq!(created.schedule.as_ref(), Some(&spec.schedule));
    assert_eq!(created.time_zone.as_deref(), Some("UTC"));

    spec.schedule = schedule(60);
    let updated = azure.ensure_policy(&spec).await.unwrap();
    assert_eq!(updated.id, created.id);
    let read = azure
        .find_policy(&vault, "org-root")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read.schedule
            .unwrap()
            .retention
            .daily
            .unwrap()
            .duration
            .count,
        60
    );

    azure.delete_policy(&vault, "org-root").await.unwrap();
    assert_eq!(azure.find_policy(&vault, "org-root").await.unwrap(), None);
    azure.delete_policy(&vault, "org-root").await.unwrap();
    fake.assert_valid();
}
