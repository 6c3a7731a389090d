//! `backup_child` on AWS: where the child's selection lives (`joined`: the nearest AWS-backed
//! ancestor's plan; `derived`: its own plan and vault) and the objects that realise it.

use std::sync::Arc;

use async_trait::async_trait;
use backup_policy::{CloudAnchorsPatch, PolicyDocument};
use tfplugin::framework::{Diagnostics, PlanRequest};
use tfvalue::Value;

use super::super::diagnostics::cloud_diagnostic;
use super::super::model::{decode_block, NodeRecord, NodeUpdate};
use super::super::restore_testing::check_child as check_restore_testing;
use super::aws_restore_testing as restore_testing;
use super::model::ChildAwsModel;
use super::placement::{Placement, DERIVED};
use super::RESOURCE;
use crate::cloud::aws::access_policy::{converge_vault_access, vault_access_spec};
use crate::cloud::aws::compliance::{plan_findings, Finding};
use crate::cloud::aws::notifications::{converge_vault_notifications, vault_notification_spec};
use crate::cloud::aws::translate::{plan_spec, vault_tags};
use crate::cloud::aws::{with_kind, KIND_CHILD};
use crate::cloud::part::{CloudPart, PartFailed, Presence};
use crate::cloud::{BackupBackend, CloudError, ErrorKind, PlanSpec, VaultSpec};
use crate::resources::compliance::drift_warning;
use crate::resources::vault_governance::{read_vault_governance, release_vault_governance};

/// `backup_child`'s AWS part: its selection, in its ancestor's plan (joined) or in a plan and
/// vault of its own (derived).
pub(crate) struct ChildAwsPart {
    /// AWS Backup in the provider configuration's account and region.
    backend: Arc<dyn BackupBackend>,
    /// The child's name (empty while unknown).
    child: String,
    /// The `aws` block, when wholly known.
    model: Option<ChildAwsModel>,
    /// `force_destroy` of the value the part was built from.
    force_destroy: bool,
}

impl ChildAwsPart {
    /// The part of the child that `value` (configuration, plan or state) describes, with its
    /// `aws` block as decoded by the caller.
    pub(crate) fn new(
        backend: Arc<dyn BackupBackend>,
        value: &Value,
        model: Option<ChildAwsModel>,
    ) -> ChildAwsPart {
        let record = NodeRecord::of(value);
        ChildAwsPart {
            backend: backend.for_app(record.name()),
            child: record.name().to_string(),
            model,
            force_destroy: record.force_destroy(),
        }
    }

    /// Reports a cloud error as the resource's diagnostic: the step failed.
    fn failed(&self, diagnostics: &mut Diagnostics, error: &CloudError) -> PartFailed {
        diagnostics.push(cloud_diagnostic(RESOURCE, &self.child, error));
        PartFailed
    }
}

#[async_trait]
impl CloudPart for ChildAwsPart {
    type Update = NodeUpdate;

    fn anchor(&self, _anchors: &mut CloudAnchorsPatch) -> bool {
        true
    }

    fn plan(
        &self,
        request: &PlanRequest,
        document: Option<&PolicyDocument>,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) {
        let backend = &*self.backend;
        if let (Some(document), Some(_)) = (document, &self.model) {
            check_restore_testing(document, diagnostics);
        }
        let name = self.child.as_str();
        let (Some(document), Some(model)) = (document, &self.model) else {
            update.mode = Some(Value::unknown());
            update.aws_plan_id = Some(Value::unknown());
            update.aws_selection_id = Some(Value::unknown());
            return;
        };
        // The mode is known at plan time; ids stay as they are unless the placement moves.
        let placement = Placement::decide(document, backend, name, model);
        update.mode = Some(Value::from(placement.mode()));
        let prior_model: Option<ChildAwsModel> =
            decode_block(&request.prior_state, "aws", &mut Diagnostics::default());
        let prior = NodeRecord::of(&request.prior_state);
        let prior_placement = prior
            .document()
            .zip(prior_model)
            .map(|(doc, prior_model)| Placement::decide(&doc, backend, name, &prior_model));
        let same_plan = match (&placement, &prior_placement) {
            (Placement::Derived { .. }, Some(Placement::Derived { .. })) => true,
            // Drift read back nulls the recorded document; the recorded mode still says the child
            // has its own plan, which converge updates in place.
            (Placement::Derived { .. }, None) => prior.mode.as_deref() == Some(DERIVED),
            (a @ Placement::Joined { .. }, Some(b)) => a == b,
            _ => false,
        };
        let plan_id = prior.aws_plan_id.filter(|_| same_plan);
        let same_selection = plan_id.is_some()
            && request.prior_state.get("aws").is_some_and(|p| {
                request.config.get("aws").is_some_and(|c| {
                    let pick = |v: &Value| {
                        ["resources", "selection_tags", "iam_role_arn"].map(|n| v.get(n).cloned())
                    };
                    pick(p) == pick(c)
                })
            });
        let selection_id = prior.aws_selection_id.filter(|_| same_selection);
        update.aws_plan_id = Some(plan_id.map_or_else(Value::unknown, Value::from));
        update.aws_selection_id = Some(selection_id.map_or_else(Value::unknown, Value::from));
    }

