//! The Resource Manager client: bearer tokens, api-versions, retries on 429/5xx honouring
//! `Retry-After`, long-running operations, and ARM error bodies turned into [`CloudError`]s.
//!
//! Request and response bodies are never logged: some carry secrets (an App Service backup's SAS
//! URL). At debug level each call logs its method, path, status and ARM's request ids.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use super::auth::TokenSource;
use super::settings::ResolvedAzureSettings;
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::retry::RetryPolicy;

/// api-version of `Microsoft.RecoveryServices/vaults` (vendored `RecoveryServices/stable/2026-11-01`).
pub const VAULTS_API_VERSION: &str = "2026-11-01";
/// api-version of the Recovery Services backup (BMS) operations (`bms.json`, 2026-11-01).
pub const BACKUP_API_VERSION: &str = "2026-11-01";
/// api-version of `Microsoft.Web/sites/{name}/config/backup` (`AppService/stable/2026-09-01`).
pub const WEB_API_VERSION: &str = "2026-09-01";
/// api-version used to check that a virtual machine exists.
pub const COMPUTE_API_VERSION: &str = "2024-07-01";

/// Longest `Retry-After` honoured; a longer one is cut to this.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// Timing of an [`ArmClient`].
#[derive(Debug, Clone)]
pub struct ArmOptions {
    /// Retries of a single request on 429, 5xx and connection failures.
    pub retry: RetryPolicy,
    /// How long to wait between polls of a long-running operation that sends no `Retry-After`.
    pub default_poll_interval: Duration,
    /// The most time a long-running operation may take.
    pub operation_timeout: Duration,
    /// Timeout of one HTTP request.
    pub request_timeout: Duration,
    /// Fires when Terraform asks the provider to stop: retries and polls end with
    /// [`ErrorKind::Cancelled`].
    pub cancel: CancellationToken,
}

