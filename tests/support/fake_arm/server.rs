//! The fake Azure Resource Manager: loopback HTTP, stateful for Recovery Services vaults, backup
//! policies, protected VMs (with seeded recovery points, restores and their jobs) and App Service
//! backup configuration, with real long-running
//! operations, throttling and injected errors on demand, and a Microsoft Entra token endpoint.
//! Every request and response with a spec is validated (see [`super::validator`]).
//!
//! This file holds the server, its state and the dispatch; each route family answers in its
//! own module (vaults, policies, protected items, restores, site backup, operations, token).

use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

use super::locks::{management_locks, scope_locked};
use super::operations::Pending;
use super::site_backup::{site_backup, site_backup_list};
use super::token::token;
use super::validator::{Record, Validator};
use super::vault_extensions::{alert_processing_rules, diagnostic_settings, role_assignments};
use super::vaults::vaults;

/// The subscription the fake serves.
pub(crate) const SUBSCRIPTION: &str = "00000000-0000-0000-0000-000000000001";
/// The tenant the token endpoint serves.
pub(crate) const TENANT: &str = "11111111-1111-1111-1111-111111111111";
/// The application id the token endpoint accepts.
pub(crate) const CLIENT_ID: &str = "22222222-2222-2222-2222-222222222222";
/// The client secret the token endpoint accepts.
pub(crate) const CLIENT_SECRET: &str = "s3cr3t-client-value-never-logged";
/// The federated (OIDC) token the token endpoint accepts as a client assertion.
pub(crate) const FEDERATED_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.federated-token-for-tests.sig";

/// A token request the endpoint received (the secret itself is not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TokenRequest {
    /// `client_secret` or `client_assertion`.
    pub(crate) flow: &'static str,
    /// The scope asked for.
    pub(crate) scope: String,
    /// Whether the credentials were right.
    pub(crate) accepted: bool,
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

/// Everything the fake holds, behind one lock.
#[derive(Default)]
pub(super) struct Inner {
    /// Resources by lower-cased path: vaults, policies, protected items, site backup configs.
    pub(super) resources: BTreeMap<String, Value>,
    pub(super) vms: HashSet<String>,
    pub(super) sites: HashSet<String>,
    /// Regions of the apps seeded with one, by key (others are in `regions::DEFAULT_REGION`).
    pub(super) site_locations: BTreeMap<String, String>,
    /// Storage accounts by key: their id as seeded and their region.
    pub(super) storage_accounts: BTreeMap<String, (String, String)>,
    /// Resource Guard proxies whose removal was unlocked, by key.
    pub(super) unlocked_proxies: HashSet<String>,
    pub(super) tokens: HashSet<String>,
    pub(super) token_requests: Vec<TokenRequest>,
    pub(super) async_polls: usize,
    pub(super) throttle: usize,
    pub(super) throttle_retry_after: u64,
    injected: Vec<Injected>,
    pub(super) pending: BTreeMap<String, Pending>,
    pub(super) fail_operation: Option<(String, String)>,
    pub(super) next_id: u64,
    pub(super) calls: Vec<(String, String, u16)>,
    /// Restore jobs by key: how many more reads report them `InProgress`.
    pub(super) job_polls: BTreeMap<String, usize>,
    /// Backup jobs by key: the protected item they back up (see `backup_jobs`).
    pub(super) backup_job_items: BTreeMap<String, String>,
    /// The query parameters of the request being answered.
    pub(super) query: BTreeMap<String, String>,
}

/// What every handler shares: the validator, the state, and the server's own URL.
pub(super) struct Shared {
    pub(super) validator: Validator,
    pub(super) inner: Mutex<Inner>,
    pub(super) base: String,
}

/// A running fake ARM server; stops when dropped.
pub(crate) struct FakeArm {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeArm {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// How the fake keys a resource: its path, lower-cased (ARM paths are case-insensitive).
pub(super) fn key(path: &str) -> String {
    path.trim_end_matches('/').to_ascii_lowercase()
}

fn error_body(code: &str, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}

/// One ARM request as a route family sees it.
pub(super) struct Request<'a> {
    /// The server's own URL, for absolute operation URLs.
    pub(super) base: &'a str,
    /// `GET`, `PUT`, ...
    pub(super) method: &'a str,
    /// The path as sent (ids keep the caller's case).
    pub(super) path: &'a str,
    /// The JSON body, if any.
    pub(super) body: Option<Value>,
}

/// A response under construction.
pub(super) struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Option<Value>,
}

