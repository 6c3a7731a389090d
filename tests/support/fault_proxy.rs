//! [`FaultProxy`]: a loopback HTTP proxy in front of the AWS emulator or the fake ARM server that
//! answers faults instead of (or after) forwarding, to test retries, idempotent creates and
//! endpoints that go down.
//!
//! Faults come from two sources, checked in this order for every request:
//! - a queue ([`FaultProxy::inject`]): each queued [`Fault`] answers the next matching request;
//! - a [`Schedule`] ([`FaultProxy::schedule`]): each request of the scheduled operations gets a
//!   fault with a probability. The draw depends only on the seed, the request line and how many
//!   times that request line came before, so a failing run is reproduced by its seed whatever
//!   order Terraform's parallel walk sends the requests in.
//!
//! [`FaultProxy::set_down`] makes the endpoint refuse connections or stop answering, and
//! [`FaultProxy::set_down`] with [`Down::Up`] brings it back on the same port.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::sync::watch;

/// An error answer the proxy gives instead of forwarding (a queued fault).
#[derive(Clone)]
pub(crate) struct Fault {
    /// Only a request with this method gets it (others pass through); `None`: any request.
    pub(crate) method: Option<Method>,
    /// The HTTP status.
    pub(crate) status: u16,
    /// The error code (AWS: `__type` and `x-amzn-errortype`; ARM: `error.code`).
    pub(crate) code: &'static str,
    /// The error message.
    pub(crate) message: &'static str,
}

impl Fault {
    /// A fault for any request.
    pub(crate) fn new(status: u16, code: &'static str, message: &'static str) -> Fault {
        Fault {
            method: None,
            status,
            code,
            message,
        }
    }
}

/// What a scheduled fault does to the request it hits.
#[derive(Clone, Debug)]
pub(crate) enum FaultKind {
    /// Answers this error (with `Retry-After: {retry_after}` seconds when set) without forwarding.
    Error {
        /// The HTTP status.
        status: u16,
        /// The error code.
        code: &'static str,
        /// The error message.
        message: &'static str,
        /// Seconds for a `Retry-After` header.
        retry_after: Option<u64>,
    },
    /// Closes the connection without answering and without forwarding.
    Drop,
    /// Forwards, then closes the connection without passing the answer on: the request took
    /// effect but its answer was lost.
    DropAnswer,
    /// Forwards after this delay.
    Slow(Duration),
}

impl FaultKind {
    /// AWS throttling: 400 `ThrottlingException`.
    pub(crate) fn aws_throttling() -> FaultKind {
        FaultKind::Error {
            status: 400,
            code: "ThrottlingException",
            message: "Rate exceeded",
            retry_after: None,
        }
    }

    /// HTTP 429 `TooManyRequestsException`.
    pub(crate) fn too_many_requests() -> FaultKind {
        FaultKind::Error {
            status: 429,
            code: "TooManyRequestsException",
            message: "Too many requests",
            retry_after: None,
        }
    }

    /// ARM throttling: 429 with `Retry-After: 1`.
    pub(crate) fn arm_throttling() -> FaultKind {
        FaultKind::Error {
            status: 429,
            code: "TooManyRequests",
            message: "The request is being throttled.",
            retry_after: Some(1),
        }
    }

    /// A server error with status `status` (500 or 503).
    pub(crate) fn server_error(status: u16) -> FaultKind {
        let (code, message) = if status == 503 {
            ("ServiceUnavailableException", "Service unavailable")
        } else {
            ("InternalFailure", "Internal server error")
        };
        FaultKind::Error {
            status,
            code,
            message,
            retry_after: None,
        }
    }
}

/// Which requests a schedule hits: every request with `method` (any when `None`) whose path
/// contains `path_contains` (case-insensitive).
#[derive(Clone, Debug)]
pub(crate) struct Operation {
    /// The method, or `None` for any.
    pub(crate) method: Option<Method>,
    /// A fragment of the path, lower case.
    pub(crate) path_contains: &'static str,
}

/// Faults drawn per request: with `probability`, one of `kinds` (drawn uniformly).
#[derive(Clone, Debug)]
pub(crate) struct Schedule {
    /// The seed every draw depends on.
    pub(crate) seed: u64,
    /// The chance that a request of [`operations`](Self::operations) gets a fault.
    pub(crate) probability: f64,
    /// The faults drawn from.
    pub(crate) kinds: Vec<FaultKind>,
    /// The requests it applies to; empty: every request.
    pub(crate) operations: Vec<Operation>,
}

