//! App Service backup configuration (`Microsoft.Web/sites/{site}/config/backup`), for the apps
//! [`FakeArm::add_site`](super::server::FakeArm::add_site) made exist.

use serde_json::{json, Value};

use super::server::{key, Inner, Reply, Request};

/// `PUT` and `DELETE` of the backup configuration of the app `site`.
pub(super) fn site_backup(inner: &mut Inner, request: Request<'_>, site: &str) -> Reply {
    let Request {
        method: m,
        path,
        body,
        ..
    } = request;
    let site_path = path.trim_end_matches("/config/backup");
    if !inner.sites.contains(&key(site_path)) {
        return Reply::error(
            404,
            "ResourceNotFound",
            &format!("The Resource 'Microsoft.Web/sites/{site}' was not found."),
        );
    }
    match m {
        "PUT" => {
            let mut stored = body.unwrap_or(Value::Null);
            stored["id"] = json!(path);
            stored["name"] = json!("backup");
            stored["type"] = json!("Microsoft.Web/sites/config");
            inner.resources.insert(key(path), stored.clone());
            Reply::new(200, Some(stored))
        }
        "DELETE" => {
            inner.resources.remove(&key(path));
            Reply::new(200, None)
        }
        _ => Reply::error(405, "MethodNotAllowed", "config/backup has no such method"),
    }
}

/// `POST .../config/backup/list`: the stored configuration, secrets included (as ARM answers).
pub(super) fn site_backup_list(inner: &Inner, path: &str) -> Reply {
    let cfg = path.trim_end_matches("/list");
    match inner.resources.get(&key(cfg)) {
        Some(v) => Reply::new(200, Some(v.clone())),
        None => Reply::error(404, "NotFound", "Backup configuration not found for site."),
    }
}
