//! The ARM client against endpoints that misbehave: refused and dropped connections, silence,
//! 429/503 with `Retry-After`, an operation still in progress. A scripted HTTP/1.1 server on
//! loopback answers each request with the next scripted [`Answer`]; its token endpoint always
//! answers.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::arm::{ArmClient, ArmOptions};
use super::backend::VaultRef;
use super::settings::{CredentialKind, ResolvedAzureSettings, Secret};
use super::vault;
use crate::cloud::error::ErrorKind;
use crate::cloud::retry::RetryPolicy;

/// The client secret of the test credential.
pub(super) const CLIENT_SECRET: &str = "client-secret-0123456789";

/// How the server answers one ARM request.
#[derive(Debug, Clone)]
pub(super) enum Answer {
    /// Closes the connection without a word.
    Drop,
    /// Keeps the connection open and never answers.
    Silence,
    /// A status, an optional `Retry-After` (seconds) and a JSON body.
    Status(u16, Option<u64>, String),
}

/// A vault as ARM answers a GET.
fn vault_body() -> String {
    r#"{"id":"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv","name":"rsv","location":"westeurope","properties":{}}"#.to_owned()
}

/// A loopback server answering scripted [`Answer`]s (then 200 with a vault), and tokens.
pub(super) struct ScriptedArm {
    addr: SocketAddr,
    /// Request lines (`GET /path?query`) of the ARM requests, in order.
    requests: Arc<Mutex<Vec<String>>>,
}

impl ScriptedArm {
    pub(super) async fn start(script: Vec<Answer>) -> ScriptedArm {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let script = Arc::new(Mutex::new(VecDeque::from(script)));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (s, r) = (script.clone(), requests.clone());
        let token = access_token(addr);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, token.clone(), s.clone(), r.clone()));
            }
        });
        ScriptedArm { addr, requests }
    }

    pub(super) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The access token this server's token endpoint hands out (one per server, so tests running
    /// at once do not share it).
    pub(super) fn token(&self) -> String {
        access_token(self.addr)
    }

    pub(super) fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn access_token(addr: SocketAddr) -> String {
    format!("access-token-of-{}", addr.port())
}

async fn serve(
    mut stream: TcpStream,
    token: String,
    script: Arc<Mutex<VecDeque<Answer>>>,
    requests: Arc<Mutex<Vec<String>>>,
) {
    loop {
        let Some(request_line) = read_request(&mut stream).await else {
            return;
        };
        let answer = if request_line.contains("/oauth2/") {
            Answer::Status(
                200,
                None,
                format!(r#"{{"access_token":"{token}","expires_in":3600}}"#),
            )
        } else {
            requests.lock().unwrap().push(request_line);
            let next = script.lock().unwrap().pop_front();
            next.unwrap_or_else(|| Answer::Status(200, None, vault_body()))
        };
        match answer {
            Answer::Drop => return,
            Answer::Silence => {
                tokio::time::sleep(Duration::from_secs(600)).await;
                return;
            }
            Answer::Status(status, retry_after, body) => {
                let retry_after = retry_after
                    .map(|s| format!("retry-after: {s}\r\n"))
                    .unwrap_or_default();
                let head = format!(
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{retry_after}\r\n",
                    body.len()
                );
                if stream.write_all(head.as_bytes()).await.is_err()
                    || stream.write_all(body.as_bytes()).await.is_err()
                {
                    return;
                }
            }
        }
    }
}

/// Reads one request (head and `content-length` body); its request line, `None` at EOF.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.ok()? == 0 {
            return None;
        }
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).await.ok()?;
    let line = head.lines().next()?;
    Some(line.rsplit_once(' ').map_or(line, |(l, _)| l).to_owned())
}

/// Settings for a client whose token endpoint is `authority` and Resource Manager `arm`.
pub(super) fn settings(authority: &str, arm: &str) -> ResolvedAzureSettings {
    ResolvedAzureSettings {
        subscription_id: "sub".into(),
        tenant_id: Some("tenant".into()),
        credential: CredentialKind::ClientSecret {
            client_id: "app".into(),
            secret: Secret::new(CLIENT_SECRET),
        },
        resource_manager_endpoint: arm.to_owned(),
        authority_host: authority.to_owned(),
    }
}

