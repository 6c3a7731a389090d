//! Restore testing behind a plain-Rust trait: AWS Backup restore testing plans (when and which
//! recovery point) and their selections (what is restored, and how long it is kept for validation).
//!
//! Both are named objects (the name is the id), so creating one is idempotent by name: an object an
//! interrupted apply left, or one made outside Terraform, is adopted and brought in line.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::backend::Tags;
use super::error::{CloudError, ErrorKind};

/// A restore testing plan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreTestingPlanSpec {
    /// The plan's name (1–50 letters, digits and `_`); also its id.
    pub name: String,
    /// AWS `cron(...)` expression (UTC).
    pub schedule: String,
    /// Hours within which the restore job must start.
    pub start_window_hours: i64,
    /// `LATEST_WITHIN_WINDOW` or `RANDOM_WITHIN_WINDOW`.
    pub algorithm: String,
    /// Days back recovery points are considered.
    pub selection_window_days: i64,
    /// Vault ARNs (or `*`) recovery points come from, sorted.
    pub include_vaults: Vec<String>,
}

/// A restore testing selection: the resources of one child a plan restores.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RestoreTestingSelectionSpec {
    /// The selection's name, unique in its plan (1–50 letters, digits and `_`).
    pub name: String,
    /// The resource type restored (`EBS`, `RDS`, ...); cannot change in place.
    pub protected_resource_type: String,
    /// The role AWS Backup assumes to restore.
    pub iam_role_arn: String,
    /// ARNs of the resources whose recovery points are restored, sorted.
    pub protected_resource_arns: Vec<String>,
    /// Resources carrying all of these tags are restored too (used when no ARN is given).
    pub protected_resource_tags: Tags,
    /// Restore metadata to override.
    pub restore_metadata_overrides: Tags,
    /// Hours the restored resource is kept for validation; `None`: AWS's default.
    pub validation_window_hours: Option<i64>,
}

/// The restore testing operations, in one account and region.
///
/// `find_*` return `Ok(None)` when the object (or its plan) does not exist; `delete_*` succeed when
/// it is already gone.
#[async_trait]
pub trait RestoreTestingBackend: Send + Sync {
    /// `GetRestoreTestingPlan`.
    async fn find_restore_testing_plan(
        &self,
        name: &str,
    ) -> Result<Option<RestoreTestingPlanSpec>, CloudError>;

    /// `CreateRestoreTestingPlan`.
    async fn create_restore_testing_plan(
        &self,
        spec: &RestoreTestingPlanSpec,
    ) -> Result<(), CloudError>;

    /// `UpdateRestoreTestingPlan`.
    async fn update_restore_testing_plan(
        &self,
        spec: &RestoreTestingPlanSpec,
    ) -> Result<(), CloudError>;

    /// `DeleteRestoreTestingPlan`; the plan must have no selections left.
    async fn delete_restore_testing_plan(&self, name: &str) -> Result<(), CloudError>;

    /// The names of the plan's selections; empty when the plan does not exist.
    async fn list_restore_testing_selection_names(
        &self,
        plan: &str,
    ) -> Result<Vec<String>, CloudError>;

    /// `GetRestoreTestingSelection`.
    async fn find_restore_testing_selection(
        &self,
        plan: &str,
        name: &str,
    ) -> Result<Option<RestoreTestingSelectionSpec>, CloudError>;

    /// `CreateRestoreTestingSelection`.
    async fn create_restore_testing_selection(
        &self,
        plan: &str,
        spec: &RestoreTestingSelectionSpec,
    ) -> Result<(), CloudError>;

    /// `UpdateRestoreTestingSelection` (everything but the resource type).
    async fn update_restore_testing_selection(
        &self,
        plan: &str,
        spec: &RestoreTestingSelectionSpec,
    ) -> Result<(), CloudError>;

    /// `DeleteRestoreTestingSelection`.
    async fn delete_restore_testing_selection(
        &self,
        plan: &str,
        name: &str,
    ) -> Result<(), CloudError>;

    /// Brings the plan named `spec.name` to `spec`: created when missing, adopted and updated when
    /// it differs (1 call when it is already right).
    async fn ensure_restore_testing_plan(
        &self,
        spec: &RestoreTestingPlanSpec,
    ) -> Result<(), CloudError> {
        match self.find_restore_testing_plan(&spec.name).await? {
            Some(found) if found == *spec => Ok(()),
            Some(_) => self.update_restore_testing_plan(spec).await,
            None => match self.create_restore_testing_plan(spec).await {
                // Made by a concurrent or lost attempt meanwhile: bring it in line.
                Err(e) if e.kind() == ErrorKind::Conflict => {
                    self.update_restore_testing_plan(spec).await
                }
                other => other,
            },
        }
    }

    /// Brings the selection named `spec.name` in `plan` to `spec`: created when missing, updated
    /// in place when it differs, re-created when its resource type differs (AWS cannot change it).
    async fn ensure_restore_testing_selection(
        &self,
        plan: &str,
        spec: &RestoreTestingSelectionSpec,
    ) -> Result<(), CloudError> {
        match self
            .find_restore_testing_selection(plan, &spec.name)
            .await?
        {
            Some(found) if found == *spec => Ok(()),
            Some(found) if found.protected_resource_type == spec.protected_resource_type => {
                self.update_restore_testing_selection(plan, spec).await
            }
            Some(_) => {
                self.delete_restore_testing_selection(plan, &spec.name)
                    .await?;
                self.create_restore_testing_selection(plan, spec).await
            }
            None => self.create_restore_testing_selection(plan, spec).await,
        }
    }

    /// Deletes the plan and every selection left in it (AWS refuses to delete a plan with
    /// selections); nothing when the plan is gone.
    async fn delete_restore_testing_plan_and_selections(
        &self,
        name: &str,
    ) -> Result<(), CloudError> {
        for selection in self.list_restore_testing_selection_names(name).await? {
            self.delete_restore_testing_selection(name, &selection)
                .await?;
        }
        self.delete_restore_testing_plan(name).await
    }
}

/// The name of a restore testing plan or selection for an object named `name`: restore testing
/// names allow only letters, digits and `_` (so `-` becomes `_`), at most 50 characters.
pub fn restore_testing_name(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(50)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_letters_digits_and_underscores() {
        assert_eq!(restore_testing_name("org-root"), "org_root");
        assert_eq!(restore_testing_name("payments_prod2"), "payments_prod2");
        assert_eq!(restore_testing_name(&"a".repeat(60)).len(), 50);
    }
}
