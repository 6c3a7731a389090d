//! The Apigee management API over HTTP: `Authorization: Bearer <token>`, every call through the
//! shared retry loop (429 `RESOURCE_EXHAUSTED`, 5xx and connection failures), Google's error JSON
//! (`{"error":{"code","message","status"}}`) turned into [`CloudError`]s.
//!
//! The token is a [`Secret`]: registered with the log scrubber, sent in one header, never part of
//! a message.

use std::time::Duration;

use async_trait::async_trait;
use reqwest::StatusCode;
use serde::Deserialize;
use tokio_util::sync::CancellationToken;

use super::ApigeeBackend;
use crate::cloud::azure::Secret;
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::retry::{is_retryable, parse_retry_after, retry_when, RetryPolicy};

/// Google's endpoint of the Apigee API.
pub const DEFAULT_ENDPOINT: &str = "https://apigee.googleapis.com";

/// How the provider (or the `export-apigee` command) reaches Apigee.
#[derive(Clone, Default)]
pub struct ApigeeSettings {
    /// The API's base URL, without `/v1`; default [`DEFAULT_ENDPOINT`] (`APIGEE_ENDPOINT`).
    pub endpoint: Option<String>,
    /// An OAuth 2 access token (`gcloud auth print-access-token`; `APIGEE_ACCESS_TOKEN`).
    pub access_token: Option<Secret>,
}

impl std::fmt::Debug for ApigeeSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApigeeSettings")
            .field("endpoint", &self.endpoint)
            .field(
                "access_token",
                &self.access_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl ApigeeSettings {
    /// These settings with what is unset taken from `APIGEE_ENDPOINT` and `APIGEE_ACCESS_TOKEN`.
    pub fn with_env(mut self) -> ApigeeSettings {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        if self.endpoint.is_none() {
            self.endpoint = var("APIGEE_ENDPOINT");
        }
        if self.access_token.is_none() {
            self.access_token = var("APIGEE_ACCESS_TOKEN").map(Secret::new);
        }
        self
    }
}

/// The Apigee API client.
pub struct ApigeeClient {
    http: reqwest::Client,
    endpoint: String,
    token: Option<Secret>,
    retry: RetryPolicy,
    cancel: CancellationToken,
}

/// Google's error body.
#[derive(Deserialize)]
struct GoogleError {
    error: GoogleErrorDetail,
}

#[derive(Deserialize)]
struct GoogleErrorDetail {
    #[serde(default)]
    message: String,
    #[serde(default)]
    status: Option<String>,
}

/// `GET organizations/{org}/apis/{api}` (the fields used).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiProxy {
    #[serde(default)]
    latest_revision_id: Option<String>,
    #[serde(default)]
    revision: Vec<String>,
}

/// `GET organizations/{org}/apis`.
#[derive(Deserialize)]
struct ListApiProxiesResponse {
    #[serde(default)]
    proxies: Vec<ProxyName>,
}

#[derive(Deserialize)]
struct ProxyName {
    name: String,
}

impl ApigeeClient {
    /// A client for `settings`; requests fail with a clear error when there is no token.
    pub fn new(settings: &ApigeeSettings, retry: RetryPolicy, cancel: CancellationToken) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap_or_default();
        ApigeeClient {
            http,
            endpoint: settings
                .endpoint
                .clone()
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned())
                .trim_end_matches('/')
                .to_owned(),
            token: settings.access_token.clone(),
            retry,
            cancel,
        }
    }

    /// One `GET {endpoint}/v1/{path}`, retried; the answer's bytes.
    async fn get(&self, operation: &'static str, path: &str) -> Result<Vec<u8>, CloudError> {
        let Some(token) = &self.token else {
            return Err(CloudError::new(
                ErrorKind::InvalidInput,
                operation,
                path,
                "no Apigee access token: set the provider's `apigee.access_token` or APIGEE_ACCESS_TOKEN",
            ));
        };
        let url = format!("{}/v1/{path}", self.endpoint);
        retry_when(&self.retry, &self.cancel, is_retryable, || async {
            let response = self
                .http
                .get(&url)
                .bearer_auth(token.expose())
                .send()
                .await
                .map_err(|e| {
                    let kind = if e.is_connect() || e.is_timeout() || e.is_request() {
                        ErrorKind::Transient
                    } else {
                        ErrorKind::Other
                    };
                    CloudError::new(kind, operation, path, e.to_string())
                })?;
            let status = response.status();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            let body = response.bytes().await.map_err(|e| {
                CloudError::new(ErrorKind::Transient, operation, path, e.to_string())
            })?;
            if status.is_success() {
                return Ok(body.to_vec());
            }
            Err(google_error(operation, path, status, &body).with_retry_after(retry_after))
        })
        .await
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        path: &str,
    ) -> Result<T, CloudError> {
        let body = self.get(operation, path).await?;
        serde_json::from_slice(&body).map_err(|e| {
            CloudError::new(
                ErrorKind::Other,
                operation,
                path,
                format!("unexpected answer: {e}"),
            )
        })
    }
}

