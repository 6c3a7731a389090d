//! The Azure Blob service data plane for one container, reached with its SAS URL: Put Blob (block
//! blobs), List Blobs (every page), Delete Blob and Get Blob, each with `x-ms-version` and through
//! the shared retry loop.
//!
//! The SAS URL is a secret: only the container's path appears in errors (reqwest's own errors
//! have their URL removed), and the service's messages are scrubbed.

use std::time::Duration;

use async_trait::async_trait;
use reqwest::{Method, StatusCode};
use tokio_util::sync::CancellationToken;

use super::BlobContainer;
use crate::cloud::azure::Secret;
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::retry::{is_retryable, parse_retry_after, retry_when, RetryPolicy};

/// The Blob service version sent as `x-ms-version`.
pub const BLOB_SERVICE_VERSION: &str = "2024-11-04";

/// A blob container reached with a SAS URL.
pub struct SasContainer {
    http: reqwest::Client,
    /// `scheme://host[:port]/path` of the container, without the query.
    base: String,
    /// The SAS token (the URL's query).
    sas: Secret,
    /// The container's path, for messages.
    label: String,
    retry: RetryPolicy,
    cancel: CancellationToken,
}

impl SasContainer {
    /// The container of `url` (`https://<account>.blob.core.windows.net/<container>?<sas>`).
    pub fn new(url: &Secret) -> Result<SasContainer, CloudError> {
        let invalid = |why: &str| {
            CloudError::new(
                ErrorKind::InvalidInput,
                "opening blob container",
                "container_url",
                why,
            )
        };
        let parsed = url::Url::parse(url.expose()).map_err(|_| invalid("not a URL"))?;
        let Some(query) = parsed.query().filter(|q| q.contains("sig=")) else {
            return Err(invalid("the URL carries no SAS signature (`sig=`)"));
        };
        // Registers the URL, its token and signature with the log scrubber.
        let _registered = Secret::sas_url(url.expose());
        let mut base = parsed.clone();
        base.set_query(None);
        base.set_fragment(None);
        let base = base.as_str().trim_end_matches('/').to_owned();
        let label = parsed.path().trim_matches('/').to_owned();
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .build()
            .unwrap_or_default();
        Ok(SasContainer {
            http,
            base,
            sas: Secret::new(query),
            label,
            retry: RetryPolicy::standard(),
            cancel: CancellationToken::new(),
        })
    }

    /// This container with another retry policy (tests) and cancellation token.
    pub fn with_retry(mut self, retry: RetryPolicy, cancel: CancellationToken) -> Self {
        self.retry = retry;
        self.cancel = cancel;
        self
    }

    fn blob_url(&self, name: &str) -> String {
        let path: Vec<String> = name.split('/').map(encode).collect();
        format!("{}/{}?{}", self.base, path.join("/"), self.sas.expose())
    }

    /// One request, retried; the status, and the body of a success (404 is returned, not an error).
    async fn send(
        &self,
        operation: &'static str,
        name: &str,
        method: Method,
        url: &str,
        body: Option<(&[u8], &str)>,
    ) -> Result<(StatusCode, Vec<u8>), CloudError> {
        let subject = format!("{}/{name}", self.label);
        retry_when(&self.retry, &self.cancel, is_retryable, || async {
            let mut request = self
                .http
                .request(method.clone(), url)
                .header("x-ms-version", BLOB_SERVICE_VERSION);
            if let Some((content, content_type)) = body {
                request = request
                    .header("x-ms-blob-type", "BlockBlob")
                    .header("content-type", content_type)
                    .body(content.to_vec());
            }
            let response = request.send().await.map_err(|e| {
                let kind = if e.is_connect() || e.is_timeout() || e.is_request() {
                    ErrorKind::Transient
                } else {
                    ErrorKind::Other
                };
                // reqwest's message quotes the URL, SAS included: drop it.
                CloudError::new(
                    kind,
                    operation,
                    subject.clone(),
                    e.without_url().to_string(),
                )
            })?;
            let status = response.status();
            let code = response
                .headers()
                .get("x-ms-error-code")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            let bytes = response.bytes().await.map_err(|e| {
                CloudError::new(
                    ErrorKind::Transient,
                    operation,
                    subject.clone(),
                    e.without_url().to_string(),
                )
            })?;
            if status.is_success()
                || status == StatusCode::NOT_FOUND && code.as_deref() == Some("BlobNotFound")
            {
                return Ok((status, bytes.to_vec()));
            }
            let text = String::from_utf8_lossy(&bytes);
            let message = between(&text, "<Message>", "</Message>")
                .map(|m| m.lines().next().unwrap_or_default().to_owned())
                .unwrap_or_default();
            let message = tfplugin::logging::scrub(&message).unwrap_or(message);
            Err(CloudError::from_api(
                ErrorKind::from_status(Some(status.as_u16())),
                operation,
                subject.clone(),
                code,
                message,
                Some(status.as_u16()),
            )
            .with_retry_after(retry_after))
        })
        .await
    }
}

