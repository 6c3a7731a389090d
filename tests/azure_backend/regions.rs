//! The reads of the App Service region check: an app's region, a storage account by id, and a
//! storage account found by name among the subscription's.

use terraform_provider_backup::cloud::azure::regions::{AzureRegions, StorageAccountLocation};
use terraform_provider_backup::cloud::ErrorKind;

use crate::fake_and_backend;
use crate::support::azure::site_id;
use crate::support::fake_arm::server::SUBSCRIPTION;

fn account_id(name: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/{name}")
}

#[tokio::test]
async fn an_app_services_region_and_a_missing_app() {
    let (fake, azure) = fake_and_backend().await;
    let site = site_id("rg-web", "shop");
    fake.add_site_in(&site, "eastus");
    assert_eq!(
        azure.site_location(&site).await.unwrap().as_deref(),
        Some("eastus")
    );
    let gone = site_id("rg-web", "gone");
    assert_eq!(azure.site_location(&gone).await.unwrap(), None);
    let err = azure.site_location(&account_id("acct")).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    let calls = fake.calls();
    assert_eq!(
        calls.len(),
        2,
        "a wrong id is refused before any call: {calls:?}"
    );
    assert!(
        calls[0].1.ends_with("/providers/Microsoft.Web/sites/shop"),
        "{calls:?}"
    );
    // Both reads are validated against the vendored WebApps_Get (2023-12-01).
    assert_eq!(fake.unspecified(), Vec::<String>::new());
    fake.assert_valid();
}

#[tokio::test]
async fn a_storage_account_by_id_and_by_name() {
    let (fake, azure) = fake_and_backend().await;
    fake.add_storage_account(&account_id("backupacct"), "westeurope");
    fake.add_storage_account(&account_id("otheracct"), "eastus");
    let expected = StorageAccountLocation {
        id: account_id("backupacct"),
        name: "backupacct".into(),
        location: "westeurope".into(),
    };
    assert_eq!(
        azure
            .find_storage_account(&account_id("backupacct"))
            .await
            .unwrap(),
        Some(expected.clone())
    );
    assert_eq!(
        azure
            .find_storage_account_named("BackupAcct")
            .await
            .unwrap(),
        Some(expected),
        "names are case-insensitive"
    );
    let other = azure.find_storage_account_named("otheracct").await.unwrap();
    assert_eq!(other.map(|a| a.location).as_deref(), Some("eastus"));
    assert_eq!(
        azure.find_storage_account_named("nope").await.unwrap(),
        None
    );
    let listed = fake
        .calls()
        .iter()
        .filter(|(m, p, _)| {
            m == "GET"
                && p == &format!(
                    "/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Storage/storageAccounts"
                )
        })
        .count();
    assert_eq!(
        listed, 3,
        "each look-up by name lists the subscription's accounts"
    );
    // Every read is validated against the vendored Storage 2023-05-01 spec.
    assert_eq!(fake.unspecified(), Vec::<String>::new());
    fake.assert_valid();
}

#[tokio::test]
async fn a_missing_storage_account_is_none() {
    let (fake, azure) = fake_and_backend().await;
    let gone = account_id("nope");
    assert_eq!(azure.find_storage_account(&gone).await.unwrap(), None);
    assert_eq!(fake.unspecified(), Vec::<String>::new());
    // ARM answers 404 ResourceNotFound, but `StorageAccounts_GetProperties` (2023-05-01) declares
    // only a 200 and no `default` error response: that one spec gap is all the validator reports.
    assert_eq!(
        fake.record().2,
        vec![format!(
            "GET {gone} (StorageAccounts_GetProperties) response 404: status 404 is not declared \
             by StorageAccounts_GetProperties"
        )]
    );
}
