//! The governance parts of a policy — access, alerts and audit trail — evaluated together, and
//! their place in the `policy_document` (absent while no app in the lineage sets them, so that
//! documents without them are unchanged).

use serde::{Deserialize, Serialize};

use crate::access::{
    accumulate_access_guardrails, check_allowed_principals, merge_access, AccessGuardrails,
    AccessGuardrailsPatch, EffectiveAccess,
};
use crate::alerts::{
    check_required_alerts, merge_alerts, merge_audit_trail, EffectiveAlerts, EffectiveAuditTrail,
};
use crate::canonical::{hash_of, write_value};
use crate::diagnostic::PolicyDiagnostic;
use crate::model::{GuardrailsPatch, PolicyPatch};

/// The effective access, alerts and audit trail of an app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Governance {
    /// Who may read, restore and administer backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<EffectiveAccess>,
    /// Who is told when a backup fails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<EffectiveAlerts>,
    /// Where every action is recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_trail: Option<EffectiveAuditTrail>,
}

impl Governance {
    /// Whether no app in the lineage sets any governance part.
    pub fn is_empty(&self) -> bool {
        *self == Governance::default()
    }

    /// SHA-256 of the parts' canonical JSON, `None` when there are none: a descendant with its
    /// anchor's hash needs nothing realised on a vault of its own.
    pub fn hash(&self) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let value = serde_json::to_value(self).expect("governance always serializes");
        Some(hash_of(|out| write_value(out, &value)))
    }
}

/// Merges the app's governance parts onto the inherited ones and accumulates the access
/// guardrails, checking the effective parts against them.
pub(crate) fn evaluate_governance(
    app: &str,
    policy: &PolicyPatch,
    guardrails: &GuardrailsPatch,
    inherited: Governance,
    inherited_guardrails: &AccessGuardrails,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> (Governance, AccessGuardrails) {
    let effective_guardrails = accumulate_access_guardrails(
        inherited_guardrails,
        app,
        &AccessGuardrailsPatch {
            protect_recovery_points: guardrails.protect_recovery_points,
            allowed_principals: guardrails.allowed_principals.as_deref(),
            require_alerts: guardrails.require_alerts,
        },
        diagnostics,
    );
    let governance = Governance {
        access: merge_access(app, policy.access.as_ref(), inherited.access, diagnostics),
        alerts: merge_alerts(app, policy.alerts.as_ref(), inherited.alerts, diagnostics),
        audit_trail: merge_audit_trail(app, policy.audit_trail.as_ref(), inherited.audit_trail),
    };
    check_allowed_principals(
        app,
        policy.access.as_ref(),
        governance.access.as_ref(),
        &effective_guardrails,
        diagnostics,
    );
    check_required_alerts(
        governance.alerts.as_ref(),
        &effective_guardrails,
        diagnostics,
    );
    (governance, effective_guardrails)
}
