//! The Resource Manager client: bearer tokens, api-versions, and each request sent through the
//! shared retry loop (429/5xx, honouring `Retry-After`); ARM error bodies become [`CloudError`]s
//! in `errors`, long-running operations are followed in `lro`.
//!
//! Request and response bodies are never logged: some carry secrets (an App Service backup's SAS
//! URL). At debug level each call logs its method, path, status and ARM's request ids.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::auth::TokenSource;
use super::bodies::from_json;
use super::errors::arm_error;
use super::settings::ResolvedAzureSettings;
use crate::cloud::error::{CloudError, ErrorKind, GoneIsNone};
use crate::cloud::retry::{self, parse_retry_after, RetryPolicy};

/// api-version of `Microsoft.RecoveryServices/vaults` (vendored `RecoveryServices/stable/2026-11-01`).
pub const VAULTS_API_VERSION: &str = "2026-11-01";
/// api-version of the Recovery Services backup (BMS) operations (`bms.json`, 2026-11-01).
pub const BACKUP_API_VERSION: &str = "2026-11-01";
/// api-version of `Microsoft.Web/sites/{name}/config/backup` (`AppService/stable/2026-09-01`).
pub const WEB_API_VERSION: &str = "2026-09-01";
/// api-version used to check that a virtual machine exists.
pub const COMPUTE_API_VERSION: &str = "2024-07-01";

/// The most time one Resource Manager request takes, its retries included, when the endpoint
/// refuses connections or stops answering (documented in `docs/guides/azure.md`).
pub const REQUEST_BUDGET: Duration = Duration::from_secs(60);
/// The most time opening a connection to an endpoint takes.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The most time one attempt takes (token, connection, request and answer).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Timing of an [`ArmClient`].
#[derive(Debug, Clone)]
pub struct ArmOptions {
    /// Retries of a single request on 429, 5xx and connection failures. Its `max_elapsed` is the
    /// whole budget of one request: no attempt runs past it, so an endpoint that is down fails
    /// the request within it.
    pub retry: RetryPolicy,
    /// How long to wait between polls of a long-running operation that sends no `Retry-After`.
    pub default_poll_interval: Duration,
    /// The most time a long-running operation may take.
    pub operation_timeout: Duration,
    /// Timeout of one attempt of a request (cut shorter when the request's budget ends first).
    pub request_timeout: Duration,
    /// Timeout of opening a connection.
    pub connect_timeout: Duration,
    /// Fires when Terraform asks the provider to stop: retries and polls end with
    /// [`ErrorKind::Cancelled`].
    pub cancel: CancellationToken,
}

impl Default for ArmOptions {
    fn default() -> Self {
        ArmOptions {
            retry: RetryPolicy {
                max_elapsed: REQUEST_BUDGET,
                ..RetryPolicy::standard()
            },
            default_poll_interval: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(60 * 60),
            request_timeout: ATTEMPT_TIMEOUT,
            connect_timeout: CONNECT_TIMEOUT,
            cancel: CancellationToken::new(),
        }
    }
}

impl ArmOptions {
    /// Tiny delays for tests against the fake ARM server.
    pub fn for_tests() -> ArmOptions {
        ArmOptions {
            retry: RetryPolicy::for_tests(),
            default_poll_interval: Duration::from_millis(10),
            operation_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            connect_timeout: CONNECT_TIMEOUT,
            cancel: CancellationToken::new(),
        }
    }
}

/// Where the result of a finished long-running operation is read
/// (`x-ms-long-running-operation-options.final-state-via`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FinalState {
    /// GET the `Location` URL (falling back to the resource's own URL when there is none).
    Location,
    /// Nothing to read (deletes).
    None,
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct ArmResponse {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Value>,
}

/// What an operation is about, for error messages: `creating Recovery Services Vault (name)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subject<'a> {
    pub(crate) operation: &'static str,
    pub(crate) name: &'a str,
}

/// A Resource Manager client for one subscription.
pub struct ArmClient {
    http: reqwest::Client,
    endpoint: String,
    subscription_id: String,
    tokens: TokenSource,
    pub(super) options: ArmOptions,
}

impl std::fmt::Debug for ArmClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmClient")
            .field("endpoint", &self.endpoint)
            .field("subscription_id", &self.subscription_id)
            .finish_non_exhaustive()
    }
}

