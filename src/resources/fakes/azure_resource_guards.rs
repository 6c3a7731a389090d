//! The fake subscription's Resource Guard associations, one per vault.

use async_trait::async_trait;

use super::FakeAzure;
use crate::cloud::azure::resource_guard::AzureResourceGuards;
use crate::cloud::azure::VaultRef;
use crate::cloud::CloudError;

#[async_trait]
impl AzureResourceGuards for FakeAzure {
    async fn find_resource_guard(&self, vault: &VaultRef) -> Result<Option<String>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_resource_guard", &vault.name)?;
        Ok(world.resource_guards.get(vault).cloned())
    }

    async fn put_resource_guard(&self, vault: &VaultRef, guard_id: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("put_resource_guard", &vault.name)?;
        world
            .resource_guards
            .insert(vault.clone(), guard_id.to_string());
        Ok(())
    }

    async fn delete_resource_guard(
        &self,
        vault: &VaultRef,
        _guard_id: &str,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_resource_guard", &vault.name)?;
        world.resource_guards.remove(vault);
        Ok(())
    }
}
