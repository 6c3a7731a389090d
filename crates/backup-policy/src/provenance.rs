//! Provenance: which app set each effective value.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// For each effective value, the name of the app that set it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// Per rule.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleProvenance>,
    /// Per tag key.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// Who set each value of one rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleProvenance {
    /// The app that added the rule.
    pub introduced_by: String,
    /// Scalar fields (`schedule`, `retention_days`, ...) by name; a field missing here has its default.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// Copies by vault ARN.
    #[serde(default)]
    pub copy_to: BTreeMap<String, CopyProvenance>,
    /// Recovery point tags by key.
    #[serde(default)]
    pub recovery_point_tags: BTreeMap<String, String>,
}

impl RuleProvenance {
    /// The app that set `field`, or `None` when it has its default.
    pub fn field(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }
}

/// Who set each value of one copy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyProvenance {
    /// The app that added the copy.
    pub added_by: String,
    /// The app that set the copy's `retention_days`; `None`: it follows the rule's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<String>,
    /// The app that set the copy's `cold_storage_after_days`; `None`: default (never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_storage_after_days: Option<String>,
}
