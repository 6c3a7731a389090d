//! What the policy's access, alerts and audit trail put on a Recovery Services vault (issue 18):
//! role assignments at the vault's scope with the built-in backup roles, named by a UUID derived
//! from (scope, role, principal) so a retried apply creates nothing twice; the diagnostic setting
//! sending the backup logs to the workspace; and the vault's job-failure alerts. Pure: the specs
//! here are what the backend writes and reads back.

use backup_policy::access::ACCESS_ROLES;
use backup_policy::PolicyDocument;
use sha2::{Digest, Sha256};

/// Name of the diagnostic setting this provider writes on a vault.
pub const DIAGNOSTIC_SETTING_NAME: &str = "backup-provider-audit";

/// The resource-specific backup log categories of a Recovery Services vault.
pub const BACKUP_LOG_CATEGORIES: [&str; 6] = [
    "CoreAzureBackup",
    "AddonAzureBackupJobs",
    "AddonAzureBackupAlerts",
    "AddonAzureBackupPolicy",
    "AddonAzureBackupStorage",
    "AddonAzureBackupProtectedInstance",
];

/// The built-in role each `access` role maps to, with its role definition id (the same in every
/// tenant): readers see backups, restorers operate them (restore included), admins manage them.
pub fn backup_role(access_role: &str) -> (&'static str, &'static str) {
    match access_role {
        "readers" => ("Backup Reader", "a795c7a0-d4a2-40c1-ae25-d81f01202912"),
        "restorers" => ("Backup Operator", "00c29273-979b-4161-815c-10b084fb9324"),
        _ => ("Backup Contributor", "5e467623-bb1f-42f4-a55d-6e525e11384b"),
    }
}

/// A role assignment at a vault's scope.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RoleAssignmentSpec {
    /// The assignment's name: [`assignment_name`] of scope, role and principal.
    pub name: String,
    /// The full role definition id
    /// (`/subscriptions/<s>/providers/Microsoft.Authorization/roleDefinitions/<guid>`).
    pub role_definition_id: String,
    /// The Entra object id of the principal.
    pub principal_id: String,
}

/// A diagnostic setting on a vault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiagnosticSettingSpec {
    /// The Log Analytics workspace's resource id.
    pub workspace_id: String,
    /// The enabled log categories, sorted.
    pub categories: Vec<String>,
    /// Resource-specific tables (`logAnalyticsDestinationType = Dedicated`).
    pub dedicated: bool,
}

