//! Vault hardening guardrails: a delete lock on every vault, customer-managed key encryption, a
//! lowest immutability, a Resource Guard (multi-user authorization) on every vault, and App
//! Service backups kept in the site's region. Like every guardrail
//! they accumulate down the tree and only tighten; each cloud realises them on the objects it owns
//! (Azure: a `CanNotDelete` management lock, the vault's `encryption`, `immutability` and
//! Resource Guard proxy, a plan-time region check of each App Service backup).

use serde::{Deserialize, Serialize};

use crate::diagnostic::{paths, PolicyDiagnostic};
use crate::guardrails::Setting;

/// The immutability levels, weakest first: a vault may only move right.
pub const IMMUTABILITY_LEVELS: [&str; 3] = ["Disabled", "Unlocked", "Locked"];

/// The rank of an immutability level in [`IMMUTABILITY_LEVELS`] (case-insensitive, as ARM
/// compares enum values), `None` for anything else.
pub fn immutability_rank(level: &str) -> Option<usize> {
    IMMUTABILITY_LEVELS
        .iter()
        .position(|l| l.eq_ignore_ascii_case(level))
}

/// The hardening members of `guardrails`, as an app states them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct HardeningGuardrailsPatch {
    /// Every AWS-backed app in the subtree copies to a logically air-gapped vault; once on, stays on.
    pub require_air_gapped_copy: Option<bool>,
    /// Every vault in the subtree carries a delete lock; once on, stays on.
    pub require_delete_lock: Option<bool>,
    /// Every vault in the subtree is encrypted with a customer-managed key; once on, stays on.
    pub require_encryption: Option<bool>,
    /// The lowest immutability any vault in the subtree may have; may only rise.
    pub min_immutability: Option<String>,
    /// Every App Service backup in the subtree goes to a storage account in the site's region;
    /// once on, stays on.
    pub require_app_service_same_region: Option<bool>,
    /// Every vault in the subtree is associated with a Resource Guard (multi-user authorization);
    /// once on, stays on.
    pub require_resource_guard: Option<bool>,
}

/// The hardening guardrails in force for an app; each absent while no app sets it, so documents
/// without them are unchanged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HardeningGuardrails {
    /// Every AWS-backed app has a logically air-gapped vault its plan copies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_air_gapped_copy: Option<Setting<bool>>,
    /// Every vault carries a delete lock (Azure: a `CanNotDelete` management lock).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_delete_lock: Option<Setting<bool>>,
    /// Every vault is encrypted with a customer-managed key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_encryption: Option<Setting<bool>>,
    /// The lowest immutability a vault may have, spelled as in [`IMMUTABILITY_LEVELS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_immutability: Option<Setting<String>>,
    /// App Service backups go to a storage account in the site's region (a plan-time error
    /// otherwise, where the regions differ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_app_service_same_region: Option<Setting<bool>>,
    /// Every vault is associated with a Resource Guard (Azure: `azure.resource_guard_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_resource_guard: Option<Setting<bool>>,
}

impl HardeningGuardrails {
    /// Whether AWS-backed apps must copy to a logically air-gapped vault.
    pub fn require_air_gapped_copy(&self) -> bool {
        self.require_air_gapped_copy
            .as_ref()
            .is_some_and(|s| s.value)
    }

    /// Whether vaults must carry a delete lock.
    pub fn require_delete_lock(&self) -> bool {
        self.require_delete_lock.as_ref().is_some_and(|s| s.value)
    }

    /// Whether vaults must be encrypted with a customer-managed key.
    pub fn require_encryption(&self) -> bool {
        self.require_encryption.as_ref().is_some_and(|s| s.value)
    }

    /// Whether App Service backups must stay in the site's region.
    pub fn require_app_service_same_region(&self) -> bool {
        self.require_app_service_same_region
            .as_ref()
            .is_some_and(|s| s.value)
    }

    /// Whether vaults must be associated with a Resource Guard.
    pub fn require_resource_guard(&self) -> bool {
        self.require_resource_guard
            .as_ref()
            .is_some_and(|s| s.value)
    }

    /// The rank of the lowest immutability allowed (0: no bound).
    pub fn min_immutability_rank(&self) -> usize {
        self.min_immutability
            .as_ref()
            .and_then(|s| immutability_rank(&s.value))
            .unwrap_or(0)
    }
}

