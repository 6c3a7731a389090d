//! Azure: an app's vault (soft delete, immutability) and policy, a child's own policy (derived),
//! protected VMs and App Service backup.

use backup_policy::PolicyDocument;
use tfplugin::framework::Diagnostics;
use tfvalue::Value;

use super::NodeKind;
use crate::cloud::azure::translate::AzureRetentionSchedule;
use crate::cloud::azure::{AzureBackend, VaultRef};
use crate::cloud::finding::{Finding, ABSENT};
use crate::cloud::CloudError;
use crate::resources::backup_app::AppAzureModel;
use crate::resources::backup_child::{AzurePlacement, ChildAzureModel};
use crate::resources::diagnostics::translate;
use crate::resources::model::{decode_block, NodeRecord};

/// The differences between `node`'s effective policy and its live Azure objects; `Ok(None)` when
/// the node has no `azure` block or no effective policy to compare with.
pub(crate) async fn azure_findings(
    backend: &dyn AzureBackend,
    node: &Value,
) -> Result<Option<Vec<Finding>>, CloudError> {
    let record = NodeRecord::of(node);
    let Some(document) = record.document() else {
        return Ok(None);
    };
    let name = record.name().to_string();
    let quiet = &mut Diagnostics::default();
    let mut findings = Vec::new();
    match NodeKind::of(node) {
        NodeKind::App => {
            let Some(model) = decode_block::<AppAzureModel>(node, "azure", quiet) else {
                return Ok(None);
            };
            let Some(vault) = backend.find_vault(&model.vault()).await? else {
                findings.push(Finding::new(
                    "azure.vault_name".into(),
                    format!("vault {:?}", model.vault_name),
                    ABSENT,
                ));
                return Ok(Some(findings));
            };
            for weaker in model.vault_spec(&document)?.weaker_in(&vault) {
                findings.push(Finding::new(
                    format!("azure.{}", weaker.attribute),
                    weaker.wanted,
                    weaker.found,
                ));
            }
            policy_findings(backend, &document, &model.vault(), &name, &mut findings).await?;
        }
        NodeKind::Child => {
            let Some(model) = decode_block::<ChildAzureModel>(node, "azure", quiet) else {
                return Ok(None);
            };
            let Ok(placement) = AzurePlacement::decide(&document, backend, &name) else {
                return Ok(None);
            };
            if placement.derived {
                policy_findings(backend, &document, &placement.vault, &name, &mut findings).await?;
            }
            let policy_id = placement.policy_id(backend);
            for vm in model.vm_ids() {
                let path = format!("azure.vm_ids[{vm:?}]");
                let item = backend.find_protected_vm(&placement.vault, vm).await?;
                let actual = match &item {
                    None => Some(ABSENT.to_string()),
                    Some(item) if item.soft_deleted => Some("soft-deleted".to_string()),
                    Some(item) => match &item.policy_id {
                        None => Some("protection stopped".to_string()),
                        Some(id) if !id.eq_ignore_ascii_case(&policy_id) => {
                            Some(format!("protected by {id}"))
                        }
                        Some(_) => None,
                    },
                };
                if let Some(actual) = actual {
                    findings.push(Finding::new(
                        path,
                        format!("protected by {policy_id}"),
                        actual,
                    ));
                }
            }
            if let Some(app) = &model.app_service {
                match backend.find_site_backup(&app.site_id).await? {
                    None => findings.push(Finding::new(
                        "azure.app_service".into(),
                        "a backup configuration",
                        ABSENT,
                    )),
                    Some(site) if !site.enabled => findings.push(Finding::new(
                        "azure.app_service".into(),
                        "scheduled backups enabled",
                        "disabled",
                    )),
                    Some(_) => {}
                }
            }
        }
    }
    Ok(Some(findings))
}

/// The backup policy `name` in `vault` against the schedule and retention `document` asks for.
async fn policy_findings(
    backend: &dyn AzureBackend,
    document: &PolicyDocument,
    vault: &VaultRef,
    name: &str,
    findings: &mut Vec<Finding>,
) -> Result<(), CloudError> {
    let Some(wanted) = translate(document, &mut Diagnostics::default()) else {
        return Ok(());
    };
    match backend.find_policy(vault, name).await? {
        None => findings.push(Finding::new(
            "azure.policy".into(),
            format!("backup policy {name:?}"),
            ABSENT,
        )),
        Some(policy) if policy.schedule.as_ref() != Some(&wanted) => findings.push(Finding::new(
            "policy.rules".into(),
            describe(&wanted),
            policy
                .schedule
                .as_ref()
                .map_or(ABSENT.to_string(), describe),
        )),
        Some(_) => {}
    }
    Ok(())
}

/// A schedule and retention in a line: what differs is usually a count of days.
fn describe(schedule: &AzureRetentionSchedule) -> String {
    format!("{:?} / {:?}", schedule.schedule, schedule.retention)
}
