//! The Resource Manager client: bearer tokens, api-versions, and each request sent through the
//! shared retry loop (429/5xx, honouring `Retry-After`); ARM error bodies become [`CloudError`]s
//! in `errors`, long-running operations are followed in `lro`.
//!
//! Request and response bodies are never logged: some carry secrets (an App Service backup's SAS
//! URL). At debug level each call logs its method, path, status and ARM's request ids.

use std::time::Duration;

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
        retry::retry_when(
            &self.options.retry,
            &self.options.cancel,
            retry::is_retryable,
            || self.send_once(&method, &url, body, subject),
        )
        .await
    }

    async fn send_once(
        &self,
        method: &Method,
        url: &str,
        body: Option<&Value>,
        subject: Subject<'_>,
    ) -> Result<ArmResponse, CloudError> {
        let token = self.tokens.token().await?;
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
        let response = request.send().await.map_err(|e| {
            CloudError::new(
                ErrorKind::Transient,
                subject.operation,
                subject.name,
                format!("request failed: {}", e.without_url()),
            )
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
            CloudError::new(
                ErrorKind::Transient,
                subject.operation,
                subject.name,
                format!("reading the response: {e}"),
            )
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
