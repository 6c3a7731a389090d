//! Backup selections: which resources a plan protects. AWS has no update for them; the resources
//! swap them (create the new one, delete the old one) inside Update.

use std::ops::ControlFlow;

use aws_sdk_backup::operation::list_backup_selections::ListBackupSelectionsOutput;
use aws_sdk_backup::types::{BackupSelection, Condition, ConditionType};

use super::errors::IncompleteInput;
use super::plan::MAX_RESULTS;
use super::{creator_request_id, AwsBackend};
use crate::cloud::backend::{Selection, SelectionSpec, Tags};
use crate::cloud::error::{CloudError, ErrorKind, GoneIsNone};

const OP_CREATE: &str = "creating Backup Selection";
const OP_READ: &str = "reading Backup Selection";
const OP_DELETE: &str = "deleting Backup Selection";

/// A role created a moment ago may not be assumable yet: "InvalidParameterValueException: IAM Role
/// arn:aws:iam::123456789012:role/XXX cannot be assumed by AWS Backup".
fn is_iam_role_not_yet_assumable(err: &CloudError) -> bool {
    err.is_code_with_message("InvalidParameterValueException", "cannot be assumed")
}

/// A role's policy attached a moment ago may not apply yet: "InvalidParameterValueException: IAM
/// Role arn:aws:iam::123456789012:role/XXX is not authorized to call tag:GetResources".
fn is_iam_role_not_yet_authorized(err: &CloudError) -> bool {
    err.is_code_with_message(
        "InvalidParameterValueException",
        "is not authorized to call",
    )
}

/// AWS answers a request about a selection of a missing plan with "InvalidParameterValueException:
/// Cannot find Backup plan ...": the selection is gone with its plan.
fn is_plan_gone(err: &CloudError) -> bool {
    err.is_not_found()
        || err.is_code_with_message("InvalidParameterValueException", "Cannot find Backup plan")
}

/// `CreateBackupSelection` (1 call, more while the IAM role propagates); the id as soon as AWS
/// answers, so the caller can record it before [`wait_selection_readable`].
pub(super) async fn create_selection(
    backend: &AwsBackend,
    plan_id: &str,
    spec: &SelectionSpec,
) -> Result<String, CloudError> {
    let selection = expand_selection(spec).map_err(|e| {
        CloudError::new(
            ErrorKind::InvalidInput,
            OP_CREATE,
            &spec.name,
            e.to_string(),
        )
    })?;
    // One token for every attempt, so a retried create after a lost answer is not done twice.
    let token = creator_request_id();
    let selection_id = backend
        .send_create(
            OP_CREATE,
            &spec.name,
            |e| is_iam_role_not_yet_assumable(e) || is_iam_role_not_yet_authorized(e),
            |once| async move {
                let named = list_selections_by_name(&once, plan_id, &spec.name).await?;
                let created = named.into_iter().find(|s| s.spec == *spec);
                Ok(created.map(|s| Some(s.selection_id)))
            },
            || async {
                backend
                    .client
                    .create_backup_selection()
                    .backup_plan_id(plan_id)
                    .backup_selection(selection.clone())
                    .creator_request_id(&token)
                    .send()
                    .await
                    .map(|out| out.selection_id().map(str::to_owned))
            },
        )
        .await?;
    let Some(selection_id) = selection_id else {
        return Err(CloudError::new(
            ErrorKind::Other,
            OP_CREATE,
            &spec.name,
            "AWS answered without a selection id".to_owned(),
        ));
    };
    Ok(selection_id)
}

/// Polls `GetBackupSelection` until a selection just created is readable (usually 1 call): AWS is
/// eventually consistent, and a refresh right after the apply must find it.
pub(super) async fn wait_selection_readable(
    backend: &AwsBackend,
    plan_id: &str,
    selection_id: &str,
    name: &str,
) -> Result<(), CloudError> {
    backend
        .wait_for(
            OP_CREATE,
            name,
            "the new selection to become readable",
            |once| async move {
                let found = find_selection_by_two_part_key(&once, plan_id, selection_id).await?;
                Ok(found.map(|_| ()))
            },
        )
        .await
}

