//! Management locks on a vault (`.../vaults/{v}/providers/Microsoft.Authorization/locks/{name}`,
//! api-version 2020-05-01): synchronous, refused with 404 when the vault does not exist; and the
//! `ScopeLocked` refusal ARM gives when a locked vault is deleted.

use serde_json::{json, Value};

use super::server::{key, Inner, Reply, Request};

/// `PUT`, `GET` and `DELETE` of the lock `name` on the vault `scope`.
pub(super) fn management_locks(
    inner: &mut Inner,
    request: Request<'_>,
    scope: &str,
    name: &str,
) -> Reply {
    let Request {
        method: m,
        path,
        body,
        ..
    } = request;
    if !inner.resources.contains_key(&key(scope)) {
        return Reply::error(404, "ResourceNotFound", "The scope does not exist.");
    }
    let k = key(path);
    match m {
        "PUT" => {
            let props = body
                .as_ref()
                .and_then(|b| b.get("properties"))
                .cloned()
                .unwrap_or(json!({}));
            let stored = json!({
                "id": path,
                "name": name,
                "type": "Microsoft.Authorization/locks",
                "properties": props,
            });
            let status = if inner.resources.contains_key(&k) {
                200
            } else {
                201
            };
            inner.resources.insert(k, stored.clone());
            Reply::new(status, Some(stored))
        }
        "GET" => match inner.resources.get(&k) {
            Some(v) => Reply::new(200, Some(v.clone())),
            None => Reply::error(
                404,
                "LockNotFound",
                &format!("The lock '{name}' could not be found."),
            ),
        },
        "DELETE" => match inner.resources.remove(&k) {
            Some(_) => Reply::new(200, None),
            None => Reply::new(204, None),
        },
        _ => Reply::error(405, "MethodNotAllowed", "locks has no such method"),
    }
}

/// The `409 ScopeLocked` ARM answers when `vault` (a vault id) carries a `CanNotDelete` or
/// `ReadOnly` lock, `None` when it carries none.
pub(super) fn scope_locked(inner: &Inner, vault: &str) -> Option<Reply> {
    let prefix = format!("{}/providers/microsoft.authorization/locks/", key(vault));
    let locked = inner.resources.iter().any(|(k, v)| {
        k.starts_with(&prefix)
            && v.pointer("/properties/level")
                .and_then(Value::as_str)
                .is_some_and(|l| l == "CanNotDelete" || l == "ReadOnly")
    });
    locked.then(|| {
        Reply::error(
            409,
            "ScopeLocked",
            &format!(
                "The scope '{vault}' cannot perform delete operation because following scope(s) are locked: \
                 '{vault}'. Please remove the lock and try again."
            ),
        )
    })
}
