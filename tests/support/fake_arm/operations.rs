//! Long-running operations: an accepted write runs in the background for the configured number of
//! polls, then applies its change (or fails with an injected error); the status and result URLs
//! every route family hands out are answered here. Deletes honour soft delete.

use serde_json::{json, Value};

use super::server::{Inner, Reply};

/// What an operation changes once it succeeds.
pub(super) enum Mutation {
    Put { key: String, body: Value },
    Delete { key: String },
}

/// An operation still running, by id in [`Inner::pending`](super::server::Inner).
pub(super) struct Pending {
    polls_left: usize,
    mutation: Option<Mutation>,
    /// The resource whose body the operation result returns.
    result_key: Option<String>,
    /// The operation ends Failed with this `(code, message)` instead of applying its change.
    failure: Option<(String, String)>,
    /// The `properties` of its succeeded status (e.g. the job a restore started).
    properties: Option<Value>,
}

/// Registers an operation that applies `mutation` after the configured polls; its id.
pub(super) fn start_operation(
    inner: &mut Inner,
    mutation: Option<Mutation>,
    result_key: Option<String>,
) -> String {
    inner.next_id += 1;
    let id = format!("op-{:06}", inner.next_id);
    let polls_left = inner.async_polls;
    let failure = inner.fail_operation.take();
    inner.pending.insert(
        id.clone(),
        Pending {
            polls_left,
            mutation,
            result_key,
            failure,
            properties: None,
        },
    );
    id
}

/// Sets what the succeeded status of operation `id` reports in `properties`.
pub(super) fn set_operation_properties(inner: &mut Inner, id: &str, properties: Value) {
    if let Some(pending) = inner.pending.get_mut(id) {
        pending.properties = Some(properties);
    }
}

fn apply(inner: &mut Inner, mutation: Mutation) {
    match mutation {
        Mutation::Put { key, body } => {
            inner.resources.insert(key, body);
        }
        Mutation::Delete { key } => delete_now(inner, &key),
    }
}

/// Where one route family's operations are polled: `{prefix}/{status}/{id}` for the status
/// (`Azure-AsyncOperation`) and `{prefix}/{result}/{id}` for the result (`Location`).
pub(super) struct PollUrls<'a> {
    /// The path the operation URLs hang under (the resource's or its vault's).
    pub(super) prefix: &'a str,
    /// The status segment, e.g. `operations` or `operationsStatus`.
    pub(super) status: &'a str,
    /// The result segment, e.g. `operationResults`.
    pub(super) result: &'a str,
}

/// A write as ARM does it: applied at once, answering `done`, while operations are synchronous;
/// otherwise an operation that applies it after the configured polls, answered 202 with where to
/// poll. A PUT's operation result is the resource written.
pub(super) fn write(
    inner: &mut Inner,
    base: &str,
    mutation: Mutation,
    done: Reply,
    urls: PollUrls<'_>,
) -> Reply {
    if inner.async_polls == 0 {
        apply(inner, mutation);
        return done;
    }
    let result_key = match &mutation {
        Mutation::Put { key, .. } => Some(key.clone()),
        Mutation::Delete { .. } => None,
    };
    let id = start_operation(inner, Some(mutation), result_key);
    accepted(
        base,
        &format!("{}/{}/{id}", urls.prefix, urls.status),
        &format!("{}/{}/{id}", urls.prefix, urls.result),
    )
}

/// The 202 of an operation ARM runs in the background: where to poll its status
/// (`Azure-AsyncOperation`) and its result (`Location`), both absolute with the api-version.
fn accepted(base: &str, status_path: &str, result_path: &str) -> Reply {
    let url = |p: &str| format!("{base}{p}?api-version=2026-11-01");
    Reply::new(202, None)
        .header("azure-asyncoperation", url(status_path))
        .header("location", url(result_path))
        .header("retry-after", "0".into())
}

