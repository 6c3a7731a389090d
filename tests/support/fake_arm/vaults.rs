//! Recovery Services vaults (`.../Microsoft.RecoveryServices/vaults/{vault}`) and the routes
//! below them: each vault-level operation here, policies and protected items handed on to their
//! route families, the operation status and result URLs to [`super::operations`].

use serde_json::{json, Map, Value};

use super::backup_jobs::{list_jobs, trigger_backup};
use super::operations::{
    operation_result, operation_status, start_operation, write, Mutation, PollUrls,
};
use super::policies::policies;
use super::protected_items::protected_items;
use super::restores::{recovery_points, trigger_restore};
use super::server::{key, Inner, Reply, Request};

/// A request at or below the vault `vault` (at `vault_path`); `tail` is the lower-cased path
/// below it.
pub(super) fn vaults(
    inner: &mut Inner,
    request: Request<'_>,
    vault_path: &str,
    vault: &str,
    tail: &[&str],
) -> Reply {
    let Request {
        base,
        method: m,
        path,
        body,
    } = request;
    let vk = key(vault_path);
    let vault_exists = inner.resources.contains_key(&vk);
    let abs = |p: &str, api: &str| format!("{base}{p}?api-version={api}");
    match (m, tail) {
        ("GET", []) => match inner.resources.get(&vk) {
            Some(v) => Reply::new(200, Some(v.clone())),
            None => Reply::error(
                404,
                "ResourceNotFound",
                &format!("The Resource 'Microsoft.RecoveryServices/vaults/{vault}' was not found."),
            ),
        },
        ("PUT", []) => {
            let stored = vault_body(
                vault_path,
                vault,
                body.unwrap_or(Value::Null),
                inner.resources.get(&vk),
            );
            if vault_exists {
                inner.resources.insert(vk, stored.clone());
                return Reply::new(200, Some(stored));
            }
            if inner.async_polls == 0 {
                inner.resources.insert(vk, stored.clone());
                return Reply::new(201, Some(stored));
            }
            let id = start_operation(
                inner,
                Some(Mutation::Put {
                    key: vk.clone(),
                    body: stored.clone(),
                }),
                Some(vk),
            );
            let mut creating = stored;
            creating["properties"]["provisioningState"] = json!("Creating");
            Reply::new(201, Some(creating))
                .header(
                    "location",
                    abs(&format!("{vault_path}/operationResults/{id}"), "2026-11-01"),
                )
                .header("retry-after", "0".into())
        }
        ("PATCH", []) => {
            let Some(existing) = inner.resources.get(&vk).cloned() else {
                return Reply::error(
                    404,
                    "ResourceNotFound",
                    &format!(
                        "The Resource 'Microsoft.RecoveryServices/vaults/{vault}' was not found."
                    ),
                );
            };
            let patch = body.unwrap_or(Value::Null);
            let soft_at = "/properties/securitySettings/softDeleteSettings/softDeleteState";
            let wanted = patch.pointer(soft_at).and_then(Value::as_str);
            if existing.pointer(soft_at).and_then(Value::as_str) == Some("AlwaysON")
                && wanted.is_some_and(|w| w != "AlwaysON")
            {
                // The fake's own code: Azure refuses to turn AlwaysON soft delete off.
                return Reply::error(
                    400,
                    "FakeUserErrorSoftDeleteAlwaysOn",
                    "Soft delete is AlwaysON for this vault and cannot be disabled.",
                );
            }
            // A PATCH keeps what it does not name: merge it into the stored vault.
            let request = json!({
                "location": existing["location"],
                "tags": patch.get("tags").unwrap_or(&existing["tags"]),
                "properties": patch.get("properties").cloned().unwrap_or(json!({})),
            });
            let stored = vault_body(vault_path, vault, request, Some(&existing));
            let done = Reply::new(200, Some(stored.clone()));
            let patch = Mutation::Put {
                key: vk,
                body: stored,
            };
            write(inner, base, patch, done, poll_urls(vault_path))
        }
        ("DELETE", []) => {
            if !vault_exists {
                return Reply::new(204, None);
            }
            let prefix = format!("{vk}/");
            if inner
                .resources
                .keys()
                .any(|k| k.starts_with(&prefix) && k.contains("/protecteditems/"))
            {
                return Reply::error(
                    400,
                    "ServiceResourceNotEmpty",
                    "Recovery Services vault cannot be deleted as there are existing resources within the vault. Please delete any replicated items, registered servers, Hyper-V sites, protected items and soft-deleted items, and try again.",
                );
            }
            let done = Reply::new(204, None);
            write(
                inner,
                base,
                Mutation::Delete { key: vk },
                done,
                poll_urls(vault_path),
            )
        }
        ("GET", ["operationstatus", id]) => operation_status(inner, id, path),
        ("GET", ["operationresults", id]) => operation_result(inner, id, path),
        _ if !vault_exists => Reply::error(
            404,
            "ResourceNotFound",
            &format!("The Resource 'Microsoft.RecoveryServices/vaults/{vault}' was not found."),
        ),
        (_, ["backuppolicies", name]) => policies(
            inner,
            Request {
                base,
                method: m,
                path,
                body,
            },
            name,
        ),
        ("GET", ["backuppolicies", _, "operations", id]) => operation_status(inner, id, path),
        ("GET", ["backuppolicies", _, "operationresults", id]) => operation_result(inner, id, path),
        (_, ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _]) => {
            protected_items(
                inner,
                Request {
                    base,
                    method: m,
                    path,
                    body,
                },
                vault_path,
            )
        }
        (
            "GET",
            ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _, "operationsstatus", id],
        ) => operation_status(inner, id, path),
        (
            "GET",
            ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _, "operationresults", id],
        ) => operation_result(inner, id, path),
        (
            "GET",
            ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _, "recoverypoints"],
        ) => {
            let cut = path
                .to_ascii_lowercase()
                .rfind("/recoverypoints")
                .unwrap_or(path.len());
            recovery_points(inner, &path[..cut])
        }
        (
            "POST",
            ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _, "recoverypoints", _, "restore"],
        ) => {
            let cut = path
                .to_ascii_lowercase()
                .rfind("/recoverypoints/")
                .unwrap_or(0);
            let item_path = &path[..cut];
            let request = Request {
                base,
                method: m,
                path,
                body,
            };
            trigger_restore(inner, request, vault_path, item_path)
        }
        (
            "POST",
            ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _, "backup"],
        ) => {
            let item_path = &path[..path.len() - "/backup".len()];
            let request = Request {
                base,
                method: m,
                path,
                body,
            };
            trigger_backup(inner, request, vault_path, item_path)
        }
        ("GET", ["backupjobs"]) => list_jobs(inner, vault_path),
        ("GET", ["backupjobs", _]) => super::backup_jobs::job(inner, path),
        ("GET", ["backupoperations", id]) => operation_status(inner, id, path),
        ("GET", ["backupoperationresults", id]) => operation_result(inner, id, path),
        ("GET", ["backupprotecteditems"]) => {
            let prefix = format!("{vk}/");
            let value: Vec<Value> = inner
                .resources
                .iter()
                .filter(|(k, _)| k.starts_with(&prefix) && k.contains("/protecteditems/"))
                .map(|(_, v)| v.clone())
                .collect();
            Reply::new(200, Some(json!({ "value": value })))
        }
        _ => Reply::error(404, "NotFound", "no such route"),
    }
}

