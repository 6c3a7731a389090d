//! The ARM calls for what [`super::governance`] specifies on a vault: role assignments
//! (`Microsoft.Authorization`, api-version 2015-07-01), the diagnostic setting
//! (`Microsoft.Insights`, 2017-05-01-preview, the first with resource-specific tables) and the
//! vault's monitoring settings (`Vaults_Update`, a PATCH of only `monitoringSettings`).

use reqwest::Method;
use serde_json::{json, Value};

use super::arm::{ArmClient, FinalState, Subject, VAULTS_API_VERSION};
use super::backend::VaultRef;
use super::governance::{
    AlertRoutingSpec, DiagnosticSettingSpec, RoleAssignmentSpec, DIAGNOSTIC_SETTING_NAME,
};
use super::vault::vault_path;
use crate::cloud::error::{CloudError, GoneIsNone};

/// api-version of the alert processing rule calls.
pub(super) const ALERTS_MANAGEMENT_API_VERSION: &str = "2021-08-08";
/// api-version of the role assignment calls.
pub(super) const AUTHORIZATION_API_VERSION: &str = "2015-07-01";
/// api-version of the diagnostic setting calls.
pub(super) const DIAGNOSTIC_SETTINGS_API_VERSION: &str = "2017-05-01-preview";

fn assignments_path(scope: &str) -> String {
    format!("{scope}/providers/Microsoft.Authorization/roleAssignments")
}

fn setting_path(scope: &str) -> String {
    format!("{scope}/providers/Microsoft.Insights/diagnosticSettings/{DIAGNOSTIC_SETTING_NAME}")
}

/// `RoleAssignments_Create` (PUT by name; the same name and content again is a no-op).
pub(crate) async fn put_role_assignment(
    arm: &ArmClient,
    scope: &str,
    spec: &RoleAssignmentSpec,
) -> Result<(), CloudError> {
    let body = json!({ "properties": {
        "roleDefinitionId": spec.role_definition_id,
        "principalId": spec.principal_id,
    }});
    let path = format!("{}/{}", assignments_path(scope), spec.name);
    let subject = Subject {
        operation: "creating Role Assignment",
        name: &spec.name,
    };
    arm.send(
        Method::PUT,
        &path,
        AUTHORIZATION_API_VERSION,
        Some(&body),
        subject,
    )
    .await
    .map(drop)
}

/// `RoleAssignments_ListForScope`, keeping the assignments made at `scope` itself (the list also
/// holds inherited ones); an absent scope lists none.
pub(crate) async fn list_role_assignments(
    arm: &ArmClient,
    scope: &str,
) -> Result<Vec<RoleAssignmentSpec>, CloudError> {
    let subject = Subject {
        operation: "listing Role Assignments",
        name: scope.rsplit('/').next().unwrap_or(scope),
    };
    let Some(body) = arm
        .get(&assignments_path(scope), AUTHORIZATION_API_VERSION, subject)
        .await?
    else {
        return Ok(Vec::new());
    };
    let items = body["value"].as_array().cloned().unwrap_or_default();
    let mut out: Vec<RoleAssignmentSpec> = items
        .iter()
        .filter(|a| {
            a.pointer("/properties/scope")
                .and_then(Value::as_str)
                .is_some_and(|s| s.eq_ignore_ascii_case(scope))
        })
        .map(|a| {
            let text = |p: &str| {
                a.pointer(p)
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_owned()
            };
            RoleAssignmentSpec {
                name: text("/name"),
                role_definition_id: text("/properties/roleDefinitionId"),
                principal_id: text("/properties/principalId"),
            }
        })
        .collect();
    out.sort();
    Ok(out)
}

/// `RoleAssignments_Delete`; an assignment already gone counts as done.
pub(crate) async fn delete_role_assignment(
    arm: &ArmClient,
    scope: &str,
    name: &str,
) -> Result<(), CloudError> {
    let subject = Subject {
        operation: "deleting Role Assignment",
        name,
    };
    let path = format!("{}/{name}", assignments_path(scope));
    arm.send(
        Method::DELETE,
        &path,
        AUTHORIZATION_API_VERSION,
        None,
        subject,
    )
    .await
    .none_if_not_found()
    .map(drop)
}

/// `DiagnosticSettings_CreateOrUpdate` of the provider's setting on `scope`.
pub(crate) async fn put_diagnostic_setting(
    arm: &ArmClient,
    scope: &str,
    spec: &DiagnosticSettingSpec,
) -> Result<(), CloudError> {
    let logs: Vec<Value> = spec
        .categories
        .iter()
        .map(|c| json!({ "category": c, "enabled": true }))
        .collect();
    let mut properties = json!({ "workspaceId": spec.workspace_id, "logs": logs });
    if spec.dedicated {
        properties["logAnalyticsDestinationType"] = json!("Dedicated");
    }
    let subject = Subject {
        operation: "creating Diagnostic Setting",
        name: DIAGNOSTIC_SETTING_NAME,
    };
    arm.send(
        Method::PUT,
        &setting_path(scope),
        DIAGNOSTIC_SETTINGS_API_VERSION,
        Some(&json!({ "properties": properties })),
        subject,
    )
    .await
    .map(drop)
}

/// `DiagnosticSettings_Get` of the provider's setting; `None` when there is none.
pub(crate) async fn find_diagnostic_setting(
    arm: &ArmClient,
    scope: &str,
) -> Result<Option<DiagnosticSettingSpec>, CloudError> {
    let subject = Subject {
        operation: "reading Diagnostic Setting",
        name: DIAGNOSTIC_SETTING_NAME,
    };
    let Some(body) = arm
        .get(
            &setting_path(scope),
            DIAGNOSTIC_SETTINGS_API_VERSION,
            subject,
        )
        .await?
    else {
        return Ok(None);
    };
    let properties = &body["properties"];
    let mut categories: Vec<String> = properties["logs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|l| l["enabled"] == true)
        .filter_map(|l| l["category"].as_str().map(str::to_owned))
        .collect();
    categories.sort();
    Ok(Some(DiagnosticSettingSpec {
        workspace_id: properties["workspaceId"].as_str().unwrap_or("").to_owned(),
        categories,
        dedicated: properties["logAnalyticsDestinationType"]
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case("Dedicated")),
    }))
}