/// `GetBackupSelection` (1 call); `None` when the selection or its plan is gone.
pub(super) async fn find_selection_by_two_part_key(
    backend: &AwsBackend,
    plan_id: &str,
    selection_id: &str,
) -> Result<Option<Selection>, CloudError> {
    let found = backend
        .send(OP_READ, selection_id, || {
            backend
                .client
                .get_backup_selection()
                .backup_plan_id(plan_id)
                .selection_id(selection_id)
                .send()
        })
        .await
        .none_if(is_plan_gone)?;
    let Some(out) = found else {
        return Ok(None);
    };
    Ok(out.backup_selection().map(|s| Selection {
        plan_id: plan_id.to_owned(),
        selection_id: selection_id.to_owned(),
        spec: flatten_selection(s),
    }))
}

/// `ListBackupSelections` (1 call per 1000 selections), then `GetBackupSelection` for the match
/// (+1 call).
pub(super) async fn find_selection_by_name(
    backend: &AwsBackend,
    plan_id: &str,
    name: &str,
) -> Result<Option<Selection>, CloudError> {
    let mut found_id = None;
    let listed = visit_selection_pages(backend, plan_id, name, |page| {
        found_id = page
            .backup_selections_list()
            .iter()
            .find(|s| s.selection_name() == Some(name))
            .and_then(|s| s.selection_id())
            .map(str::to_owned);
        match found_id {
            Some(_) => ControlFlow::Break(()),
            None => ControlFlow::Continue(()),
        }
    })
    .await?;
    match (listed, found_id) {
        (Some(()), Some(id)) => find_selection_by_two_part_key(backend, plan_id, &id).await,
        _ => Ok(None),
    }
}

/// `ListBackupSelections` (1 call per 1000 selections), then `GetBackupSelection` for each
/// selection named `name` (usually none or one).
pub(super) async fn list_selections_by_name(
    backend: &AwsBackend,
    plan_id: &str,
    name: &str,
) -> Result<Vec<Selection>, CloudError> {
    let mut ids = Vec::new();
    visit_selection_pages(backend, plan_id, name, |page| {
        ids.extend(
            page.backup_selections_list()
                .iter()
                .filter(|s| s.selection_name() == Some(name))
                .filter_map(|s| s.selection_id().map(str::to_owned)),
        );
        ControlFlow::Continue(())
    })
    .await?;
    let mut found = Vec::new();
    for id in ids {
        if let Some(selection) = find_selection_by_two_part_key(backend, plan_id, &id).await? {
            found.push(selection);
        }
    }
    Ok(found)
}

/// `ListBackupSelections` pages: the ids of every selection in the plan (empty when the plan is gone).
pub(super) async fn list_selection_ids(
    backend: &AwsBackend,
    plan_id: &str,
) -> Result<Vec<String>, CloudError> {
    let mut ids = Vec::new();
    let listed = visit_selection_pages(backend, plan_id, plan_id, |page| {
        ids.extend(
            page.backup_selections_list()
                .iter()
                .filter_map(|s| s.selection_id().map(str::to_owned)),
        );
        ControlFlow::Continue(())
    })
    .await?;
    // A plan gone part-way through the listing has no selections left.
    Ok(listed.map_or_else(Vec::new, |()| ids))
}

/// `ListBackupSelections` pages of a plan handed to `visit` (errors name `name`); `Ok(None)` when
/// the plan is gone.
async fn visit_selection_pages(
    backend: &AwsBackend,
    plan_id: &str,
    name: &str,
    visit: impl FnMut(&ListBackupSelectionsOutput) -> ControlFlow<()>,
) -> Result<Option<()>, CloudError> {
    backend
        .send_pages(
            OP_READ,
            name,
            |token| {
                backend
                    .client
                    .list_backup_selections()
                    .backup_plan_id(plan_id)
                    .max_results(MAX_RESULTS)
                    .set_next_token(token)
                    .send()
            },
            |page| page.next_token(),
            visit,
        )
        .await
        .none_if(is_plan_gone)
}

