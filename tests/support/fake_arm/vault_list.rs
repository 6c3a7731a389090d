//! `Vaults_ListBySubscriptionId` (`GET /subscriptions/{s}/providers/Microsoft.RecoveryServices/vaults`):
//! every stored vault of the subscription, in one page.

use serde_json::{json, Value};

use super::server::{Inner, Reply};

/// The vaults stored under subscription `subscription`.
pub(super) fn list_vaults(inner: &Inner, subscription: &str) -> Reply {
    let prefix = format!("/subscriptions/{}/", subscription.to_ascii_lowercase());
    let value: Vec<Value> = inner
        .resources
        .iter()
        .filter(|(k, _)| {
            let segs: Vec<&str> = k.trim_matches('/').split('/').collect();
            k.starts_with(&prefix)
                && segs.len() == 8
                && segs[5] == "microsoft.recoveryservices"
                && segs[6] == "vaults"
        })
        .map(|(_, v)| v.clone())
        .collect();
    Reply::new(200, Some(json!({ "value": value })))
}