/// A Google error answer as a [`CloudError`]: its `status` (`NOT_FOUND`, `PERMISSION_DENIED`,
/// ...) is the code, the HTTP status picks the kind.
fn google_error(
    operation: &'static str,
    path: &str,
    status: StatusCode,
    body: &[u8],
) -> CloudError {
    let (code, message) = match serde_json::from_slice::<GoogleError>(body) {
        Ok(e) => (e.error.status, e.error.message),
        Err(_) => (None, String::new()),
    };
    let message = tfplugin::logging::scrub(&message).unwrap_or(message);
    CloudError::from_api(
        ErrorKind::from_status(Some(status.as_u16())),
        operation,
        path,
        code,
        message,
        Some(status.as_u16()),
    )
}

/// A path segment, percent-encoded (proxy names may hold spaces).
fn segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[async_trait]
impl ApigeeBackend for ApigeeClient {
    async fn check_organization(&self, org: &str) -> Result<(), CloudError> {
        self.get(
            "reading Apigee organization",
            &format!("organizations/{}", segment(org)),
        )
        .await
        .map(drop)
    }

    async fn list_environments(&self, org: &str) -> Result<Vec<String>, CloudError> {
        let path = format!("organizations/{}/environments", segment(org));
        self.get_json("listing Apigee environments", &path).await
    }

    async fn list_proxies(&self, org: &str) -> Result<Vec<String>, CloudError> {
        let path = format!("organizations/{}/apis", segment(org));
        let list: ListApiProxiesResponse =
            self.get_json("listing Apigee API proxies", &path).await?;
        let mut names: Vec<String> = list.proxies.into_iter().map(|p| p.name).collect();
        names.sort();
        Ok(names)
    }

    async fn latest_revision(&self, org: &str, api: &str) -> Result<String, CloudError> {
        let path = format!("organizations/{}/apis/{}", segment(org), segment(api));
        let proxy: ApiProxy = self.get_json("reading Apigee API proxy", &path).await?;
        // `latestRevisionId` is the newest; older answers only list `revision`.
        let latest = proxy.latest_revision_id.or_else(|| {
            proxy
                .revision
                .iter()
                .max_by_key(|r| r.parse::<u64>().unwrap_or(0))
                .cloned()
        });
        latest.ok_or_else(|| {
            CloudError::new(
                ErrorKind::InvalidState,
                "reading Apigee API proxy",
                path,
                "the proxy has no revision",
            )
        })
    }

    async fn proxy_bundle(
        &self,
        org: &str,
        api: &str,
        revision: &str,
    ) -> Result<Vec<u8>, CloudError> {
        let path = format!(
            "organizations/{}/apis/{}/revisions/{}?format=bundle",
            segment(org),
            segment(api),
            segment(revision)
        );
        self.get("downloading Apigee API proxy bundle", &path).await
    }

    async fn environment_config(&self, org: &str, env: &str) -> Result<Vec<u8>, CloudError> {
        let path = format!(
            "organizations/{}/environments/{}/deployedConfig",
            segment(org),
            segment(env)
        );
        self.get("reading Apigee environment configuration", &path)
            .await
    }
}