/// `DiagnosticSettings_Delete` of the provider's setting; none left counts as done.
pub(crate) async fn delete_diagnostic_setting(
    arm: &ArmClient,
    scope: &str,
) -> Result<(), CloudError> {
    let subject = Subject {
        operation: "deleting Diagnostic Setting",
        name: DIAGNOSTIC_SETTING_NAME,
    };
    arm.send(
        Method::DELETE,
        &setting_path(scope),
        DIAGNOSTIC_SETTINGS_API_VERSION,
        None,
        subject,
    )
    .await
    .none_if_not_found()
    .map(drop)
}

/// Turns the vault's Azure Monitor alerts for every job failure on or off (a PATCH of only
/// `monitoringSettings`, a long-running `Vaults_Update`).
pub(crate) async fn set_job_failure_alerts(
    arm: &ArmClient,
    vault: &VaultRef,
    on: bool,
) -> Result<(), CloudError> {
    let state = if on { "Enabled" } else { "Disabled" };
    let body = json!({ "properties": { "monitoringSettings": {
        "azureMonitorAlertSettings": { "alertsForAllJobFailures": state }
    }}});
    let subject = Subject {
        operation: "updating monitoring settings of Recovery Services Vault",
        name: &vault.name,
    };
    let path = vault_path(arm.subscription_id(), vault);
    arm.long_running(
        Method::PATCH,
        &path,
        VAULTS_API_VERSION,
        Some(&body),
        FinalState::Location,
        subject,
    )
    .await
    .map(drop)
}

/// Whether the vault's alerts for every job failure are on; `None` when the vault is gone or
/// does not say.
pub(crate) async fn find_job_failure_alerts(
    arm: &ArmClient,
    vault: &VaultRef,
) -> Result<Option<bool>, CloudError> {
    let subject = Subject {
        operation: "reading Recovery Services Vault",
        name: &vault.name,
    };
    let path = vault_path(arm.subscription_id(), vault);
    let body = arm.get(&path, VAULTS_API_VERSION, subject).await?;
    Ok(body.and_then(|b| {
        b.pointer(
            "/properties/monitoringSettings/azureMonitorAlertSettings/alertsForAllJobFailures",
        )
        .and_then(Value::as_str)
        .map(|s| s.eq_ignore_ascii_case("Enabled"))
    }))
}

fn rule_path(arm: &ArmClient, resource_group: &str, name: &str) -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{resource_group}/providers/Microsoft.AlertsManagement/actionRules/{name}",
        arm.subscription_id()
    )
}

/// `AlertProcessingRules_CreateOrUpdate`: the vault's alerts go to the action group.
pub(crate) async fn put_alert_routing(
    arm: &ArmClient,
    resource_group: &str,
    spec: &AlertRoutingSpec,
) -> Result<(), CloudError> {
    let body = json!({
        "location": "Global",
        "properties": {
            "scopes": [spec.scope],
            "actions": [{ "actionType": "AddActionGroups", "actionGroupIds": [spec.action_group_id] }],
            "description": "Routes the backup alerts of the vault to the action group its policy names (terraform-provider-backup).",
            "enabled": true,
        },
    });
    let subject = Subject {
        operation: "creating Alert Processing Rule",
        name: &spec.name,
    };
    let path = rule_path(arm, resource_group, &spec.name);
    arm.send(
        Method::PUT,
        &path,
        ALERTS_MANAGEMENT_API_VERSION,
        Some(&body),
        subject,
    )
    .await
    .map(drop)
}

/// `AlertProcessingRules_GetByName`; `None` when there is no such rule.
pub(crate) async fn find_alert_routing(
    arm: &ArmClient,
    resource_group: &str,
    name: &str,
) -> Result<Option<AlertRoutingSpec>, CloudError> {
    let subject = Subject {
        operation: "reading Alert Processing Rule",
        name,
    };
    let path = rule_path(arm, resource_group, name);
    let Some(body) = arm
        .get(&path, ALERTS_MANAGEMENT_API_VERSION, subject)
        .await?
    else {
        return Ok(None);
    };
    let properties = &body["properties"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let enabled = properties["enabled"].as_bool().unwrap_or(true);
    let group = properties["actions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["actionType"] == "AddActionGroups")
        .flat_map(|a| a["actionGroupIds"].as_array().cloned().unwrap_or_default())
        .map(|g| text(&g))
        .next();
    Ok(Some(AlertRoutingSpec {
        name: name.to_owned(),
        scope: text(&properties["scopes"][0]),
        // A disabled rule routes nothing: it reads as routing to no group.
        action_group_id: group.filter(|_| enabled).unwrap_or_default(),
    }))
}

/// `AlertProcessingRules_Delete`; a rule already gone counts as done.
pub(crate) async fn delete_alert_routing(
    arm: &ArmClient,
    resource_group: &str,
    name: &str,
) -> Result<(), CloudError> {
    let subject = Subject {
        operation: "deleting Alert Processing Rule",
        name,
    };
    let path = rule_path(arm, resource_group, name);
    arm.send(
        Method::DELETE,
        &path,
        ALERTS_MANAGEMENT_API_VERSION,
        None,
        subject,
    )
    .await
    .none_if_not_found()
    .map(drop)
}