impl Reply {
    pub(super) fn new(status: u16, body: Option<Value>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }
    pub(super) fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::new(status, Some(error_body(code, message)))
    }
    pub(super) fn header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

impl FakeArm {
    /// Starts the server on a free loopback port.
    pub(crate) async fn start() -> FakeArm {
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
    pub(crate) fn url(&self) -> &str {
        &self.shared.base
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().unwrap()
    }

    /// Makes `GET {vm_id}` answer (the VM "exists").
    pub(crate) fn add_vm(&self, vm_id: &str) {
        self.inner().vms.insert(key(vm_id));
    }

    /// Stores a recovery point `name` made at `time` (RFC 3339) of the protected item at `item_path`.
    pub(crate) fn add_recovery_point(&self, item_path: &str, name: &str, time: &str) {
        let body = super::restores::recovery_point_body(item_path, name, time);
        let k = key(&format!("{item_path}/recoveryPoints/{name}"));
        self.inner().resources.insert(k, body);
    }

    /// Makes resource group `id` exist in `location`, untagged (as a user would have made it).
    pub(crate) fn add_resource_group(&self, id: &str, location: &str) {
        let segs: Vec<&str> = id.trim_matches('/').split('/').collect();
        let body = super::resource_groups::group_body(segs[1], segs[3], location, json!({}));
        self.inner().resources.insert(key(id), body);
    }

    /// Makes an App Service app exist.
    pub(crate) fn add_site(&self, site_id: &str) {
        self.inner().sites.insert(key(site_id));
    }

    /// Makes an App Service app exist in `location`.
    pub(crate) fn add_site_in(&self, site_id: &str, location: &str) {
        let mut inner = self.inner();
        inner.sites.insert(key(site_id));
        inner
            .site_locations
            .insert(key(site_id), location.to_string());
    }

    /// Makes the storage account `id` exist in `location`.
    pub(crate) fn add_storage_account(&self, id: &str, location: &str) {
        let entry = (id.to_string(), location.to_string());
        self.inner().storage_accounts.insert(key(id), entry);
    }

    /// From now on, long-running operations answer 201/202 and finish after `polls` polls.
    pub(crate) fn set_async_polls(&self, polls: usize) {
        self.inner().async_polls = polls;
    }

    /// The next `count` ARM requests answer 429 with `Retry-After: {retry_after}`.
    pub(crate) fn throttle(&self, count: usize, retry_after: u64) {
        let mut inner = self.inner();
        inner.throttle = count;
        inner.throttle_retry_after = retry_after;
    }

    /// The next `method` request whose path contains `path_fragment` answers this error.
    pub(crate) fn fail_next(
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
    pub(crate) fn fail_next_operation(&self, code: &str, message: &str) {
        self.inner().fail_operation = Some((code.into(), message.into()));
    }

    /// Token requests so far.
    pub(crate) fn token_requests(&self) -> Vec<TokenRequest> {
        self.inner().token_requests.clone()
    }

    /// Calls so far: (method, path, status).
    pub(crate) fn calls(&self) -> Vec<(String, String, u16)> {
        self.inner().calls.clone()
    }

    /// The stored body at an ARM path (what the fake "has"), e.g. to check what was sent.
    pub(crate) fn stored(&self, path: &str) -> Option<Value> {
        self.inner().resources.get(&key(path)).cloned()
    }

    /// Deletes an object out of band.
    pub(crate) fn remove(&self, path: &str) {
        self.inner().resources.remove(&key(path));
    }

    /// Paths of every stored object (to check nothing is left behind).
    pub(crate) fn stored_paths(&self) -> Vec<String> {
        self.inner().resources.keys().cloned().collect()
    }

    /// Panics, listing what is left, unless every stored object was deleted.
    #[track_caller]
    pub(crate) fn assert_nothing_left(&self) {
        let left = self.stored_paths();
        assert!(left.is_empty(), "left behind: {left:?}");
    }

    /// The validation record so far.
    pub(crate) fn record(&self) -> (usize, usize, Vec<String>) {
        let r = self.shared.validator.record.lock().unwrap();
        (
            r.validated_requests,
            r.validated_responses,
            r.mismatches.clone(),
        )
    }

    /// Calls no vendored spec describes (`METHOD path`).
    pub(crate) fn unspecified(&self) -> Vec<String> {
        self.shared
            .validator
            .record
            .lock()
            .unwrap()
            .unspecified
            .clone()
    }

    /// Panics unless requests were validated and none mismatched the specs.
    pub(crate) fn assert_valid(&self) {
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
            inner.query = query.clone();
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

/// Path segments after `/subscriptions/{s}/resourceGroups/{rg}/providers/`.
fn route(base: &str, inner: &mut Inner, method: &Method, path: &str, body: Option<Value>) -> Reply {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if method == Method::GET
        && key(path).ends_with("/providers/microsoft.storage/storageaccounts")
        && segs.len() == 5
    {
        return super::regions::storage_accounts(inner);
    }
    if method == Method::GET
        && segs.len() == 5
        && segs[2].eq_ignore_ascii_case("providers")
        && segs[3].eq_ignore_ascii_case("microsoft.recoveryservices")
        && segs[4].eq_ignore_ascii_case("vaults")
    {
        return super::vault_list::list_vaults(inner, segs[1]);
    }
    if segs.len() == 4 && segs[0].eq_ignore_ascii_case("subscriptions") {
        use super::resource_groups::{group_operation_result, resource_group};
        if segs[2].eq_ignore_ascii_case("resourcegroups") {
            let request = Request {
                base,
                method: method.as_str(),
                path,
                body,
            };
            return resource_group(inner, request, segs[1], segs[3]);
        }
        if segs[2].eq_ignore_ascii_case("operationresults") && method == Method::GET {
            return group_operation_result(inner, base, segs[1], segs[3]);
        }
    }
    if segs.len() < 6
        || !segs[0].eq_ignore_ascii_case("subscriptions")
        || !segs[4].eq_ignore_ascii_case("providers")
    {
        return Reply::error(404, "NotFound", "no such route");
    }
    let rest: Vec<String> = segs[5..].iter().map(|s| s.to_ascii_lowercase()).collect();
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let m = method.as_str();
    let request = Request {
        base,
        method: m,
        path,
        body,
    };
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
        ["microsoft.web", "sites", _] if m == "GET" => super::regions::site(inner, path, segs[7]),
        ["microsoft.storage", "storageaccounts", _] if m == "GET" => {
            super::regions::storage_account(inner, path, segs[7])
        }
        ["microsoft.web", "sites", _, "config", "backup"] => site_backup(inner, request, segs[7]),
        ["microsoft.web", "sites", _, "config", "backup", "list"] if m == "POST" => {
            site_backup_list(inner, path)
        }
        ["microsoft.alertsmanagement", "actionrules", _] => {
            alert_processing_rules(inner, request, segs[7])
        }
        ["microsoft.recoveryservices", "vaults", _, "providers", "microsoft.authorization", "roleassignments", tail @ ..]
            if tail.len() <= 1 =>
        {
            let scope = format!("/{}", segs[..8].join("/"));
            role_assignments(inner, request, &scope, tail.first().map(|_| segs[11]))
        }
        ["microsoft.recoveryservices", "vaults", _, "providers", "microsoft.insights", "diagnosticsettings", _] =>
        {
            let scope = format!("/{}", segs[..8].join("/"));
            diagnostic_settings(inner, request, &scope, segs[11])
        }
        ["microsoft.recoveryservices", "vaults", _, "providers", "microsoft.authorization", "locks", _] =>
        {
            let scope = format!("/{}", segs[..8].join("/"));
            management_locks(inner, request, &scope, segs[11])
        }
        ["microsoft.recoveryservices", "vaults", _]
            if m == "DELETE" && scope_locked(inner, path).is_some() =>
        {
            scope_locked(inner, path).expect("checked in the guard")
        }
        ["microsoft.recoveryservices", "vaults", _, "backupresourceguardproxies", tail @ ..] => {
            let vault_path = format!("/{}", segs[..8].join("/"));
            super::resource_guards::resource_guard_proxies(inner, request, &vault_path, tail)
        }
        ["microsoft.recoveryservices", "vaults", _, tail @ ..] => {
            let vault_path = segs[..8].join("/");
            let vault_path = format!("/{vault_path}");
            vaults(inner, request, &vault_path, segs[7], tail)
        }
        _ => Reply::error(404, "NotFound", "no such route"),
    }
}
