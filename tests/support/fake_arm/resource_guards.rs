//! A vault's Resource Guard association (`.../vaults/{v}/backupResourceGuardProxies/VaultProxy`):
//! `ResourceGuardProxy_Put` / `_Get` / `_Delete`, `ResourceGuardProxies_Get` (the list) and
//! `ResourceGuardProxy_UnlockDelete`. As on Azure, the DELETE is refused until an unlock named the
//! guard's `deleteResourceGuardProxyRequests/default` operation and the proxy.

use serde_json::{json, Value};

use super::server::{key, Inner, Reply, Request};

fn not_found(vault_path: &str) -> Reply {
    Reply::error(
        404,
        "ResourceNotFound",
        &format!("No Resource Guard association on vault {vault_path}."),
    )
}

/// The Resource Guard a stored proxy names.
fn guard_of(proxy: &Value) -> String {
    proxy["properties"]["resourceGuardResourceId"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Every call under `{vault_path}/backupResourceGuardProxies`; `tail` is what follows it
/// (lower-cased).
pub(super) fn resource_guard_proxies(
    inner: &mut Inner,
    request: Request<'_>,
    vault_path: &str,
    tail: &[&str],
) -> Reply {
    if !inner.resources.contains_key(&key(vault_path)) {
        return Reply::error(404, "ResourceNotFound", "The vault was not found.");
    }
    let Request {
        method, path, body, ..
    } = request;
    let proxy_path = format!("{vault_path}/backupResourceGuardProxies/VaultProxy");
    let stored = inner.resources.get(&key(&proxy_path)).cloned();
    match (method, tail) {
        ("GET", []) => Reply::new(
            200,
            Some(json!({ "value": stored.into_iter().collect::<Vec<_>>() })),
        ),
        (_, [name, ..]) if !name.eq_ignore_ascii_case("VaultProxy") => Reply::error(
            400,
            "BMSUserErrorInvalidInput",
            "The Resource Guard proxy of a vault is named VaultProxy.",
        ),
        ("GET", [_]) => stored.map_or_else(|| not_found(vault_path), |p| Reply::new(200, Some(p))),
        ("PUT", [_]) => {
            let guard = body
                .as_ref()
                .and_then(|b| b["properties"]["resourceGuardResourceId"].as_str())
                .unwrap_or_default()
                .to_owned();
            if !guard
                .to_ascii_lowercase()
                .contains("/providers/microsoft.dataprotection/resourceguards/")
            {
                return Reply::error(
                    400,
                    "BMSUserErrorInvalidInput",
                    "properties.resourceGuardResourceId must be a Microsoft.DataProtection/resourceGuards id.",
                );
            }
            let proxy = json!({
                "id": proxy_path,
                "name": "VaultProxy",
                "type": "Microsoft.RecoveryServices/vaults/backupResourceGuardProxies",
                "properties": {
                    "resourceGuardResourceId": guard,
                    "lastUpdatedTime": "2026-12-06T12:00:00Z",
                    "resourceGuardOperationDetails": [{
                        "vaultCriticalOperation": "Microsoft.RecoveryServices/vaults/backupResourceGuardProxies/delete",
                        "defaultResourceRequest": format!("{guard}/deleteResourceGuardProxyRequests/default"),
                    }],
                },
            });
            inner.resources.insert(key(&proxy_path), proxy.clone());
            Reply::new(200, Some(proxy))
        }
        ("POST", [_, "unlockdelete"]) => {
            let Some(proxy) = stored else {
                return not_found(vault_path);
            };
            let wanted = format!(
                "{}/deleteResourceGuardProxyRequests/default",
                guard_of(&proxy)
            );
            let body = body.unwrap_or(Value::Null);
            let names_operation = body["resourceGuardOperationRequests"]
                .as_array()
                .is_some_and(|ops| {
                    ops.iter()
                        .any(|o| o.as_str().is_some_and(|o| o.eq_ignore_ascii_case(&wanted)))
                });
            let names_proxy = body["resourceToBeDeleted"]
                .as_str()
                .is_some_and(|r| key(r) == key(&proxy_path));
            if !names_operation || !names_proxy {
                return Reply::error(
                    400,
                    "BMSUserErrorInvalidInput",
                    "The unlock request must name the guard's deleteResourceGuardProxyRequests/default and the proxy.",
                );
            }
            inner.unlocked_proxies.insert(key(&proxy_path));
            Reply::new(
                200,
                Some(json!({ "unlockDeleteExpiryTime": "2026-12-06T12:10:00Z" })),
            )
        }
        ("DELETE", [_]) => {
            if stored.is_none() {
                return Reply::new(204, None);
            }
            if !inner.unlocked_proxies.remove(&key(&proxy_path)) {
                return Reply::error(
                    400,
                    "UserErrorMUAOperationNotUnlocked",
                    "Removing the Resource Guard association is a critical operation: unlock it first (unlockDelete).",
                );
            }
            inner.resources.remove(&key(path));
            Reply::new(200, None)
        }
        _ => Reply::error(
            405,
            "MethodNotAllowed",
            "backupResourceGuardProxies has no such call",
        ),
    }
}
