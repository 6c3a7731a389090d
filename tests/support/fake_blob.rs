//! A fake Azure Blob service (data plane), loopback HTTP, path-style like Azurite:
//! `http://127.0.0.1:{port}/{account}/{container}/{blob}`, authorised by a container SAS.
//!
//! Modelled, as the Blob service REST reference describes them:
//! - Put Blob: `PUT {container}/{blob}` with `x-ms-blob-type: BlockBlob` and a `Content-Length`;
//!   201 with `ETag`, `Last-Modified`, `x-ms-request-server-encrypted`.
//! - Get Blob: `GET {container}/{blob}`; 200 with the content, `x-ms-blob-type`.
//! - Delete Blob: `DELETE {container}/{blob}`; 202.
//! - List Blobs: `GET {container}?restype=container&comp=list[&prefix=][&marker=][&maxresults=]`;
//!   200 with the `EnumerationResults` XML (alphabetical, paged with `NextMarker`).
//!
//! Every request needs `x-ms-version` (400 `MissingRequiredHeader`) and the SAS the fake issued
//! (`sv` and the right `sig`; else 403 `AuthenticationFailed`). Errors are the service's XML
//! (`<Error><Code>..</Code><Message>..</Message></Error>`) with `x-ms-error-code`. Anything else
//! answers 400 `UnsupportedHttpVerb` / `InvalidQueryParameterValue` and is recorded (see
//! [`FakeBlob::unmodelled`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::Response;

/// The storage account the fake plays.
pub(crate) const ACCOUNT: &str = "backupacct";
/// The container exports go to.
pub(crate) const CONTAINER: &str = "apigee-exports";
/// The SAS signature the fake accepts (a secret: tests check it never leaks).
pub(crate) const SIGNATURE: &str = "ApigeeSasSignatureNeverLogged=";

/// One stored blob.
#[derive(Debug, Clone)]
pub(crate) struct Blob {
    /// The content.
    pub(crate) content: Vec<u8>,
    /// `Content-Type` as sent.
    pub(crate) content_type: String,
    /// `x-ms-version` of the Put Blob request that wrote it.
    pub(crate) version: String,
}

#[derive(Default)]
struct Inner {
    blobs: BTreeMap<String, Blob>,
    calls: Vec<(String, String, u16)>,
    unmodelled: Vec<String>,
    /// Largest page List Blobs answers (the service's default is 5000).
    page_size: usize,
    next_etag: u64,
}

