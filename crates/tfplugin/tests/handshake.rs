//! End-to-end go-plugin handshake against the `minimal_provider` example,
//! playing Terraform's part: magic cookie, AutoMTLS with a P-521 client
//! certificate (as go-plugin makes them), health check, shutdown.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{aws_lc_rs, WebPkiSupportedAlgorithms};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::transport::{Channel, Endpoint, Uri};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

const COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Builds the example (a no-op when fresh) and returns its path.
fn provider_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            // This test runs as <target>/<profile>/deps/handshake-<hash>.
            let exe = std::env::current_exe().expect("test executable path");
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("target profile dir");
            let mut cargo = Command::new(env!("CARGO"));
            cargo.args([
                "build",
                "--quiet",
                "-p",
                "tfplugin",
                "--example",
                "minimal_provider",
            ]);
            match profile_dir.file_name().and_then(|n| n.to_str()) {
                Some("debug") | None => {}
                Some("release") => {
                    cargo.arg("--release");
                }
                Some(other) => {
                    cargo.args(["--profile", other]);
                }
            }
            let status = cargo.status().expect("running cargo build");
            assert!(status.success(), "building the example failed");
            profile_dir
                .join("examples")
                .join(format!("minimal_provider{}", std::env::consts::EXE_SUFFIX))
        })
        .clone()
}

/// A running provider process; stderr is drained continuously (as Terraform
/// does) so a chatty provider can never block on a full pipe.
struct Provider {
    child: Child,
    stderr: mpsc::Receiver<String>,
}

impl Provider {
    /// Everything the provider wrote to stderr; call after it exited.
    fn stderr(&self) -> String {
        self.stderr
            .recv_timeout(Duration::from_secs(5))
            .unwrap_or_default()
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the provider the way go-plugin's client does, with a clean
/// plugin environment plus `env`.
fn spawn_provider(socket_dir: &Path, env: &[(&str, &str)]) -> Provider {
    let binary = provider_binary();
    let mut cmd = Command::new(binary);
    for (key, _) in std::env::vars() {
        if key.starts_with("PLUGIN_") || key.starts_with("TF_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("PLUGIN_PROTOCOL_VERSIONS", "5,6")
        .env("PLUGIN_MIN_PORT", "10000")
        .env("PLUGIN_MAX_PORT", "25000")
        .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("starting the provider");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        let _ = tx.send(text);
    });
    Provider { child, stderr: rx }
}

/// The first stdout line, within a few seconds.
fn read_handshake_line(provider: &mut Provider) -> String {
    let stdout = provider.child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    rx.recv_timeout(Duration::from_secs(10))
        .expect("no handshake line within 10 s")
}

/// Waits for the provider to exit. Async, so the client connection (which
/// runs on this test's runtime) keeps answering HTTP/2 pings meanwhile.
async fn wait_with_timeout(provider: &mut Provider, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(status) = provider.child.try_wait().expect("polling the provider") {
            return Some(status);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    None
}

/// A go-plugin style client certificate: self-signed CA with a P-521 key.
fn terraform_client_cert() -> (String, CertificateDer<'static>, PrivateKeyDer<'static>) {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let cert = params.self_signed(&key).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    (cert.pem(), cert.der().clone(), key)
}

/// Trusts exactly the certificate from the handshake line, as go-plugin's
/// client does (it puts that one certificate in its root pool).
#[derive(Debug)]
struct PinnedServerCert(Vec<u8>, WebPkiSupportedAlgorithms);

impl ServerCertVerifier for PinnedServerCert {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.0.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "unexpected server certificate".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(m, c, d, &self.1)
    }
    fn verify_tls13_signature(
        &self,
        m: &[u8],
        c: &CertificateDer<'_>,
        d: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(m, c, d, &self.1)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.1.supported_schemes()
    }
}

/// Connects over the unix socket, with mTLS when `tls` is given.
async fn connect(
    socket: String,
    tls: Option<(Vec<u8>, CertificateDer<'static>, PrivateKeyDer<'static>)>,
) -> Result<Channel, tonic::transport::Error> {
    let connector = tls.map(|(server_der, cert, key)| {
        let provider = Arc::new(aws_lc_rs::default_provider());
        let algs = provider.signature_verification_algorithms;
        let mut config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(PinnedServerCert(server_der, algs)))
            .with_client_auth_cert(vec![cert], key)
            .unwrap();
        config.alpn_protocols = vec![b"h2".to_vec()];
        tokio_rustls::TlsConnector::from(Arc::new(config))
    });
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_: Uri| {
            let socket = socket.clone();
            let connector = connector.clone();
            async move {
                let stream = tokio::net::UnixStream::connect(&socket).await?;
                let io: Box<dyn IoStream> = match connector {
                    Some(c) => Box::new(
                        c.connect(ServerName::try_from("localhost").unwrap(), stream)
                            .await?,
                    ),
                    None => Box::new(stream),
                };
                Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(io))
            }
        }))
        .await
}

