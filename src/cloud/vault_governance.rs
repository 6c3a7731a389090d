//! What the provider sets on a backup vault for the policy's access and alerts (issue 18), as
//! plain Rust specs the backends read back equal to what was written.

use serde::{Deserialize, Serialize};

/// A vault access policy as this provider writes it: the copy-from-accounts statement
/// (`allow_copy_from_accounts`) and one statement per access role, each with a stable `Sid`.
/// Every list is sorted and free of duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultAccessSpec {
    /// 12-digit accounts whose principals may copy recovery points into the vault.
    pub copy_from_accounts: Vec<String>,
    /// AWS principal ARNs allowed to see the vault and its recovery points.
    pub readers: Vec<String>,
    /// AWS principal ARNs allowed to restore (and see) recovery points.
    pub restorers: Vec<String>,
    /// AWS principal ARNs allowed to delete recovery points and change their lifecycle.
    pub admins: Vec<String>,
    /// Deny deleting recovery points and changing their lifecycle to everyone but the admins.
    pub protect_recovery_points: bool,
}

impl VaultAccessSpec {
    /// Whether the spec has statements besides the copy-from-accounts one.
    pub fn has_access_statements(&self) -> bool {
        !(self.readers.is_empty()
            && self.restorers.is_empty()
            && self.admins.is_empty()
            && !self.protect_recovery_points)
    }

    /// Whether the spec has no statement at all (the vault needs no access policy).
    pub fn is_empty(&self) -> bool {
        self.copy_from_accounts.is_empty() && !self.has_access_statements()
    }
}

/// A vault's notifications: the SNS topic and the events sent to it (sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultNotificationSpec {
    /// The SNS topic's ARN.
    pub sns_topic_arn: String,
    /// AWS Backup vault events, sorted.
    pub events: Vec<String>,
}