/// A running fake Blob service with one container; stops when dropped.
pub(crate) struct FakeBlob {
    inner: Arc<Mutex<Inner>>,
    base: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeBlob {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeBlob {
    /// Starts the server on a free loopback port.
    pub(crate) async fn start() -> FakeBlob {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let inner = Arc::new(Mutex::new(Inner {
            page_size: 5000,
            ..Inner::default()
        }));
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(inner.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeBlob { inner, base, task }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap()
    }

    /// The container's SAS URL (read, write, delete, list).
    pub(crate) fn container_sas_url(&self) -> String {
        let sig: String = url::form_urlencoded::byte_serialize(SIGNATURE.as_bytes()).collect();
        format!(
            "{}/{ACCOUNT}/{CONTAINER}?sv=2024-11-04&sr=c&sp=rwdl&se=2030-01-01T00%3A00%3A00Z&sig={sig}",
            self.base
        )
    }

    /// The container URL with a wrong signature.
    pub(crate) fn container_url_with_bad_signature(&self) -> String {
        format!(
            "{}/{ACCOUNT}/{CONTAINER}?sv=2024-11-04&sr=c&sp=rwdl&sig=d3Jvbmc%3D",
            self.base
        )
    }

    /// List Blobs answers at most `size` blobs per page.
    pub(crate) fn set_page_size(&self, size: usize) {
        self.inner().page_size = size;
    }

    /// Stores a blob directly (e.g. an export made long ago).
    pub(crate) fn put(&self, name: &str, content: &[u8]) {
        self.inner().blobs.insert(
            name.to_owned(),
            Blob {
                content: content.to_vec(),
                content_type: "application/octet-stream".into(),
                version: "2024-11-04".into(),
            },
        );
    }

    /// Names of the stored blobs, sorted.
    pub(crate) fn names(&self) -> Vec<String> {
        self.inner().blobs.keys().cloned().collect()
    }

    /// One stored blob.
    pub(crate) fn get(&self, name: &str) -> Option<Blob> {
        self.inner().blobs.get(name).cloned()
    }

    /// Calls so far: (method, path, status); the query (with the SAS) is left out.
    pub(crate) fn calls(&self) -> Vec<(String, String, u16)> {
        self.inner().calls.clone()
    }

    /// Calls the fake does not model: none should happen.
    pub(crate) fn unmodelled(&self) -> Vec<String> {
        self.inner().unmodelled.clone()
    }
}

/// An answer: status, headers, body.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

fn error(status: u16, code: &str, message: &str) -> Reply {
    let body = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}\nRequestId:00000000-0000-0000-0000-000000000000\nTime:2026-12-06T00:00:00.0000000Z</Message></Error>"
    );
    Reply {
        status,
        headers: vec![
            ("x-ms-error-code", code.to_owned()),
            ("content-type", "application/xml".to_owned()),
        ],
        body: body.into_bytes(),
    }
}

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const LAST_MODIFIED: &str = "Sun, 06 Dec 2026 00:00:00 GMT";

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
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let mut inner = inner.lock().unwrap();
    let reply = if query.get("sig").map(String::as_str) != Some(SIGNATURE)
        || !query.contains_key("sv")
    {
        error(
            403,
            "AuthenticationFailed",
            "Server failed to authenticate the request. Make sure the value of Authorization header is \
             formed correctly including the signature.",
        )
    } else if header("x-ms-version").is_none() {
        error(
            400,
            "MissingRequiredHeader",
            "An HTTP header that's mandatory for this request is not specified.",
        )
    } else {
        route(&mut inner, &method, &path, &query, header, &body)
    };
    inner
        .calls
        .push((method.to_string(), path.clone(), reply.status));
    inner.next_etag += 1;
    let request_id = format!("00000000-0000-0000-0000-{:012}", inner.next_etag);
    drop(inner);
    let mut builder = Response::builder()
        .status(StatusCode::from_u16(reply.status).unwrap())
        .header("x-ms-request-id", request_id)
        .header("x-ms-version", "2024-11-04")
        .header("date", LAST_MODIFIED);
    for (name, value) in reply.headers {
        builder = builder.header(name, value);
    }
    builder.body(Body::from(reply.body)).unwrap()
}

fn route<'h>(
    inner: &mut Inner,
    method: &Method,
    path: &str,
    query: &BTreeMap<String, String>,
    header: impl Fn(&str) -> Option<&'h str>,
    body: &[u8],
) -> Reply {
    let trimmed = path.trim_start_matches('/');
    let mut parts = trimmed.splitn(3, '/');
    let (account, container, blob) = (parts.next(), parts.next(), parts.next());
    if account != Some(ACCOUNT) || container.is_none() {
        inner.unmodelled.push(format!("{method} {path}"));
        return error(
            400,
            "InvalidUri",
            "The requested URI does not represent any resource on the server.",
        );
    }
    if container != Some(CONTAINER) {
        return error(
            404,
            "ContainerNotFound",
            "The specified container does not exist.",
        );
    }
    let blob = blob.filter(|b| !b.is_empty()).map(percent_decode);
    match (method.as_str(), blob) {
        ("GET", None) => {
            if query.get("restype").map(String::as_str) != Some("container")
                || query.get("comp").map(String::as_str) != Some("list")
            {
                inner.unmodelled.push(format!("GET {path}?{query:?}"));
                return error(400, "InvalidQueryParameterValue", "Value for one of the query parameters specified in the request URI is invalid.");
            }
            list(inner, query)
        }
        ("PUT", Some(name)) => {
            if header("x-ms-blob-type") != Some("BlockBlob") {
                inner
                    .unmodelled
                    .push(format!("PUT {path} without x-ms-blob-type: BlockBlob"));
                return error(
                    400,
                    "MissingRequiredHeader",
                    "An HTTP header that's mandatory for this request is not specified.",
                );
            }
            if header("content-length").and_then(|l| l.parse::<usize>().ok()) != Some(body.len()) {
                return error(
                    411,
                    "MissingContentLengthHeader",
                    "Content-Length header value must be specified.",
                );
            }
            inner.blobs.insert(
                name,
                Blob {
                    content: body.to_vec(),
                    content_type: header("content-type")
                        .unwrap_or("application/octet-stream")
                        .to_owned(),
                    version: header("x-ms-version").unwrap_or_default().to_owned(),
                },
            );
            Reply {
                status: 201,
                headers: vec![
                    ("etag", format!("\"0x8DD{:012X}\"", inner.next_etag)),
                    ("last-modified", LAST_MODIFIED.to_owned()),
                    ("x-ms-request-server-encrypted", "true".to_owned()),
                ],
                body: Vec::new(),
            }
        }
        ("GET", Some(name)) => match inner.blobs.get(&name) {
            Some(blob) => Reply {
                status: 200,
                headers: vec![
                    ("content-type", blob.content_type.clone()),
                    ("x-ms-blob-type", "BlockBlob".to_owned()),
                    ("last-modified", LAST_MODIFIED.to_owned()),
                ],
                body: blob.content.clone(),
            },
            None => error(404, "BlobNotFound", "The specified blob does not exist."),
        },
        ("DELETE", Some(name)) => match inner.blobs.remove(&name) {
            Some(_) => Reply {
                status: 202,
                headers: vec![("x-ms-delete-type-permanent", "true".to_owned())],
                body: Vec::new(),
            },
            None => error(404, "BlobNotFound", "The specified blob does not exist."),
        },
        _ => {
            inner.unmodelled.push(format!("{method} {path}"));
            error(
                400,
                "UnsupportedHttpVerb",
                "The resource doesn't support the specified HTTP verb.",
            )
        }
    }
}

