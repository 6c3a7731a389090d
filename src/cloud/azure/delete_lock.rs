//! The vault's delete lock (`require_delete_lock`): a `CanNotDelete` management lock at the
//! vault's scope (`Microsoft.Authorization/locks`, api-version 2020-05-01), named
//! [`DELETE_LOCK_NAME`] so every apply finds its own lock again.

use reqwest::Method;
use serde_json::json;

use super::arm::{ArmClient, Subject};
use crate::cloud::error::{CloudError, GoneIsNone};

/// api-version of the management lock calls.
pub(super) const LOCKS_API_VERSION: &str = "2020-05-01";

/// Name of the management lock this provider puts on a vault.
pub const DELETE_LOCK_NAME: &str = "backup-provider-delete-lock";

/// The lock level that keeps a vault from being deleted (reads and updates still work).
pub const CAN_NOT_DELETE: &str = "CanNotDelete";

fn lock_path(scope: &str) -> String {
    format!("{scope}/providers/Microsoft.Authorization/locks/{DELETE_LOCK_NAME}")
}

/// `ManagementLocks_CreateOrUpdateByScope`: the `CanNotDelete` lock on `scope`.
pub(crate) async fn put_delete_lock(arm: &ArmClient, scope: &str) -> Result<(), CloudError> {
    let body = json!({
        "properties": {
            "level": CAN_NOT_DELETE,
            "notes": "Keeps the backup vault from being deleted (require_delete_lock, terraform-provider-backup).",
        },
    });
    let subject = Subject {
        operation: "creating Management Lock",
        name: DELETE_LOCK_NAME,
    };
    arm.send(
        Method::PUT,
        &lock_path(scope),
        LOCKS_API_VERSION,
        Some(&body),
        subject,
    )
    .await
    .map(drop)
}

/// `ManagementLocks_GetByScope`: the lock's level, `None` when there is no lock.
pub(crate) async fn find_delete_lock(
    arm: &ArmClient,
    scope: &str,
) -> Result<Option<String>, CloudError> {
    let subject = Subject {
        operation: "reading Management Lock",
        name: DELETE_LOCK_NAME,
    };
    let Some(body) = arm
        .get(&lock_path(scope), LOCKS_API_VERSION, subject)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(
        body["properties"]["level"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    ))
}

/// `ManagementLocks_DeleteByScope`; a lock already gone counts as done.
pub(crate) async fn delete_delete_lock(arm: &ArmClient, scope: &str) -> Result<(), CloudError> {
    let subject = Subject {
        operation: "deleting Management Lock",
        name: DELETE_LOCK_NAME,
    };
    arm.send(
        Method::DELETE,
        &lock_path(scope),
        LOCKS_API_VERSION,
        None,
        subject,
    )
    .await
    .none_if_not_found()
    .map(drop)
}
