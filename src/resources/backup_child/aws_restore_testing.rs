//! `backup_child`'s restore testing on AWS: its selection in the restore testing plan that goes
//! with the backup plan its resources are in (the anchor's when joined; its own, with its own
//! restore testing plan, when derived).

use backup_policy::PolicyDocument;
use tfvalue::Value;

use super::super::model::NodeRecord;
use super::super::restore_testing::{
    converge_plan, converge_selection, destroy_plan, destroy_selection, may_have_objects,
    plan_drifted, selection_drifted, ChildSelection,
};
use super::aws::Recorded;
use super::model::ChildAwsModel;
use super::placement::Placement;
use crate::cloud::{BackupBackend, CloudError};

/// The backup plan a placement puts the child's resources in.
fn plan_name(placement: &Placement) -> &str {
    match placement {
        Placement::Joined { plan_name, .. } | Placement::Derived { plan_name, .. } => plan_name,
    }
}

/// Converges the child's restore testing objects after its backup objects, for `document`.
pub(crate) async fn converge(
    backend: &dyn BackupBackend,
    document: &PolicyDocument,
    child: &str,
    model: &ChildAwsModel,
    prior_state: &Value,
) -> Result<(), CloudError> {
    let placement = Placement::decide(document, backend, child, model);
    let had = may_have_objects(
        NodeRecord::of(prior_state).document().as_ref(),
        !prior_state.is_null(),
    );
    if let Placement::Derived { vault_name, .. } = &placement {
        let vault_arn = backend.vault_arn(vault_name);
        converge_plan(backend, document, plan_name(&placement), &vault_arn, had).await?;
    }
    let resources = model.resources.clone().unwrap_or_default();
    let tags = model.selection_tags.clone().unwrap_or_default();
    let selection = ChildSelection {
        plan_name: plan_name(&placement),
        child,
        iam_role_arn: &model.iam_role_arn,
        resources: &resources,
        selection_tags: &tags,
    };
    converge_selection(backend, document, &selection, had).await?;
    // A placement that moved leaves the old selection (and a derived child's own plan) behind.
    let recorded = Recorded::of(prior_state);
    let prior_document = NodeRecord::of(prior_state).document();
    if let (true, Some(prior_document), Some(prior_model)) = (had, prior_document, recorded.model())
    {
        let before = Placement::decide(&prior_document, backend, child, prior_model);
        if plan_name(&before) != plan_name(&placement) {
            destroy_selection(backend, plan_name(&before), child).await?;
            if matches!(before, Placement::Derived { .. }) {
                destroy_plan(backend, plan_name(&before)).await?;
            }
        }
    }
    Ok(())
}

/// Whether the child's restore testing objects differ from the state's `policy_document` (1 call
/// per object; none without restore testing).
pub(crate) async fn drifted(
    backend: &dyn BackupBackend,
    child: &str,
    state: &Value,
) -> Result<bool, CloudError> {
    let recorded = Recorded::of(state);
    let (Some(model), Some(document)) = (recorded.model(), NodeRecord::of(state).document()) else {
        return Ok(false);
    };
    if document.restore_testing().is_none() {
        return Ok(false);
    }
    let placement = Placement::decide(&document, backend, child, model);
    if let Placement::Derived { vault_name, .. } = &placement {
        let vault_arn = backend.vault_arn(vault_name);
        if plan_drifted(backend, &document, plan_name(&placement), &vault_arn).await? {
            return Ok(true);
        }
    }
    let resources = model.resources.clone().unwrap_or_default();
    let tags = model.selection_tags.clone().unwrap_or_default();
    let selection = ChildSelection {
        plan_name: plan_name(&placement),
        child,
        iam_role_arn: &model.iam_role_arn,
        resources: &resources,
        selection_tags: &tags,
    };
    selection_drifted(backend, &document, &selection).await
}

/// Deletes the child's restore testing selection (and its own restore testing plan when derived).
pub(crate) async fn destroy(
    backend: &dyn BackupBackend,
    child: &str,
    prior_state: &Value,
) -> Result<(), CloudError> {
    let document = NodeRecord::of(prior_state).document();
    if !may_have_objects(document.as_ref(), !prior_state.is_null()) {
        return Ok(());
    }
    let recorded = Recorded::of(prior_state);
    let Some(model) = recorded.model() else {
        return Ok(());
    };
    match document.map(|doc| Placement::decide(&doc, backend, child, model)) {
        Some(placement @ Placement::Joined { .. }) => {
            destroy_selection(backend, plan_name(&placement), child).await
        }
        Some(placement) => {
            destroy_selection(backend, plan_name(&placement), child).await?;
            destroy_plan(backend, plan_name(&placement)).await
        }
        // Unreadable document: a derived child's own plan is named after it; a joined child's
        // selection goes with its anchor's restore testing plan.
        None if recorded.is_derived() => destroy_plan(backend, child).await,
        None => Ok(()),
    }
}
