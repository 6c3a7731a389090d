//! Failure alerts (who is told when a backup fails) and the audit trail (where every action is
//! recorded), inherited down the tree: scalars are replaced, AWS events only added.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use tfvalue::AttributePath;

use crate::access::AccessGuardrails;
use crate::diagnostic::PolicyDiagnostic;
use crate::guardrails::Setting;

/// The AWS Backup vault events notified when an app names none: job failures (AWS reports them
/// as `BACKUP_JOB_COMPLETED` with a failed state, and also as `BACKUP_JOB_FAILED`), copy failures
/// and restores.
pub const DEFAULT_AWS_EVENTS: [&str; 4] = [
    "BACKUP_JOB_COMPLETED",
    "BACKUP_JOB_FAILED",
    "COPY_JOB_FAILED",
    "RESTORE_JOB_COMPLETED",
];

/// The AWS Backup vault events `events` may name (the `BackupVaultEvent` enum of the AWS model).
pub const AWS_EVENTS: [&str; 21] = [
    "BACKUP_JOB_STARTED",
    "BACKUP_JOB_COMPLETED",
    "BACKUP_JOB_SUCCESSFUL",
    "BACKUP_JOB_FAILED",
    "BACKUP_JOB_EXPIRED",
    "RESTORE_JOB_STARTED",
    "RESTORE_JOB_COMPLETED",
    "RESTORE_JOB_SUCCESSFUL",
    "RESTORE_JOB_FAILED",
    "COPY_JOB_STARTED",
    "COPY_JOB_SUCCESSFUL",
    "COPY_JOB_FAILED",
    "RECOVERY_POINT_MODIFIED",
    "BACKUP_PLAN_CREATED",
    "BACKUP_PLAN_MODIFIED",
    "S3_BACKUP_OBJECT_FAILED",
    "S3_RESTORE_OBJECT_FAILED",
    "CONTINUOUS_BACKUP_INTERRUPTED",
    "RECOVERY_POINT_INDEX_COMPLETED",
    "RECOVERY_POINT_INDEX_DELETED",
    "RECOVERY_POINT_INDEXING_FAILED",
];

/// `policy.alerts` as an app states it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AlertsPatch {
    /// AWS: the SNS topic the vault notifies.
    pub sns_topic_arn: Option<String>,
    /// AWS: vault events to notify, added to the inherited ones.
    pub events: Option<Vec<String>>,
    /// Azure: Azure Monitor alerts for every job failure (default on).
    pub azure_job_failure_alerts: Option<bool>,
    /// Azure: the action group that routes the alerts.
    pub action_group_id: Option<String>,
}

/// The effective alerts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveAlerts {
    /// The SNS topic AWS vaults notify, with the app that named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic_arn: Option<Setting<String>>,
    /// AWS vault events notified (the defaults while no app names any).
    pub events: BTreeSet<String>,
    /// Whether Azure vaults alert on every job failure.
    pub azure_job_failure_alerts: Setting<bool>,
    /// The Azure action group routing the alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_group_id: Option<Setting<String>>,
}

/// `policy.audit_trail` as an app states it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AuditTrailPatch {
    /// Azure: the Log Analytics workspace (resource id) the vaults' diagnostic settings send to.
    pub log_analytics_workspace_id: Option<String>,
}

/// The effective audit trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveAuditTrail {
    /// The Log Analytics workspace, with the app that named it.
    pub log_analytics_workspace_id: Setting<String>,
}

fn alerts_path(field: &str) -> AttributePath {
    AttributePath::attr("policy")
        .attribute("alerts")
        .attribute(field)
}

fn replace(slot: &mut Option<Setting<String>>, value: Option<&String>, app: &str) {
    if let Some(value) = value {
        if slot.as_ref().is_none_or(|s| s.value != *value) {
            *slot = Some(Setting {
                value: value.clone(),
                set_by: app.to_string(),
            });
        }
    }
}

