//! Backup plans: expand/flatten between [`PlanSpec`] and the SDK's plan types, finders, and the
//! create/update/delete calls.

use aws_sdk_backup::types::{BackupPlanInput, BackupRule, BackupRuleInput, CopyAction, Lifecycle};

use std::ops::ControlFlow;

use super::errors::IncompleteInput;
use super::tags::{expand_tags, find_tags_by_arn, flatten_tags, update_tags, KIND_TAG};
use super::{creator_request_id, AwsBackend};
use crate::cloud::backend::{
    CopySpec, LifecycleSpec, Plan, PlanSpec, PlanState, PlanSummary, RuleSpec,
};
use crate::cloud::error::{CloudError, ErrorKind, GoneIsNone};

const OP_CREATE: &str = "creating Backup Plan";
const OP_READ: &str = "reading Backup Plan";
const OP_UPDATE: &str = "updating Backup Plan";
const OP_DELETE: &str = "deleting Backup Plan";
const OP_LIST: &str = "listing Backup Plans";

/// The most a list call may return per page: keeps finding by name at about one call.
pub(super) const MAX_RESULTS: i32 = 1000;

/// AWS refuses to delete a plan while selections reference it, and a selection deleted a moment ago
/// may still count: "InvalidRequestException: Related backup plan selections must be deleted prior
/// to backup plan deletion".
fn is_selections_not_yet_deleted(err: &CloudError) -> bool {
    err.is_code_with_message(
        "InvalidRequestException",
        "Related backup plan selections must be deleted",
    )
}

/// `CreateBackupPlan` with the plan's tags (1 call). After an attempt whose answer was lost, the
/// plan that attempt made is adopted rather than a second one created.
pub(super) async fn create_plan(
    backend: &AwsBackend,
    spec: &PlanSpec,
) -> Result<PlanState, CloudError> {
    let input = expand_plan(spec).map_err(|m| invalid(OP_CREATE, &spec.name, m))?;
    // One token for every attempt, so a retried create after a lost answer does not make a second plan.
    let token = creator_request_id();
    let out = backend
        .send_create(
            OP_CREATE,
            &spec.name,
            |_| false,
            |once| async move {
                let created = find_plan_state_by_name(&once, &spec.name).await?;
                Ok(created.map(Created::Found))
            },
            || async {
                backend
                    .client
                    .create_backup_plan()
                    .backup_plan(input.clone())
                    .set_backup_plan_tags(expand_tags(&spec.tags))
                    .creator_request_id(&token)
                    .send()
                    .await
                    .map(Created::Answer)
            },
        )
        .await?;
    match out {
        Created::Found(state) => Ok(state),
        Created::Answer(out) => plan_state(
            OP_CREATE,
            &spec.name,
            out.backup_plan_id(),
            out.version_id(),
            out.backup_plan_arn(),
        ),
    }
}

/// A create's outcome: AWS's answer, or the plan a lost attempt made, found by name.
enum Created {
    Answer(aws_sdk_backup::operation::create_backup_plan::CreateBackupPlanOutput),
    Found(PlanState),
}

/// `UpdateBackupPlan`, then the tags: `ListTags` and at most one untag and one tag call (2–4 calls).
pub(super) async fn update_plan(
    backend: &AwsBackend,
    plan_id: &str,
    spec: &PlanSpec,
) -> Result<PlanState, CloudError> {
    let input = expand_plan(spec).map_err(|m| invalid(OP_UPDATE, plan_id, m))?;
    let out = backend
        .send(OP_UPDATE, plan_id, || {
            backend
                .client
                .update_backup_plan()
                .backup_plan_id(plan_id)
                .backup_plan(input.clone())
                .send()
        })
        .await?;
    let state = plan_state(
        OP_UPDATE,
        plan_id,
        out.backup_plan_id(),
        out.version_id(),
        out.backup_plan_arn(),
    )?;
    let have = find_tags_by_arn(backend, OP_UPDATE, plan_id, &state.arn)
        .await?
        .ok_or_else(|| {
            CloudError::new(
                ErrorKind::NotFound,
                OP_UPDATE,
                plan_id,
                "the plan vanished during the update".to_owned(),
            )
        })?;
    update_tags(backend, OP_UPDATE, plan_id, &state.arn, &have, &spec.tags).await?;
    Ok(state)
}

/// `GetBackupPlan` + `ListTags` (2 calls). A plan AWS reports with a deletion date is gone.
pub(super) async fn find_plan_by_id(
    backend: &AwsBackend,
    plan_id: &str,
) -> Result<Option<Plan>, CloudError> {
    let Some((state, name, rules)) = get_plan(backend, plan_id).await? else {
        return Ok(None);
    };
    let Some(tags) = find_tags_by_arn(backend, OP_READ, plan_id, &state.arn).await? else {
        return Ok(None);
    };
    let spec = PlanSpec { name, rules, tags }.normalized();
    Ok(Some(Plan { state, spec }))
}