/// Test timing: a one-second budget per request, short attempts.
pub(super) fn options() -> ArmOptions {
    ArmOptions {
        retry: RetryPolicy {
            initial_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            max_elapsed: Duration::from_secs(1),
            max_attempts: 1000,
        },
        request_timeout: Duration::from_millis(300),
        connect_timeout: Duration::from_millis(300),
        ..ArmOptions::for_tests()
    }
}

fn rsv() -> VaultRef {
    VaultRef::new("rg", "rsv")
}

/// A loopback address nothing listens on: connections to it are refused.
async fn refused_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

#[tokio::test]
async fn a_refusing_endpoint_fails_within_the_budget_naming_it_and_the_operation() {
    let tokens = ScriptedArm::start(vec![]).await;
    let down = refused_url().await;
    let arm = ArmClient::new(&settings(&tokens.url(), &down), options()).unwrap();
    let started = Instant::now();
    let err = vault::find_vault(&arm, &rsv()).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{err}");
    assert_eq!(err.kind(), ErrorKind::Transient);
    let text = err.to_string();
    for part in [
        "reading Recovery Services Vault (rsv): ",
        &format!("no answer from Azure Resource Manager at {down}: could not connect"),
        "gave up after",
    ] {
        assert!(text.contains(part), "{part:?} not in {text:?}");
    }
}

#[tokio::test]
async fn a_silent_endpoint_is_cut_at_the_attempt_timeout_and_the_budget() {
    let silent = ScriptedArm::start(vec![Answer::Silence; 20]).await;
    let arm = ArmClient::new(&settings(&silent.url(), &silent.url()), options()).unwrap();
    let started = Instant::now();
    let err = vault::find_vault(&arm, &rsv()).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}: {err}");
    assert_eq!(err.kind(), ErrorKind::Transient);
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "reading Recovery Services Vault (rsv): no answer from Azure Resource Manager at {}",
            silent.url()
        )),
        "{text}"
    );
    assert!(text.contains("gave up after"), "{text}");
    // 300 ms attempts in a one-second budget: more than one attempt, never more than four.
    let attempts = silent.requests().len();
    assert!((2..=4).contains(&attempts), "{attempts} attempts");
}

#[tokio::test]
async fn a_token_endpoint_that_is_down_is_named() {
    let down = refused_url().await;
    let arm = ArmClient::new(&settings(&down, &down), options()).unwrap();
    let started = Instant::now();
    let err = arm.authenticate().await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2), "{err}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "authenticating to Azure (azure): no answer from the Microsoft Entra token endpoint at {down}"
        )),
        "{text}"
    );
}

#[tokio::test]
async fn a_token_endpoint_that_is_down_fails_the_request_it_held_up() {
    let arm_server = ScriptedArm::start(vec![]).await;
    let down = refused_url().await;
    let arm = ArmClient::new(&settings(&down, &arm_server.url()), options()).unwrap();
    let err = vault::find_vault(&arm, &rsv()).await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "reading Recovery Services Vault (rsv): no answer from the Microsoft Entra token endpoint at {down}: could not connect"
        )),
        "{text}"
    );
    assert!(text.contains("gave up after"), "{text}");
    assert!(arm_server.requests().is_empty());
}

#[tokio::test]
async fn dropped_connections_and_5xx_are_retried() {
    let arm_server = ScriptedArm::start(vec![
        Answer::Drop,
        Answer::Status(
            500,
            None,
            r#"{"error":{"code":"InternalError","message":"x"}}"#.into(),
        ),
        Answer::Drop,
    ])
    .await;
    let url = arm_server.url();
    let arm = ArmClient::new(&settings(&url, &url), options()).unwrap();
    let vault = vault::find_vault(&arm, &rsv()).await.unwrap().unwrap();
    assert_eq!(vault.name, "rsv");
    assert_eq!(arm_server.requests().len(), 4);
}