/// Merges `patch` (stated by `app`) onto the inherited alerts; `None` while no app states any.
pub(crate) fn merge_alerts(
    app: &str,
    patch: Option<&AlertsPatch>,
    inherited: Option<EffectiveAlerts>,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> Option<EffectiveAlerts> {
    let Some(patch) = patch else {
        return inherited;
    };
    let mut out = inherited.unwrap_or_else(|| EffectiveAlerts {
        sns_topic_arn: None,
        events: BTreeSet::new(),
        azure_job_failure_alerts: Setting {
            value: true,
            set_by: app.to_string(),
        },
        action_group_id: None,
    });
    replace(&mut out.sns_topic_arn, patch.sns_topic_arn.as_ref(), app);
    replace(
        &mut out.action_group_id,
        patch.action_group_id.as_ref(),
        app,
    );
    if let Some(on) = patch.azure_job_failure_alerts {
        if out.azure_job_failure_alerts.value != on {
            out.azure_job_failure_alerts = Setting {
                value: on,
                set_by: app.to_string(),
            };
        }
    }
    for (index, event) in patch.events.iter().flatten().enumerate() {
        if AWS_EVENTS.contains(&event.as_str()) {
            out.events.insert(event.clone());
        } else {
            diagnostics.push(PolicyDiagnostic::new(
                alerts_path("events").index(index as i64),
                "Invalid alert event",
                format!(
                    "{event:?} is not an AWS Backup vault event; use one of {}.",
                    AWS_EVENTS.join(", ")
                ),
            ));
        }
    }
    if out.events.is_empty() {
        out.events = DEFAULT_AWS_EVENTS.iter().map(|e| e.to_string()).collect();
    }
    Some(out)
}

/// Merges `patch` (stated by `app`) onto the inherited audit trail; `None` while no app names a
/// workspace.
pub(crate) fn merge_audit_trail(
    app: &str,
    patch: Option<&AuditTrailPatch>,
    inherited: Option<EffectiveAuditTrail>,
) -> Option<EffectiveAuditTrail> {
    let mut slot = inherited.map(|a| a.log_analytics_workspace_id);
    replace(
        &mut slot,
        patch.and_then(|p| p.log_analytics_workspace_id.as_ref()),
        app,
    );
    slot.map(|log_analytics_workspace_id| EffectiveAuditTrail {
        log_analytics_workspace_id,
    })
}

/// Checks `require_alerts`: the app must end up with alerts, and Azure job-failure alerts on.
pub(crate) fn check_required_alerts(
    alerts: Option<&EffectiveAlerts>,
    guardrails: &AccessGuardrails,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) {
    let Some(required) = guardrails.require_alerts.as_ref().filter(|s| s.value) else {
        return;
    };
    match alerts {
        None => diagnostics.push(PolicyDiagnostic::new(
            AttributePath::attr("policy").attribute("alerts"),
            "Alerts required",
            format!(
                "require_alerts = true set by app {:?} requires failure alerts: set policy.alerts (an sns_topic_arn \
                 for AWS, Azure job-failure alerts are on by default).",
                required.set_by
            ),
        )),
        Some(a) if !a.azure_job_failure_alerts.value => diagnostics.push(PolicyDiagnostic::new(
            alerts_path("azure_job_failure_alerts"),
            "Alerts required",
            format!(
                "azure_job_failure_alerts = false (set by app {:?}) would turn failure alerts off, but require_alerts \
                 = true is set by app {:?}; keep it true or leave it unset.",
                a.azure_job_failure_alerts.set_by, required.set_by
            ),
        )),
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOPIC: &str = "arn:aws:sns:eu-west-1:111111111111:backup-alerts";

    #[test]
    fn alerts_merge_scalars_replace_and_events_add() {
        let mut d = vec![];
        let root = AlertsPatch {
            sns_topic_arn: Some(TOPIC.into()),
            ..Default::default()
        };
        let inherited = merge_alerts("root", Some(&root), None, &mut d).unwrap();
        assert_eq!(inherited.events.len(), DEFAULT_AWS_EVENTS.len());
        assert!(inherited.azure_job_failure_alerts.value);
        let child = AlertsPatch {
            events: Some(vec!["RESTORE_JOB_FAILED".into(), "NOT_AN_EVENT".into()]),
            action_group_id: Some("/subscriptions/x/ag".into()),
            ..Default::default()
        };
        let alerts = merge_alerts("team", Some(&child), Some(inherited.clone()), &mut d).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path.to_string(), "policy.alerts.events[1]");
        assert_eq!(alerts.sns_topic_arn.as_ref().unwrap().set_by, "root");
        assert_eq!(alerts.action_group_id.as_ref().unwrap().set_by, "team");
        assert!(alerts.events.contains("RESTORE_JOB_FAILED"));
        assert!(
            alerts.events.contains("COPY_JOB_FAILED"),
            "inherited events stay"
        );
        assert_eq!(merge_alerts("x", None, None, &mut d), None);
    }

    #[test]
    fn audit_trail_is_replaced_by_a_descendant_that_names_another_workspace() {
        let ws = |id: &str| AuditTrailPatch {
            log_analytics_workspace_id: Some(id.into()),
        };
        let root = merge_audit_trail("root", Some(&ws("a")), None);
        assert_eq!(merge_audit_trail("team", None, root.clone()), root);
        assert_eq!(
            merge_audit_trail("team", Some(&ws("a")), root.clone()),
            root,
            "restating keeps the origin"
        );
        let team = merge_audit_trail("team", Some(&ws("b")), root).unwrap();
        assert_eq!(team.log_analytics_workspace_id.set_by, "team");
        assert_eq!(merge_audit_trail("x", None, None), None);
    }

    #[test]
    fn required_alerts_name_the_ancestor() {
        let guardrails = AccessGuardrails {
            require_alerts: Some(Setting {
                value: true,
                set_by: "root".into(),
            }),
            ..Default::default()
        };
        let mut d = vec![];
        check_required_alerts(None, &guardrails, &mut d);
        assert_eq!(d[0].path.to_string(), "policy.alerts");
        let mut alerts = merge_alerts("root", Some(&AlertsPatch::default()), None, &mut d).unwrap();
        let mut d = vec![];
        check_required_alerts(Some(&alerts), &guardrails, &mut d);
        assert!(d.is_empty());
        alerts.azure_job_failure_alerts = Setting {
            value: false,
            set_by: "team".into(),
        };
        check_required_alerts(Some(&alerts), &guardrails, &mut d);
        assert_eq!(
            d[0].path.to_string(),
            "policy.alerts.azure_job_failure_alerts"
        );
        assert!(d[0].detail.contains("\"root\"") && d[0].detail.contains("\"team\""));
        let mut d = vec![];
        check_required_alerts(None, &AccessGuardrails::default(), &mut d);
        assert!(d.is_empty());
    }
}