/// A blob name's path segment, percent-encoded.
fn encode(segment: &str) -> String {
    url::form_urlencoded::byte_serialize(segment.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// The text between the first `start` and the next `end`.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

/// XML character references back to text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The blob names and the next marker of one List Blobs page (`EnumerationResults`).
fn parse_list_page(xml: &str) -> (Vec<String>, Option<String>) {
    let mut names = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<Blob>") {
        rest = &rest[start + "<Blob>".len()..];
        if let Some(name) = between(rest, "<Name>", "</Name>") {
            names.push(unescape(name));
        }
    }
    let next = between(xml, "<NextMarker>", "</NextMarker>")
        .filter(|m| !m.is_empty())
        .map(unescape);
    (names, next)
}

#[async_trait]
impl BlobContainer for SasContainer {
    async fn put(
        &self,
        name: &str,
        content: Vec<u8>,
        content_type: &str,
    ) -> Result<(), CloudError> {
        let url = self.blob_url(name);
        self.send(
            "writing blob",
            name,
            Method::PUT,
            &url,
            Some((&content, content_type)),
        )
        .await
        .map(drop)
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, CloudError> {
        let mut names = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let mut url = format!(
                "{}?restype=container&comp=list&prefix={}",
                self.base,
                encode(prefix)
            );
            if let Some(m) = &marker {
                url.push_str(&format!("&marker={}", encode(m)));
            }
            url.push('&');
            url.push_str(self.sas.expose());
            let (_, body) = self
                .send("listing blobs", prefix, Method::GET, &url, None)
                .await?;
            let (page, next) = parse_list_page(&String::from_utf8_lossy(&body));
            names.extend(page);
            match next {
                Some(next) => marker = Some(next),
                None => break,
            }
        }
        names.sort();
        Ok(names)
    }

    async fn delete(&self, name: &str) -> Result<(), CloudError> {
        let url = self.blob_url(name);
        self.send("deleting blob", name, Method::DELETE, &url, None)
            .await
            .map(drop)
    }

    async fn get(&self, name: &str) -> Result<Option<Vec<u8>>, CloudError> {
        let url = self.blob_url(name);
        let (status, body) = self
            .send("reading blob", name, Method::GET, &url, None)
            .await?;
        Ok((status != StatusCode::NOT_FOUND).then_some(body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_page_yields_names_and_the_next_marker() {
        let xml = "<?xml version=\"1.0\"?><EnumerationResults><Blobs><Blob><Name>a/b&amp;c.zip</Name>\
                   <Properties><Content-Length>3</Content-Length></Properties></Blob><Blob><Name>a/d</Name></Blob>\
                   </Blobs><NextMarker>a/e</NextMarker></EnumerationResults>";
        let (names, next) = parse_list_page(xml);
        assert_eq!(names, ["a/b&c.zip", "a/d"]);
        assert_eq!(next.as_deref(), Some("a/e"));
        let (_, last) =
            parse_list_page("<EnumerationResults><Blobs /><NextMarker /></EnumerationResults>");
        assert_eq!(last, None);
    }

    #[test]
    fn a_url_without_a_signature_is_refused_without_quoting_it() {
        let err = SasContainer::new(&Secret::new(
            "https://acct.blob.core.windows.net/c?sv=1&sp=rw",
        ))
        .err()
        .unwrap();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(!err.to_string().contains("acct"), "{err}");
        let ok = SasContainer::new(&Secret::new(
            "https://acct.blob.core.windows.net/c?sv=1&sig=abc",
        ))
        .unwrap();
        assert_eq!(
            ok.blob_url("apigee/o/x y.zip"),
            "https://acct.blob.core.windows.net/c/apigee/o/x%20y.zip?sv=1&sig=abc"
        );
    }
}