#[tokio::test]
async fn a_503_waits_its_retry_after() {
    let arm_server = ScriptedArm::start(vec![Answer::Status(
        503,
        Some(1),
        r#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#.into(),
    )])
    .await;
    let url = arm_server.url();
    let options = ArmOptions {
        retry: RetryPolicy {
            max_elapsed: Duration::from_secs(5),
            ..options().retry
        },
        ..options()
    };
    let arm = ArmClient::new(&settings(&url, &url), options).unwrap();
    let started = Instant::now();
    assert!(vault::find_vault(&arm, &rsv()).await.unwrap().is_some());
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_eq!(arm_server.requests().len(), 2);
}

#[tokio::test]
async fn a_create_refused_while_an_earlier_one_runs_is_sent_again() {
    // What a re-run apply meets when the killed one's PUT is still in progress.
    let arm_server = ScriptedArm::start(vec![Answer::Status(
        409,
        None,
        r#"{"error":{"code":"AnotherOperationInProgress","message":"Another operation is in progress on the resource."}}"#.into(),
    )])
    .await;
    let url = arm_server.url();
    let arm = ArmClient::new(&settings(&url, &url), options()).unwrap();
    let spec = super::backend::VaultSpec::new("rg", "rsv", "westeurope");
    let state = vault::ensure_vault(&arm, &spec).await.unwrap();
    assert_eq!(state.name, "rsv");
    let requests = arm_server.requests();
    assert!(requests[0].starts_with("PUT ") && requests[1].starts_with("PUT "));
    assert_eq!(requests[0], requests[1], "the same create, by name");
}

#[tokio::test]
async fn other_conflicts_are_not_retried() {
    let arm_server = ScriptedArm::start(vec![Answer::Status(
        409,
        None,
        r#"{"error":{"code":"Conflict","message":"no"}}"#.into(),
    )])
    .await;
    let url = arm_server.url();
    let arm = ArmClient::new(&settings(&url, &url), options()).unwrap();
    let err = vault::find_vault(&arm, &rsv()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(arm_server.requests().len(), 1);
}

#[tokio::test]
async fn the_client_secret_and_every_access_token_are_scrubbed_from_logs() {
    use tfplugin::logging::scrub;
    let server = ScriptedArm::start(vec![]).await;
    let token = server.token();
    let line = format!("Authorization: Bearer {token}");
    assert_eq!(scrub(&line), None, "not seen yet");
    let arm = ArmClient::new(&settings(&server.url(), &server.url()), options()).unwrap();
    arm.authenticate().await.unwrap();
    let clean = scrub(&line).expect("the access token is registered");
    assert!(!clean.contains(&token), "{clean}");
    let clean = scrub(&format!("client_secret={CLIENT_SECRET}")).unwrap();
    assert!(!clean.contains(CLIENT_SECRET), "{clean}");
}

#[tokio::test]
async fn a_federated_token_read_from_its_file_is_scrubbed_from_logs() {
    use super::settings::FederatedTokenSource;
    use tfplugin::logging::scrub;
    let server = ScriptedArm::start(vec![]).await;
    let oidc = format!("eyJ-oidc-token-of-{}", server.url());
    let file = std::env::temp_dir().join(format!("oidc-{}", server.token()));
    std::fs::write(&file, format!("{oidc}\n")).unwrap();
    assert_eq!(scrub(&oidc), None, "not read yet");
    let mut settings = settings(&server.url(), &server.url());
    settings.credential = CredentialKind::FederatedToken {
        client_id: "app".into(),
        source: FederatedTokenSource::File(file.clone()),
    };
    let arm = ArmClient::new(&settings, options()).unwrap();
    arm.authenticate().await.unwrap();
    std::fs::remove_file(&file).unwrap();
    let clean = scrub(&format!("client_assertion={oidc}")).expect("the OIDC token is registered");
    assert!(!clean.contains(&oidc), "{clean}");
}