/// A blob name as sent (`%XX` escapes decoded).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// List Blobs: the blobs under `prefix` after `marker`, one page.
fn list(inner: &Inner, query: &BTreeMap<String, String>) -> Reply {
    let prefix = query.get("prefix").cloned().unwrap_or_default();
    let page = query
        .get("maxresults")
        .and_then(|m| m.parse::<usize>().ok())
        .unwrap_or(5000)
        .min(inner.page_size);
    let marker = query.get("marker").cloned().unwrap_or_default();
    let matching: Vec<(&String, &Blob)> = inner
        .blobs
        .iter()
        .filter(|(name, _)| name.starts_with(&prefix) && name.as_str() >= marker.as_str())
        .collect();
    let next = matching.get(page).map(|(name, _)| (*name).clone());
    let mut xml = format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"http://127.0.0.1/{ACCOUNT}/\" ContainerName=\"{CONTAINER}\">"
    );
    if query.contains_key("prefix") {
        xml.push_str(&format!("<Prefix>{}</Prefix>", xml_escape(&prefix)));
    }
    if query.contains_key("marker") {
        xml.push_str(&format!("<Marker>{}</Marker>", xml_escape(&marker)));
    }
    if query.contains_key("maxresults") {
        xml.push_str(&format!("<MaxResults>{page}</MaxResults>"));
    }
    xml.push_str("<Blobs>");
    for (name, blob) in matching.iter().take(page) {
        xml.push_str(&format!(
            "<Blob><Name>{}</Name><Properties><Creation-Time>{LAST_MODIFIED}</Creation-Time><Last-Modified>{LAST_MODIFIED}</Last-Modified><Etag>0x8DD000000000000</Etag><Content-Length>{}</Content-Length><Content-Type>{}</Content-Type><BlobType>BlockBlob</BlobType><AccessTier>Hot</AccessTier><AccessTierInferred>true</AccessTierInferred><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState><ServerEncrypted>true</ServerEncrypted></Properties></Blob>",
            xml_escape(name),
            blob.content.len(),
            xml_escape(&blob.content_type)
        ));
    }
    xml.push_str("</Blobs>");
    match next {
        Some(n) => xml.push_str(&format!("<NextMarker>{}</NextMarker>", xml_escape(&n))),
        None => xml.push_str("<NextMarker />"),
    }
    xml.push_str("</EnumerationResults>");
    Reply {
        status: 200,
        headers: vec![("content-type", "application/xml".to_owned())],
        body: xml.into_bytes(),
    }
}