/// Accumulates the app's hardening guardrails onto the inherited ones; a loosening is an error
/// at the guardrail's path naming the ancestor that set it and the rule.
pub(crate) fn accumulate_hardening(
    inherited: &HardeningGuardrails,
    app: &str,
    patch: &HardeningGuardrailsPatch,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> HardeningGuardrails {
    let mut out = inherited.clone();
    for (field, value, current) in [
        (
            "require_air_gapped_copy",
            patch.require_air_gapped_copy,
            &mut out.require_air_gapped_copy,
        ),
        (
            "require_delete_lock",
            patch.require_delete_lock,
            &mut out.require_delete_lock,
        ),
        (
            "require_encryption",
            patch.require_encryption,
            &mut out.require_encryption,
        ),
        (
            "require_app_service_same_region",
            patch.require_app_service_same_region,
            &mut out.require_app_service_same_region,
        ),
        (
            "require_resource_guard",
            patch.require_resource_guard,
            &mut out.require_resource_guard,
        ),
    ] {
        match (value, current.as_ref()) {
            (Some(false), Some(s)) if s.value => diagnostics.push(PolicyDiagnostic::new(
                paths::guardrail(field),
                "Guardrail loosened",
                format!(
                    "{field} = false would loosen {field} = true set by app {:?}; guardrails may only tighten \
                     down the tree, so keep it true or leave it unset.",
                    s.set_by
                ),
            )),
            (Some(v), Some(s)) if s.value == v => {}
            (Some(v), _) => {
                *current = Some(Setting {
                    value: v,
                    set_by: app.to_string(),
                })
            }
            (None, _) => {}
        }
    }
    if let Some(level) = &patch.min_immutability {
        let path = paths::guardrail("min_immutability");
        match immutability_rank(level) {
            None => diagnostics.push(PolicyDiagnostic::new(
                path,
                "Invalid immutability",
                format!(
                    "{level:?} is not an immutability level; use one of {}.",
                    IMMUTABILITY_LEVELS.join(", ")
                ),
            )),
            Some(rank) => match &inherited.min_immutability {
                Some(s) if rank < inherited.min_immutability_rank() => {
                    diagnostics.push(PolicyDiagnostic::new(
                        path,
                        "Guardrail loosened",
                        format!(
                            "min_immutability = {level:?} would loosen min_immutability = {:?} set by app {:?}; \
                             immutability only rises down the tree ({}), so use {:?} or stronger, or leave it unset.",
                            s.value,
                            s.set_by,
                            IMMUTABILITY_LEVELS.join(" -> "),
                            s.value
                        ),
                    ))
                }
                Some(_) if rank == inherited.min_immutability_rank() => {}
                _ => {
                    out.min_immutability = Some(Setting {
                        value: IMMUTABILITY_LEVELS[rank].to_string(),
                        set_by: app.to_string(),
                    })
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(lock: Option<bool>, cmk: Option<bool>, min: Option<&str>) -> HardeningGuardrailsPatch {
        HardeningGuardrailsPatch {
            require_air_gapped_copy: None,
            require_delete_lock: lock,
            require_encryption: cmk,
            min_immutability: min.map(str::to_string),
            require_app_service_same_region: None,
            require_resource_guard: None,
        }
    }

    #[test]
    fn require_air_gapped_copy_only_tightens_and_stays_out_of_documents_while_unset() {
        let mut d = Vec::new();
        let unset = accumulate_hardening(
            &HardeningGuardrails::default(),
            "org-root",
            &HardeningGuardrailsPatch::default(),
            &mut d,
        );
        assert!(!unset.require_air_gapped_copy());
        assert_eq!(serde_json::to_string(&unset).unwrap(), "{}");

        let on = HardeningGuardrailsPatch {
            require_air_gapped_copy: Some(true),
            ..HardeningGuardrailsPatch::default()
        };
        let root = accumulate_hardening(&unset, "org-root", &on, &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert!(root.require_air_gapped_copy());
        let off = HardeningGuardrailsPatch {
            require_air_gapped_copy: Some(false),
            ..HardeningGuardrailsPatch::default()
        };
        let child = accumulate_hardening(&root, "payments", &off, &mut d);
        assert!(child.require_air_gapped_copy(), "not loosened");
        assert_eq!(d.len(), 1);
        assert!(d[0].detail.contains("org-root"), "{:?}", d[0]);
    }

    #[test]
    fn hardening_accumulates_and_records_who_set_it() {
        let mut d = Vec::new();
        let root = accumulate_hardening(
            &HardeningGuardrails::default(),
            "org-root",
            &patch(Some(true), None, Some("unlocked")),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(root.require_delete_lock());
        assert!(!root.require_encryption());
        assert_eq!(root.min_immutability_rank(), 1);
        let min = root.min_immutability.as_ref().unwrap();
        assert_eq!(
            (min.value.as_str(), min.set_by.as_str()),
            ("Unlocked", "org-root")
        );

        // Restating keeps the first setter; tightening records the child.
        let child = accumulate_hardening(
            &root,
            "payments",
            &patch(Some(true), Some(true), Some("Locked")),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            child.require_delete_lock.as_ref().unwrap().set_by,
            "org-root"
        );
        assert_eq!(
            child.require_encryption.as_ref().unwrap().set_by,
            "payments"
        );
        assert_eq!(child.min_immutability_rank(), 2);
    }

    #[test]
    fn a_loosening_names_the_path_the_ancestor_and_the_rule() {
        let mut d = Vec::new();
        let root = accumulate_hardening(
            &HardeningGuardrails::default(),
            "org-root",
            &patch(Some(true), Some(true), Some("Locked")),
            &mut d,
        );
        let child = accumulate_hardening(
            &root,
            "dev",
            &patch(Some(false), Some(false), Some("Unlocked")),
            &mut d,
        );
        let paths: Vec<String> = d.iter().map(|d| d.path.to_string()).collect();
        assert_eq!(
            paths,
            [
                "guardrails.require_delete_lock",
                "guardrails.require_encryption",
                "guardrails.min_immutability"
            ]
        );
        assert!(d.iter().all(|d| d.summary == "Guardrail loosened"));
        assert!(d.iter().all(|d| d.detail.contains("\"org-root\"")), "{d:?}");
        assert!(
            d[2].detail.contains("Disabled -> Unlocked -> Locked"),
            "{}",
            d[2].detail
        );
        // What was inherited stays in force.
        assert!(child.require_delete_lock() && child.require_encryption());
        assert_eq!(child.min_immutability_rank(), 2);
    }

    #[test]
    fn an_unknown_level_is_an_error_listing_the_levels() {
        let mut d = Vec::new();
        accumulate_hardening(
            &HardeningGuardrails::default(),
            "org-root",
            &patch(None, None, Some("Frozen")),
            &mut d,
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path.to_string(), "guardrails.min_immutability");
        assert!(d[0].detail.contains("Disabled, Unlocked, Locked"));
    }

    #[test]
    fn same_region_for_app_service_backups_only_tightens() {
        let same_region = |on| HardeningGuardrailsPatch {
            require_app_service_same_region: Some(on),
            ..HardeningGuardrailsPatch::default()
        };
        let mut d = Vec::new();
        let open = accumulate_hardening(
            &HardeningGuardrails::default(),
            "org-root",
            &HardeningGuardrailsPatch::default(),
            &mut d,
        );
        assert!(!open.require_app_service_same_region());
        // `false` where nothing is in force is no loosening: it is recorded as stated.
        let relaxed = accumulate_hardening(&open, "team", &same_region(false), &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert!(!relaxed.require_app_service_same_region());

        let tight = accumulate_hardening(&relaxed, "payments", &same_region(true), &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert!(tight.require_app_service_same_region());
        let restated = accumulate_hardening(&tight, "shop", &same_region(true), &mut d);
        assert_eq!(
            restated
                .require_app_service_same_region
                .as_ref()
                .unwrap()
                .set_by,
            "payments",
            "restating keeps the first setter"
        );

        let loosened = accumulate_hardening(&tight, "dev", &same_region(false), &mut d);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].path.to_string(),
            "guardrails.require_app_service_same_region"
        );
        assert_eq!(d[0].summary, "Guardrail loosened");
        assert!(
            d[0].detail.contains("set by app \"payments\""),
            "{}",
            d[0].detail
        );
        assert!(
            loosened.require_app_service_same_region(),
            "the inherited guardrail stays in force"
        );
    }

    #[test]
    fn a_resource_guard_once_required_stays_required() {
        let guard = |on| HardeningGuardrailsPatch {
            require_resource_guard: Some(on),
            ..HardeningGuardrailsPatch::default()
        };
        let mut d = Vec::new();
        let root = accumulate_hardening(
            &HardeningGuardrails::default(),
            "org-root",
            &guard(true),
            &mut d,
        );
        assert!(d.is_empty() && root.require_resource_guard());
        let child = accumulate_hardening(&root, "dev", &guard(false), &mut d);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].path.to_string(), "guardrails.require_resource_guard");
        assert!(
            d[0].detail.starts_with(
                "require_resource_guard = false would loosen require_resource_guard = true set by app \"org-root\""
            ),
            "{}",
            d[0].detail
        );
        assert!(child.require_resource_guard());
        assert!(!HardeningGuardrails::default().require_resource_guard());
    }

    #[test]
    fn unset_hardening_leaves_nothing_in_the_document() {
        let empty = serde_json::to_value(HardeningGuardrails::default()).unwrap();
        assert_eq!(empty, serde_json::json!({}));
        let mut d = Vec::new();
        let on = accumulate_hardening(
            &HardeningGuardrails::default(),
            "org-root",
            &HardeningGuardrailsPatch {
                require_app_service_same_region: Some(true),
                ..HardeningGuardrailsPatch::default()
            },
            &mut d,
        );
        assert_eq!(
            serde_json::to_value(&on).unwrap(),
            serde_json::json!({
                "require_app_service_same_region": { "value": true, "set_by": "org-root" }
            })
        );
    }
}
