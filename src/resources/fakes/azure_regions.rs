//! The fake subscription's App Service and storage account regions, as tests seed them.

use async_trait::async_trait;

use super::FakeAzure;
use crate::cloud::azure::regions::{AzureRegions, StorageAccountLocation};
use crate::cloud::CloudError;

impl FakeAzure {
    /// Makes the App Service `site_id` exist in `location`.
    pub(crate) fn add_site(&self, site_id: &str, location: &str) {
        self.world()
            .site_locations
            .insert(site_id.to_lowercase(), location.to_string());
    }

    /// Makes the storage account `id` exist in `location`.
    pub(crate) fn add_storage_account(&self, id: &str, location: &str) {
        let name = id.rsplit('/').next().unwrap_or_default().to_string();
        self.world().storage_accounts.push(StorageAccountLocation {
            id: id.to_string(),
            name,
            location: location.to_string(),
        });
    }
}

#[async_trait]
impl AzureRegions for FakeAzure {
    async fn site_location(&self, site_id: &str) -> Result<Option<String>, CloudError> {
        let mut world = self.world();
        world.calls.record("site_location", site_id)?;
        Ok(world.site_locations.get(&site_id.to_lowercase()).cloned())
    }

    async fn find_storage_account(
        &self,
        id: &str,
    ) -> Result<Option<StorageAccountLocation>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_storage_account", id)?;
        Ok(world
            .storage_accounts
            .iter()
            .find(|a| a.id.eq_ignore_ascii_case(id))
            .cloned())
    }

    async fn find_storage_account_named(
        &self,
        name: &str,
    ) -> Result<Option<StorageAccountLocation>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_storage_account_named", name)?;
        Ok(world
            .storage_accounts
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .cloned())
    }
}
