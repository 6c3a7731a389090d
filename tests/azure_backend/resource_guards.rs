//! A vault's Resource Guard association: put, read, replaced, and removed the way Azure requires
//! (unlock, then delete), every call validated against the BMS spec.

use terraform_provider_backup::cloud::azure::resource_guard::{
    delete_proxy_request, AzureResourceGuards,
};
use terraform_provider_backup::cloud::azure::{AzureBackend, SoftDeleteState};

use crate::support::fake_arm::server::SUBSCRIPTION;
use crate::{create_vault, fake_and_backend};

fn guard(name: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-sec/providers/Microsoft.DataProtection/resourceGuards/{name}")
}

#[tokio::test]
async fn a_vault_is_associated_with_a_guard_and_released_after_an_unlock() {
    let (fake, azure) = fake_and_backend().await;
    let vault = create_vault(&azure, "rsv-mua", SoftDeleteState::Enabled).await;
    assert_eq!(azure.find_resource_guard(&vault).await.unwrap(), None);

    azure
        .put_resource_guard(&vault, &guard("guard-a"))
        .await
        .unwrap();
    assert_eq!(
        azure.find_resource_guard(&vault).await.unwrap(),
        Some(guard("guard-a"))
    );
    let proxy = format!(
        "{}/backupResourceGuardProxies/VaultProxy",
        azure.vault_id(&vault)
    );
    let stored = fake.stored(&proxy).expect("no proxy");
    assert_eq!(
        stored["properties"]["resourceGuardResourceId"],
        guard("guard-a")
    );

    azure
        .delete_resource_guard(&vault, &guard("guard-a"))
        .await
        .unwrap();
    assert_eq!(azure.find_resource_guard(&vault).await.unwrap(), None);
    let calls: Vec<(String, String)> = fake
        .calls()
        .into_iter()
        .filter(|(_, p, _)| p.starts_with(&proxy))
        .map(|(m, p, _)| (m, p[proxy.len()..].to_string()))
        .collect();
    let tail: Vec<(&str, &str)> = calls[calls.len() - 3..]
        .iter()
        .map(|(m, p)| (m.as_str(), p.as_str()))
        .collect();
    assert_eq!(
        tail,
        [("POST", "/unlockDelete"), ("DELETE", ""), ("GET", "")],
        "unlock, then delete"
    );
    // Gone is done.
    azure
        .delete_resource_guard(&vault, &guard("guard-a"))
        .await
        .unwrap();
    assert_eq!(
        delete_proxy_request(&guard("g")),
        format!("{}/deleteResourceGuardProxyRequests/default", guard("g"))
    );
    azure.delete_vault(&vault).await.unwrap();
    fake.assert_nothing_left();
    fake.assert_valid();
}