impl Schedule {
    fn applies_to(&self, method: &Method, path: &str) -> bool {
        self.operations.is_empty()
            || self.operations.iter().any(|op| {
                op.method.as_ref().is_none_or(|m| m == method)
                    && path.to_ascii_lowercase().contains(op.path_contains)
            })
    }

    /// The fault for the `nth` (from 0) request with this request line, if it gets one.
    fn draw(&self, request_line: &str, nth: u64) -> Option<FaultKind> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (self.seed, request_line, nth).hash(&mut hasher);
        let mut rng = fastrand::Rng::with_seed(hasher.finish());
        (rng.f64() < self.probability && !self.kinds.is_empty())
            .then(|| self.kinds[rng.usize(..self.kinds.len())].clone())
    }
}

/// Whether the endpoint answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Down {
    /// It answers (forwarding, with faults).
    Up,
    /// It refuses connections (nothing listens on the port), and drops requests on open ones.
    Refuse,
    /// It accepts connections and never answers.
    Silent,
}

/// How the proxy words its error answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorStyle {
    /// AWS rest-json: `{"__type", "message"}` and `x-amzn-errortype`.
    Aws,
    /// Azure Resource Manager: `{"error": {"code", "message"}}`.
    Arm,
}

/// One request the proxy saw.
#[derive(Clone, Debug)]
pub(crate) struct Seen {
    /// Its method.
    pub(crate) method: Method,
    /// Its path.
    pub(crate) path: String,
    /// The fault it got, if any (`None`: forwarded as is).
    pub(crate) fault: Option<String>,
}

#[derive(Default)]
struct Faults {
    queue: VecDeque<Fault>,
    schedule: Option<Schedule>,
    occurrences: HashMap<String, u64>,
    seen: Vec<Seen>,
}

/// A loopback HTTP proxy that answers faults before (or after) forwarding to its upstream.
pub(crate) struct FaultProxy {
    addr: SocketAddr,
    faults: Arc<Mutex<Faults>>,
    down: watch::Sender<Down>,
}

/// What the proxy's request handler shares.
#[derive(Clone)]
struct Context {
    faults: Arc<Mutex<Faults>>,
    down: watch::Receiver<Down>,
    client: Client<HttpConnector, Full<Bytes>>,
    upstream: String,
    style: ErrorStyle,
}

/// The handler's "close the connection without answering".
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the fault proxy")
    }
}

impl std::error::Error for DropConnection {}

impl FaultProxy {
    /// Starts a proxy with AWS-style errors forwarding to `upstream` (e.g. the emulator's
    /// endpoint) on the current runtime.
    pub(crate) async fn start(upstream: String) -> FaultProxy {
        FaultProxy::start_with(upstream, ErrorStyle::Aws).await
    }

    /// Starts a proxy whose error answers are worded in `style`.
    pub(crate) async fn start_with(upstream: String, style: ErrorStyle) -> FaultProxy {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let (down, down_rx) = watch::channel(Down::Up);
        let proxy = FaultProxy {
            addr,
            faults: Arc::default(),
            down,
        };
        let context = Context {
            faults: proxy.faults.clone(),
            down: down_rx,
            client: Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>(),
            upstream,
            style,
        };
        tokio::spawn(serve(listener, addr, context));
        proxy
    }

    /// The endpoint URL to configure instead of the upstream's.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Queues faults; each answers one matching request.
    pub(crate) fn inject(&self, faults: impl IntoIterator<Item = Fault>) {
        self.faults.lock().unwrap().queue.extend(faults);
    }

    /// From now on, draws faults for every request by `schedule` (replacing an earlier one).
    pub(crate) fn schedule(&self, schedule: Schedule) {
        let mut faults = self.faults.lock().unwrap();
        faults.schedule = Some(schedule);
        faults.occurrences.clear();
    }

    /// Stops drawing scheduled faults.
    pub(crate) fn clear_schedule(&self) {
        self.faults.lock().unwrap().schedule = None;
    }

    /// Takes the endpoint down (refusing or silent) or brings it back up on the same port.
    pub(crate) fn set_down(&self, down: Down) {
        self.down.send_replace(down);
    }

    /// Every request so far, in arrival order.
    pub(crate) fn seen(&self) -> Vec<Seen> {
        self.faults.lock().unwrap().seen.clone()
    }

    /// How many requests a fault answered (queued or scheduled; slow answers count).
    pub(crate) fn faults_answered(&self) -> usize {
        self.seen().iter().filter(|s| s.fault.is_some()).count()
    }

    /// How many requests with `method` arrived (faulted or forwarded).
    pub(crate) fn requests(&self, method: &Method) -> usize {
        self.seen().iter().filter(|s| s.method == method).count()
    }
}

