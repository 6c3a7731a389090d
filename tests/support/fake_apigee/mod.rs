//! A fake Apigee management API (`https://apigee.googleapis.com/v1/...`), loopback HTTP, in the
//! shape Google publishes (REST reference of `apigee/v1`): the calls an export makes and nothing
//! else.
//!
//! Modelled, all `GET` with `Authorization: Bearer <token>`:
//! - `organizations/{org}` (`Organization`),
//! - `organizations/{org}/apis` (`ListApiProxiesResponse`: `{"proxies":[{"name":..}]}`),
//! - `organizations/{org}/apis/{api}` (`ApiProxy`: `revision` list, `latestRevisionId`, `metaData`),
//! - `organizations/{org}/apis/{api}/revisions/{rev}` (`ApiProxyRevision`; with `format=bundle`
//!   the revision's zip bundle, `application/octet-stream`),
//! - `organizations/{org}/environments` (`ListValue`: a JSON array of names),
//! - `organizations/{org}/environments/{env}/deployedConfig` (`EnvironmentConfig`).
//!
//! Errors are Google's JSON (`{"error":{"code","message","status"}}`): 401 `UNAUTHENTICATED`
//! without the right bearer token, 403 `PERMISSION_DENIED` for an organization the caller cannot
//! see (Google does not tell a missing organization from a forbidden one), 404 `NOT_FOUND` for a
//! missing proxy, revision or environment, and 404 for anything not modelled (recorded, see
//! [`FakeApigee::unmodelled`]).

mod bundle;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::{json, Value};

pub(crate) use bundle::proxy_bundle;

/// The access token the fake accepts.
pub(crate) const ACCESS_TOKEN: &str = "ya29.apigee-token-never-logged";

/// One organization the fake serves.
#[derive(Debug, Clone, Default)]
struct Organization {
    /// Proxy name to its revisions (ascending).
    proxies: BTreeMap<String, Vec<u32>>,
    /// Environment name to its deployed configuration.
    environments: BTreeMap<String, Value>,
}

#[derive(Default)]
struct Inner {
    organizations: BTreeMap<String, Organization>,
    /// (method, path and query, status) of every call.
    calls: Vec<(String, String, u16)>,
    /// Calls the fake does not model.
    unmodelled: Vec<String>,
    /// The next this-many calls answer 429 `RESOURCE_EXHAUSTED`.
    throttle: usize,
}

