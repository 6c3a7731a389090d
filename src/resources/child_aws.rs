//! `backup_child` on AWS: where the child's selection lives (`joined`: the nearest AWS-backed
//! ancestor's plan; `derived`: its own plan and vault) and the objects that realise it.

use backup_policy::PolicyDocument;
use serde::Deserialize;
use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::aws::{state_document, str_attr};
use super::state::{set_attr, set_nested_attr};
use crate::cloud::aws::translate::{plan_spec, vault_tags};
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
        Placement::decide_in(
            document,
            context.account_id(),
            context.region(),
            child,
            model,
        )
    }

    /// [`Placement::decide`] for a child acting in `account_id` and `region`.
    fn decide_in(
        document: &PolicyDocument,
        account_id: &str,
        region: &str,
        child: &str,
        model: &ChildAwsModel,
    ) -> Placement {
        let anchor = document.anchors().aws.as_ref();
        if let Some(anchor) = anchor {
            let here = anchor.location.account_id == account_id && anchor.location.region == region;
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
                .filter(|a| a.location.account_id != account_id)
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
    exists: bool,
    mode: Option<String>,
    plan_id: Option<String>,
    selection_id: Option<String>,
    model: Option<ChildAwsModel>,
}

impl Recorded {
    /// True when a prior object exists without AWS placement (imported, or its `aws` block just
    /// added): objects named after the child are adopted rather than duplicated.
    fn adopting(&self) -> bool {
        self.exists && self.mode.is_none()
    }

    /// Reads the record from a state value.
    pub(crate) fn of(state: &Value) -> Recorded {
        Recorded {
            exists: !state.is_null(),
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
            let mut own_prior_plan = prior
                .plan_id
                .clone()
                .filter(|_| prior.mode.as_deref() == Some(DERIVED));
            if prior.adopting() {
                // Imported (or the aws block just added): adopt a plan of the child's name.
                own_prior_plan = backend
                    .find_plan_by_name(plan_name)
                    .await?
                    .map(|p| p.state.plan_id);
            }
            let plan = match own_prior_plan.as_deref() {
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
    // The selection there is now: (plan, id, whether it is already the one wanted).
    let existing = if prior.adopting() {
        backend
            .find_selection_by_name(&plan_id, child)
            .await?
            .map(|s| (s.plan_id, s.selection_id, s.spec == selection))
    } else {
        prior
            .plan_id
            .clone()
            .zip(prior.selection_id.clone())
            .map(|(p, id)| {
                let same = p == plan_id
                    && prior.model.as_ref().map(|m| m.selection(child)) == Some(selection.clone());
                (p, id, same)
            })
    };
    match existing {
        Some((_, id, true)) => set_attr(state, "aws_selection_id", Value::from(id)),
        other => {
            // No update API: create the new selection, then delete the old one.
            let id = backend.create_selection(&plan_id, &selection).await?;
            set_attr(state, "aws_selection_id", Value::from(id));
            if let Some((old_plan, old_id, _)) = other {
                backend.delete_selection(&old_plan, &old_id).await?;
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

#[cfg(test)]
mod tests {
    use backup_policy::{AppInput, CloudAnchorsPatch, PolicyPatch, RulePatch};

    use super::*;
    use crate::resources::app_aws::AwsAnchorFor;

    const CENTRAL: &str = "111111111111";
    const MEMBER: &str = "222222222222";

    fn root() -> PolicyDocument {
        let rule = RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            retention_days: Some(35),
            ..RulePatch::default()
        };
        let input = AppInput {
            name: "root".into(),
            policy: PolicyPatch {
                rules: [("daily".to_string(), rule)].into(),
                tags: [("owner".to_string(), "platform".to_string())].into(),
            },
            guardrails: Default::default(),
            anchors: CloudAnchorsPatch {
                aws: Some(AwsAnchorFor::test(
                    CENTRAL,
                    "eu-west-1",
                    "root",
                    "root-vault",
                )),
                azure: None,
            },
        };
        backup_policy::evaluate(None, &input).unwrap()
    }

    fn child(retention: Option<i64>) -> PolicyDocument {
        let mut policy = PolicyPatch::default();
        if let Some(days) = retention {
            let rule = RulePatch {
                retention_days: Some(days),
                ..RulePatch::default()
            };
            policy.rules.insert("daily".into(), rule);
        }
        let input = AppInput {
            name: "child".into(),
            policy,
            guardrails: Default::default(),
            anchors: CloudAnchorsPatch::default(),
        };
        backup_policy::evaluate(Some(&root().to_json()), &input).unwrap()
    }

    fn model() -> ChildAwsModel {
        ChildAwsModel {
            resources: Some(vec![
                "arn:aws:dynamodb:eu-west-1:111111111111:table/t".into()
            ]),
            selection_tags: None,
            iam_role_arn: "arn:aws:iam::111111111111:role/backup".into(),
            vault_name: None,
        }
    }

    #[test]
    fn placement_table() {
        let central_vault = "arn:aws:backup:eu-west-1:111111111111:backup-vault:root-vault";
        let cases = [
            // (what, child's retention change, account, region, expected)
            (
                "same account, region, policy",
                None,
                CENTRAL,
                "eu-west-1",
                Placement::Joined {
                    plan_name: "root".into(),
                    anchor_app: "root".into(),
                },
            ),
            (
                "changed policy",
                Some(90),
                CENTRAL,
                "eu-west-1",
                Placement::Derived {
                    plan_name: "child".into(),
                    vault_name: "child".into(),
                    central_vault_arn: None,
                },
            ),
            (
                "other region",
                None,
                CENTRAL,
                "us-east-1",
                Placement::Derived {
                    plan_name: "child".into(),
                    vault_name: "child".into(),
                    central_vault_arn: None,
                },
            ),
            (
                "other account",
                None,
                MEMBER,
                "eu-west-1",
                Placement::Derived {
                    plan_name: "child".into(),
                    vault_name: "child".into(),
                    central_vault_arn: Some(central_vault.into()),
                },
            ),
        ];
        for (what, retention, account, region, expected) in cases {
            let placement =
                Placement::decide_in(&child(retention), account, region, "child", &model());
            assert_eq!(placement, expected, "{what}");
        }
    }

    #[test]
    fn derived_plan_in_another_account_copies_to_the_central_vault_with_the_rule_retention() {
        let central_vault = "arn:aws:backup:eu-west-1:111111111111:backup-vault:root-vault";
        let spec = plan_spec(&child(Some(90)), "child", "child", Some(central_vault));
        assert_eq!(spec.name, "child");
        assert_eq!(spec.tags.get("owner").map(String::as_str), Some("platform"));
        let rule = &spec.rules[0];
        assert_eq!(
            (rule.name.as_str(), rule.target_vault.as_str()),
            ("daily", "child")
        );
        assert_eq!(rule.lifecycle.delete_after_days, 90);
        assert_eq!(rule.copy_actions.len(), 1);
        assert_eq!(rule.copy_actions[0].destination_vault_arn, central_vault);
        assert_eq!(rule.copy_actions[0].lifecycle.delete_after_days, 90);
    }
}