/// `GetBackupPlan` (1 call): the plan's rules, normalized, without its tags.
pub(super) async fn find_plan_rules_by_id(
    backend: &AwsBackend,
    plan_id: &str,
) -> Result<Option<Vec<RuleSpec>>, CloudError> {
    let found = get_plan(backend, plan_id).await?;
    Ok(found.map(|(_, name, rules)| {
        let spec = PlanSpec {
            name,
            rules,
            ..PlanSpec::default()
        };
        spec.normalized().rules
    }))
}

/// `GetBackupPlan` (1 call): the plan's ids, name and rules; `None` when it is gone (or AWS
/// reports it with a deletion date).
async fn get_plan(
    backend: &AwsBackend,
    plan_id: &str,
) -> Result<Option<(PlanState, String, Vec<RuleSpec>)>, CloudError> {
    let found = backend
        .send(OP_READ, plan_id, || {
            backend
                .client
                .get_backup_plan()
                .backup_plan_id(plan_id)
                .send()
        })
        .await
        .none_if_not_found()?;
    let Some(out) = found else {
        return Ok(None);
    };
    if out.deletion_date().is_some() {
        return Ok(None);
    }
    let Some(plan) = out.backup_plan() else {
        return Ok(None);
    };
    let state = plan_state(
        OP_READ,
        plan_id,
        out.backup_plan_id(),
        out.version_id(),
        out.backup_plan_arn(),
    )?;
    let name = plan.backup_plan_name().to_owned();
    Ok(Some((state, name, flatten_rules(plan.rules()))))
}

/// `ListBackupPlans` (1 call per 1000 plans), then [`find_plan_by_id`] for the one match (+2 calls).
pub(super) async fn find_plan_by_name(
    backend: &AwsBackend,
    name: &str,
) -> Result<Option<Plan>, CloudError> {
    match find_plan_state_by_name(backend, name).await? {
        Some(state) => find_plan_by_id(backend, &state.plan_id).await,
        None => Ok(None),
    }
}