trait IoStream: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Send + Unpin> IoStream for T {}

/// Calls a go-plugin RPC whose request is `google.protobuf.Empty`-shaped.
async fn call_empty(channel: &Channel, path: &'static str) -> Result<(), tonic::Status> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready()
        .await
        .map_err(|e| tonic::Status::unavailable(e.to_string()))?;
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    grpc.unary(
        tonic::Request::new(()),
        PathAndQuery::from_static(path),
        codec,
    )
    .await
    .map(|_| ())
}

/// Opens `StreamStdio` and leaves it open, as Terraform does.
async fn open_stdio_stream(channel: &Channel) -> tonic::Streaming<()> {
    let mut grpc = tonic::client::Grpc::new(channel.clone());
    grpc.ready().await.unwrap();
    let codec = tonic_prost::ProstCodec::<(), ()>::default();
    grpc.server_streaming(
        tonic::Request::new(()),
        PathAndQuery::from_static("/plugin.GRPCStdio/StreamStdio"),
        codec,
    )
    .await
    .expect("StreamStdio")
    .into_inner()
}

async fn assert_serving(channel: &Channel) {
    let health = HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: "plugin".into(),
        })
        .await
        .expect("health check")
        .into_inner();
    assert_eq!(health.status, ServingStatus::Serving as i32);
}

/// Shuts the provider down through the controller and checks it is gone
/// within a second, socket directory included.
async fn shutdown_and_check_exit(channel: &Channel, provider: &mut Provider, socket_dir: &Path) {
    // Keep a stream open: shutdown must not wait for it.
    let _stdio = open_stdio_stream(channel).await;
    call_empty(channel, "/plugin.GRPCController/Shutdown")
        .await
        .expect("Shutdown");
    let asked = Instant::now();
    let status = wait_with_timeout(provider, Duration::from_secs(1))
        .await
        .expect("provider still running 1 s after Shutdown");
    assert!(
        status.success(),
        "exit status {status}: {}",
        provider.stderr()
    );
    eprintln!("exited {:?} after Shutdown", asked.elapsed());
    let leftovers: Vec<_> = std::fs::read_dir(socket_dir).unwrap().collect();
    assert!(
        leftovers.is_empty(),
        "socket directory not removed: {leftovers:?}"
    );
}

#[tokio::test]
async fn refuses_to_run_without_the_magic_cookie() {
    let dir = tempfile::tempdir().unwrap();
    let mut provider = spawn_provider(dir.path(), &[]);
    let status = wait_with_timeout(&mut provider, Duration::from_secs(10))
        .await
        .expect("provider exits");
    assert_eq!(status.code(), Some(1));
    let stderr = provider.stderr();
    assert!(
        stderr.contains("This binary is a Terraform provider plugin"),
        "stderr: {stderr}"
    );
    let mut stdout = String::new();
    provider
        .child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert_eq!(stdout, "", "nothing may reach stdout");
}

#[tokio::test]
async fn refuses_terraform_without_protocol_6() {
    let dir = tempfile::tempdir().unwrap();
    let mut provider = spawn_provider(
        dir.path(),
        &[
            (COOKIE_KEY, COOKIE_VALUE),
            ("PLUGIN_PROTOCOL_VERSIONS", "4,5"),
        ],
    );
    let status = wait_with_timeout(&mut provider, Duration::from_secs(10))
        .await
        .expect("provider exits");
    assert_eq!(status.code(), Some(1));
    assert!(provider.stderr().contains("protocol 6"));
}

#[tokio::test]
async fn automtls_handshake_health_and_shutdown() {
    let dir = tempfile::tempdir().unwrap();
    let (client_pem, client_der, client_key) = terraform_client_cert();
    provider_binary(); // build first, so the timing below is the provider's own
    let started = Instant::now();
    let mut provider = spawn_provider(
        dir.path(),
        &[
            (COOKIE_KEY, COOKIE_VALUE),
            ("PLUGIN_CLIENT_CERT", &client_pem),
        ],
    );
    let line = read_handshake_line(&mut provider);
    eprintln!(
        "handshake after {:?}: {}",
        started.elapsed(),
        line.trim_end()
    );

    let parts: Vec<&str> = line.trim_end_matches('\n').split('|').collect();
    assert_eq!(parts.len(), 6, "line: {line}");
    assert_eq!(&parts[..3], ["1", "6", "unix"]);
    assert_eq!(parts[4], "grpc");
    let socket = parts[3].to_owned();
    assert!(Path::new(&socket).starts_with(dir.path()));
    let server_der = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(parts[5])
        .expect("unpadded base64 certificate");

    let channel = connect(socket, Some((server_der, client_der, client_key)))
        .await
        .expect("connecting with mTLS");
    assert_serving(&channel).await;
    shutdown_and_check_exit(&channel, &mut provider, dir.path()).await;
}

