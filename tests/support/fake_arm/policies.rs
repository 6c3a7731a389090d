//! Backup policies of a vault (`.../vaults/{vault}/backupPolicies/{name}`): written through a
//! long-running operation when polls are on, refused to delete while protected items use them.

use serde_json::{json, Value};

use super::operations::{write, Mutation, PollUrls};
use super::server::{key, Inner, Reply, Request};

/// Fills the read-only parts of a policy: how many items use it.
pub(super) fn with_count(inner: &Inner, policy_key: &str, mut body: Value) -> Value {
    let count = inner
        .resources
        .iter()
        .filter(|(k, v)| {
            k.contains("/protecteditems/")
                && v.pointer("/properties/policyId")
                    .and_then(Value::as_str)
                    .map(key)
                    .as_deref()
                    == Some(policy_key)
        })
        .count();
    body["properties"]["protectedItemsCount"] = json!(count);
    body
}

/// `GET`, `PUT` and `DELETE` of the backup policy `name`.
pub(super) fn policies(inner: &mut Inner, request: Request<'_>, name: &str) -> Reply {
    let Request {
        base,
        method: m,
        path,
        body,
    } = request;
    let k = key(path);
    match m {
        "GET" => match inner.resources.get(&k) {
            Some(v) => Reply::new(200, Some(with_count(inner, &k, v.clone()))),
            None => Reply::error(404, "BMSUserErrorPolicyNotFound", "Policy not found"),
        },
        "PUT" => {
            let mut stored = body.unwrap_or(Value::Null);
            stored["id"] = json!(path);
            stored["name"] = json!(name);
            stored["type"] = json!("Microsoft.RecoveryServices/vaults/backupPolicies");
            let done = Reply::new(200, Some(with_count(inner, &k, stored.clone())));
            let put = Mutation::Put {
                key: k,
                body: stored,
            };
            write(inner, base, put, done, poll_urls(path))
        }
        "DELETE" => {
            if !inner.resources.contains_key(&k) {
                return Reply::new(204, None);
            }
            let in_use = with_count(inner, &k, json!({}))["properties"]["protectedItemsCount"]
                .as_u64()
                .unwrap_or(0);
            if in_use > 0 {
                return Reply::error(
                    400,
                    "BMSUserErrorPolicyInUse",
                    "The policy is in use by protected items; change their policy first.",
                );
            }
            let done = Reply::new(200, None);
            write(
                inner,
                base,
                Mutation::Delete { key: k },
                done,
                poll_urls(path),
            )
        }
        _ => Reply::error(405, "MethodNotAllowed", "no such method"),
    }
}

/// A policy's operations are polled under the policy itself.
fn poll_urls(path: &str) -> PollUrls<'_> {
    PollUrls {
        prefix: path,
        status: "operations",
        result: "operationResults",
    }
}
