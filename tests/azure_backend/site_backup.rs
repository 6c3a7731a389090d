//! App Service backup configuration: written with the SAS URL, read back without it, deleted.

use terraform_provider_backup::cloud::azure::{
    AzureBackend, FrequencyUnit, Secret, SiteBackupSchedule, SiteBackupSpec,
};

use crate::support::azure::site_id;
use crate::{fake_and_backend, schedule, SAS};

#[tokio::test]
async fn app_service_backup_configuration() {
    let (fake, azure) = fake_and_backend().await;
    let site = site_id("rg-web", "shop");
    fake.add_site(&site);
    assert_eq!(azure.find_site_backup(&site).await.unwrap(), None);

    let policy = schedule(35);
    let spec = SiteBackupSpec {
        site_id: site.clone(),
        storage_account_url: Secret::new(SAS),
        schedule: SiteBackupSchedule::from_policy(&policy),
        enabled: true,
    };
    assert_eq!(spec.schedule.frequency_interval, 1);
    assert_eq!(spec.schedule.frequency_unit, FrequencyUnit::Day);
    assert_eq!(
        spec.schedule.retention_period_in_days,
        12 * 31,
        "the longest tier (monthly, 12 months)"
    );
    let state = azure.ensure_site_backup(&spec).await.unwrap();
    assert_eq!(state.schedule.as_ref(), Some(&spec.schedule));
    assert!(
        !format!("{state:?}").contains("sig="),
        "the SAS URL is write-only"
    );
    let sent = fake.stored(&format!("{site}/config/backup")).unwrap();
    assert_eq!(sent["properties"]["storageAccountUrl"], SAS);
    assert_eq!(azure.find_site_backup(&site).await.unwrap(), Some(state));

    azure.delete_site_backup(&site).await.unwrap();
    assert_eq!(azure.find_site_backup(&site).await.unwrap(), None);
    fake.assert_nothing_left();
    fake.assert_valid();
}