    async fn converge(
        &self,
        document: &PolicyDocument,
        prior_state: &Value,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed> {
        let Some(model) = &self.model else {
            return Ok(());
        };
        let backend = &*self.backend;
        let placement = Placement::decide(document, backend, &self.child, model);
        let desired = Desired {
            child: &self.child,
            model,
            placement: &placement,
            document,
        };
        let prior = Recorded::of(prior_state);
        converge(backend, &desired, &prior, self.force_destroy, update)
            .await
            .map_err(|e| self.failed(diagnostics, &e))?;
        restore_testing::converge(backend, document, &self.child, model, prior_state)
            .await
            .map_err(|e| self.failed(diagnostics, &e))
    }

    async fn read(
        &self,
        state: &Value,
        update: &mut NodeUpdate,
        diagnostics: &mut Diagnostics,
    ) -> Result<Presence, PartFailed> {
        let mut drift = Vec::new();
        let found = read(&*self.backend, &self.child, state, update, &mut drift).await;
        if !drift.is_empty() {
            diagnostics.push(drift_warning(RESOURCE, &self.child, &drift));
        }
        match found {
            Ok(true) => match restore_testing::drifted(&*self.backend, &self.child, state).await {
                Ok(drifted) => {
                    if drifted {
                        update.policy_document = Some(Value::Null);
                    }
                    Ok(Presence::Present)
                }
                Err(e) => Err(self.failed(diagnostics, &e)),
            },
            Ok(false) => Ok(Presence::Gone),
            Err(e) => Err(self.failed(diagnostics, &e)),
        }
    }

    async fn destroy(
        &self,
        prior_state: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed> {
        restore_testing::destroy(&*self.backend, &self.child, prior_state)
            .await
            .map_err(|e| self.failed(diagnostics, &e))?;
        let prior = Recorded::of(prior_state);
        destroy(&*self.backend, &self.child, &prior, self.force_destroy)
            .await
            .map_err(|e| self.failed(diagnostics, &e))
    }
}

/// What the prior state recorded about the child's AWS objects.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    exists: bool,
    mode: Option<String>,
    plan_id: Option<String>,
    selection_id: Option<String>,
    model: Option<ChildAwsModel>,
    document: Option<PolicyDocument>,
}

impl Recorded {
    /// True when a prior object exists without AWS placement (imported, or its `aws` block just
    /// added): objects named after the child are adopted rather than duplicated.
    fn adopting(&self) -> bool {
        self.exists && self.mode.is_none()
    }

    /// The recorded `aws` block.
    pub(crate) fn model(&self) -> Option<&ChildAwsModel> {
        self.model.as_ref()
    }

    /// Whether the child was recorded with its own plan and vault.
    pub(crate) fn is_derived(&self) -> bool {
        self.mode.as_deref() == Some(DERIVED)
    }

    /// Reads the record from a state value.
    pub(crate) fn of(state: &Value) -> Recorded {
        let record = NodeRecord::of(state);
        let document = record.document();
        Recorded {
            exists: !state.is_null(),
            mode: record.mode,
            plan_id: record.aws_plan_id,
            selection_id: record.aws_selection_id,
            model: decode_block(state, "aws", &mut Diagnostics::default()),
            document,
        }
    }
}

/// What a child should have on AWS.
#[derive(Clone, Copy)]
pub(crate) struct Desired<'a> {
    /// The child's name.
    pub(crate) child: &'a str,
    /// Its `aws` block.
    pub(crate) model: &'a ChildAwsModel,
    /// Where its selection lives.
    pub(crate) placement: &'a Placement,
    /// Its effective policy.
    pub(crate) document: &'a PolicyDocument,
}