/// `DeleteBackupSelection` (1 call); a selection already gone, or whose plan is gone, is done.
pub(super) async fn delete_selection(
    backend: &AwsBackend,
    plan_id: &str,
    selection_id: &str,
) -> Result<(), CloudError> {
    backend
        .send(OP_DELETE, selection_id, || {
            backend
                .client
                .delete_backup_selection()
                .backup_plan_id(plan_id)
                .selection_id(selection_id)
                .send()
        })
        .await
        .none_if(is_plan_gone)
        .map(drop)
}

/// The SDK's selection for a spec; `selection_tags` become `ListOfTags` STRINGEQUALS conditions
/// (each one enough on its own, like `resources`).
pub(super) fn expand_selection(spec: &SelectionSpec) -> Result<BackupSelection, IncompleteInput> {
    let tags = spec
        .selection_tags
        .iter()
        .map(|(key, value)| {
            Condition::builder()
                .condition_type(ConditionType::Stringequals)
                .condition_key(key)
                .condition_value(value)
                .build()
                .map_err(IncompleteInput::from)
        })
        .collect::<Result<Vec<_>, _>>()?;
    BackupSelection::builder()
        .selection_name(&spec.name)
        .iam_role_arn(&spec.iam_role_arn)
        .set_resources(Some(spec.resources.clone()).filter(|r| !r.is_empty()))
        .set_list_of_tags(Some(tags).filter(|t| !t.is_empty()))
        .build()
        .map_err(IncompleteInput::from)
}

/// The spec of an SDK selection. Only STRINGEQUALS tag conditions are ours; others (and the AND'ed
/// `Conditions`, `NotResources`) are not part of the spec.
pub(super) fn flatten_selection(selection: &BackupSelection) -> SelectionSpec {
    let selection_tags: Tags = selection
        .list_of_tags()
        .iter()
        .filter(|c| *c.condition_type() == ConditionType::Stringequals)
        .map(|c| (c.condition_key().to_owned(), c.condition_value().to_owned()))
        .collect();
    SelectionSpec {
        name: selection.selection_name().to_owned(),
        iam_role_arn: selection.iam_role_arn().to_owned(),
        resources: selection.resources().to_vec(),
        selection_tags,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flatten_inverts_expand() {
        let spec = SelectionSpec {
            name: "payments-prod".into(),
            iam_role_arn: "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole"
                .into(),
            resources: vec!["arn:aws:dynamodb:eu-west-1:222222222222:table/payments".into()],
            selection_tags: [("backup".to_string(), "gold".to_string())].into(),
        };
        assert_eq!(flatten_selection(&expand_selection(&spec).unwrap()), spec);
        let bare = SelectionSpec {
            resources: vec![],
            selection_tags: Tags::new(),
            ..spec
        };
        let expanded = expand_selection(&bare).unwrap();
        assert!(expanded.list_of_tags().is_empty() && expanded.resources().is_empty());
        assert_eq!(flatten_selection(&expanded), bare);
    }

    #[test]
    fn iam_predicates_quote_aws() {
        let err = |msg: &str| {
            crate::cloud::aws::errors::api_error(
                OP_CREATE,
                "s",
                Some("InvalidParameterValueException".into()),
                msg,
                Some(400),
            )
        };
        assert!(is_iam_role_not_yet_assumable(&err(
            "IAM Role arn:aws:iam::1:role/x cannot be assumed by AWS Backup"
        )));
        assert!(is_iam_role_not_yet_authorized(&err(
            "IAM Role arn:aws:iam::1:role/x is not authorized to call tag:GetResources"
        )));
        assert!(is_plan_gone(&err("Cannot find Backup plan with ID x")));
        assert!(!is_plan_gone(&err("Invalid ARN")));
    }
}
