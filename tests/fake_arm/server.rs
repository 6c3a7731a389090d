//! The fake Azure Resource Manager: loopback HTTP, stateful for Recovery Services vaults, backup
//! policies, protected VMs and App Service backup configuration, with real long-running
//! operations, throttling and injected errors on demand, and a Microsoft Entra token endpoint.
//! Every request and response with a spec is validated (see [`super::validator`]).

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Map, Value};

use super::validator::{Record, Validator};

/// The subscription the fake serves.
pub const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000001";
/// The tenant the token endpoint serves.
pub const TENANT: &str = "11111111-1111-1111-1111-111111111111";
/// The application id the token endpoint accepts.
pub const CLIENT_ID: &str = "22222222-2222-2222-2222-222222222222";
/// The client secret the token endpoint accepts.
pub const CLIENT_SECRET: &str = "s3cr3t-client-value-never-logged";
/// The federated (OIDC) token the token endpoint accepts as a client assertion.
pub const FEDERATED_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.federated-token-for-tests.sig";

/// A token request the endpoint received (the secret itself is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRequest {
    /// `client_secret` or `client_assertion`.
    pub flow: &'static str,
    /// The scope asked for.
    pub scope: String,
    /// Whether the credentials were right.
    pub accepted: bool,
}

/// A one-shot error to answer instead of the normal response.
#[derive(Debug, Clone)]
struct Injected {
    method: Method,
    path_fragment: String,
    status: u16,
    code: String,
    message: String,
}

enum Mutation {
    Put { key: String, body: Value },
    Delete { key: String },
}

struct Pending {
    polls_left: usize,
    mutation: Option<Mutation>,
    /// The resource whose body the operation result returns.
    result_key: Option<String>,
    /// The operation ends Failed with this `(code, message)` instead of applying its change.
    failure: Option<(String, String)>,
}

#[derive(Default)]
struct Inner {
    /// Resources by lower-cased path: vaults, policies, protected items, site backup configs.
    resources: BTreeMap<String, Value>,
    vms: HashSet<String>,
    sites: HashSet<String>,
    tokens: HashSet<String>,
    token_requests: Vec<TokenRequest>,
    async_polls: usize,
    throttle: usize,
    throttle_retry_after: u64,
    injected: Vec<Injected>,
    pending: BTreeMap<String, Pending>,
    fail_operation: Option<(String, String)>,
    next_id: u64,
    calls: Vec<(String, String, u16)>,
}

struct Shared {
    validator: Validator,
    inner: Mutex<Inner>,
    base: String,
}

/// A running fake ARM server; stops when dropped.
pub struct FakeArm {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeArm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn key(path: &str) -> String {
    path.trim_end_matches('/').to_ascii_lowercase()
}

fn error_body(code: &str, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}

/// A response under construction.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
}

impl Reply {
    fn new(status: u16, body: Option<Value>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }
    fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::new(status, Some(error_body(code, message)))
    }
    fn header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

