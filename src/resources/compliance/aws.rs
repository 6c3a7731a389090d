//! AWS: an app's vault lock and plan, a child's plan (derived) and selection.

use tfplugin::framework::Diagnostics;
use tfvalue::Value;

use super::NodeKind;
use crate::cloud::aws::compliance::{lock_findings, plan_findings, selection_findings, Finding};
use crate::cloud::aws::translate::plan_spec;
use crate::cloud::{BackupBackend, CloudError, VaultLockSpec};
use crate::resources::backup_app::AppAwsModel;
use crate::resources::backup_child::{ChildAwsModel, Placement};
use crate::resources::model::{decode_block, NodeRecord};

/// The differences between `node`'s effective policy and its live AWS objects; `Ok(None)` when
/// the node has no `aws` block or no effective policy to compare with.
pub(crate) async fn aws_findings(
    backend: &dyn BackupBackend,
    node: &Value,
) -> Result<Option<Vec<Finding>>, CloudError> {
    let record = NodeRecord::of(node);
    let Some(document) = record.document() else {
        return Ok(None);
    };
    let name = record.name().to_string();
    let quiet = &mut Diagnostics::default();
    match NodeKind::of(node) {
        NodeKind::App => {
            let Some(model) = decode_block::<AppAwsModel>(node, "aws", quiet) else {
                return Ok(None);
            };
            let mut findings = Vec::new();
            match backend.find_vault_by_name(&model.vault_name).await? {
                None => findings.push(Finding {
                    path: "aws.vault_name".into(),
                    expected: format!("vault {:?}", model.vault_name),
                    actual: "absent".into(),
                }),
                Some(vault) => {
                    let lock = model.vault_lock.as_ref().map(|l| VaultLockSpec {
                        min_retention_days: l.min_retention_days,
                        max_retention_days: l.max_retention_days,
                        changeable_for_days: l.changeable_for_days,
                    });
                    findings.extend(lock_findings(lock.as_ref(), vault.lock.as_ref()));
                }
            }
            let desired = plan_spec(&document, &name, &model.vault_name, None);
            let live = match &record.aws_plan_id {
                Some(id) => backend.find_plan_by_id(id).await?,
                None => backend.find_plan_by_name(&name).await?,
            };
            findings.extend(plan_findings(&desired, live.as_ref().map(|p| &p.spec)));
            Ok(Some(findings))
        }
        NodeKind::Child => {
            let Some(model) = decode_block::<ChildAwsModel>(node, "aws", quiet) else {
                return Ok(None);
            };
            let mut findings = Vec::new();
            let plan_id = match Placement::decide(&document, backend, &name, &model) {
                // The anchor app's plan is the anchor's to report; here only the selection counts.
                Placement::Joined { plan_name, .. } => match &record.aws_plan_id {
                    Some(id) => Some(id.clone()),
                    None => backend
                        .find_plan_by_name(&plan_name)
                        .await?
                        .map(|p| p.state.plan_id),
                },
                Placement::Derived {
                    plan_name,
                    vault_name,
                    central_vault_arn,
                } => {
                    let desired = plan_spec(
                        &document,
                        &plan_name,
                        &vault_name,
                        central_vault_arn.as_deref(),
                    );
                    let live = match &record.aws_plan_id {
                        Some(id) => backend.find_plan_by_id(id).await?,
                        None => backend.find_plan_by_name(&plan_name).await?,
                    };
                    findings.extend(plan_findings(&desired, live.as_ref().map(|p| &p.spec)));
                    live.map(|p| p.state.plan_id)
                }
            };
            let wanted = model.selection(&name);
            let live = match (plan_id, &record.aws_selection_id) {
                (Some(plan), Some(id)) => backend.find_selection(&plan, id).await?,
                (Some(plan), None) => backend
                    .list_selections_by_name(&plan, &name)
                    .await?
                    .into_iter()
                    .next(),
                (None, _) => None,
            };
            findings.extend(selection_findings(&wanted, live.as_ref().map(|s| &s.spec)));
            Ok(Some(findings))
        }
    }
}