fn normalize_location(l: &str) -> String {
    l.to_ascii_lowercase().replace(' ', "")
}

/// The vault ARM keeps for a PUT body: Azure's defaults filled in, read-only fields added.
fn vault_body(vault_path: &str, name: &str, request: Value, existing: Option<&Value>) -> Value {
    let props = request.get("properties").cloned().unwrap_or(json!({}));
    let mut redundancy = existing
        .and_then(|e| e.pointer("/properties/redundancySettings").cloned())
        .unwrap_or(json!({ "standardTierStorageRedundancy": "GeoRedundant", "crossRegionRestore": "Disabled" }));
    for (k, v) in props
        .get("redundancySettings")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        redundancy[k] = v.clone();
    }
    let mut soft = existing
        .and_then(|e| e.pointer("/properties/securitySettings/softDeleteSettings").cloned())
        .unwrap_or(json!({ "softDeleteState": "Enabled", "softDeleteRetentionPeriodInDays": 14, "enhancedSecurityState": "Enabled" }));
    for (k, v) in props
        .pointer("/securitySettings/softDeleteSettings")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        soft[k] = v.clone();
    }
    let mut security = Map::new();
    security.insert("softDeleteSettings".into(), soft);
    if let Some(imm) = props
        .pointer("/securitySettings/immutabilitySettings")
        .or_else(|| {
            existing.and_then(|e| e.pointer("/properties/securitySettings/immutabilitySettings"))
        })
    {
        security.insert("immutabilitySettings".into(), imm.clone());
    }
    // Monitoring settings are kept unless named, merged a level deep like the rest.
    let mut monitoring = existing
        .and_then(|e| e.pointer("/properties/monitoringSettings").cloned())
        .unwrap_or(json!({}));
    for (k, v) in props
        .get("monitoringSettings")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        monitoring[k] = v.clone();
    }
    let mut body = json!({
        "id": vault_path,
        "name": name,
        "type": "Microsoft.RecoveryServices/vaults",
        "location": normalize_location(request.get("location").and_then(Value::as_str).unwrap_or_default()),
        "tags": request.get("tags").cloned().unwrap_or(json!({})),
        "sku": { "name": "RS0", "tier": "Standard" },
        "properties": {
            "provisioningState": "Succeeded",
            "redundancySettings": redundancy,
            "securitySettings": security,
        },
    });
    if monitoring.as_object().is_some_and(|m| !m.is_empty()) {
        body["properties"]["monitoringSettings"] = monitoring;
    }
    // A customer-managed key and the identity reading it are kept unless named (issue 16).
    let kept = |pointer: &str| existing.and_then(|e| e.pointer(pointer)).cloned();
    if let Some(encryption) = props
        .get("encryption")
        .cloned()
        .or_else(|| kept("/properties/encryption"))
    {
        body["properties"]["encryption"] = encryption;
    }
    if let Some(mut identity) = request
        .get("identity")
        .cloned()
        .or_else(|| kept("/identity"))
    {
        // ARM fills in the system-assigned identity's principal and tenant.
        if identity["type"]
            .as_str()
            .is_some_and(|t| t.contains("SystemAssigned"))
        {
            identity["principalId"] = json!("22222222-2222-2222-2222-222222222222");
            identity["tenantId"] = json!(super::server::TENANT);
        }
        body["identity"] = identity;
    }
    body
}

/// A vault's own operations (PATCH, DELETE) are polled under the vault.
fn poll_urls(vault_path: &str) -> PollUrls<'_> {
    PollUrls {
        prefix: vault_path,
        status: "operationStatus",
        result: "operationResults",
    }
}