/// Whether the vault holding the protected item `item_key` has soft delete on.
pub(super) fn soft_delete_on(inner: &Inner, item_key: &str) -> bool {
    let vault_key = item_key.split("/backupfabrics/").next().unwrap_or_default();
    inner
        .resources
        .get(vault_key)
        .and_then(|v| {
            v.pointer("/properties/securitySettings/softDeleteSettings/softDeleteState")
                .and_then(Value::as_str)
        })
        .is_some_and(|s| s == "Enabled" || s == "AlwaysON")
}

/// Removes an object; a protected item in a vault with soft delete on is kept, soft-deleted.
pub(super) fn delete_now(inner: &mut Inner, k: &str) {
    if k.contains("/protecteditems/") && soft_delete_on(inner, k) {
        if let Some(item) = inner.resources.get_mut(k) {
            let p = &mut item["properties"];
            p["protectionState"] = json!("ProtectionStopped");
            p["isScheduledForDeferredDelete"] = json!(true);
            p["deferredDeleteTimeInUTC"] = json!("2026-12-07T00:00:00Z");
            if let Some(o) = p.as_object_mut() {
                o.remove("policyId");
                o.remove("policyName");
            }
        }
        return;
    }
    let prefix = format!("{k}/");
    inner
        .resources
        .retain(|other, _| other != k && !other.starts_with(&prefix));
}

/// Advances an operation by one poll: `Some(true)` done, `Some(false)` in progress, `None` unknown.
fn poll(inner: &mut Inner, id: &str) -> Option<bool> {
    let pending = inner.pending.get_mut(id)?;
    if pending.polls_left > 0 {
        pending.polls_left -= 1;
        return Some(false);
    }
    if pending.failure.is_some() {
        return Some(true);
    }
    if let Some(m) = pending.mutation.take() {
        apply(inner, m);
    }
    Some(true)
}

fn failure(inner: &Inner, id: &str) -> Option<(String, String)> {
    inner.pending.get(id).and_then(|p| p.failure.clone())
}

/// A poll of an operation's status URL (`Azure-AsyncOperation`): InProgress, Succeeded or
/// Failed with its error.
pub(super) fn operation_status(inner: &mut Inner, id: &str, path: &str) -> Reply {
    match poll(inner, id) {
        None => Reply::error(404, "NotFound", "no such operation"),
        Some(done) => {
            let mut status = json!({
                "id": path,
                "name": id,
                "status": if done { "Succeeded" } else { "InProgress" },
                "startTime": "2026-11-23T10:00:00Z",
                "endTime": "2026-11-23T10:00:01Z",
            });
            if let (true, Some(properties)) = (
                done,
                inner.pending.get(id).and_then(|p| p.properties.clone()),
            ) {
                status["properties"] = properties;
            }
            if let (true, Some((code, message))) = (done, failure(inner, id)) {
                status["status"] = json!("Failed");
                status["error"] = json!({ "code": code, "message": message });
            }
            Reply::new(200, Some(status))
        }
    }
}

/// A poll of an operation's result URL (`Location`): 202 while it runs, then the resource
/// written (or 204), or the error it failed with.
pub(super) fn operation_result(inner: &mut Inner, id: &str, location: &str) -> Reply {
    match poll(inner, id) {
        None => Reply::error(404, "NotFound", "no such operation"),
        Some(false) => Reply::new(202, None)
            .header("location", location.to_owned())
            .header("retry-after", "0".into()),
        Some(true) if failure(inner, id).is_some() => {
            let (code, message) = failure(inner, id).unwrap_or_default();
            Reply::error(400, &code, &message)
        }
        Some(true) => {
            let key = inner.pending.get(id).and_then(|p| p.result_key.clone());
            match key.and_then(|k| inner.resources.get(&k).cloned()) {
                Some(body) => Reply::new(200, Some(body)),
                None => Reply::new(204, None),
            }
        }
    }
}
