//! AWS Backup restore testing plans and selections (`/restore-testing/plans/...`), behind
//! [`RestoreTestingBackend`]. Both are named objects: the name is the id.

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_backup::types::{
    KeyValue, ProtectedResourceConditions, RestoreTestingPlanForCreate,
    RestoreTestingPlanForUpdate, RestoreTestingRecoveryPointSelection,
    RestoreTestingRecoveryPointSelectionAlgorithm, RestoreTestingRecoveryPointType,
    RestoreTestingSelectionForCreate, RestoreTestingSelectionForGet,
    RestoreTestingSelectionForUpdate,
};

use super::{creator_request_id, AwsBackend};
use crate::cloud::backend::Tags;
use crate::cloud::error::{CloudError, ErrorKind, GoneIsNone};
use crate::cloud::restore_testing::{
    RestoreTestingBackend, RestoreTestingPlanSpec, RestoreTestingSelectionSpec,
};

const OP_CREATE_PLAN: &str = "creating Restore Testing Plan";
const OP_READ_PLAN: &str = "reading Restore Testing Plan";
const OP_UPDATE_PLAN: &str = "updating Restore Testing Plan";
const OP_DELETE_PLAN: &str = "deleting Restore Testing Plan";
const OP_CREATE_SELECTION: &str = "creating Restore Testing Selection";
const OP_READ_SELECTION: &str = "reading Restore Testing Selection";
const OP_UPDATE_SELECTION: &str = "updating Restore Testing Selection";
const OP_DELETE_SELECTION: &str = "deleting Restore Testing Selection";

/// Tag conditions name tags as AWS condition keys.
const TAG_KEY_PREFIX: &str = "aws:ResourceTag/";

/// A request this provider built that the SDK refused (a required member missing).
fn invalid(operation: &'static str, name: &str, error: impl std::fmt::Display) -> CloudError {
    CloudError::new(ErrorKind::InvalidInput, operation, name, error.to_string())
}

/// The recovery point selection of `spec` (snapshots only: continuous recovery points are restored
/// from their snapshot copies).
fn expand_recovery_points(spec: &RestoreTestingPlanSpec) -> RestoreTestingRecoveryPointSelection {
    RestoreTestingRecoveryPointSelection::builder()
        .algorithm(RestoreTestingRecoveryPointSelectionAlgorithm::from(
            spec.algorithm.as_str(),
        ))
        .set_include_vaults(Some(spec.include_vaults.clone()))
        .recovery_point_types(RestoreTestingRecoveryPointType::Snapshot)
        .selection_window_days(spec.selection_window_days as i32)
        .build()
}

/// The tag conditions of a selection, `None` when it names resources by ARN or has no tags.
fn expand_conditions(spec: &RestoreTestingSelectionSpec) -> Option<ProtectedResourceConditions> {
    if !spec.protected_resource_arns.is_empty() || spec.protected_resource_tags.is_empty() {
        return None;
    }
    let equals: Vec<KeyValue> = spec
        .protected_resource_tags
        .iter()
        .filter_map(|(k, v)| {
            KeyValue::builder()
                .key(format!("{TAG_KEY_PREFIX}{k}"))
                .value(v)
                .build()
                .ok()
        })
        .collect();
    Some(
        ProtectedResourceConditions::builder()
            .set_string_equals(Some(equals))
            .build(),
    )
}

