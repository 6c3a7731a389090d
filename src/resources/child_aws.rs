//! `backup_child` on AWS: where the child's selection lives (`joined`: the nearest AWS-backed
//! ancestor's plan; `derived`: its own plan and vault) and the objects that realise it.

use backup_policy::PolicyDocument;
use serde::Deserialize;
use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::aws::{plan_spec, state_document, str_attr, vault_tags};
use super::state::{set_attr, set_nested_attr};
use crate::cloud::aws::{AwsBackend, AwsContext};
use crate::cloud::{BackupBackend, CloudError, ErrorKind, SelectionSpec, Tags, VaultSpec};

/// `mode` of a child whose selection is in its ancestor's plan.
pub(crate) const JOINED: &str = "joined";
/// `mode` of a child with its own plan and vault.
pub(crate) const DERIVED: &str = "derived";

/// `backup_child.aws` as configured.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct ChildAwsModel {
    resources: Option<Vec<String>>,
    selection_tags: Option<Tags>,
    iam_role_arn: String,
    vault_name: Option<String>,
}

impl ChildAwsModel {
    /// The block of a configuration or state; `None` when null or not wholly known.
    pub(crate) fn of(value: &Value, diagnostics: &mut Diagnostics) -> Option<ChildAwsModel> {
        let block = value
            .get("aws")
            .filter(|v| !v.is_null() && v.is_wholly_known())?;
        match tfvalue::from_value(block) {
            Ok(model) => Some(model),
            Err(e) => {
                diagnostics.push(
                    Diagnostic::error("Invalid attribute value", e.to_string())
                        .at(AttributePath::attr("aws").join(e.path())),
                );
                None
            }
        }
    }

    /// The selection this block asks for, named after the child.
    pub(crate) fn selection(&self, child: &str) -> SelectionSpec {
        SelectionSpec {
            name: child.to_string(),
            iam_role_arn: self.iam_role_arn.clone(),
            resources: self.resources.clone().unwrap_or_default(),
            selection_tags: self.selection_tags.clone().unwrap_or_default(),
        }
    }

    /// The child's own vault (derived mode).
    pub(crate) fn vault_name(&self, child: &str) -> String {
        self.vault_name.clone().unwrap_or_else(|| child.to_string())
    }
}

/// Where a child's selection lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placement {
    /// In the anchor app's plan, found by name at apply time.
    Joined {
        /// The anchor's plan name.
        plan_name: String,
        /// The anchor app, for error messages.
        anchor_app: String,
    },
    /// In the child's own plan writing to its own vault.
    Derived {
        /// The child's plan name (its name).
        plan_name: String,
        /// The child's vault.
        vault_name: String,
        /// The anchor's vault when it is in another account: every rule also copies there.
        central_vault_arn: Option<String>,
    },
}

impl Placement {
    /// Decides the placement: joined when the child acts in the nearest AWS-backed ancestor's
    /// account and region and its effective rules and tags equal the ancestor's.
    pub(crate) fn decide(
        document: &PolicyDocument,
        context: &AwsContext,
        child: &str,
        model: &ChildAwsModel,
    ) -> Placement {
        let anchor = document.anchors().aws.as_ref();
        if let Some(anchor) = anchor {
            let here = anchor.location.account_id == context.account_id()
                && anchor.location.region == context.region();
            if here && document.rules_hash() == anchor.effective_hash {
                return Placement::Joined {
                    plan_name: anchor.location.plan_name.clone(),
                    anchor_app: anchor.location.app.clone(),
                };
            }
        }
        Placement::Derived {
            plan_name: child.to_string(),
            vault_name: model.vault_name(child),
            central_vault_arn: anchor
                .filter(|a| a.location.account_id != context.account_id())
                .map(|a| a.location.vault_arn.clone()),
        }
    }

    /// The `mode` attribute value.
    pub(crate) fn mode(&self) -> &'static str {
        match self {
            Placement::Joined { .. } => JOINED,
            Placement::Derived { .. } => DERIVED,
        }
    }
}

/// What the prior state recorded about the child's AWS objects.
#[derive(Debug, Default)]
pub(crate) struct Recorded {
    mode: Option<String>,
    plan_id: Option<String>,
    selection_id: Option<String>,
    model: Option<ChildAwsModel>,
}

