//! Converging, reading and releasing what the policy's access, alerts and audit trail put on an
//! app's Recovery Services vault: role assignments, the diagnostic setting, job-failure alerts.

use std::collections::BTreeSet;

use backup_policy::PolicyDocument;

use crate::cloud::azure::governance::{
    alert_routing, diagnostic_setting, job_failure_alerts, role_assignments,
};
use crate::cloud::azure::{AzureBackend, VaultRef};
use crate::cloud::CloudError;

/// Brings the vault's role assignments, diagnostic setting and alerts to `document`. Assignments
/// of principals the previous policy (`prior`) granted and this one does not are deleted; those
/// the provider did not make are never touched. Nothing is called for parts neither policy has.
pub(crate) async fn converge_azure_governance(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    document: &PolicyDocument,
    prior: Option<&PolicyDocument>,
) -> Result<(), CloudError> {
    let scope = backend.vault_id(vault);
    let subscription = backend.subscription_id();
    let desired = role_assignments(document, subscription, &scope);
    let before = prior
        .map(|p| role_assignments(p, subscription, &scope))
        .unwrap_or_default();
    if !desired.is_empty() || !before.is_empty() {
        let existing = backend.list_role_assignments(&scope).await?;
        for spec in desired.iter().filter(|d| !existing.contains(d)) {
            backend.put_role_assignment(&scope, spec).await?;
        }
        let wanted: BTreeSet<&str> = desired.iter().map(|d| d.name.as_str()).collect();
        for old in before.iter().filter(|b| !wanted.contains(b.name.as_str())) {
            if existing.iter().any(|e| e.name == old.name) {
                backend.delete_role_assignment(&scope, &old.name).await?;
            }
        }
    }
    if let Some(spec) = diagnostic_setting(document) {
        if backend.find_diagnostic_setting(&scope).await?.as_ref() != Some(&spec) {
            backend.put_diagnostic_setting(&scope, &spec).await?;
        }
    } else if prior.and_then(diagnostic_setting).is_some() {
        backend.delete_diagnostic_setting(&scope).await?;
    }
    if let Some(on) = job_failure_alerts(document) {
        if backend.find_job_failure_alerts(vault).await? != Some(on) {
            backend.set_job_failure_alerts(vault, on).await?;
        }
    }
    if let Some(spec) = alert_routing(document, &vault.name, &scope) {
        if backend
            .find_alert_routing(vault, &spec.name)
            .await?
            .as_ref()
            != Some(&spec)
        {
            backend.put_alert_routing(vault, &spec).await?;
        }
    } else if let Some(old) = prior.and_then(|p| alert_routing(p, &vault.name, &scope)) {
        backend.delete_alert_routing(vault, &old.name).await?;
    }
    Ok(())
}

/// Reads the vault's governance against `document`: whether anything drifted (an assignment,
/// the diagnostic setting or the alerts removed or changed out of band), and a line for each
/// role assignment at the vault's scope the provider did not make (reported, never deleted).
pub(crate) async fn read_azure_governance(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    document: &PolicyDocument,
) -> Result<(bool, Vec<String>), CloudError> {
    let scope = backend.vault_id(vault);
    let desired = role_assignments(document, backend.subscription_id(), &scope);
    let mut drifted = false;
    let mut foreign = Vec::new();
    if !desired.is_empty() {
        let existing = backend.list_role_assignments(&scope).await?;
        drifted |= desired.iter().any(|d| !existing.contains(d));
        for other in existing
            .iter()
            .filter(|e| !desired.iter().any(|d| d.name == e.name))
        {
            foreign.push(format!(
                "{} (principal {}, role definition {})",
                other.name,
                other.principal_id,
                other
                    .role_definition_id
                    .rsplit('/')
                    .next()
                    .unwrap_or_default()
            ));
        }
    }
    if let Some(spec) = diagnostic_setting(document) {
        drifted |= backend.find_diagnostic_setting(&scope).await?.as_ref() != Some(&spec);
    }
    if let Some(on) = job_failure_alerts(document) {
        drifted |= backend.find_job_failure_alerts(vault).await? != Some(on);
    }
    if let Some(spec) = alert_routing(document, &vault.name, &scope) {
        drifted |= backend
            .find_alert_routing(vault, &spec.name)
            .await?
            .as_ref()
            != Some(&spec);
    }
    Ok((drifted, foreign))
}