impl ArmClient {
    /// A client for the resolved settings (no request is made yet).
    pub fn new(
        settings: &ResolvedAzureSettings,
        options: ArmOptions,
    ) -> Result<ArmClient, CloudError> {
        let http = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(concat!(
                "terraform-provider-backup/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| {
                CloudError::new(
                    ErrorKind::Other,
                    "configuring Azure",
                    "azure",
                    e.to_string(),
                )
            })?;
        let tokens = TokenSource::new(settings, http.clone())?;
        Ok(ArmClient {
            http,
            endpoint: settings.resource_manager_endpoint.clone(),
            subscription_id: settings.subscription_id.clone(),
            tokens,
            options,
        })
    }

    /// The subscription the client works in.
    pub fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    /// Checks the credential by fetching a token (retried and bounded like a request).
    pub async fn authenticate(&self) -> Result<(), CloudError> {
        let subject = Subject {
            operation: "authenticating to Azure",
            name: "azure",
        };
        let endpoint = self.tokens.endpoint();
        self.within_budget(subject, &endpoint, || async {
            self.tokens.token().await.map(drop)
        })
        .await
    }

    fn url(&self, path_or_url: &str, api_version: &str) -> String {
        let mut url = if path_or_url.starts_with("http://") || path_or_url.starts_with("https://") {
            path_or_url.to_owned()
        } else {
            format!("{}{path_or_url}", self.endpoint)
        };
        if !url.contains("api-version=") {
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str("api-version=");
            url.push_str(api_version);
        }
        url
    }

    /// One request, retried on throttling, 5xx and connection failures (waiting `Retry-After` when
    /// ARM sends one); any other non-2xx answer becomes a [`CloudError`] built from ARM's error body.
    pub(crate) async fn send(
        &self,
        method: Method,
        path_or_url: &str,
        api_version: &str,
        body: Option<&Value>,
        subject: Subject<'_>,
    ) -> Result<ArmResponse, CloudError> {
        let url = self.url(path_or_url, api_version);
        let endpoint = format!("Azure Resource Manager at {}", origin(&url));
        self.within_budget(subject, &endpoint, || {
            self.send_once(&method, &url, body, subject)
        })
        .await
    }

    /// Runs `attempt` in the retry loop, each attempt cut at [`ArmOptions::request_timeout`] or at
    /// the end of the request's budget (`retry.max_elapsed`), whichever comes first; an endpoint
    /// that is down thus fails the request within the budget. A request that got no answer says
    /// how often and how long it was tried.
    async fn within_budget<T, F, Fut>(
        &self,
        subject: Subject<'_>,
        endpoint: &str,
        attempt: F,
    ) -> Result<T, CloudError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<T, CloudError>>,
    {
        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        let budget = self.options.retry.max_elapsed;
        let result = retry::retry_when(
            &self.options.retry,
            &self.options.cancel,
            is_retryable,
            || {
                attempts.fetch_add(1, Ordering::Relaxed);
                let limit = self
                    .options
                    .request_timeout
                    .min(budget.saturating_sub(started.elapsed()))
                    .max(Duration::from_millis(1));
                let attempt = attempt();
                async move {
                    match tokio::time::timeout(limit, attempt).await {
                        Ok(result) => result,
                        Err(_) => Err(CloudError::new(
                            ErrorKind::Transient,
                            subject.operation,
                            subject.name,
                            format!("no answer from {endpoint} within {}", seconds(limit)),
                        )),
                    }
                }
            },
        )
        .await;
        result.map_err(|err| gave_up(err, attempts.load(Ordering::Relaxed), started.elapsed()))
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        body: Option<&Value>,
        subject: Subject<'_>,
    ) -> Result<ArmResponse, CloudError> {
        // A token endpoint that does not answer fails this request: say which operation it held up.
        let token = self.tokens.token().await.map_err(|e| {
            if e.kind() == ErrorKind::Transient && e.status().is_none() {
                e.in_operation(subject.operation, subject.name)
            } else {
                e
            }
        })?;
        let mut bearer =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                CloudError::new(
                    ErrorKind::AccessDenied,
                    subject.operation,
                    subject.name,
                    "the access token is not a valid header value",
                )
            })?;
        bearer.set_sensitive(true);
        let mut request = self
            .http
            .request(method.clone(), url)
            .header(AUTHORIZATION, bearer);
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(serde_json::to_vec(body).unwrap_or_default());
        }
        let response = request
            .send()
            .await
            .map_err(|e| no_answer(subject, "Azure Resource Manager", url, e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
        };
        tracing::debug!(
            method = %method,
            path = %path_of(url),
            status = status.as_u16(),
            request_id = header("x-ms-request-id"),
            correlation_request_id = header("x-ms-correlation-request-id"),
            "Azure Resource Manager call"
        );
        let bytes = response
            .bytes()
            .await
            .map_err(|e| no_answer(subject, "Azure Resource Manager", url, e))?;
        let parsed: Option<Value> = if bytes.is_empty() {
            None
        } else {
            serde_json::from_slice(&bytes).ok()
        };
        if status.is_success() {
            return Ok(ArmResponse {
                status: status.as_u16(),
                headers,
                body: parsed,
            });
        }
        Err(arm_error(subject, status, parsed.as_ref()).with_retry_after(retry_after(&headers)))
    }

    /// GET a resource; `Ok(None)` when it does not exist (404).
    pub(crate) async fn get(
        &self,
        path: &str,
        api_version: &str,
        subject: Subject<'_>,
    ) -> Result<Option<Value>, CloudError> {
        self.send(Method::GET, path, api_version, None, subject)
            .await
            .none_if_not_found()
            .map(|r| r.and_then(|r| r.body))
    }

    /// GET a resource read as `T`; `Ok(None)` when it does not exist (404).
    pub(crate) async fn get_as<T: DeserializeOwned>(
        &self,
        path: &str,
        api_version: &str,
        subject: Subject<'_>,
    ) -> Result<Option<T>, CloudError> {
        match self.get(path, api_version, subject).await? {
            Some(body) => from_json(body, subject).map(Some),
            None => Ok(None),
        }
    }
}