/// Creates or updates the child's objects for `placement`, recording ids in `state` as soon as
/// each exists. A changed selection is swapped: the new one is created before the old is deleted.
async fn converge(
    backend: &dyn BackupBackend,
    desired: &Desired<'_>,
    prior: &Recorded,
    force_destroy: bool,
    update: &mut NodeUpdate,
) -> Result<(), CloudError> {
    let Desired {
        child,
        model,
        placement,
        document,
    } = *desired;
    update.mode = Some(Value::from(placement.mode()));
    let (plan_id, new_plan) = match placement {
        Placement::Joined {
            plan_name,
            anchor_app,
            ..
        } => match backend.find_plan_by_name(plan_name).await? {
            Some(plan) => (plan.state.plan_id, false),
            None => {
                return Err(CloudError::new(
                    ErrorKind::NotFound,
                    "joining Backup Plan",
                    plan_name.clone(),
                    format!(
                        "the plan of the AWS-backed ancestor app {anchor_app:?} does not exist in account {} \
                         region {}; apply the ancestor first",
                        backend.account_id(),
                        backend.region()
                    ),
                ))
            }
        },
        Placement::Derived {
            plan_name,
            vault_name,
            central_vault_arn,
        } => {
            backend
                .ensure_vault(&VaultSpec {
                    name: vault_name.clone(),
                    kms_key_arn: None,
                    tags: with_kind(vault_tags(document), KIND_CHILD),
                })
                .await?;
            converge_derived_governance(backend, vault_name, document, prior).await?;
            let mut spec = plan_spec(document, plan_name, vault_name, central_vault_arn.as_deref());
            spec.tags = with_kind(std::mem::take(&mut spec.tags), KIND_CHILD);
            // Its own plan as recorded; else (imported, the aws block just added, or an apply
            // interrupted before it saved the id) a plan of the child's name is adopted.
            let own_prior_plan = prior
                .plan_id
                .as_deref()
                .filter(|_| prior.mode.as_deref() == Some(DERIVED) && !prior.adopting());
            let (plan, created) = backend.ensure_plan(own_prior_plan, &spec).await?;
            (plan.plan_id, created)
        }
    };
    update.aws_plan_id = Some(Value::from(plan_id.clone()));
    converge_selection(backend, child, model, prior, &plan_id, new_plan, update).await?;

    // Objects of the previous placement that the new one does not use.
    if prior.mode.as_deref() == Some(DERIVED) {
        let old_vault = prior.model.as_ref().map(|m| m.vault_name(child));
        let new_vault = match placement {
            Placement::Derived { vault_name, .. } => Some(vault_name.clone()),
            Placement::Joined { .. } => None,
        };
        if let (Some(old_plan), Placement::Joined { .. }) = (&prior.plan_id, placement) {
            backend.delete_plan(old_plan).await?;
        }
        if let Some(old_vault) = old_vault.filter(|v| Some(v) != new_vault.as_ref()) {
            backend.delete_vault(&old_vault, force_destroy).await?;
        }
    }
    Ok(())
}

/// Brings the child's selection in `plan_id` to what its `aws` block asks for, recording its id.
/// The recorded selection is kept when it is already the one wanted. Otherwise a selection of the
/// child's name with the wanted content is adopted (left by an interrupted apply, or imported), or
/// a new one is made (AWS has no update); then the recorded one and any other selection of the
/// child's name in the plan go, so a re-run after a crash converges without duplicates.
async fn converge_selection(
    backend: &dyn BackupBackend,
    child: &str,
    model: &ChildAwsModel,
    prior: &Recorded,
    plan_id: &str,
    new_plan: bool,
    update: &mut NodeUpdate,
) -> Result<(), CloudError> {
    let wanted = model.selection(child);
    let recorded = prior
        .plan_id
        .clone()
        .zip(prior.selection_id.clone())
        .filter(|_| !prior.adopting());
    let unchanged = prior.model.as_ref().map(|m| m.selection(child)) == Some(wanted.clone());
    if let Some((recorded_plan, id)) = &recorded {
        if recorded_plan == plan_id && unchanged {
            update.aws_selection_id = Some(Value::from(id.clone()));
            return Ok(());
        }
    }
    // A plan made a moment ago has no selections to adopt.
    let named = if new_plan {
        Vec::new()
    } else {
        backend.list_selections_by_name(plan_id, child).await?
    };
    let keep = match named.iter().find(|s| s.spec == wanted) {
        Some(found) => found.selection_id.clone(),
        None => {
            let id = backend.create_selection(plan_id, &wanted).await?;
            // Recorded before the wait, which can fail: the selection exists either way.
            update.aws_selection_id = Some(Value::from(id.clone()));
            backend.wait_selection_readable(plan_id, &id, child).await?;
            id
        }
    };
    update.aws_selection_id = Some(Value::from(keep.clone()));
    let mut stale: Vec<(String, String)> = named
        .into_iter()
        .filter(|s| s.selection_id != keep)
        .map(|s| (s.plan_id, s.selection_id))
        .collect();
    if let Some(old) = recorded.filter(|(p, id)| !(p == plan_id && *id == keep)) {
        if !stale.contains(&old) {
            stale.push(old);
        }
    }
    for (old_plan, old_id) in stale {
        backend.delete_selection(&old_plan, &old_id).await?;
    }
    Ok(())
}

