//! Extension resources on a vault (issue 18): role assignments
//! (`.../vaults/{v}/providers/Microsoft.Authorization/roleAssignments[/{name}]`) and diagnostic
//! settings (`.../vaults/{v}/providers/Microsoft.Insights/diagnosticSettings/{name}`), both
//! synchronous and refused with 404 when the vault does not exist; and the alert processing rules
//! routing a vault's alerts (`.../resourceGroups/{rg}/providers/Microsoft.AlertsManagement/actionRules/{name}`).

use serde_json::{json, Value};

use super::server::{key, Inner, Reply, Request};

/// `GET` (list), or `PUT`/`GET`/`DELETE` of one role assignment at the vault `scope`.
pub(super) fn role_assignments(
    inner: &mut Inner,
    request: Request<'_>,
    scope: &str,
    name: Option<&str>,
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
    let Some(name) = name else {
        let prefix = format!(
            "{}/providers/microsoft.authorization/roleassignments/",
            key(scope)
        );
        let value: Vec<Value> = inner
            .resources
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(_, v)| v.clone())
            .collect();
        return Reply::new(200, Some(json!({ "value": value })));
    };
    let k = key(path);
    match m {
        "PUT" => {
            let props = body
                .as_ref()
                .and_then(|b| b.get("properties"))
                .cloned()
                .unwrap_or(json!({}));
            // ARM refuses a second assignment of one role to one principal at one scope.
            let duplicate = inner.resources.iter().any(|(other, v)| {
                *other != k
                    && other.contains("/providers/microsoft.authorization/roleassignments/")
                    && v.pointer("/properties/scope")
                        .and_then(Value::as_str)
                        .map(key)
                        == Some(key(scope))
                    && v.pointer("/properties/roleDefinitionId") == props.get("roleDefinitionId")
                    && v.pointer("/properties/principalId") == props.get("principalId")
            });
            if duplicate {
                return Reply::error(
                    409,
                    "RoleAssignmentExists",
                    "The role assignment already exists.",
                );
            }
            let stored = json!({
                "id": path,
                "name": name,
                "type": "Microsoft.Authorization/roleAssignments",
                "properties": {
                    "scope": scope,
                    "roleDefinitionId": props["roleDefinitionId"],
                    "principalId": props["principalId"],
                },
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
                "RoleAssignmentNotFound",
                "The role assignment does not exist.",
            ),
        },
        "DELETE" => match inner.resources.remove(&k) {
            Some(v) => Reply::new(200, Some(v)),
            None => Reply::new(204, None),
        },
        _ => Reply::error(
            405,
            "MethodNotAllowed",
            "roleAssignments has no such method",
        ),
    }
}

/// `PUT`, `GET` and `DELETE` of the diagnostic setting `name` on the vault `scope`.
pub(super) fn diagnostic_settings(
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
        return Reply::error(404, "ResourceNotFound", "The resource does not exist.");
    }
    let k = key(path);
    match m {
        "PUT" => {
            let stored = json!({
                "id": path,
                "name": name,
                "type": "Microsoft.Insights/diagnosticSettings",
                "properties": body.as_ref().and_then(|b| b.get("properties")).cloned().unwrap_or(json!({})),
            });
            inner.resources.insert(k, stored.clone());
            Reply::new(200, Some(stored))
        }
        "GET" => match inner.resources.get(&k) {
            Some(v) => Reply::new(200, Some(v.clone())),
            // Microsoft.Insights answers its own error shape: `code` and `message` at the top.
            None => Reply::new(
                404,
                Some(json!({
                    "code": "ResourceNotFound",
                    "message": "The diagnostic setting does not exist.",
                })),
            ),
        },
        "DELETE" => match inner.resources.remove(&k) {
            Some(_) => Reply::new(200, None),
            None => Reply::new(204, None),
        },
        _ => Reply::error(
            405,
            "MethodNotAllowed",
            "diagnosticSettings has no such method",
        ),
    }
}

/// `PUT`, `GET` and `DELETE` of the alert processing rule `name` (a resource group resource).
pub(super) fn alert_processing_rules(inner: &mut Inner, request: Request<'_>, name: &str) -> Reply {
    let Request {
        method: m,
        path,
        body,
        ..
    } = request;
    let k = key(path);
    match m {
        "PUT" => {
            let body = body.unwrap_or(json!({}));
            let stored = json!({
                "id": path,
                "name": name,
                "type": "Microsoft.AlertsManagement/actionRules",
                "location": body["location"],
                "properties": body["properties"],
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
                "ResourceNotFound",
                "The alert processing rule does not exist.",
            ),
        },
        "DELETE" => match inner.resources.remove(&k) {
            Some(_) => Reply::new(200, None),
            None => Reply::new(204, None),
        },
        _ => Reply::error(405, "MethodNotAllowed", "actionRules has no such method"),
    }
}
