//! Where an App Service and the storage account receiving its backups are: `WebApps_Get` (GET
//! `Microsoft.Web/sites/{name}`), `StorageAccounts_GetProperties` and `StorageAccounts_List` (the
//! subscription's accounts, to find one by the name in a SAS URL's host). Only `location` (and the
//! account's id and name) is read; nothing is written.

use async_trait::async_trait;
use reqwest::Method;
use serde::Deserialize;

use super::arm::{ArmClient, Subject};
use super::bodies::from_json;
use super::ArmBackend;
use crate::cloud::error::{CloudError, ErrorKind};

/// api-version of `Microsoft.Storage/storageAccounts`: the vendored
/// `Microsoft.Storage/stable/2023-05-01/storage.json` (see `tests/specs/azure/README.md`).
pub const STORAGE_API_VERSION: &str = "2023-05-01";

/// api-version of `WebApps_Get`: the vendored `Microsoft.Web/stable/2023-12-01` (`Site` is in its
/// `CommonDefinitions.json`); the site backup calls use the newer `WEB_API_VERSION`.
pub const SITE_API_VERSION: &str = "2023-12-01";

/// A storage account as far as the region check needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageAccountLocation {
    /// The account's resource id.
    pub id: String,
    /// The account's name (the first label of its blob endpoint's host).
    pub name: String,
    /// Its region, as ARM reports it (`westeurope`).
    pub location: String,
}

/// Regions of the resources a child's App Service backup involves: a supertrait of
/// [`AzureBackend`](super::AzureBackend), so the resources reach it through the one backend.
#[async_trait]
pub trait AzureRegions: Send + Sync {
    /// The region of the App Service `site_id`; `None` when it does not exist.
    async fn site_location(&self, site_id: &str) -> Result<Option<String>, CloudError>;
    /// The storage account `id`; `None` when it does not exist.
    async fn find_storage_account(
        &self,
        id: &str,
    ) -> Result<Option<StorageAccountLocation>, CloudError>;
    /// The subscription's storage account named `name` (names are global); `None` when the
    /// subscription has none of that name.
    async fn find_storage_account_named(
        &self,
        name: &str,
    ) -> Result<Option<StorageAccountLocation>, CloudError>;
}

/// The fields of `Site` / `StorageAccount` (tracked resources) the check reads.
#[derive(Debug, Default, Deserialize)]
struct Located {
    id: Option<String>,
    name: Option<String>,
    location: Option<String>,
}

/// `StorageAccountListResult`: a page of accounts.
#[derive(Debug, Default, Deserialize)]
struct LocatedList {
    #[serde(default)]
    value: Vec<Located>,
    #[serde(rename = "nextLink")]
    next_link: Option<String>,
}

/// The name of `id`'s resource when it is a `provider/type` resource id, else an error.
fn resource_name<'a>(id: &'a str, provider: &str, kind: &str) -> Result<&'a str, CloudError> {
    let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["subscriptions", _, groups, _, "providers", ns, k, name]
            if groups.eq_ignore_ascii_case("resourceGroups")
                && ns.eq_ignore_ascii_case(provider)
                && k.eq_ignore_ascii_case(kind) =>
        {
            Ok(name)
        }
        _ => Err(CloudError::new(
            ErrorKind::InvalidInput,
            "parsing resource id",
            id,
            format!("expected /subscriptions/{{subscription}}/resourceGroups/{{group}}/providers/{provider}/{kind}/{{name}}"),
        )),
    }
}

fn account(found: Located, fallback_id: &str) -> Option<StorageAccountLocation> {
    let id = found.id.unwrap_or_else(|| fallback_id.to_owned());
    let name = found.name.or_else(|| {
        resource_name(&id, "Microsoft.Storage", "storageAccounts")
            .ok()
            .map(str::to_owned)
    })?;
    Some(StorageAccountLocation {
        id,
        name,
        location: found.location?,
    })
}

async fn site_location(arm: &ArmClient, site_id: &str) -> Result<Option<String>, CloudError> {
    let name = resource_name(site_id, "Microsoft.Web", "sites")?;
    let subject = Subject {
        operation: "reading App Service",
        name,
    };
    let site: Option<Located> = arm
        .get_as(site_id.trim_end_matches('/'), SITE_API_VERSION, subject)
        .await?;
    Ok(site.and_then(|s| s.location))
}

async fn find_storage_account(
    arm: &ArmClient,
    id: &str,
) -> Result<Option<StorageAccountLocation>, CloudError> {
    let name = resource_name(id, "Microsoft.Storage", "storageAccounts")?;
    let subject = Subject {
        operation: "reading Storage Account",
        name,
    };
    let found: Option<Located> = arm
        .get_as(id.trim_end_matches('/'), STORAGE_API_VERSION, subject)
        .await?;
    Ok(found.and_then(|f| account(f, id)))
}

async fn find_storage_account_named(
    arm: &ArmClient,
    name: &str,
) -> Result<Option<StorageAccountLocation>, CloudError> {
    let subject = Subject {
        operation: "listing Storage Accounts",
        name,
    };
    let mut url = format!(
        "/subscriptions/{}/providers/Microsoft.Storage/storageAccounts",
        arm.subscription_id()
    );
    loop {
        let page = arm
            .send(Method::GET, &url, STORAGE_API_VERSION, None, subject)
            .await?;
        let page: LocatedList = match page.body {
            Some(body) => from_json(body, subject)?,
            None => LocatedList::default(),
        };
        for found in page.value {
            if found
                .name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
            {
                return Ok(account(found, ""));
            }
        }
        match page.next_link {
            Some(next) if !next.is_empty() => url = next,
            _ => return Ok(None),
        }
    }
}

#[async_trait]
impl AzureRegions for ArmBackend {
    async fn site_location(&self, site_id: &str) -> Result<Option<String>, CloudError> {
        site_location(&self.arm, site_id).await
    }

    async fn find_storage_account(
        &self,
        id: &str,
    ) -> Result<Option<StorageAccountLocation>, CloudError> {
        find_storage_account(&self.arm, id).await
    }

    async fn find_storage_account_named(
        &self,
        name: &str,
    ) -> Result<Option<StorageAccountLocation>, CloudError> {
        find_storage_account_named(&self.arm, name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_of_another_type_are_refused_before_any_call() {
        let site = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop";
        assert_eq!(
            resource_name(site, "Microsoft.Web", "sites").unwrap(),
            "shop"
        );
        let err = resource_name(site, "Microsoft.Storage", "storageAccounts").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(err
            .to_string()
            .contains("Microsoft.Storage/storageAccounts"));
    }

    #[test]
    fn an_account_without_a_location_is_not_located() {
        let id =
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";
        let found = Located {
            id: None,
            name: None,
            location: Some("westeurope".into()),
        };
        assert_eq!(
            account(found, id),
            Some(StorageAccountLocation {
                id: id.into(),
                name: "acct".into(),
                location: "westeurope".into()
            })
        );
        assert_eq!(account(Located::default(), id), None);
    }
}
