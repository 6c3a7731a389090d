//! The policy model: what an app states ([`AppInput`] and its patches) and what applies to it
//! ([`EffectiveRule`], [`EffectiveCopy`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// AWS Backup's default start window (8 hours), used when no app in the lineage sets one.
pub const DEFAULT_START_WINDOW_MINUTES: i64 = 480;

/// AWS Backup's default completion window (7 days), used when no app in the lineage sets one.
pub const DEFAULT_COMPLETION_WINDOW_MINUTES: i64 = 10_080;

/// The rule attributes, in schema order; the names `locked` paths and provenance use.
pub const RULE_FIELDS: [&str; 8] = [
    "schedule",
    "start_window_minutes",
    "completion_window_minutes",
    "retention_days",
    "cold_storage_after_days",
    "enable_continuous_backup",
    "copy_to",
    "recovery_point_tags",
];

/// One app as configured: its name and what it states about policy, guardrails and clouds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppInput {
    /// The app's `name`, used in provenance, lineage and messages.
    pub name: String,
    /// What this app sets in the policy; with a parent, only what it changes.
    pub policy: PolicyPatch,
    /// Guardrails this app adds for itself and its descendants.
    pub guardrails: GuardrailsPatch,
    /// Where this app keeps its own vault and plan, if it has a cloud block.
    pub anchors: CloudAnchorsPatch,
}

/// `policy` as an app states it: rules and tags that merge with the inherited ones by key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct PolicyPatch {
    /// Rules by name: a known name changes that rule, a new name adds one.
    pub rules: BTreeMap<String, RulePatch>,
    /// Tags on the vaults and plans; merged by key.
    pub tags: BTreeMap<String, String>,
    /// Restore testing to start or change (see [`crate::RestoreTestingPatch`]).
    pub restore_testing: Option<crate::restore_testing::RestoreTestingPatch>,
    /// Who may read, restore and administer backups; principals are only added down the tree.
    pub access: Option<crate::access::AccessPatch>,
    /// Who is told when a backup fails.
    pub alerts: Option<crate::alerts::AlertsPatch>,
    /// Where every action is recorded.
    pub audit_trail: Option<crate::alerts::AuditTrailPatch>,
}

/// One rule as an app states it; `None` keeps the inherited value (or the default for a new rule).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct RulePatch {
    /// AWS `cron(...)` or `rate(...)` expression.
    pub schedule: Option<String>,
    /// Minutes after the scheduled time within which a backup must start.
    pub start_window_minutes: Option<i64>,
    /// Minutes after starting within which a backup must complete.
    pub completion_window_minutes: Option<i64>,
    /// Days a recovery point is kept.
    pub retention_days: Option<i64>,
    /// Days after which recovery points move to cold storage; `0` means never.
    pub cold_storage_after_days: Option<i64>,
    /// Whether continuous backups (point-in-time restore) are kept too.
    pub enable_continuous_backup: Option<bool>,
    /// Copies to add or change, matched with inherited copies by vault ARN.
    pub copy_to: Option<Vec<CopyPatch>>,
    /// Tags on recovery points; merged by key.
    pub recovery_point_tags: Option<BTreeMap<String, String>>,
}

/// One `copy_to` entry as an app states it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct CopyPatch {
    /// ARN of the destination vault; the key copies merge by.
    pub vault_arn: String,
    /// Days the copy is kept; `None` keeps the inherited value (for a new copy: the rule's retention).
    #[serde(default)]
    pub retention_days: Option<i64>,
    /// Days after which the copy moves to cold storage; `0` means never.
    #[serde(default)]
    pub cold_storage_after_days: Option<i64>,
}

/// `guardrails` as an app states them; each may only tighten what the app inherits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct GuardrailsPatch {
    /// Lowest retention any rule or copy may have; may only rise down the tree.
    pub min_retention_days: Option<i64>,
    /// Highest retention any rule or copy may have; may only fall down the tree.
    pub max_retention_days: Option<i64>,
    /// Whether rules descendants add must copy to at least one vault; once on, stays on.
    pub require_copy: Option<bool>,
    /// Paths descendants may not change (see the inheritance guide for the grammar).
    pub locked: Option<Vec<String>>,
    /// Whether descendants may add rules; once off, stays off.
    pub allow_new_rules: Option<bool>,
    /// `require_restore_testing` and the restore testing bounds (flat attributes of `guardrails`).
    #[serde(flatten)]
    pub restore_testing: crate::restore_testing::RestoreTestingGuardrailsPatch,
    /// Whether recovery points may be deleted by the admins only; once on, stays on.
    pub protect_recovery_points: Option<bool>,
    /// The only principals `access` may name; may only narrow down the tree.
    pub allowed_principals: Option<Vec<String>>,
    /// Whether every app must have failure alerts; once on, stays on.
    pub require_alerts: Option<bool>,
    /// `require_delete_lock`, `require_encryption`, `min_immutability` (flat in `guardrails`).
    #[serde(flatten)]
    pub hardening: crate::hardening::HardeningGuardrailsPatch,
}