/// A UUID (version-5 layout, from SHA-256) derived from the scope, role definition and principal:
/// the same triple always gets the same name, so a retried PUT finds its own assignment.
pub fn assignment_name(scope: &str, role_definition_id: &str, principal_id: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [scope, role_definition_id, principal_id] {
        hasher.update(part.to_ascii_lowercase().as_bytes());
        hasher.update([0]);
    }
    let mut b: [u8; 16] = hasher.finalize()[..16].try_into().expect("16 bytes");
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The role assignments realising `document`'s effective access (its Entra principals) on the
/// vault `vault_id` in `subscription`, sorted by name.
pub fn role_assignments(
    document: &PolicyDocument,
    subscription: &str,
    vault_id: &str,
) -> Vec<RoleAssignmentSpec> {
    let Some(access) = document.governance().access.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for role in ACCESS_ROLES {
        let (_, guid) = backup_role(role);
        let role_definition_id = format!(
            "/subscriptions/{subscription}/providers/Microsoft.Authorization/roleDefinitions/{guid}"
        );
        for principal in access.entra_principals(role) {
            out.push(RoleAssignmentSpec {
                name: assignment_name(vault_id, &role_definition_id, &principal),
                role_definition_id: role_definition_id.clone(),
                principal_id: principal,
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The diagnostic setting realising `document`'s audit trail, `None` without a workspace.
pub fn diagnostic_setting(document: &PolicyDocument) -> Option<DiagnosticSettingSpec> {
    let audit = document.governance().audit_trail.as_ref()?;
    let mut categories: Vec<String> = BACKUP_LOG_CATEGORIES.map(String::from).to_vec();
    categories.sort();
    Some(DiagnosticSettingSpec {
        workspace_id: audit.log_analytics_workspace_id.value.clone(),
        categories,
        dedicated: true,
    })
}

/// An alert processing rule routing the alerts of one vault to an action group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRoutingSpec {
    /// The rule's name, after the vault it routes ([`alert_rule_name`]).
    pub name: String,
    /// The vault's resource id: the rule's only scope.
    pub scope: String,
    /// The action group receiving the vault's alerts.
    pub action_group_id: String,
}

/// The name of the alert processing rule this provider keeps for a vault, in its resource group.
pub fn alert_rule_name(vault_name: &str) -> String {
    format!("{vault_name}-backup-alerts")
}

/// The alert processing rule routing the vault `vault_id`'s alerts to `document`'s action group,
/// `None` when the policy names none.
pub fn alert_routing(
    document: &PolicyDocument,
    vault_name: &str,
    vault_id: &str,
) -> Option<AlertRoutingSpec> {
    let group = document
        .governance()
        .alerts
        .as_ref()?
        .action_group_id
        .as_ref()?;
    Some(AlertRoutingSpec {
        name: alert_rule_name(vault_name),
        scope: vault_id.to_string(),
        action_group_id: group.value.clone(),
    })
}

/// Whether the vault's Azure Monitor alerts for every job failure should be on: `None` when the
/// policy has no alerts (the vault's setting is left as it is).
pub fn job_failure_alerts(document: &PolicyDocument) -> Option<bool> {
    let alerts = document.governance().alerts.as_ref()?;
    Some(alerts.azure_job_failure_alerts.value)
}

#[cfg(test)]
mod tests {
    use backup_policy::access::AccessPatch;
    use backup_policy::alerts::{AlertsPatch, AuditTrailPatch};
    use backup_policy::AppInput;

    use super::*;

    const GROUP: &str = "0b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d";
    const VAULT: &str =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v";

    #[test]
    fn names_are_stable_uuids_that_differ_per_triple() {
        let a = assignment_name(VAULT, "role", GROUP);
        assert_eq!(a, assignment_name(VAULT, "role", GROUP));
        assert_eq!(a, assignment_name(&VAULT.to_uppercase(), "ROLE", GROUP));
        assert!(backup_policy::access::is_uuid(&a), "{a}");
        assert_eq!(&a[14..15], "5");
        assert_ne!(a, assignment_name(VAULT, "other", GROUP));
        assert_ne!(a, assignment_name("/other", "role", GROUP));
    }

    #[test]
    fn access_alerts_and_audit_map_to_roles_setting_and_alerts() {
        let mut app = AppInput {
            name: "root".into(),
            ..Default::default()
        };
        let doc = backup_policy::evaluate(None, &app).unwrap();
        assert!(role_assignments(&doc, "s", VAULT).is_empty());
        assert_eq!(diagnostic_setting(&doc), None);
        assert_eq!(job_failure_alerts(&doc), None);

        app.policy.access = Some(AccessPatch {
            readers: Some(vec![
                GROUP.into(),
                "arn:aws:iam::111111111111:role/x".into(),
            ]),
            restorers: Some(vec![GROUP.into()]),
            ..Default::default()
        });
        app.policy.alerts = Some(AlertsPatch::default());
        app.policy.audit_trail = Some(AuditTrailPatch {
            log_analytics_workspace_id: Some("/subscriptions/s/ws".into()),
        });
        let doc = backup_policy::evaluate(None, &app).unwrap();
        let assignments = role_assignments(&doc, "s", VAULT);
        assert_eq!(assignments.len(), 2, "AWS principals are not Azure's");
        let roles: Vec<&str> = assignments
            .iter()
            .map(|a| a.role_definition_id.rsplit('/').next().unwrap())
            .collect();
        assert!(roles.contains(&backup_role("readers").1));
        assert!(roles.contains(&backup_role("restorers").1));
        let setting = diagnostic_setting(&doc).unwrap();
        assert_eq!(setting.workspace_id, "/subscriptions/s/ws");
        assert!(setting.dedicated && setting.categories.contains(&"CoreAzureBackup".into()));
        assert_eq!(job_failure_alerts(&doc), Some(true));
    }
}