/// Deletes the provider's role assignments and diagnostic setting on the vault before the vault
/// goes: Azure keeps both as orphans of a deleted resource otherwise.
pub(crate) async fn release_azure_governance(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    document: Option<&PolicyDocument>,
) -> Result<(), CloudError> {
    let Some(document) = document else {
        return Ok(());
    };
    let scope = backend.vault_id(vault);
    for spec in role_assignments(document, backend.subscription_id(), &scope) {
        backend.delete_role_assignment(&scope, &spec.name).await?;
    }
    if diagnostic_setting(document).is_some() {
        backend.delete_diagnostic_setting(&scope).await?;
    }
    if let Some(rule) = alert_routing(document, &vault.name, &scope) {
        backend.delete_alert_routing(vault, &rule.name).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use backup_policy::access::AccessPatch;
    use backup_policy::alerts::{AlertsPatch, AuditTrailPatch};
    use backup_policy::AppInput;

    use super::*;
    use crate::cloud::azure::governance::{assignment_name, RoleAssignmentSpec};
    use crate::resources::fakes::FakeAzure;

    const READER: &str = "0b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d";
    const RESTORER: &str = "1b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d";
    const GROUP_ID: &str =
        "/subscriptions/s/resourceGroups/ops/providers/Microsoft.Insights/actionGroups/oncall";

    fn document(restorers: &[&str]) -> PolicyDocument {
        let mut app = AppInput {
            name: "root".into(),
            ..Default::default()
        };
        app.policy.access = Some(AccessPatch {
            readers: Some(vec![READER.into()]),
            restorers: Some(restorers.iter().map(|r| r.to_string()).collect()),
            ..Default::default()
        });
        app.policy.alerts = Some(AlertsPatch {
            action_group_id: Some(GROUP_ID.into()),
            ..Default::default()
        });
        app.policy.audit_trail = Some(AuditTrailPatch {
            log_analytics_workspace_id: Some("/subscriptions/s/ws".into()),
        });
        backup_policy::evaluate(None, &app).unwrap()
    }

    #[tokio::test]
    async fn converges_repairs_drift_drops_removed_principals_keeps_foreign_ones_and_releases() {
        let azure = FakeAzure::new("00000000-0000-0000-0000-000000000001");
        let vault = VaultRef::new("rg", "v");
        let scope = azure.vault_id(&vault);
        let doc = document(&[RESTORER]);
        converge_azure_governance(&*azure, &vault, &doc, None)
            .await
            .unwrap();
        assert_eq!(azure.world().role_assignments.len(), 2);
        assert!(azure
            .world()
            .diagnostic_settings
            .values()
            .all(|s| s.dedicated));
        assert_eq!(azure.world().job_failure_alerts.get(&vault), Some(&true));
        assert_eq!(
            azure.world().alert_routing[&("rg".to_string(), "v-backup-alerts".to_string())]
                .action_group_id,
            GROUP_ID
        );
        assert_eq!(
            read_azure_governance(&*azure, &vault, &doc).await.unwrap(),
            (false, vec![])
        );

        // A retried converge creates nothing twice; a foreign assignment is reported, not deleted.
        azure.world().calls.log.clear();
        converge_azure_governance(&*azure, &vault, &doc, Some(&doc))
            .await
            .unwrap();
        assert!(!azure
            .world()
            .calls
            .operations()
            .contains(&"put_role_assignment"));
        let foreign = RoleAssignmentSpec {
            name: assignment_name(&scope, "hand-made", READER),
            role_definition_id: "/x/roleDefinitions/hand-made".into(),
            principal_id: READER.into(),
        };
        azure.put_role_assignment(&scope, &foreign).await.unwrap();
        let (drifted, others) = read_azure_governance(&*azure, &vault, &doc).await.unwrap();
        assert!(!drifted);
        assert_eq!(others.len(), 1);
        assert!(others[0].contains(&foreign.name), "{others:?}");

        // Removed out of band: drift; one converge repairs it.
        azure.world().diagnostic_settings.clear();
        let ours = role_assignments(&doc, azure.subscription_id(), &scope);
        azure
            .delete_role_assignment(&scope, &ours[0].name)
            .await
            .unwrap();
        assert!(
            read_azure_governance(&*azure, &vault, &doc)
                .await
                .unwrap()
                .0
        );
        converge_azure_governance(&*azure, &vault, &doc, Some(&doc))
            .await
            .unwrap();
        assert!(
            !read_azure_governance(&*azure, &vault, &doc)
                .await
                .unwrap()
                .0
        );

        // A principal dropped from the policy loses its assignment; the foreign one stays.
        let fewer = document(&[]);
        converge_azure_governance(&*azure, &vault, &fewer, Some(&doc))
            .await
            .unwrap();
        let names: Vec<String> = azure
            .world()
            .role_assignments
            .values()
            .map(|a| a.principal_id.clone())
            .collect();
        assert_eq!(names, [READER, READER], "the reader's and the foreign one");

        release_azure_governance(&*azure, &vault, Some(&fewer))
            .await
            .unwrap();
        let world = azure.world();
        assert_eq!(
            world.role_assignments.len(),
            1,
            "only the foreign one is left"
        );
        assert!(world.diagnostic_settings.is_empty());
        assert!(world.alert_routing.is_empty());
    }
}
