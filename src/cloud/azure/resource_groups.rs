//! Resource groups (`Microsoft.Resources` 2024-03-01, `resources.json`): the restore test's
//! scratch group is looked up (`ResourceGroups_Get`), created with tags marking it as one run's
//! (`ResourceGroups_CreateOrUpdate`) and deleted with everything in it (`ResourceGroups_Delete`, a
//! long-running operation followed through its `Location`).

use async_trait::async_trait;
use reqwest::Method;
use serde_json::{json, Value};

use super::arm::{ArmClient, Subject};
use super::backend::AzureTags;
use super::ArmBackend;
use crate::cloud::error::{CloudError, ErrorKind};

/// The api-version of the resource group operations.
const RESOURCES_API_VERSION: &str = "2024-03-01";

/// The tag on a scratch resource group the restore test created; its value is the run's id, so a
/// run deletes only the group it made.
pub const RESTORE_TEST_TAG: &str = "backup:restore-test";

const OP_READ: &str = "reading resource group";
const OP_CREATE: &str = "creating resource group";
const OP_DELETE: &str = "deleting resource group";

/// A resource group as ARM reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceGroupState {
    /// Its ARM id.
    pub id: String,
    /// Its region.
    pub location: String,
    /// Its tags.
    pub tags: AzureTags,
}

/// Resource groups, for the backends that can manage them (not the in-memory fakes).
#[async_trait]
pub trait ResourceGroups: Send + Sync {
    /// The resource group `id` (`/subscriptions/{s}/resourceGroups/{name}`), `None` when it does
    /// not exist.
    async fn find_resource_group(&self, id: &str)
        -> Result<Option<ResourceGroupState>, CloudError>;

    /// Creates (or updates) the resource group `id` in `location` with `tags`.
    async fn create_resource_group(
        &self,
        id: &str,
        location: &str,
        tags: &AzureTags,
    ) -> Result<ResourceGroupState, CloudError>;

    /// Deletes the resource group `id` and everything in it, waiting for the deletion to finish;
    /// `Ok(false)` when it was already gone.
    async fn delete_resource_group(&self, id: &str) -> Result<bool, CloudError>;
}

/// The name of the resource group `id`, checked to be a resource group id of `subscription`.
fn resource_group_name<'a>(id: &'a str, subscription: &str) -> Result<&'a str, CloudError> {
    let segs: Vec<&str> = id.trim_matches('/').split('/').collect();
    match segs.as_slice() {
        [s, sub, rg, name]
            if s.eq_ignore_ascii_case("subscriptions")
                && rg.eq_ignore_ascii_case("resourceGroups")
                && !name.is_empty() =>
        {
            if !sub.eq_ignore_ascii_case(subscription) {
                return Err(CloudError::new(
                    ErrorKind::InvalidInput,
                    OP_READ,
                    id,
                    format!(
                        "the resource group is in subscription {sub}, but the provider acts in {subscription}"
                    ),
                ));
            }
            Ok(name)
        }
        _ => Err(CloudError::new(
            ErrorKind::InvalidInput,
            OP_READ,
            id,
            "expected a resource group id: /subscriptions/{subscription}/resourceGroups/{name}",
        )),
    }
}

/// The canonical path of the resource group `id`.
fn group_path(arm: &ArmClient, id: &str) -> Result<String, CloudError> {
    let name = resource_group_name(id, arm.subscription_id())?;
    Ok(format!(
        "/subscriptions/{}/resourcegroups/{name}",
        arm.subscription_id()
    ))
}

fn state_of(body: &Value, id: &str) -> ResourceGroupState {
    let tags = body["tags"]
        .as_object()
        .map(|t| {
            t.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default();
    ResourceGroupState {
        id: body["id"].as_str().unwrap_or(id).to_owned(),
        location: body["location"].as_str().unwrap_or_default().to_owned(),
        tags,
    }
}

#[async_trait]
impl ResourceGroups for ArmBackend {
    async fn find_resource_group(
        &self,
        id: &str,
    ) -> Result<Option<ResourceGroupState>, CloudError> {
        let path = group_path(&self.arm, id)?;
        let subject = Subject {
            operation: OP_READ,
            name: id,
        };
        Ok(self
            .arm
            .get(&path, RESOURCES_API_VERSION, subject)
            .await?
            .map(|body| state_of(&body, id)))
    }

    async fn create_resource_group(
        &self,
        id: &str,
        location: &str,
        tags: &AzureTags,
    ) -> Result<ResourceGroupState, CloudError> {
        let path = group_path(&self.arm, id)?;
        let subject = Subject {
            operation: OP_CREATE,
            name: id,
        };
        let body = json!({ "location": location, "tags": tags });
        let written = self
            .arm
            .send(
                Method::PUT,
                &path,
                RESOURCES_API_VERSION,
                Some(&body),
                subject,
            )
            .await?;
        Ok(written
            .body
            .map(|b| state_of(&b, id))
            .unwrap_or_else(|| ResourceGroupState {
                id: id.to_owned(),
                location: location.to_owned(),
                tags: tags.clone(),
            }))
    }

    async fn delete_resource_group(&self, id: &str) -> Result<bool, CloudError> {
        let path = group_path(&self.arm, id)?;
        let subject = Subject {
            operation: OP_DELETE,
            name: id,
        };
        self.arm.delete(&path, RESOURCES_API_VERSION, subject).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_group_ids_are_checked() {
        let sub = "00000000-0000-0000-0000-000000000001";
        let id = format!("/subscriptions/{sub}/resourceGroups/rg-restore-test");
        assert_eq!(resource_group_name(&id, sub).unwrap(), "rg-restore-test");
        let other = "/subscriptions/other/resourceGroups/rg";
        assert!(resource_group_name(other, sub)
            .unwrap_err()
            .to_string()
            .contains("subscription other"));
        let storage = format!("{id}/providers/Microsoft.Storage/storageAccounts/s");
        assert!(resource_group_name(&storage, sub).is_err());
    }
}