impl Recorded {
    /// Reads the record from a state value.
    pub(crate) fn of(state: &Value) -> Recorded {
        Recorded {
            mode: str_attr(state, "mode").map(str::to_string),
            plan_id: str_attr(state, "aws_plan_id").map(str::to_string),
            selection_id: str_attr(state, "aws_selection_id").map(str::to_string),
            model: ChildAwsModel::of(state, &mut Diagnostics::default()),
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
pub(crate) async fn converge(
    backend: &AwsBackend,
    desired: &Desired<'_>,
    prior: &Recorded,
    force_destroy: bool,
    state: &mut Value,
) -> Result<(), CloudError> {
    let Desired {
        child,
        model,
        placement,
        document,
    } = *desired;
    set_attr(state, "mode", Value::from(placement.mode()));
    let plan_id = match placement {
        Placement::Joined {
            plan_name,
            anchor_app,
        } => match backend.find_plan_by_name(plan_name).await? {
            Some(plan) => plan.state.plan_id,
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
                    tags: vault_tags(document),
                })
                .await?;
            let spec = plan_spec(document, plan_name, vault_name, central_vault_arn.as_deref());
            let own_prior_plan = prior
                .plan_id
                .as_deref()
                .filter(|_| prior.mode.as_deref() == Some(DERIVED));
            let plan = match own_prior_plan {
                Some(id) => match backend.update_plan(id, &spec).await {
                    Err(e) if e.is_not_found() => backend.create_plan(&spec).await?,
                    other => other?,
                },
                None => backend.create_plan(&spec).await?,
            };
            plan.plan_id
        }
    };
    set_attr(state, "aws_plan_id", Value::from(plan_id.clone()));

    let selection = model.selection(child);
    let unchanged = prior.plan_id.as_deref() == Some(plan_id.as_str())
        && prior.model.as_ref().map(|m| m.selection(child)) == Some(selection.clone());
    match (&prior.selection_id, unchanged) {
        (Some(id), true) => set_attr(state, "aws_selection_id", Value::from(id.clone())),
        _ => {
            let id = backend.create_selection(&plan_id, &selection).await?;
            set_attr(state, "aws_selection_id", Value::from(id));
            if let (Some(old_plan), Some(old_selection)) = (&prior.plan_id, &prior.selection_id) {
                backend.delete_selection(old_plan, old_selection).await?;
            }
        }
    }

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

/// Deletes the child's selection and, when derived, its plan and vault (the vault only when
/// empty, unless `force`).
pub(crate) async fn destroy(
    backend: &AwsBackend,
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
            backend
                .delete_vault(&model.vault_name(child), force)
                .await?;
        }
    }
    Ok(())
}

/// Reads the child's objects. `Ok(false)`: the selection, plan or vault is gone, so the child is
/// dropped from state and re-created by the next plan. Rules or tags of a derived plan that differ
/// from the state's `policy_document` null it (the next plan restores them in place); a changed
/// selection shows as a change of the `aws` attributes it came from.
pub(crate) async fn read(
    backend: &AwsBackend,
    context: &AwsContext,
    child: &str,
    state: &mut Value,
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
        set_nested_attr(state, "aws", "resources", list);
    }
    if selection.spec.selection_tags != expected.selection_tags {
        let map = selection
            .spec
            .selection_tags
            .iter()
            .map(|(k, v)| (k.clone(), Value::from(v.clone())))
            .collect();
        set_nested_attr(state, "aws", "selection_tags", Value::Map(map));
    }
    if selection.spec.iam_role_arn != expected.iam_role_arn {
        set_nested_attr(
            state,
            "aws",
            "iam_role_arn",
            Value::from(selection.spec.iam_role_arn),
        );
    }
    if recorded.mode.as_deref() != Some(DERIVED) {
        return Ok(true);
    }
    let Some(plan) = backend.find_plan_by_id(plan_id).await? else {
        return Ok(false);
    };
    let vault_name = model.vault_name(child);
    let Some(vault) = backend.find_vault_by_name(&vault_name).await? else {
        return Ok(false);
    };
    if let Some(document) = state_document(state) {
        let placement = Placement::decide(&document, context, child, model);
        let central = match &placement {
            Placement::Derived {
                central_vault_arn, ..
            } => central_vault_arn.clone(),
            Placement::Joined { .. } => None,
        };
        let expected = plan_spec(&document, child, &vault_name, central.as_deref());
        if plan.spec != expected || vault.tags != vault_tags(&document) {
            set_attr(state, "policy_document", Value::Null);
        }
    }
    Ok(true)
}