/// Deletes the child's selection and, when derived, its plan and vault (the vault only when
/// empty, unless `force`).
async fn destroy(
    backend: &dyn BackupBackend,
    child: &str,
    prior: &Recorded,
    force: bool,
) -> Result<(), CloudError> {
    if let (Some(plan), Some(selection)) = (&prior.plan_id, &prior.selection_id) {
        backend.delete_selection(plan, selection).await?;
    }
    if prior.mode.as_deref() == Some(DERIVED) {
        if let Some(plan) = &prior.plan_id {
            backend.delete_plan(plan).await?;
        }
        if let Some(model) = &prior.model {
            let vault = model.vault_name(child);
            release_vault_governance(backend, &vault, prior.document.as_ref()).await?;
            backend.delete_vault(&vault, force).await?;
        }
    }
    Ok(())
}

/// Reads the child's objects. `Ok(false)`: the selection, plan or vault is gone, so the child is
/// dropped from state and re-created by the next plan. Rules of a derived plan that differ
/// from the state's `policy_document` null it (the next plan restores them in place); a changed
/// selection shows as a change of the `aws` attributes it came from.
async fn read(
    backend: &dyn BackupBackend,
    child: &str,
    state: &Value,
    update: &mut NodeUpdate,
    drift: &mut Vec<Finding>,
) -> Result<bool, CloudError> {
    let recorded = Recorded::of(state);
    let (Some(plan_id), Some(selection_id), Some(model)) =
        (&recorded.plan_id, &recorded.selection_id, &recorded.model)
    else {
        // A failed create: Terraform replaces a tainted child anyway.
        return Ok(true);
    };
    let Some(selection) = backend.find_selection(plan_id, selection_id).await? else {
        return Ok(false);
    };
    let expected = model.selection(child);
    if selection.spec.resources != expected.resources {
        let list = Value::List(
            selection
                .spec
                .resources
                .iter()
                .cloned()
                .map(Value::from)
                .collect(),
        );
        update.aws_resources = Some(list);
    }
    if selection.spec.selection_tags != expected.selection_tags {
        let map = selection
            .spec
            .selection_tags
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.clone())))
            .collect();
        update.aws_selection_tags = Some(Value::Map(map));
    }
    if selection.spec.iam_role_arn != expected.iam_role_arn {
        update.aws_iam_role_arn = Some(Value::from(selection.spec.iam_role_arn));
    }
    if recorded.mode.as_deref() != Some(DERIVED) {
        return Ok(true);
    }
    // A refresh reads what drift can change: the selection, the plan's rules (GetBackupPlan only)
    // and whether the vault is there (one listing shared by the refresh). The tags of the plan and
    // vault follow the policy and are set again by every update, but are not read back here: two
    // calls per derived child saved on every plan.
    let Some(rules) = backend.find_plan_rules_by_id(plan_id).await? else {
        return Ok(false);
    };
    let vault_name = model.vault_name(child);
    if !backend.vault_exists(&vault_name).await? {
        return Ok(false);
    }
    if let Some(document) = NodeRecord::of(state).document() {
        let placement = Placement::decide(&document, backend, child, model);
        let central = match &placement {
            Placement::Derived {
                central_vault_arn, ..
            } => central_vault_arn.clone(),
            Placement::Joined { .. } => None,
        };
        let expected = plan_spec(&document, child, &vault_name, central.as_deref());
        let (_, drifted) = read_vault_governance(backend, &vault_name, &document, false).await?;
        // The plan's tags are not read back (see above): its rules are compared.
        let live = PlanSpec {
            rules: rules.clone(),
            ..expected.clone()
        };
        drift.extend(plan_findings(&expected, Some(&live)));
        if rules != expected.rules || drifted {
            update.policy_document = Some(Value::Null);
        }
    }
    Ok(true)
}

/// Brings a derived child's vault access statements and notifications to `document` (nothing
/// when neither it nor the previous policy has any).
async fn converge_derived_governance(
    backend: &dyn BackupBackend,
    vault: &str,
    document: &PolicyDocument,
    prior: &Recorded,
) -> Result<(), CloudError> {
    let before = prior
        .document
        .as_ref()
        .filter(|_| prior.mode.as_deref() == Some(DERIVED));
    let access = vault_access_spec(document, &[]);
    if access.has_access_statements()
        || before.is_some_and(|d| vault_access_spec(d, &[]).has_access_statements())
    {
        converge_vault_access(backend, vault, &access).await?;
    }
    let had_notifications = before.and_then(vault_notification_spec).is_some();
    converge_vault_notifications(
        backend,
        vault,
        vault_notification_spec(document).as_ref(),
        had_notifications,
    )
    .await
}
