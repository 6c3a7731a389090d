//! What the provider's App Service region check reads: `GET` of an App Service app (`WebApps_Get`),
//! of a storage account (`StorageAccounts_GetProperties`) and the subscription's storage accounts
//! (`StorageAccounts_List`), for the apps and accounts tests seed
//! ([`FakeArm::add_site_in`](super::server::FakeArm::add_site_in),
//! [`FakeArm::add_storage_account`](super::server::FakeArm::add_storage_account)).

use serde_json::{json, Value};

use super::server::{key, Inner, Reply};

/// The region of apps seeded without one (the VMs' region too).
pub(super) const DEFAULT_REGION: &str = "westeurope";

/// `GET /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Web/sites/{name}`.
pub(super) fn site(inner: &Inner, path: &str, name: &str) -> Reply {
    let k = key(path);
    if !inner.sites.contains(&k) {
        // `WebApps_Get` declares its 404 without a body.
        return Reply::new(404, None);
    }
    let location = inner
        .site_locations
        .get(&k)
        .map_or(DEFAULT_REGION, String::as_str);
    Reply::new(
        200,
        Some(json!({
            "id": path,
            "name": name,
            "type": "Microsoft.Web/sites",
            "kind": "app",
            "location": location,
            "properties": { "state": "Running", "enabled": true },
        })),
    )
}

fn account_body(id: &str, location: &str) -> Value {
    let name = id.rsplit('/').next().unwrap_or_default();
    json!({
        "id": id,
        "name": name,
        "type": "Microsoft.Storage/storageAccounts",
        "kind": "StorageV2",
        "location": location,
        "properties": {
            "provisioningState": "Succeeded",
            "primaryEndpoints": { "blob": format!("https://{name}.blob.core.windows.net/") },
        },
    })
}

/// `GET /subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Storage/storageAccounts/{name}`.
pub(super) fn storage_account(inner: &Inner, path: &str, name: &str) -> Reply {
    match inner.storage_accounts.get(&key(path)) {
        Some((id, location)) => Reply::new(200, Some(account_body(id, location))),
        None => Reply::error(
            404,
            "ResourceNotFound",
            &format!("The Resource 'Microsoft.Storage/storageAccounts/{name}' was not found."),
        ),
    }
}

/// `GET /subscriptions/{s}/providers/Microsoft.Storage/storageAccounts`: one page, every account.
pub(super) fn storage_accounts(inner: &Inner) -> Reply {
    let value: Vec<Value> = inner
        .storage_accounts
        .values()
        .map(|(id, location)| account_body(id, location))
        .collect();
    Reply::new(200, Some(json!({ "value": value })))
}