/// A running fake Apigee API; stops when dropped.
pub(crate) struct FakeApigee {
    inner: Arc<Mutex<Inner>>,
    base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeApigee {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeApigee {
    /// Starts the server on a free loopback port.
    pub(crate) async fn start() -> FakeApigee {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeApigee { inner, base, task }
    }

    /// `http://127.0.0.1:{port}`: what `APIGEE_ENDPOINT` names instead of
    /// `https://apigee.googleapis.com`.
    pub(crate) fn url(&self) -> &str {
        &self.base
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap()
    }

    /// Makes organization `org` exist (empty).
    pub(crate) fn add_organization(&self, org: &str) {
        self.inner()
            .organizations
            .entry(org.to_owned())
            .or_default();
    }

    /// Adds revision `revision` of proxy `api` to `org`.
    pub(crate) fn add_proxy_revision(&self, org: &str, api: &str, revision: u32) {
        let mut inner = self.inner();
        let revisions = inner
            .organizations
            .entry(org.to_owned())
            .or_default()
            .proxies
            .entry(api.to_owned())
            .or_default();
        revisions.push(revision);
        revisions.sort_unstable();
        revisions.dedup();
    }

    /// Adds environment `env` to `org`, with one target server in its deployed configuration.
    pub(crate) fn add_environment(&self, org: &str, env: &str) {
        let config = json!({
            "name": format!("organizations/{org}/environments/{env}/deployedConfig"),
            "uid": format!("{org}-{env}-uid"),
            "revisionId": "3",
            "createTime": "2026-11-30T09:00:00Z",
            "targets": [{
                "name": format!("organizations/{org}/environments/{env}/targetservers/backend"),
                "host": format!("backend.{env}.example.com"),
                "port": 443,
                "enabled": true
            }],
            "keystores": [],
            "resourceReferences": [],
            "flowhooks": [],
            "deployments": []
        });
        self.inner()
            .organizations
            .entry(org.to_owned())
            .or_default()
            .environments
            .insert(env.to_owned(), config);
    }

    /// The next `count` calls answer 429 `RESOURCE_EXHAUSTED`.
    pub(crate) fn throttle(&self, count: usize) {
        self.inner().throttle = count;
    }

    /// Calls so far: (method, path and query, status).
    pub(crate) fn calls(&self) -> Vec<(String, String, u16)> {
        self.inner().calls.clone()
    }

    /// Calls the fake does not model (`METHOD path`): none should happen.
    pub(crate) fn unmodelled(&self) -> Vec<String> {
        self.inner().unmodelled.clone()
    }
}

/// Google's error body.
fn error(code: u16, status: &str, message: &str) -> (u16, Value) {
    (
        code,
        json!({ "error": { "code": code, "message": message, "status": status } }),
    )
}

/// What one modelled call answers: JSON, or raw bytes (a bundle).
enum Answer {
    Json(u16, Value),
    Bytes(Vec<u8>),
}

async fn handle(
    State(inner): State<Arc<Mutex<Inner>>>,
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
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let mut inner = inner.lock().unwrap();
    let answer = if bearer != Some(ACCESS_TOKEN) {
        let (code, body) = error(
            401,
            "UNAUTHENTICATED",
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie \
             or other valid authentication credential. See \
             https://developers.google.com/identity/sign-in/web/devconsole-project.",
        );
        Answer::Json(code, body)
    } else if inner.throttle > 0 {
        inner.throttle -= 1;
        let (code, body) = error(
            429,
            "RESOURCE_EXHAUSTED",
            "Quota exceeded for quota metric 'Management API requests'.",
        );
        Answer::Json(code, body)
    } else if method != Method::GET || !body.is_empty() {
        inner.unmodelled.push(format!("{method} {path}"));
        let (code, body) = error(404, "NOT_FOUND", "Method not found.");
        Answer::Json(code, body)
    } else {
        route(&mut inner, &path, &query)
    };
    let status = match &answer {
        Answer::Json(code, _) => *code,
        Answer::Bytes(_) => 200,
    };
    let target = match uri.query() {
        Some(q) => format!("{path}?{q}"),
        None => path.clone(),
    };
    inner.calls.push((method.to_string(), target, status));
    drop(inner);
    let builder = Response::builder().status(StatusCode::from_u16(status).unwrap());
    match answer {
        Answer::Json(_, body) => builder
            .header("content-type", "application/json; charset=UTF-8")
            .body(Body::from(body.to_string()))
            .unwrap(),
        Answer::Bytes(bytes) => builder
            .header("content-type", "application/octet-stream")
            .body(Body::from(bytes))
            .unwrap(),
    }
}

fn route(inner: &mut Inner, path: &str, query: &BTreeMap<String, String>) -> Answer {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let ["v1", "organizations", org, rest @ ..] = segments.as_slice() else {
        inner.unmodelled.push(format!("GET {path}"));
        let (code, body) = error(404, "NOT_FOUND", "Method not found.");
        return Answer::Json(code, body);
    };
    let Some(organization) = inner.organizations.get(*org).cloned() else {
        let (code, body) = error(
            403,
            "PERMISSION_DENIED",
            &format!(
                "Permission denied on resource \"organizations/{org}\" (or it may not exist)."
            ),
        );
        return Answer::Json(code, body);
    };
    let not_found = |what: String| {
        let (code, body) = error(
            404,
            "NOT_FOUND",
            &format!("generic::not_found: {what} not found"),
        );
        Answer::Json(code, body)
    };
    match rest {
        [] => Answer::Json(
            200,
            json!({
                "name": org,
                "projectId": org,
                "runtimeType": "CLOUD",
                "subscriptionType": "PAID",
                "state": "ACTIVE",
                "environments": organization.environments.keys().collect::<Vec<_>>(),
                "createdAt": "1733472000000",
                "lastModifiedAt": "1733472000000"
            }),
        ),
        ["apis"] => Answer::Json(
            200,
            json!({
                "proxies": organization.proxies.keys().map(|name| json!({ "name": name })).collect::<Vec<_>>()
            }),
        ),
        ["apis", api] => match organization.proxies.get(*api) {
            Some(revisions) => Answer::Json(
                200,
                json!({
                    "name": api,
                    "revision": revisions.iter().map(u32::to_string).collect::<Vec<_>>(),
                    "latestRevisionId": revisions.last().map(u32::to_string),
                    "metaData": {
                        "createdAt": "1733472000000",
                        "lastModifiedAt": "1733472000000",
                        "subType": "Proxy"
                    },
                    "apiProxyType": "PROGRAMMABLE"
                }),
            ),
            None => not_found(format!("organizations/{org}/apis/{api}")),
        },
        ["apis", api, "revisions", rev] => {
            let found = organization
                .proxies
                .get(*api)
                .and_then(|revs| rev.parse::<u32>().ok().filter(|r| revs.contains(r)));
            match (found, query.get("format").map(String::as_str)) {
                (Some(revision), Some("bundle")) => Answer::Bytes(proxy_bundle(api, revision)),
                (Some(revision), None) => Answer::Json(
                    200,
                    json!({
                        "name": api,
                        "revision": revision.to_string(),
                        "createdAt": "1733472000000",
                        "proxies": ["default"],
                        "type": "Application"
                    }),
                ),
                (Some(_), Some(other)) => {
                    let (code, body) = error(
                        400,
                        "INVALID_ARGUMENT",
                        &format!("invalid format {other:?}: only \"bundle\" is supported"),
                    );
                    Answer::Json(code, body)
                }
                (None, _) => not_found(format!("organizations/{org}/apis/{api}/revisions/{rev}")),
            }
        }
        ["environments"] => Answer::Json(
            200,
            json!(organization.environments.keys().collect::<Vec<_>>()),
        ),
        ["environments", env, "deployedConfig"] => match organization.environments.get(*env) {
            Some(config) => Answer::Json(200, config.clone()),
            None => not_found(format!("organizations/{org}/environments/{env}")),
        },
        _ => {
            inner.unmodelled.push(format!("GET {path}"));
            let (code, body) = error(404, "NOT_FOUND", "Method not found.");
            Answer::Json(code, body)
        }
    }
}