/// Where the nearest cloud-backed ancestor (or this app) keeps its vault and plan. Inherited down
/// the tree; replaced by an app that sets its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudAnchorsPatch {
    /// This app's AWS vault and plan, when it has an `aws` block.
    pub aws: Option<AwsAnchor>,
    /// This app's Azure vault and policy, when it has an `azure` block.
    pub azure: Option<AzureAnchor>,
}

/// An app's AWS Backup vault and plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AwsAnchor {
    /// Name of the app that owns the vault and plan.
    pub app: String,
    /// AWS account of the vault.
    pub account_id: String,
    /// AWS region of the vault.
    pub region: String,
    /// Vault name.
    pub vault_name: String,
    /// Vault ARN.
    pub vault_arn: String,
    /// Backup plan name.
    pub plan_name: String,
    /// The vault's customer-managed KMS key, when one is set. A vault's key cannot change, so a
    /// new key replaces the vault and its plan: publishing it lets children that joined the plan
    /// see the replacement in the same plan and move into the new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
    /// The app's logically air-gapped vault, when it has one: every plan built from a document
    /// anchored here (the app's, its derived descendants') also copies each recovery point there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub air_gapped_vault_arn: Option<String>,
}

/// An app's Recovery Services vault and backup policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AzureAnchor {
    /// Name of the app that owns the vault and policy.
    pub app: String,
    /// Subscription of the vault.
    pub subscription_id: String,
    /// Resource group of the vault.
    pub resource_group: String,
    /// Vault name.
    pub vault_name: String,
    /// Vault resource ID.
    pub vault_id: String,
    /// Backup policy name.
    pub policy_name: String,
}

/// A rule as it applies to an app after inheritance, with defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveRule {
    /// AWS `cron(...)` or `rate(...)` expression.
    pub schedule: String,
    /// Start window in minutes (default [`DEFAULT_START_WINDOW_MINUTES`]).
    pub start_window_minutes: i64,
    /// Completion window in minutes (default [`DEFAULT_COMPLETION_WINDOW_MINUTES`]).
    pub completion_window_minutes: i64,
    /// Days a recovery point is kept.
    pub retention_days: i64,
    /// Days after which recovery points move to cold storage; `None`: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_storage_after_days: Option<i64>,
    /// Whether continuous backups are kept too (default `false`).
    pub enable_continuous_backup: bool,
    /// Copies, sorted by vault ARN, one per vault.
    pub copy_to: Vec<EffectiveCopy>,
    /// Tags on recovery points.
    pub recovery_point_tags: BTreeMap<String, String>,
}

impl EffectiveRule {
    /// How long `copy` keeps its recovery points: its own retention, else this rule's.
    pub fn copy_retention_days(&self, copy: &EffectiveCopy) -> i64 {
        copy.retention_days.unwrap_or(self.retention_days)
    }
}

/// A copy of each recovery point of a rule to another vault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveCopy {
    /// ARN of the destination vault.
    pub vault_arn: String,
    /// Days the copy is kept; `None`: the rule's `retention_days` (see
    /// [`EffectiveRule::copy_retention_days`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<i64>,
    /// Days after which the copy moves to cold storage; `None`: never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_storage_after_days: Option<i64>,
}

/// `0` and `None` both mean "never" for cold storage; the effective policy stores `None`.
pub(crate) fn normalize_cold(days: Option<i64>) -> Option<i64> {
    days.filter(|d| *d != 0)
}

/// A daily rule kept 35 days with every default, the starting point of unit tests.
#[cfg(test)]
pub(crate) fn daily_rule() -> EffectiveRule {
    EffectiveRule {
        schedule: "cron(0 5 ? * * *)".into(),
        start_window_minutes: DEFAULT_START_WINDOW_MINUTES,
        completion_window_minutes: DEFAULT_COMPLETION_WINDOW_MINUTES,
        retention_days: 35,
        cold_storage_after_days: None,
        enable_continuous_backup: false,
        copy_to: vec![],
        recovery_point_tags: BTreeMap::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_retention_follows_rule_unless_set() {
        let mut rule = daily_rule();
        let mut copy = EffectiveCopy {
            vault_arn: "arn".into(),
            retention_days: None,
            cold_storage_after_days: None,
        };
        assert_eq!(rule.copy_retention_days(&copy), 35);
        rule.retention_days = 90;
        assert_eq!(rule.copy_retention_days(&copy), 90);
        copy.retention_days = Some(7);
        assert_eq!(rule.copy_retention_days(&copy), 7);
    }

    #[test]
    fn zero_cold_storage_means_never() {
        assert_eq!(normalize_cold(Some(0)), None);
        assert_eq!(normalize_cold(None), None);
        assert_eq!(normalize_cold(Some(30)), Some(30));
    }

    #[test]
    fn patches_deserialize_from_partial_json() {
        let patch: PolicyPatch = serde_json::from_str(
            r#"{"rules":{"daily":{"retention_days":90,"copy_to":[{"vault_arn":"a"}]}}}"#,
        )
        .unwrap();
        let daily = &patch.rules["daily"];
        assert_eq!(daily.retention_days, Some(90));
        assert_eq!(daily.copy_to.as_ref().unwrap()[0].vault_arn, "a");
        assert!(patch.tags.is_empty());
    }
}
