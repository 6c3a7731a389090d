//! The built binary behaves like a go-plugin provider when started by hand and by Terraform:
//! a plain sentence and exit 1 without the magic cookie; the handshake line, with a certificate
//! for AutoMTLS, when Terraform's environment is there.

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use base64::Engine as _;

const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-backup");
const COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
const COOKIE_VALUE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// How long the binary may take to exit or to print its handshake line.
const LIMIT: Duration = Duration::from_secs(30);

/// The binary with a clean environment: nothing of the go-plugin protocol set.
fn provider() -> Command {
    let mut cmd = Command::new(PROVIDER_BINARY);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs `cmd` to completion within [`LIMIT`]; returns (exit code, stdout, stderr).
fn run_to_exit(mut cmd: Command) -> (Option<i32>, String, String) {
    let mut child = cmd.spawn().expect("starting the provider binary");
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the provider") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the provider did not exit within {LIMIT:?} when run without Terraform's environment");
        }
        thread::sleep(Duration::from_millis(5));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut stdout)
        .expect("reading stdout");
    child
        .stderr
        .take()
        .expect("piped")
        .read_to_string(&mut stderr)
        .expect("reading stderr");
    (status.code(), stdout, stderr)
}

#[test]
fn run_by_hand_it_says_it_is_a_plugin_and_exits_1() {
    let (code, stdout, stderr) = run_to_exit(provider());
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(
        stdout, "",
        "nothing on stdout: Terraform reads the handshake from there"
    );
    let message = stderr.trim();
    assert!(
        message.contains("Terraform") && message.to_lowercase().contains("plugin"),
        "stderr should say this is a Terraform plugin: {stderr:?}"
    );
    // A plain sentence for a person: no log format, no colours, no panic.
    assert!(!message.contains('\n'), "one line: {stderr:?}");
    assert!(!message.contains('\u{1b}'), "no escape codes: {stderr:?}");
    assert!(!message.contains("panicked"), "{stderr:?}");
    assert!(message.ends_with('.'), "a sentence: {stderr:?}");
}

#[test]
fn a_wrong_cookie_is_refused_like_no_cookie() {
    let mut cmd = provider();
    cmd.env(COOKIE_KEY, "not-the-cookie");
    let (code, stdout, stderr) = run_to_exit(cmd);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(stdout, "");
}

#[test]
fn an_unsupported_protocol_is_refused_with_a_reason() {
    let mut cmd = provider();
    cmd.env(COOKIE_KEY, COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "4,5");
    let (code, stdout, stderr) = run_to_exit(cmd);
    assert_eq!(code, Some(1), "stdout: {stdout}\nstderr: {stderr}");
    assert_eq!(
        stdout, "",
        "no handshake line for a protocol we do not speak"
    );
    assert!(
        stderr.contains('6'),
        "the message names the protocol we speak: {stderr:?}"
    );
}

/// A client certificate made the way go-plugin makes Terraform's: self-signed CA, ECDSA P-521,
/// SAN `localhost`, client and server auth; PEM, as `PLUGIN_CLIENT_CERT` carries it.
fn go_plugin_client_cert_pem() -> String {
    use rcgen::{
        BasicConstraints, DnType, ExtendedKeyUsagePurpose as Eku, IsCa, KeyUsagePurpose as Ku,
    };

    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512).expect("P-521 key");
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "HashiCorp");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![Ku::DigitalSignature, Ku::KeyEncipherment, Ku::KeyCertSign];
    params.extended_key_usages = vec![Eku::ClientAuth, Eku::ServerAuth];
    params.not_before = rcgen::date_time_ymd(2000, 1, 1);
    params.not_after = rcgen::date_time_ymd(2999, 1, 1);
    params.self_signed(&key).expect("self-signing").pem()
}

/// Kills the provider when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn started_by_terraform_it_prints_the_handshake_line() {
    let sockets = tempfile::tempdir().expect("socket directory");
    let mut cmd = provider();
    cmd.env(COOKIE_KEY, COOKIE_VALUE)
        .env("PLUGIN_PROTOCOL_VERSIONS", "6")
        .env("PLUGIN_CLIENT_CERT", go_plugin_client_cert_pem())
        .env("PLUGIN_UNIX_SOCKET_DIR", sockets.path());
    let mut child = Running(cmd.spawn().expect("starting the provider binary"));

    let stdout = child.0.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(LIMIT)
        .unwrap_or_else(|_| panic!("no handshake line within {LIMIT:?}"));
    let line = line.trim_end_matches(['\r', '\n']);

    let fields: Vec<&str> = line.split('|').collect();
    assert_eq!(
        fields.len(),
        6,
        "CORE|PROTOCOL|NETWORK|ADDRESS|grpc|CERT, got {line:?}"
    );
    assert_eq!(&fields[..3], ["1", "6", "unix"], "{line:?}");
    assert_eq!(fields[4], "grpc", "{line:?}");
    let socket = Path::new(fields[3]);
    assert!(
        socket.starts_with(sockets.path()),
        "socket {socket:?} honours PLUGIN_UNIX_SOCKET_DIR"
    );
    assert!(
        socket.exists(),
        "socket {socket:?} exists while the provider runs"
    );

    // go-plugin sends the DER unpadded (base64.RawStdEncoding); accept padding too.
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let der = engine
        .decode(fields[5])
        .unwrap_or_else(|e| panic!("certificate field is not base64 ({e}): {line:?}"));
    let (rest, cert) =
        x509_parser::parse_x509_certificate(&der).expect("the last field is a DER certificate");
    assert!(rest.is_empty(), "nothing after the certificate");
    assert!(
        cert.validity().is_valid(),
        "the certificate is valid now: {:?}",
        cert.validity()
    );
    let names: Vec<String> = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| {
            san.value
                .general_names
                .iter()
                .map(|n| n.to_string())
                .collect()
        })
        .unwrap_or_default();
    assert!(
        names.iter().any(|n| n.contains("localhost")),
        "SAN localhost, as Terraform expects: {names:?}"
    );
}