fn overrides(tags: &Tags) -> Option<HashMap<String, String>> {
    Some(tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// Our spec of a selection AWS returned.
fn flatten_selection(s: &RestoreTestingSelectionForGet) -> RestoreTestingSelectionSpec {
    let mut arns = s.protected_resource_arns().to_vec();
    arns.sort();
    let tags = s
        .protected_resource_conditions()
        .map(|c| {
            c.string_equals()
                .iter()
                .map(|kv| {
                    let key = kv.key().strip_prefix(TAG_KEY_PREFIX).unwrap_or(kv.key());
                    (key.to_owned(), kv.value().to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    RestoreTestingSelectionSpec {
        name: s.restore_testing_selection_name().to_owned(),
        protected_resource_type: s.protected_resource_type().to_owned(),
        iam_role_arn: s.iam_role_arn().to_owned(),
        protected_resource_arns: arns,
        protected_resource_tags: tags,
        restore_metadata_overrides: s
            .restore_metadata_overrides()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        // AWS answers 0 for a selection created without one.
        validation_window_hours: Some(i64::from(s.validation_window_hours())).filter(|h| *h > 0),
    }
}

#[async_trait]
impl RestoreTestingBackend for AwsBackend {
    async fn find_restore_testing_plan(
        &self,
        name: &str,
    ) -> Result<Option<RestoreTestingPlanSpec>, CloudError> {
        let found = self
            .send(OP_READ_PLAN, name, || {
                self.client
                    .get_restore_testing_plan()
                    .restore_testing_plan_name(name)
                    .send()
            })
            .await
            .none_if_not_found()?;
        Ok(found.and_then(|out| {
            out.restore_testing_plan().map(|plan| {
                let points = plan.recovery_point_selection();
                let mut vaults = points
                    .map(|p| p.include_vaults().to_vec())
                    .unwrap_or_default();
                vaults.sort();
                RestoreTestingPlanSpec {
                    name: plan.restore_testing_plan_name().to_owned(),
                    schedule: plan.schedule_expression().to_owned(),
                    start_window_hours: i64::from(plan.start_window_hours()),
                    algorithm: points
                        .and_then(|p| p.algorithm())
                        .map(|a| a.as_str().to_owned())
                        .unwrap_or_default(),
                    selection_window_days: points
                        .map(|p| i64::from(p.selection_window_days()))
                        .unwrap_or_default(),
                    include_vaults: vaults,
                }
            })
        }))
    }

    async fn create_restore_testing_plan(
        &self,
        spec: &RestoreTestingPlanSpec,
    ) -> Result<(), CloudError> {
        let plan = RestoreTestingPlanForCreate::builder()
            .restore_testing_plan_name(&spec.name)
            .schedule_expression(&spec.schedule)
            .start_window_hours(spec.start_window_hours as i32)
            .recovery_point_selection(expand_recovery_points(spec))
            .build()
            .map_err(|e| invalid(OP_CREATE_PLAN, &spec.name, e))?;
        // One token for every attempt, so a retried create after a lost answer is not done twice.
        let token = creator_request_id();
        self.send(OP_CREATE_PLAN, &spec.name, || {
            self.client
                .create_restore_testing_plan()
                .restore_testing_plan(plan.clone())
                .creator_request_id(&token)
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn update_restore_testing_plan(
        &self,
        spec: &RestoreTestingPlanSpec,
    ) -> Result<(), CloudError> {
        let plan = RestoreTestingPlanForUpdate::builder()
            .schedule_expression(&spec.schedule)
            .start_window_hours(spec.start_window_hours as i32)
            .recovery_point_selection(expand_recovery_points(spec))
            .build();
        self.send(OP_UPDATE_PLAN, &spec.name, || {
            self.client
                .update_restore_testing_plan()
                .restore_testing_plan_name(&spec.name)
                .restore_testing_plan(plan.clone())
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn delete_restore_testing_plan(&self, name: &str) -> Result<(), CloudError> {
        self.send(OP_DELETE_PLAN, name, || {
            self.client
                .delete_restore_testing_plan()
                .restore_testing_plan_name(name)
                .send()
        })
        .await
        .none_if_not_found()
        .map(|_| ())
    }

    async fn list_restore_testing_selection_names(
        &self,
        plan: &str,
    ) -> Result<Vec<String>, CloudError> {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = self
                .send(OP_READ_SELECTION, plan, || {
                    self.client
                        .list_restore_testing_selections()
                        .restore_testing_plan_name(plan)
                        .set_next_token(token.clone())
                        .send()
                })
                .await
                .none_if_not_found()?;
            let Some(page) = page else {
                return Ok(Vec::new());
            };
            names.extend(
                page.restore_testing_selections()
                    .iter()
                    .map(|s| s.restore_testing_selection_name().to_owned()),
            );
            match page.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_owned()),
                _ => return Ok(names),
            }
        }
    }

    async fn find_restore_testing_selection(
        &self,
        plan: &str,
        name: &str,
    ) -> Result<Option<RestoreTestingSelectionSpec>, CloudError> {
        let found = self
            .send(OP_READ_SELECTION, name, || {
                self.client
                    .get_restore_testing_selection()
                    .restore_testing_plan_name(plan)
                    .restore_testing_selection_name(name)
                    .send()
            })
            .await
            .none_if_not_found()?;
        Ok(found.and_then(|out| out.restore_testing_selection().map(flatten_selection)))
    }

    async fn create_restore_testing_selection(
        &self,
        plan: &str,
        spec: &RestoreTestingSelectionSpec,
    ) -> Result<(), CloudError> {
        let arns = Some(spec.protected_resource_arns.clone()).filter(|a| !a.is_empty());
        let selection = RestoreTestingSelectionForCreate::builder()
            .restore_testing_selection_name(&spec.name)
            .protected_resource_type(&spec.protected_resource_type)
            .iam_role_arn(&spec.iam_role_arn)
            .set_protected_resource_arns(arns)
            .set_protected_resource_conditions(expand_conditions(spec))
            .set_restore_metadata_overrides(overrides(&spec.restore_metadata_overrides))
            .set_validation_window_hours(spec.validation_window_hours.map(|h| h as i32))
            .build()
            .map_err(|e| invalid(OP_CREATE_SELECTION, &spec.name, e))?;
        let token = creator_request_id();
        self.send(OP_CREATE_SELECTION, &spec.name, || {
            self.client
                .create_restore_testing_selection()
                .restore_testing_plan_name(plan)
                .restore_testing_selection(selection.clone())
                .creator_request_id(&token)
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn update_restore_testing_selection(
        &self,
        plan: &str,
        spec: &RestoreTestingSelectionSpec,
    ) -> Result<(), CloudError> {
        let arns = Some(spec.protected_resource_arns.clone()).filter(|a| !a.is_empty());
        let selection = RestoreTestingSelectionForUpdate::builder()
            .iam_role_arn(&spec.iam_role_arn)
            .set_protected_resource_arns(arns)
            .set_protected_resource_conditions(expand_conditions(spec))
            .set_restore_metadata_overrides(overrides(&spec.restore_metadata_overrides))
            .set_validation_window_hours(spec.validation_window_hours.map(|h| h as i32))
            .build();
        self.send(OP_UPDATE_SELECTION, &spec.name, || {
            self.client
                .update_restore_testing_selection()
                .restore_testing_plan_name(plan)
                .restore_testing_selection_name(&spec.name)
                .restore_testing_selection(selection.clone())
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn delete_restore_testing_selection(
        &self,
        plan: &str,
        name: &str,
    ) -> Result<(), CloudError> {
        self.send(OP_DELETE_SELECTION, name, || {
            self.client
                .delete_restore_testing_selection()
                .restore_testing_plan_name(plan)
                .restore_testing_selection_name(name)
                .send()
        })
        .await
        .none_if_not_found()
        .map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_conditions_only_without_arns() {
        let mut spec = RestoreTestingSelectionSpec {
            name: "payments".into(),
            protected_resource_type: "EBS".into(),
            iam_role_arn: "arn:aws:iam::111111111111:role/backup".into(),
            protected_resource_tags: Tags::from([("backup".into(), "yes".into())]),
            ..Default::default()
        };
        let conditions = expand_conditions(&spec).unwrap();
        assert_eq!(
            conditions.string_equals()[0].key(),
            "aws:ResourceTag/backup"
        );
        spec.protected_resource_arns =
            vec!["arn:aws:ec2:us-east-1:111111111111:volume/vol-1".into()];
        assert!(expand_conditions(&spec).is_none());
    }
}