/// Throttling and transient failures, and ARM's refusal while an earlier operation on the same
/// resource still runs (a create cut off by a killed Terraform leaves one behind: "Another
/// operation is in progress on the resource"); a re-sent PUT by name is then the same create.
fn is_retryable(err: &CloudError) -> bool {
    retry::is_retryable(err) || matches!(err.code(), Some("AnotherOperationInProgress"))
}

/// A request that got no answer (refused or dropped connection, timeout), naming the endpoint
/// that did not answer and why, but not the URL (a `nextLink` may carry a skip token).
pub(crate) fn no_answer(
    subject: Subject<'_>,
    service: &str,
    url: &str,
    err: reqwest::Error,
) -> CloudError {
    let what = if err.is_timeout() {
        "timed out"
    } else if err.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    CloudError::new(
        ErrorKind::Transient,
        subject.operation,
        subject.name,
        format!(
            "no answer from {service} at {}: {what}: {}",
            origin(url),
            error_chain(&err.without_url())
        ),
    )
}

/// An error and its sources, `: `-joined, each said once (hyper repeats its cause).
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut parts: Vec<String> = vec![err.to_string()];
    let mut source = err.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// `err` once the retries are over: when the endpoint never answered (no HTTP status), it says
/// how often and for how long the request was tried, so the bound is visible.
fn gave_up(err: CloudError, attempts: u32, elapsed: Duration) -> CloudError {
    if err.kind() != ErrorKind::Transient || err.status().is_some() || err.code().is_some() {
        return err;
    }
    let message = format!(
        "{}; gave up after {attempts} attempt(s) in {}",
        err.message(),
        seconds(elapsed)
    );
    CloudError::new(
        ErrorKind::Transient,
        err.operation().to_owned(),
        err.name(),
        message,
    )
}

/// A duration for messages: `30 s`, `1.5 s`.
fn seconds(d: Duration) -> String {
    let secs = d.as_secs_f64();
    if secs >= 10.0 || secs.fract() == 0.0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs:.1} s")
    }
}

/// `scheme://host[:port]` of a URL: the endpoint, without path or query.
pub(crate) fn origin(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => parsed.origin().ascii_serialization(),
        Err(_) => "an unparsable URL".to_owned(),
    }
}

/// The path of a URL, without its query (nothing secret is in ARM paths).
fn path_of(url: &str) -> &str {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = without_scheme
        .find('/')
        .map_or("/", |i| &without_scheme[i..]);
    path.split('?').next().unwrap_or(path)
}

pub(crate) fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `Retry-After` in seconds (ARM does not send HTTP dates).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_string(headers, "retry-after").and_then(|v| parse_retry_after(&v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_drop_queries() {
        assert_eq!(
            path_of("http://127.0.0.1:5/subscriptions/x?api-version=1"),
            "/subscriptions/x"
        );
    }
}