impl FakeArm {
    /// Starts the server on a free loopback port.
    pub async fn start() -> FakeArm {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = Arc::new(Shared {
            validator: Validator::load_default(),
            inner: Mutex::new(Inner {
                throttle_retry_after: 1,
                ..Inner::default()
            }),
            base,
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeArm { shared, task }
    }

    /// `http://127.0.0.1:{port}`: Resource Manager and the authority host at once.
    pub fn url(&self) -> &str {
        &self.shared.base
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap()
    }

    /// Makes `GET {vm_id}` answer (the VM "exists").
    pub fn add_vm(&self, vm_id: &str) {
        self.inner().vms.insert(key(vm_id));
    }

    /// Makes an App Service app exist.
    pub fn add_site(&self, site_id: &str) {
        self.inner().sites.insert(key(site_id));
    }

    /// From now on, long-running operations answer 201/202 and finish after `polls` polls.
    pub fn set_async_polls(&self, polls: usize) {
        self.inner().async_polls = polls;
    }

    /// The next `count` ARM requests answer 429 with `Retry-After: {retry_after}`.
    pub fn throttle(&self, count: usize, retry_after: u64) {
        let mut inner = self.inner();
        inner.throttle = count;
        inner.throttle_retry_after = retry_after;
    }

    /// The next `method` request whose path contains `path_fragment` answers this error.
    pub fn fail_next(
        &self,
        method: Method,
        path_fragment: &str,
        status: u16,
        code: &str,
        message: &str,
    ) {
        self.inner().injected.push(Injected {
            method,
            path_fragment: path_fragment.to_ascii_lowercase(),
            status,
            code: code.into(),
            message: message.into(),
        });
    }

    /// The next long-running operation ends `Failed` with this ARM error (nothing changes).
    pub fn fail_next_operation(&self, code: &str, message: &str) {
        self.inner().fail_operation = Some((code.into(), message.into()));
    }

    /// Token requests so far.
    pub fn token_requests(&self) -> Vec<TokenRequest> {
        self.inner().token_requests.clone()
    }

    /// Calls so far: (method, path, status).
    pub fn calls(&self) -> Vec<(String, String, u16)> {
        self.inner().calls.clone()
    }

    /// The stored body at an ARM path (what the fake "has"), e.g. to check what was sent.
    pub fn stored(&self, path: &str) -> Option<Value> {
        self.inner().resources.get(&key(path)).cloned()
    }

    /// Deletes an object out of band.
    pub fn remove(&self, path: &str) {
        self.inner().resources.remove(&key(path));
    }

    /// Paths of every stored object (to check nothing is left behind).
    pub fn stored_paths(&self) -> Vec<String> {
        self.inner().resources.keys().cloned().collect()
    }

    /// The validation record so far.
    pub fn record(&self) -> (usize, usize, Vec<String>) {
        let r = self.shared.validator.record.lock().unwrap();
        (
            r.validated_requests,
            r.validated_responses,
            r.mismatches.clone(),
        )
    }

    /// Panics unless requests were validated and none mismatched the specs.
    pub fn assert_valid(&self) {
        let r: std::sync::MutexGuard<'_, Record> = self.shared.validator.record.lock().unwrap();
        assert!(
            r.mismatches.is_empty(),
            "calls that do not match the Azure specs:\n{}",
            r.mismatches.join("\n")
        );
        assert!(
            r.validated_requests > 0,
            "no request was validated against the specs"
        );
        assert_eq!(
            r.validated_requests, r.validated_responses,
            "every validated request has a validated response"
        );
    }
}

async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let query: BTreeMap<String, String> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .into_owned()
            .collect();
    if method == Method::POST && path.ends_with("/oauth2/v2.0/token") {
        return token(&shared, &path, &body);
    }
    let parsed: Option<Value> = if body.is_empty() {
        None
    } else {
        match serde_json::from_slice(&body) {
            Ok(v) => Some(v),
            Err(e) => {
                shared
                    .validator
                    .record
                    .lock()
                    .unwrap()
                    .mismatches
                    .push(format!("{method} {path}: request body is not JSON: {e}"));
                None
            }
        }
    };
    let op = shared.validator.request(
        method.as_str(),
        &path,
        query.get("api-version").map(String::as_str),
        parsed.as_ref(),
    );
    let reply = {
        let mut inner = shared.inner.lock().unwrap();
        let bearer = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !bearer.is_some_and(|t| inner.tokens.contains(t)) {
            Reply::error(
                401,
                "AuthenticationFailed",
                "Authentication failed. The 'Authorization' header is missing or invalid.",
            )
        } else if inner.throttle > 0 {
            inner.throttle -= 1;
            let after = inner.throttle_retry_after;
            Reply::error(429, "TooManyRequests", "The request is being throttled.")
                .header("retry-after", after.to_string())
        } else if let Some(i) = inner
            .injected
            .iter()
            .position(|e| e.method == method && key(&path).contains(&e.path_fragment))
        {
            let e = inner.injected.remove(i);
            Reply::error(e.status, &e.code, &e.message)
        } else {
            route(&shared.base, &mut inner, &method, &path, parsed)
        }
    };
    if let Some(op) = &op {
        shared
            .validator
            .response(op, &path, reply.status, reply.body.as_ref());
    }
    let mut inner = shared.inner.lock().unwrap();
    inner.next_id += 1;
    let request_id = format!("req-{:08}", inner.next_id);
    inner
        .calls
        .push((method.to_string(), path.clone(), reply.status));
    drop(inner);
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap())
        .header("x-ms-request-id", &request_id)
        .header("x-ms-correlation-request-id", format!("corr-{request_id}"));
    for (name, value) in reply.headers {
        builder = builder.header(name, value);
    }
    match reply.body {
        Some(b) => builder
            .header("content-type", "application/json")
            .body(Body::from(b.to_string()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

fn token(shared: &Shared, path: &str, body: &[u8]) -> Response {
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| form.get(k).map(String::as_str).unwrap_or_default();
    let tenant_ok = path.trim_start_matches('/').starts_with(TENANT);
    let common = tenant_ok
        && get("grant_type") == "client_credentials"
        && get("client_id") == CLIENT_ID
        && get("scope").ends_with("/.default");
    let (flow, accepted) = if form.contains_key("client_secret") {
        (
            "client_secret",
            common && get("client_secret") == CLIENT_SECRET,
        )
    } else {
        (
            "client_assertion",
            common
                && get("client_assertion_type")
                    == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
                && get("client_assertion") == FEDERATED_TOKEN,
        )
    };
    let mut inner = shared.inner.lock().unwrap();
    inner.token_requests.push(TokenRequest {
        flow,
        scope: get("scope").to_owned(),
        accepted,
    });
    let (status, body) = if accepted {
        inner.next_id += 1;
        let token = format!("fake-access-token-{}", inner.next_id);
        inner.tokens.insert(token.clone());
        (
            200,
            json!({ "token_type": "Bearer", "expires_in": 3599, "access_token": token }),
        )
    } else {
        (
            401,
            json!({ "error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided." }),
        )
    };
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// Path segments after `/subscriptions/{s}/resourceGroups/{rg}/providers/`.
fn route(base: &str, inner: &mut Inner, method: &Method, path: &str, body: Option<Value>) -> Reply {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if segs.len() < 6
        || !segs[0].eq_ignore_ascii_case("subscriptions")
        || !segs[4].eq_ignore_ascii_case("providers")
    {
        return Reply::error(404, "NotFound", "no such route");
    }
    let rest: Vec<String> = segs[5..].iter().map(|s| s.to_ascii_lowercase()).collect();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let m = method.as_str();
    match rest.as_slice() {
        ["microsoft.compute", "virtualmachines", _] if m == "GET" => {
            if inner.vms.contains(&key(path)) {
                Reply::new(
                    200,
                    Some(
                        json!({ "id": path, "name": segs[7], "type": "Microsoft.Compute/virtualMachines", "location": "westeurope" }),
                    ),
                )
            } else {
                Reply::error(404, "ResourceNotFound", &format!("The Resource 'Microsoft.Compute/virtualMachines/{}' under resource group '{}' was not found.", segs[7], segs[3]))
            }
        }
        ["microsoft.web", "sites", _, "config", "backup"] => {
            site_backup(inner, m, path, segs[7], body)
        }
        ["microsoft.web", "sites", _, "config", "backup", "list"] if m == "POST" => {
            let cfg = path.trim_end_matches("/list");
            match inner.resources.get(&key(cfg)) {
                Some(v) => Reply::new(200, Some(v.clone())),
                None => Reply::error(404, "NotFound", "Backup configuration not found for site."),
            }
        }
        ["microsoft.recoveryservices", "vaults", _, tail @ ..] => {
            let vault_path = segs[..8].join("/");
            let vault_path = format!("/{vault_path}");
            vaults(base, inner, m, path, &vault_path, segs[7], tail, body)
        }
        _ => Reply::error(404, "NotFound", "no such route"),
    }
}

fn site_backup(inner: &mut Inner, m: &str, path: &str, site: &str, body: Option<Value>) -> Reply {
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

fn new_op(inner: &mut Inner, mutation: Option<Mutation>, result_key: Option<String>) -> String {
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
        },
    );
    id
}

fn apply(inner: &mut Inner, mutation: Mutation) {
    match mutation {
        Mutation::Put { key, body } => {
            inner.resources.insert(key, body);
        }
        Mutation::Delete { key } => delete_now(inner, &key),
    }
}

/// The 202 of a vault operation ARM runs in the background: both status URLs to follow.
fn vault_operation_accepted(base: &str, vault_path: &str, id: &str) -> Reply {
    let url = |p: &str| format!("{base}{vault_path}/{p}/{id}?api-version=2026-11-01");
    Reply::new(202, None)
        .header("azure-asyncoperation", url("operationStatus"))
        .header("location", url("operationResults"))
        .header("retry-after", "0".into())
}

/// Whether the vault holding the protected item `item_key` has soft delete on.
fn soft_delete_on(inner: &Inner, item_key: &str) -> bool {
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
fn delete_now(inner: &mut Inner, k: &str) {
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

fn operation_status(inner: &mut Inner, id: &str, path: &str) -> Reply {
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
            if let (true, Some((code, message))) = (done, failure(inner, id)) {
                status["status"] = json!("Failed");
                status["error"] = json!({ "code": code, "message": message });
            }
            Reply::new(200, Some(status))
        }
    }
}

fn operation_result(inner: &mut Inner, id: &str, location: &str) -> Reply {
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

/// Fills the read-only parts of a policy: how many items use it.
fn with_count(inner: &Inner, policy_key: &str, mut body: Value) -> Value {
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

#[allow(clippy::too_many_arguments)]
fn vaults(
    base: &str,
    inner: &mut Inner,
    m: &str,
    path: &str,
    vault_path: &str,
    vault: &str,
    tail: &[&str],
    body: Option<Value>,
) -> Reply {
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
            let id = new_op(
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
            if inner.async_polls == 0 {
                inner.resources.insert(vk, stored.clone());
                return Reply::new(200, Some(stored));
            }
            let id = new_op(
                inner,
                Some(Mutation::Put {
                    key: vk.clone(),
                    body: stored,
                }),
                Some(vk),
            );
            vault_operation_accepted(base, vault_path, &id)
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
            if inner.async_polls == 0 {
                delete_now(inner, &vk);
                return Reply::new(204, None);
            }
            let id = new_op(inner, Some(Mutation::Delete { key: vk }), None);
            vault_operation_accepted(base, vault_path, &id)
        }
        ("GET", ["operationstatus", id]) => operation_status(inner, id, path),
        ("GET", ["operationresults", id]) => operation_result(inner, id, path),
        _ if !vault_exists => Reply::error(
            404,
            "ResourceNotFound",
            &format!("The Resource 'Microsoft.RecoveryServices/vaults/{vault}' was not found."),
        ),
        (_, ["backuppolicies", name]) => policies(base, inner, m, path, name, body),
        ("GET", ["backuppolicies", _, "operations", id]) => operation_status(inner, id, path),
        ("GET", ["backuppolicies", _, "operationresults", id]) => operation_result(inner, id, path),
        (_, ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _]) => {
            items(base, inner, m, path, vault_path, body)
        }
        (
            "GET",
            ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _, "operationsstatus", id],
        ) => operation_status(inner, id, path),
        (
            "GET",
            ["backupfabrics", "azure", "protectioncontainers", _, "protecteditems", _, "operationresults", id],
        ) => operation_result(inner, id, path),
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
    json!({
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
    })
}

fn policies(
    base: &str,
    inner: &mut Inner,
    m: &str,
    path: &str,
    name: &str,
    body: Option<Value>,
) -> Reply {
    let k = key(path);
    let abs = |p: String| format!("{base}{p}?api-version=2026-11-01");
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
            if inner.async_polls == 0 {
                inner.resources.insert(k.clone(), stored.clone());
                return Reply::new(200, Some(with_count(inner, &k, stored)));
            }
            let id = new_op(
                inner,
                Some(Mutation::Put {
                    key: k.clone(),
                    body: stored,
                }),
                Some(k),
            );
            Reply::new(202, None)
                .header(
                    "azure-asyncoperation",
                    abs(format!("{path}/operations/{id}")),
                )
                .header("location", abs(format!("{path}/operationResults/{id}")))
                .header("retry-after", "0".into())
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
            if inner.async_polls == 0 {
                delete_now(inner, &k);
                return Reply::new(200, None);
            }
            let id = new_op(inner, Some(Mutation::Delete { key: k }), None);
            Reply::new(202, None)
                .header(
                    "azure-asyncoperation",
                    abs(format!("{path}/operations/{id}")),
                )
                .header("location", abs(format!("{path}/operationResults/{id}")))
                .header("retry-after", "0".into())
        }
        _ => Reply::error(405, "MethodNotAllowed", "no such method"),
    }
}

fn items(
    base: &str,
    inner: &mut Inner,
    m: &str,
    path: &str,
    vault_path: &str,
    body: Option<Value>,
) -> Reply {
    let k = key(path);
    let abs = |p: String| format!("{base}{p}?api-version=2026-11-01");
    match m {
        "GET" => match inner.resources.get(&k) {
            Some(v) => Reply::new(200, Some(v.clone())),
            None => Reply::error(
                404,
                "BMSUserErrorProtectedItemNotFound",
                "Protected item not found",
            ),
        },
        "PUT" => {
            let request = body.unwrap_or(Value::Null);
            let p = &request["properties"];
            let soft_deleted = inner
                .resources
                .get(&k)
                .and_then(|v| v.pointer("/properties/isScheduledForDeferredDelete"))
                .and_then(Value::as_bool)
                == Some(true);
            if soft_deleted {
                if p["isRehydrate"].as_bool() != Some(true) {
                    // The fake's own code: real Azure answers some BMS user error here.
                    return Reply::error(
                        400,
                        "FakeUserErrorItemSoftDeleted",
                        "The item is soft-deleted; undelete it first (isRehydrate).",
                    );
                }
                let mut item = inner.resources[&k].clone();
                let props = &mut item["properties"];
                props["isScheduledForDeferredDelete"] = json!(false);
                props["protectionState"] = json!("ProtectionPaused");
                if let Some(o) = props.as_object_mut() {
                    o.remove("deferredDeleteTimeInUTC");
                }
                inner.resources.insert(k, item.clone());
                return Reply::new(200, Some(item));
            }
            let vm = p["sourceResourceId"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let policy = p["policyId"].as_str().unwrap_or_default().to_owned();
            if !inner.vms.contains(&key(&vm)) {
                return Reply::error(
                    400,
                    "UserErrorVmNotFound",
                    "The virtual machine was not found.",
                );
            }
            if !inner.resources.contains_key(&key(&policy)) {
                return Reply::error(
                    400,
                    "BMSUserErrorPolicyNotFound",
                    "The backup policy was not found.",
                );
            }
            let segs: Vec<&str> = path.rsplit('/').collect();
            let (item_name, container) = (segs[0], segs[2]);
            let vm_name = vm.rsplit('/').next().unwrap_or_default();
            let stored = json!({
                "id": path,
                "name": item_name,
                "type": "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems",
                "properties": {
                    "protectedItemType": "Microsoft.Compute/virtualMachines",
                    "backupManagementType": "AzureIaasVM",
                    "workloadType": "VM",
                    "containerName": container.split_once(';').map(|(_, r)| r).unwrap_or(container),
                    "sourceResourceId": vm,
                    "virtualMachineId": vm,
                    "friendlyName": vm_name,
                    "policyId": policy,
                    "protectionState": "IRPending",
                    "protectionStatus": "Healthy",
                    "healthStatus": "Passed",
                    "isScheduledForDeferredDelete": false,
                },
            });
            if inner.async_polls == 0 {
                inner.resources.insert(k, stored.clone());
                return Reply::new(200, Some(stored));
            }
            let id = new_op(
                inner,
                Some(Mutation::Put {
                    key: k.clone(),
                    body: stored,
                }),
                Some(k),
            );
            Reply::new(202, None)
                .header(
                    "azure-asyncoperation",
                    abs(format!("{path}/operationsStatus/{id}")),
                )
                .header("location", abs(format!("{path}/operationResults/{id}")))
                .header("retry-after", "0".into())
        }
        "DELETE" => {
            let Some(item) = inner.resources.get(&k) else {
                return Reply::new(204, None);
            };
            let soft_deleted = item
                .pointer("/properties/isScheduledForDeferredDelete")
                .and_then(Value::as_bool)
                == Some(true);
            if soft_deleted && !soft_delete_on(inner, &k) {
                // As Azure documents: with soft delete off, a soft-deleted item is undeleted
                // (isRehydrate) before it can be deleted for good. The fake's own code.
                return Reply::error(
                    400,
                    "FakeUserErrorItemSoftDeleted",
                    "The item is soft-deleted; undelete it first (isRehydrate).",
                );
            }
            if inner.async_polls == 0 {
                delete_now(inner, &k);
                return Reply::new(200, None);
            }
            let id = new_op(inner, Some(Mutation::Delete { key: k }), None);
            Reply::new(202, None)
                .header(
                    "azure-asyncoperation",
                    abs(format!("{vault_path}/backupOperations/{id}")),
                )
                .header(
                    "location",
                    abs(format!("{vault_path}/backupOperationResults/{id}")),
                )
                .header("retry-after", "0".into())
        }
        _ => Reply::error(405, "MethodNotAllowed", "no such method"),
    }
}