/// `ListBackupPlans` (1 call per 1000 plans): the ids of the plan named `name`, or `None`. More
/// than one plan of the name is a `Conflict` naming them.
pub(super) async fn find_plan_state_by_name(
    backend: &AwsBackend,
    name: &str,
) -> Result<Option<PlanState>, CloudError> {
    let mut found = Vec::new();
    backend
        .send_pages(
            OP_LIST,
            name,
            |token| {
                backend
                    .client
                    .list_backup_plans()
                    .max_results(MAX_RESULTS)
                    .set_next_token(token)
                    .send()
            },
            |page| page.next_token(),
            |page| {
                found.extend(
                    page.backup_plans_list()
                        .iter()
                        .filter(|p| {
                            p.backup_plan_name() == Some(name) && p.deletion_date().is_none()
                        })
                        .map(|p| {
                            plan_state(
                                OP_LIST,
                                name,
                                p.backup_plan_id(),
                                p.version_id(),
                                p.backup_plan_arn(),
                            )
                        }),
                );
                ControlFlow::Continue(())
            },
        )
        .await?;
    let mut found = found.into_iter().collect::<Result<Vec<_>, _>>()?;
    match found.len() {
        0 | 1 => Ok(found.pop()),
        many => Err(CloudError::new(
            ErrorKind::Conflict,
            OP_READ,
            name,
            format!(
                "{many} Backup Plans have this name ({}); plan names must be unique",
                found
                    .iter()
                    .map(|p| p.plan_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )),
    }
}

/// `ListBackupPlans` (1 call per 1000 plans), then `ListTags` per plan until `limit` plans tagged
/// `backup:kind = kind` are found (1 call each). A plan deleted meanwhile is skipped.
pub(super) async fn list_plans_of_kind(
    backend: &AwsBackend,
    kind: &str,
    limit: usize,
) -> Result<Vec<PlanSummary>, CloudError> {
    let mut listed: Vec<Result<PlanSummary, CloudError>> = Vec::new();
    if limit == 0 {
        return Ok(Vec::new());
    }
    backend
        .send_pages(
            OP_LIST,
            kind,
            |token| {
                backend
                    .client
                    .list_backup_plans()
                    .max_results(MAX_RESULTS)
                    .set_next_token(token)
                    .send()
            },
            |page| page.next_token(),
            |page| {
                listed.extend(
                    page.backup_plans_list()
                        .iter()
                        .filter(|p| p.deletion_date().is_none())
                        .map(|p| {
                            let name = p.backup_plan_name().unwrap_or_default().to_owned();
                            let state = plan_state(
                                OP_LIST,
                                &name,
                                p.backup_plan_id(),
                                p.version_id(),
                                p.backup_plan_arn(),
                            );
                            state.map(|state| PlanSummary { name, state })
                        }),
                );
                ControlFlow::Continue(())
            },
        )
        .await?;
    let mut found = Vec::new();
    for plan in listed {
        let plan = plan?;
        let tags = find_tags_by_arn(backend, OP_LIST, &plan.name, &plan.state.arn).await?;
        if tags.is_some_and(|t| t.get(KIND_TAG).map(String::as_str) == Some(kind)) {
            found.push(plan);
            if found.len() >= limit {
                break;
            }
        }
    }
    Ok(found)
}

/// `DeleteBackupPlan` (1 call, more while recently deleted selections propagate); gone is done.
pub(super) async fn delete_plan(backend: &AwsBackend, plan_id: &str) -> Result<(), CloudError> {
    backend
        .send_retrying(OP_DELETE, plan_id, is_selections_not_yet_deleted, || {
            backend
                .client
                .delete_backup_plan()
                .backup_plan_id(plan_id)
                .send()
        })
        .await
        .none_if_not_found()
        .map(drop)
}

fn plan_state(
    operation: &'static str,
    name: &str,
    plan_id: Option<&str>,
    version_id: Option<&str>,
    arn: Option<&str>,
) -> Result<PlanState, CloudError> {
    match (plan_id, version_id, arn) {
        (Some(plan_id), Some(version_id), Some(arn)) => Ok(PlanState {
            plan_id: plan_id.to_owned(),
            version_id: version_id.to_owned(),
            arn: arn.to_owned(),
        }),
        _ => Err(CloudError::new(
            ErrorKind::Other,
            operation,
            name,
            "AWS answered without the plan's id, version or ARN".to_owned(),
        )),
    }
}

fn invalid(operation: &'static str, name: &str, err: IncompleteInput) -> CloudError {
    CloudError::new(ErrorKind::InvalidInput, operation, name, err.to_string())
}

/// The SDK's plan input for a spec. Errors are the SDK's complaints about missing required members.
pub(super) fn expand_plan(spec: &PlanSpec) -> Result<BackupPlanInput, IncompleteInput> {
    let rules = spec
        .rules
        .iter()
        .map(expand_rule)
        .collect::<Result<Vec<_>, _>>()?;
    BackupPlanInput::builder()
        .backup_plan_name(&spec.name)
        .set_rules(Some(rules))
        .build()
        .map_err(IncompleteInput::from)
}

fn expand_rule(rule: &RuleSpec) -> Result<BackupRuleInput, IncompleteInput> {
    let copy_actions = rule
        .copy_actions
        .iter()
        .map(expand_copy_action)
        .collect::<Result<Vec<_>, _>>()?;
    BackupRuleInput::builder()
        .rule_name(&rule.name)
        .target_backup_vault_name(&rule.target_vault)
        .set_schedule_expression(Some(rule.schedule.clone()).filter(|s| !s.is_empty()))
        .start_window_minutes(rule.start_window_minutes)
        .completion_window_minutes(rule.completion_window_minutes)
        .set_lifecycle(expand_lifecycle(&rule.lifecycle))
        .enable_continuous_backup(rule.enable_continuous_backup)
        .set_recovery_point_tags(expand_tags(&rule.recovery_point_tags))
        .set_copy_actions(Some(copy_actions).filter(|c| !c.is_empty()))
        .build()
        .map_err(|source| IncompleteInput::Rule {
            rule: rule.name.clone(),
            source,
        })
}

fn expand_copy_action(copy: &CopySpec) -> Result<CopyAction, IncompleteInput> {
    CopyAction::builder()
        .destination_backup_vault_arn(&copy.destination_vault_arn)
        .set_lifecycle(expand_lifecycle(&copy.lifecycle))
        .build()
        .map_err(IncompleteInput::from)
}

/// `None` for "keep forever, never cold": AWS then stores no lifecycle, and reads back the same.
/// Zero days are not sent, as AWS would reject them.
fn expand_lifecycle(lifecycle: &LifecycleSpec) -> Option<Lifecycle> {
    let delete = Some(lifecycle.delete_after_days).filter(|d| *d > 0);
    let cold = lifecycle.cold_after_days;
    (delete.is_some() || cold.is_some()).then(|| {
        Lifecycle::builder()
            .set_delete_after_days(delete)
            .set_move_to_cold_storage_after_days(cold)
            .build()
    })
}

/// Specs for the SDK's rules. Absent values read as the spec's "never"/empty, mirroring expand.
pub(super) fn flatten_rules(rules: &[BackupRule]) -> Vec<RuleSpec> {
    rules
        .iter()
        .map(|rule| RuleSpec {
            name: rule.rule_name().to_owned(),
            target_vault: rule.target_backup_vault_name().to_owned(),
            schedule: rule.schedule_expression().unwrap_or_default().to_owned(),
            start_window_minutes: rule.start_window_minutes().unwrap_or_default(),
            completion_window_minutes: rule.completion_window_minutes().unwrap_or_default(),
            lifecycle: flatten_lifecycle(rule.lifecycle()),
            enable_continuous_backup: rule.enable_continuous_backup().unwrap_or(false),
            recovery_point_tags: flatten_tags(rule.recovery_point_tags()),
            copy_actions: rule
                .copy_actions()
                .iter()
                .map(|c| CopySpec {
                    destination_vault_arn: c.destination_backup_vault_arn().to_owned(),
                    lifecycle: flatten_lifecycle(c.lifecycle()),
                })
                .collect(),
        })
        .collect()
}

fn flatten_lifecycle(lifecycle: Option<&Lifecycle>) -> LifecycleSpec {
    LifecycleSpec {
        cold_after_days: lifecycle.and_then(Lifecycle::move_to_cold_storage_after_days),
        delete_after_days: lifecycle
            .and_then(Lifecycle::delete_after_days)
            .unwrap_or(0),
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_backup::types::BackupRule;

    use super::*;

    fn spec() -> PlanSpec {
        PlanSpec {
            name: "org-root".into(),
            rules: vec![
                RuleSpec {
                    name: "daily".into(),
                    target_vault: "org-root".into(),
                    schedule: "cron(0 5 ? * * *)".into(),
                    start_window_minutes: 60,
                    completion_window_minutes: 180,
                    lifecycle: LifecycleSpec {
                        cold_after_days: Some(30),
                        delete_after_days: 365,
                    },
                    enable_continuous_backup: false,
                    recovery_point_tags: [("commit".to_string(), "abc".to_string())].into(),
                    copy_actions: vec![CopySpec {
                        destination_vault_arn:
                            "arn:aws:backup:us-west-2:111111111111:backup-vault:dr".into(),
                        lifecycle: LifecycleSpec {
                            cold_after_days: None,
                            delete_after_days: 90,
                        },
                    }],
                },
                RuleSpec {
                    name: "monthly".into(),
                    target_vault: "org-root".into(),
                    schedule: "cron(0 6 1 * ? *)".into(),
                    start_window_minutes: 480,
                    completion_window_minutes: 10080,
                    lifecycle: LifecycleSpec {
                        cold_after_days: None,
                        delete_after_days: 0,
                    },
                    enable_continuous_backup: true,
                    ..RuleSpec::default()
                },
            ],
            tags: Default::default(),
        }
    }

    /// What AWS would answer: the input rules turned into output rules, with a RuleId added.
    fn as_output(input: &BackupPlanInput) -> Vec<BackupRule> {
        input
            .rules()
            .iter()
            .map(|r| {
                BackupRule::builder()
                    .rule_name(r.rule_name())
                    .rule_id("id")
                    .target_backup_vault_name(r.target_backup_vault_name())
                    .set_schedule_expression(r.schedule_expression().map(str::to_owned))
                    .set_start_window_minutes(r.start_window_minutes())
                    .set_completion_window_minutes(r.completion_window_minutes())
                    .set_lifecycle(r.lifecycle().cloned())
                    .set_enable_continuous_backup(r.enable_continuous_backup())
                    .set_recovery_point_tags(r.recovery_point_tags().cloned())
                    .set_copy_actions(Some(r.copy_actions().to_vec()))
                    .build()
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn flatten_inverts_expand() {
        let spec = spec();
        let input = expand_plan(&spec).unwrap();
        assert_eq!(
            input.rules()[1].lifecycle(),
            None,
            "keep-forever sends no lifecycle"
        );
        assert_eq!(flatten_rules(&as_output(&input)), spec.rules);
    }

    #[test]
    fn normalized_sorts_rules_and_copies() {
        let mut shuffled = spec();
        shuffled.rules.reverse();
        assert_eq!(shuffled.normalized(), spec());
    }

    #[test]
    fn the_named_predicate_quotes_aws() {
        let err = crate::cloud::aws::errors::api_error(
            OP_DELETE,
            "id",
            Some("InvalidRequestException".into()),
            "Related backup plan selections must be deleted prior to backup plan deletion",
            Some(400),
        );
        assert!(is_selections_not_yet_deleted(&err));
    }
}