/// Ctrl-C in a terminal reaches the whole process group; like go-plugin
/// plugins, we leave stopping to Terraform and keep serving.
#[cfg(unix)]
#[tokio::test]
async fn ignores_interrupts_from_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let mut provider = spawn_provider(dir.path(), &[(COOKIE_KEY, COOKIE_VALUE)]);
    let line = read_handshake_line(&mut provider);
    let socket = line.trim_end().split('|').nth(3).unwrap().to_owned();

    let pid = provider.child.id().to_string();
    let kill = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(kill.success());
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        provider.child.try_wait().unwrap().is_none(),
        "provider died on SIGINT"
    );

    let channel = connect(socket, None).await.expect("connecting");
    assert_serving(&channel).await;
    shutdown_and_check_exit(&channel, &mut provider, dir.path()).await;
}

#[tokio::test]
async fn rejects_a_client_with_another_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let (client_pem, _, _) = terraform_client_cert();
    let (_, other_der, other_key) = terraform_client_cert();
    let mut provider = spawn_provider(
        dir.path(),
        &[
            (COOKIE_KEY, COOKIE_VALUE),
            ("PLUGIN_CLIENT_CERT", &client_pem),
        ],
    );
    let line = read_handshake_line(&mut provider);
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    let server_der = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(parts[5])
        .unwrap();

    // Depending on the TLS version the refusal surfaces while connecting or
    // on the first call; either way no call may succeed.
    let refused = match connect(
        parts[3].to_owned(),
        Some((server_der, other_der, other_key)),
    )
    .await
    {
        Err(_) => true,
        Ok(channel) => HealthClient::new(channel)
            .check(HealthCheckRequest {
                service: "plugin".into(),
            })
            .await
            .is_err(),
    };
    assert!(refused, "a foreign client certificate must be refused");
}

#[tokio::test]
async fn plaintext_when_terraform_sends_no_client_cert() {
    let dir = tempfile::tempdir().unwrap();
    let mut provider = spawn_provider(dir.path(), &[(COOKIE_KEY, COOKIE_VALUE)]);
    let line = read_handshake_line(&mut provider);
    let parts: Vec<&str> = line.trim_end().split('|').collect();
    assert_eq!(parts.len(), 6, "line: {line}");
    assert_eq!(parts[5], "", "no certificate without AutoMTLS");

    let channel = connect(parts[3].to_owned(), None)
        .await
        .expect("connecting");
    assert_serving(&channel).await;
    shutdown_and_check_exit(&channel, &mut provider, dir.path()).await;
}

/// The real thing: `terraform plan` with the example as a dev override,
/// so Terraform's own go-plugin client (Go TLS, P-521 client certificate)
/// does the handshake, fetches the schema and shuts the provider down.
/// Skipped when no `terraform` is on PATH.
#[test]
fn real_terraform_plans_with_the_provider() {
    let Ok(version) = Command::new("terraform").arg("version").output() else {
        eprintln!("skipped: terraform is not on PATH");
        return;
    };
    assert!(version.status.success());

    let work = tempfile::tempdir().unwrap();
    let plugins = work.path().join("plugins");
    let config = work.path().join("config");
    std::fs::create_dir_all(&plugins).unwrap();
    std::fs::create_dir_all(&config).unwrap();
    let exe = format!("terraform-provider-minimal{}", std::env::consts::EXE_SUFFIX);
    std::fs::copy(provider_binary(), plugins.join(exe)).unwrap();
    let cli_config = work.path().join("terraformrc");
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  dev_overrides {{\n    \"example/minimal\" = {:?}\n  }}\n  direct {{}}\n}}\n",
            plugins.display().to_string()
        ),
    )
    .unwrap();
    std::fs::write(
        config.join("main.tf"),
        "terraform {\n  required_providers {\n    minimal = { source = \"example/minimal\" }\n  }\n}\n\
         provider \"minimal\" {}\noutput \"x\" { value = 1 }\n",
    )
    .unwrap();
    let log = work.path().join("terraform.log");

    let out = Command::new("terraform")
        .args(["plan", "-input=false", "-no-color"])
        .current_dir(&config)
        .env("TF_CLI_CONFIG_FILE", &cli_config)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_LOG", "debug")
        .env("TF_LOG_PATH", &log)
        .output()
        .unwrap();
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        out.status.success(),
        "terraform plan failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        log
    );
    assert!(log.contains("using plugin: version=6"), "{log}");
    // Our own JSON log lines arrive in Terraform's log as structured entries.
    assert!(
        log.contains("Terraform asked the plugin to shut down"),
        "{log}"
    );
    assert!(log.contains("plugin process exited"), "{log}");
}