impl Default for ArmOptions {
    fn default() -> Self {
        ArmOptions {
            retry: RetryPolicy::standard(),
            default_poll_interval: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(60 * 60),
            request_timeout: Duration::from_secs(120),
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
    options: ArmOptions,
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

    /// Checks the credential by fetching a token.
    pub async fn authenticate(&self) -> Result<(), CloudError> {
        self.tokens.token().await.map(|_| ())
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

    /// One request, retried on throttling, 5xx and connection failures; any other non-2xx answer
    /// becomes a [`CloudError`] built from ARM's error body.
    pub(crate) async fn send(
        &self,
        method: Method,
        path_or_url: &str,
        api_version: &str,
        body: Option<&Value>,
        subject: Subject<'_>,
    ) -> Result<ArmResponse, CloudError> {
        let url = self.url(path_or_url, api_version);
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let err = match self.send_once(&method, &url, body, subject).await {
                Ok(response) => return Ok(response),
                Err((err, retry_after)) => {
                    let retryable =
                        matches!(err.kind(), ErrorKind::Throttled | ErrorKind::Transient);
                    if !retryable || attempt >= self.options.retry.max_attempts {
                        return Err(err);
                    }
                    let delay = retry_after
                        .map(|d| d.min(MAX_RETRY_AFTER))
                        .unwrap_or_else(|| self.options.retry.delay(attempt - 1));
                    if started.elapsed() + delay > self.options.retry.max_elapsed {
                        return Err(err);
                    }
                    tracing::debug!(
                        method = %method,
                        attempt,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "retrying Azure request: {err}"
                    );
                    (err, delay)
                }
            };
            self.sleep(err.1).await.map_err(|()| cancelled(err.0))?;
        }
    }

    async fn sleep(&self, delay: Duration) -> Result<(), ()> {
        tokio::select! {
            biased;
            () = self.options.cancel.cancelled() => Err(()),
            () = tokio::time::sleep(delay) => Ok(()),
        }
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        body: Option<&Value>,
        subject: Subject<'_>,
    ) -> Result<ArmResponse, (CloudError, Option<Duration>)> {
        let token = self.tokens.token().await.map_err(|e| (e, None))?;
        let mut bearer =
            HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                (
                    CloudError::new(
                        ErrorKind::AccessDenied,
                        subject.operation,
                        subject.name,
                        "the access token is not a valid header value",
                    ),
                    None,
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
        let response = request.send().await.map_err(|e| {
            let err = CloudError::new(
                ErrorKind::Transient,
                subject.operation,
                subject.name,
                format!("request failed: {}", e.without_url()),
            );
            (err, None)
        })?;
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
        let bytes = response.bytes().await.map_err(|e| {
            let err = CloudError::new(
                ErrorKind::Transient,
                subject.operation,
                subject.name,
                format!("reading the response: {e}"),
            );
            (err, None)
        })?;
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
        let retry_after = retry_after(&headers);
        Err((arm_error(subject, status, parsed.as_ref()), retry_after))
    }

    /// GET a resource; `Ok(None)` when it does not exist (404).
    pub(crate) async fn get(
        &self,
        path: &str,
        api_version: &str,
        subject: Subject<'_>,
    ) -> Result<Option<Value>, CloudError> {
        match self
            .send(Method::GET, path, api_version, None, subject)
            .await
        {
            Ok(r) => Ok(r.body),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Sends a request that may start a long-running operation and waits for it to finish:
    /// 201/202 answers are followed through `Azure-AsyncOperation` (status polling until
    /// Succeeded, Failed or Canceled) or `Location` (polling until it stops answering 202), waiting
    /// `Retry-After` between polls; then the result is read per `final_state`.
    pub(crate) async fn long_running(
        &self,
        method: Method,
        path: &str,
        api_version: &str,
        body: Option<&Value>,
        final_state: FinalState,
        subject: Subject<'_>,
    ) -> Result<Option<Value>, CloudError> {
        let first = self
            .send(method.clone(), path, api_version, body, subject)
            .await?;
        let async_op = header_string(&first.headers, "azure-asyncoperation");
        let location = header_string(&first.headers, "location");
        if !matches!(first.status, 201 | 202) || (async_op.is_none() && location.is_none()) {
            return Ok(first.body);
        }
        let deadline = Instant::now() + self.options.operation_timeout;
        let mut wait = retry_after(&first.headers);
        if let Some(status_url) = async_op {
            loop {
                self.poll_pause(&mut wait, deadline, subject).await?;
                let poll = self
                    .send(Method::GET, &status_url, api_version, None, subject)
                    .await?;
                wait = retry_after(&poll.headers);
                let body = poll.body.unwrap_or(Value::Null);
                let status = body
                    .get("status")
                    .and_then(Value::as_str)
                    .unwrap_or("InProgress");
                match status.to_ascii_lowercase().as_str() {
                    "succeeded" => break,
                    "failed" | "canceled" | "cancelled" => {
                        return Err(operation_failed(subject, status, body.get("error")));
                    }
                    _ => {}
                }
            }
            let target = match (final_state, method.as_str()) {
                (FinalState::None, _) | (_, "DELETE") => return Ok(None),
                (FinalState::Location, _) => location.unwrap_or_else(|| path.to_owned()),
            };
            return self
                .poll_location(&target, api_version, deadline, None, subject)
                .await;
        }
        let location = location.unwrap_or_default();
        let result = self
            .poll_location(&location, api_version, deadline, wait, subject)
            .await?;
        match final_state {
            FinalState::None => Ok(None),
            _ if method == Method::DELETE => Ok(None),
            FinalState::Location if result.is_none() => self.get(path, api_version, subject).await,
            FinalState::Location => Ok(result),
        }
    }

    /// GETs `url` until it answers something other than 202; its body is the result.
    async fn poll_location(
        &self,
        url: &str,
        api_version: &str,
        deadline: Instant,
        mut wait: Option<Duration>,
        subject: Subject<'_>,
    ) -> Result<Option<Value>, CloudError> {
        let mut first = true;
        loop {
            if !first || wait.is_some() {
                self.poll_pause(&mut wait, deadline, subject).await?;
            }
            first = false;
            let poll = self
                .send(Method::GET, url, api_version, None, subject)
                .await?;
            if poll.status != StatusCode::ACCEPTED.as_u16() {
                return Ok(poll.body);
            }
            wait = retry_after(&poll.headers);
        }
    }

    async fn poll_pause(
        &self,
        wait: &mut Option<Duration>,
        deadline: Instant,
        subject: Subject<'_>,
    ) -> Result<(), CloudError> {
        let delay = wait
            .take()
            .unwrap_or(self.options.default_poll_interval)
            .min(MAX_RETRY_AFTER);
        if Instant::now() + delay > deadline {
            return Err(CloudError::new(
                ErrorKind::Other,
                subject.operation,
                subject.name,
                "timed out waiting for the long-running operation to finish",
            ));
        }
        self.sleep(delay).await.map_err(|()| {
            CloudError::new(
                ErrorKind::Cancelled,
                subject.operation,
                subject.name,
                "cancelled while waiting for the long-running operation",
            )
        })
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

fn header_string(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `Retry-After` in seconds (ARM does not send HTTP dates).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    header_string(headers, "retry-after")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs)
}

fn cancelled(err: CloudError) -> CloudError {
    CloudError::new(
        ErrorKind::Cancelled,
        err.operation().to_owned(),
        err.name(),
        format!(
            "cancelled while waiting to retry; last error: {}",
            cause(&err)
        ),
    )
    .with_source(err)
}

fn cause(err: &CloudError) -> String {
    match err.code() {
        Some(code) => format!("{code}: {}", err.message()),
        None => err.message().to_owned(),
    }
}

/// ARM's `{"error": {"code", "message", "details": [...]}}` (also the Web `DefaultErrorResponse`
/// and the Backup `CloudError`), as a [`CloudError`]; the details' messages are appended.
fn arm_error(subject: Subject<'_>, status: StatusCode, body: Option<&Value>) -> CloudError {
    let error = body.and_then(|b| b.get("error"));
    let (code, message) = error_parts(error);
    CloudError::from_api(
        subject.operation,
        subject.name,
        code,
        message,
        Some(status.as_u16()),
    )
}

fn error_parts(error: Option<&Value>) -> (Option<String>, String) {
    let Some(error) = error else {
        return (None, String::new());
    };
    let code = error.get("code").and_then(Value::as_str).map(str::to_owned);
    let mut message = error
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let details: Vec<String> = error
        .get("details")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let msg = d.get("message").and_then(Value::as_str)?;
            Some(match d.get("code").and_then(Value::as_str) {
                Some(code) => format!("{code}: {msg}"),
                None => msg.to_owned(),
            })
        })
        .filter(|d| !message.contains(d.as_str()))
        .collect();
    if !details.is_empty() {
        message.push_str(" (");
        message.push_str(&details.join("; "));
        message.push(')');
    }
    (code, message)
}

/// A long-running operation that ended Failed or Canceled: its `error`, classified by code.
fn operation_failed(subject: Subject<'_>, status: &str, error: Option<&Value>) -> CloudError {
    let (code, message) = error_parts(error);
    let message = if message.is_empty() {
        format!("the operation ended {status}")
    } else {
        message
    };
    CloudError::from_api(subject.operation, subject.name, code, message, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn error_body_with_details() {
        let body = json!({"error": {"code": "Conflict", "message": "busy", "details": [{"code": "X", "message": "more"}]}});
        let err = arm_error(
            Subject {
                operation: "creating Recovery Services Vault",
                name: "v",
            },
            StatusCode::CONFLICT,
            Some(&body),
        );
        assert_eq!(err.code(), Some("Conflict"));
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert_eq!(
            err.to_string(),
            "creating Recovery Services Vault (v): Conflict: busy (X: more)"
        );
    }

    #[test]
    fn paths_drop_queries() {
        assert_eq!(
            path_of("http://127.0.0.1:5/subscriptions/x?api-version=1"),
            "/subscriptions/x"
        );
    }
}
