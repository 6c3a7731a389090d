//! Resource groups (`Microsoft.Resources` 2024-03-01, `resources.json`): `ResourceGroups_Get`,
//! `_CheckExistence` (HEAD), `_CreateOrUpdate` (201 new, 200 updated) and `_Delete`, always a
//! long-running operation as ARM runs it: 202 with a `Location` at
//! `/subscriptions/{s}/operationresults/{id}`, answering 202 for the configured polls; the group
//! then goes with everything stored under it (a restore's disks).

use serde_json::{json, Value};

use super::operations::{operation_result, start_operation, Mutation};
use super::server::{key, Inner, Reply, Request};

/// The api-version the group operations are served at.
const API_VERSION: &str = "2024-03-01";

/// The body ARM answers for resource group `name` of subscription `subscription`.
pub(super) fn group_body(subscription: &str, name: &str, location: &str, tags: Value) -> Value {
    json!({
        "id": format!("/subscriptions/{subscription}/resourceGroups/{name}"),
        "name": name,
        "type": "Microsoft.Resources/resourceGroups",
        "location": location,
        "tags": tags,
        "properties": { "provisioningState": "Succeeded" },
    })
}

fn not_found(name: &str) -> Reply {
    Reply::error(
        404,
        "ResourceGroupNotFound",
        &format!("Resource group '{name}' could not be found."),
    )
}

/// `/subscriptions/{subscription}/resourcegroups/{name}`.
pub(super) fn resource_group(
    inner: &mut Inner,
    request: Request<'_>,
    subscription: &str,
    name: &str,
) -> Reply {
    let k = key(&format!(
        "/subscriptions/{subscription}/resourceGroups/{name}"
    ));
    let stored = inner.resources.get(&k).cloned();
    match (request.method, stored) {
        ("GET", Some(group)) => Reply::new(200, Some(group)),
        ("HEAD", Some(_)) => Reply::new(204, None),
        ("GET" | "HEAD" | "DELETE", None) => not_found(name),
        ("PUT", stored) => {
            let body = request.body.unwrap_or(Value::Null);
            let Some(location) = body["location"].as_str() else {
                return Reply::error(
                    400,
                    "LocationRequired",
                    "The location property is required for this definition.",
                );
            };
            if let Some(old) = &stored {
                if !old["location"]
                    .as_str()
                    .is_some_and(|l| l.eq_ignore_ascii_case(location))
                {
                    return Reply::error(
                        409,
                        "InvalidResourceGroupLocation",
                        &format!("Invalid resource group location '{location}'. The Resource group already exists in location '{}'.", old["location"].as_str().unwrap_or_default()),
                    );
                }
            }
            let tags = body.get("tags").cloned().unwrap_or_else(|| json!({}));
            let group = group_body(subscription, name, location, tags);
            inner.resources.insert(k, group.clone());
            Reply::new(if stored.is_some() { 200 } else { 201 }, Some(group))
        }
        ("DELETE", Some(mut group)) => {
            group["properties"]["provisioningState"] = json!("Deleting");
            inner.resources.insert(k.clone(), group);
            let id = start_operation(inner, Some(Mutation::Delete { key: k }), None);
            let location = format!(
                "{}/subscriptions/{subscription}/operationresults/{id}?api-version={API_VERSION}",
                request.base
            );
            Reply::new(202, None)
                .header("location", location)
                .header("retry-after", "0".into())
        }
        _ => Reply::error(405, "MethodNotAllowed", "The method is not allowed."),
    }
}

/// `GET /subscriptions/{subscription}/operationresults/{id}`: a group deletion's `Location`.
pub(super) fn group_operation_result(
    inner: &mut Inner,
    base: &str,
    subscription: &str,
    id: &str,
) -> Reply {
    let location = format!(
        "{base}/subscriptions/{subscription}/operationresults/{id}?api-version={API_VERSION}"
    );
    operation_result(inner, id, &location)
}

/// Whether the resource group holding `id` (any resource id inside it) exists.
pub(super) fn group_exists(inner: &Inner, id: &str) -> bool {
    let segs: Vec<&str> = id.trim_matches('/').split('/').collect();
    segs.len() >= 4
        && inner
            .resources
            .contains_key(&key(&format!("/{}", segs[..4].join("/"))))
}