/// Accepts connections while the proxy is up (or silent); while it refuses, nothing listens.
async fn serve(listener: tokio::net::TcpListener, addr: SocketAddr, context: Context) {
    let mut down = context.down.clone();
    let mut listener = Some(listener);
    loop {
        let mode = *down.borrow_and_update();
        match (&listener, mode) {
            (Some(_), Down::Refuse) => listener = None,
            (None, Down::Up | Down::Silent) => {
                // The port was ours a moment ago; SO_REUSEADDR lets us take it back at once.
                match tokio::net::TcpListener::bind(addr).await {
                    Ok(l) => listener = Some(l),
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                }
            }
            _ => {}
        }
        let Some(open) = &listener else {
            if down.changed().await.is_err() {
                return;
            }
            continue;
        };
        tokio::select! {
            accepted = open.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let context = context.clone();
                let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                    let context = context.clone();
                    async move { answer(req, context).await }
                });
                let connection = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service);
                tokio::spawn(connection);
            }
            changed = down.changed() => if changed.is_err() { return },
        }
    }
}

async fn answer(
    req: Request<Incoming>,
    mut context: Context,
) -> Result<Response<Full<Bytes>>, DropConnection> {
    let mode = *context.down.borrow_and_update();
    match mode {
        Down::Refuse => return Err(DropConnection),
        Down::Silent => {
            // Holds the request until the endpoint is back (or the client gives up).
            while *context.down.borrow_and_update() == Down::Silent {
                if context.down.changed().await.is_err() {
                    return Err(DropConnection);
                }
            }
        }
        Down::Up => {}
    }
    let path = req.uri().path().to_owned();
    let request_line = format!(
        "{} {}",
        req.method(),
        req.uri().path_and_query().map_or("/", |p| p.as_str())
    );
    let fault = {
        let mut faults = context.faults.lock().unwrap();
        let queued = faults
            .queue
            .front()
            .is_some_and(|f| f.method.as_ref().is_none_or(|m| m == req.method()));
        let fault = if queued {
            faults.queue.pop_front().map(|f| FaultKind::Error {
                status: f.status,
                code: f.code,
                message: f.message,
                retry_after: None,
            })
        } else {
            match faults.schedule.clone() {
                Some(schedule) if schedule.applies_to(req.method(), &path) => {
                    let nth = faults.occurrences.entry(request_line.clone()).or_default();
                    let drawn = schedule.draw(&request_line, *nth);
                    *nth += 1;
                    drawn
                }
                _ => None,
            }
        };
        faults.seen.push(Seen {
            method: req.method().clone(),
            path,
            fault: fault.as_ref().map(|f| format!("{f:?}")),
        });
        fault
    };
    match fault {
        Some(FaultKind::Error {
            status,
            code,
            message,
            retry_after,
        }) => Ok(error_answer(
            context.style,
            status,
            code,
            message,
            retry_after,
        )),
        Some(FaultKind::Drop) => Err(DropConnection),
        Some(FaultKind::DropAnswer) => {
            let _ = forward(req, &context).await;
            Err(DropConnection)
        }
        Some(FaultKind::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            Ok(forward(req, &context).await)
        }
        None => Ok(forward(req, &context).await),
    }
}

fn error_answer(
    style: ErrorStyle,
    status: u16,
    code: &str,
    message: &str,
    retry_after: Option<u64>,
) -> Response<Full<Bytes>> {
    let mut builder = Response::builder()
        .status(status)
        .header("content-type", "application/json");
    let body = match style {
        ErrorStyle::Aws => {
            builder = builder.header("x-amzn-errortype", code);
            serde_json::json!({ "__type": code, "message": message })
        }
        ErrorStyle::Arm => serde_json::json!({ "error": { "code": code, "message": message } }),
    };
    if let Some(seconds) = retry_after {
        builder = builder.header("retry-after", seconds.to_string());
    }
    builder
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap()
}

/// Forwards as is (the Host header too: neither upstream checks signatures).
async fn forward(req: Request<Incoming>, context: &Context) -> Response<Full<Bytes>> {
    let (mut parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    parts.uri = format!("{}{path}", context.upstream)
        .parse()
        .expect("upstream URI");
    match context
        .client
        .request(Request::from_parts(parts, Full::new(body)))
        .await
    {
        Ok(resp) => {
            let (parts, body) = resp.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes())
                .unwrap_or_default();
            Response::from_parts(parts, Full::new(body))
        }
        Err(err) => Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .body(Full::new(Bytes::from(err.to_string())))
            .unwrap(),
    }
}
