//! A local HTTPS server speaking Terraform's provider registry protocol, serving the files
//! `scripts/dist` made, so real Terraform can `init` the provider the way users install it.
//!
//! Endpoints (<https://developer.hashicorp.com/terraform/internals/provider-registry-protocol>):
//!
//! | path | answer |
//! |---|---|
//! | `/.well-known/terraform.json` | service discovery: `{"providers.v1": "/v1/providers/"}` |
//! | `/v1/providers/appofapps/backup/versions` | the one version, its protocols and platforms |
//! | `/v1/providers/appofapps/backup/{version}/download/{os}/{arch}` | the zip's URL and `shasum`, the SHA256SUMS and signature URLs, the signing key |
//! | `/files/{name}` | the files themselves |
//!
//! The certificate is issued by a CA made for this server; point Terraform at [`Registry::ca_file`]
//! with `SSL_CERT_FILE` (Go reads it on Linux). The host is `localhost:<port>`, a name Terraform
//! accepts in provider source addresses.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;

/// The provider's namespace and type on the registry.
const NAMESPACE: &str = "appofapps";
const TYPE: &str = "backup";
const PROJECT: &str = "terraform-provider-backup";

/// What `scripts/dist` wrote: one version for one platform, signed.
#[derive(Clone, Debug)]
pub(crate) struct Dist {
    /// The directory holding the files.
    pub(crate) dir: PathBuf,
    /// The version, e.g. `0.1.0`.
    pub(crate) version: String,
    /// The platform's OS, e.g. `linux`.
    pub(crate) os: String,
    /// The platform's architecture, e.g. `amd64`.
    pub(crate) arch: String,
}

impl Dist {
    /// Reads the version and platform from the zip's name in `dir`.
    pub(crate) fn open(dir: &Path) -> Dist {
        let prefix = format!("{PROJECT}_");
        let zips: Vec<String> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.starts_with(&prefix) && n.ends_with(".zip"))
            .collect();
        let [zip] = zips.as_slice() else {
            panic!(
                "expected one provider zip in {}, found {zips:?}",
                dir.display()
            )
        };
        let parts: Vec<&str> = zip[prefix.len()..zip.len() - 4].split('_').collect();
        let [version, os, arch] = parts.as_slice() else {
            panic!("{zip} is not {PROJECT}_VERSION_OS_ARCH.zip")
        };
        Dist {
            dir: dir.to_path_buf(),
            version: (*version).to_owned(),
            os: (*os).to_owned(),
            arch: (*arch).to_owned(),
        }
    }

    /// `terraform-provider-backup_{version}_{os}_{arch}.zip`.
    pub(crate) fn zip_name(&self) -> String {
        format!("{PROJECT}_{}_{}_{}.zip", self.version, self.os, self.arch)
    }

    /// `terraform-provider-backup_{version}_SHA256SUMS`.
    pub(crate) fn sums_name(&self) -> String {
        format!("{PROJECT}_{}_SHA256SUMS", self.version)
    }

    /// `terraform-provider-backup_{version}_manifest.json`.
    pub(crate) fn manifest_name(&self) -> String {
        format!("{PROJECT}_{}_manifest.json", self.version)
    }

    /// The zip's SHA-256 as listed in SHA256SUMS.
    pub(crate) fn zip_sha256(&self) -> String {
        let sums = std::fs::read_to_string(self.dir.join(self.sums_name())).expect("SHA256SUMS");
        let zip = self.zip_name();
        sums.lines()
            .find_map(|line| {
                let (hash, name) = line.split_once("  ")?;
                (name == zip).then(|| hash.to_owned())
            })
            .unwrap_or_else(|| panic!("{zip} is not in SHA256SUMS:\n{sums}"))
    }

    /// The armored public key that signed SHA256SUMS.
    pub(crate) fn public_key(&self) -> String {
        std::fs::read_to_string(self.dir.join("signing-key.asc")).expect("signing-key.asc")
    }

    /// The signing key's long key id (16 hex digits), as `gpg` shows it.
    pub(crate) fn key_id(&self) -> String {
        let output = Command::new("gpg")
            .args(["--batch", "--with-colons", "--show-keys"])
            .arg(self.dir.join("signing-key.asc"))
            .output()
            .expect("running gpg --show-keys");
        let text = String::from_utf8_lossy(&output.stdout);
        text.lines()
            .find_map(|line| {
                let fields: Vec<&str> = line.split(':').collect();
                (fields.first() == Some(&"pub")).then(|| fields[4].to_owned())
            })
            .unwrap_or_else(|| panic!("no key in signing-key.asc: {text}"))
    }
}

/// How the server misbehaves, for negative tests.
#[derive(Clone, Debug, Default)]
pub(crate) struct Faults {
    /// Serve these bytes as the SHA256SUMS signature instead of the real one.
    pub(crate) signature: Option<Vec<u8>>,
}

/// A running registry; it lives as long as the test process.
pub(crate) struct Registry {
    port: u16,
    ca_file: PathBuf,
    _ca_dir: tempfile::TempDir,
    log: Arc<Mutex<Vec<String>>>,
}

struct State {
    dist: Dist,
    base_url: String,
    faults: Faults,
    log: Arc<Mutex<Vec<String>>>,
}

impl Registry {
    /// Serves `dist` on a free loopback port.
    pub(crate) fn start(dist: Dist, faults: Faults) -> Registry {
        let (ca_pem, server_config) = tls();
        let ca_dir = tempfile::tempdir().expect("temporary directory");
        let ca_file = ca_dir.path().join("registry-ca.pem");
        std::fs::write(&ca_file, ca_pem).expect("writing the CA certificate");

        let listener = TcpListener::bind("127.0.0.1:0").expect("binding the registry port");
        let port = listener.local_addr().expect("registry address").port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let state = Arc::new(State {
            dist,
            base_url: format!("https://localhost:{port}"),
            faults,
            log: log.clone(),
        });
        let config = Arc::new(server_config);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (state, config) = (state.clone(), config.clone());
                thread::spawn(move || serve_connection(stream, &config, &state));
            }
        });
        Registry {
            port,
            ca_file,
            _ca_dir: ca_dir,
            log,
        }
    }

    /// The registry's host as written in a provider source address: `localhost:<port>`.
    pub(crate) fn host(&self) -> String {
        format!("localhost:{}", self.port)
    }

    /// The provider's source address on this registry.
    pub(crate) fn source(&self) -> String {
        format!("{}/{NAMESPACE}/{TYPE}", self.host())
    }

    /// The PEM file of the CA that issued the server's certificate (for `SSL_CERT_FILE`).
    pub(crate) fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    /// Every request so far as `METHOD path -> status`.
    pub(crate) fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// A CA and a server certificate for `localhost` and 127.0.0.1 issued by it.
fn tls() -> (String, rustls::ServerConfig) {
    let ca_key = rcgen::KeyPair::generate().expect("CA key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.distinguished_name.push(
        rcgen::DnType::CommonName,
        "terraform-provider-backup test registry CA",
    );
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, ca_key).expect("CA certificate");

    let key = rcgen::KeyPair::generate().expect("server key");
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .expect("server params");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let cert = params.signed_by(&key, &ca).expect("server certificate");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone(), CertificateDer::from(ca.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .expect("TLS configuration");
    (ca.pem(), config)
}

fn serve_connection(tcp: TcpStream, config: &Arc<rustls::ServerConfig>, state: &State) {
    let _ = tcp.set_read_timeout(Some(Duration::from_secs(30)));
    let Ok(connection) = rustls::ServerConnection::new(config.clone()) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    // One request per connection (`Connection: close`): plenty for Terraform's few requests.
    let (method, path) = {
        let mut reader = BufReader::new(&mut tls);
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).is_err() {
            return;
        }
        loop {
            let mut header = String::new();
            match reader.read_line(&mut header) {
                Ok(0) | Err(_) => return,
                Ok(_) if header == "\r\n" || header == "\n" => break,
                Ok(_) => {}
            }
        }
        let mut parts = request_line.split_whitespace();
        (
            parts.next().unwrap_or_default().to_owned(),
            parts.next().unwrap_or_default().to_owned(),
        )
    };
    let (status, content_type, body) = if method == "GET" || method == "HEAD" {
        route(&path, state)
    } else {
        (
            405,
            "text/plain",
            Body::Bytes(b"method not allowed".to_vec()),
        )
    };
    state
        .log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(format!("{method} {path} -> {status}"));
    let _ = respond(&mut tls, status, content_type, body, method == "HEAD");
    tls.conn.send_close_notify();
    let _ = tls.flush();
}

enum Body {
    Bytes(Vec<u8>),
    File(PathBuf),
}

fn route(path: &str, state: &State) -> (u16, &'static str, Body) {
    let dist = &state.dist;
    let provider = format!("/v1/providers/{NAMESPACE}/{TYPE}/");
    let json_body = |value: serde_json::Value| Body::Bytes(value.to_string().into_bytes());
    if path == "/.well-known/terraform.json" {
        return (
            200,
            "application/json",
            json_body(json!({ "providers.v1": "/v1/providers/" })),
        );
    }
    if let Some(rest) = path.strip_prefix(&provider) {
        if rest == "versions" {
            return (
                200,
                "application/json",
                json_body(json!({
                    "versions": [{
                        "version": dist.version,
                        "protocols": ["6.0"],
                        "platforms": [{ "os": dist.os, "arch": dist.arch }],
                    }]
                })),
            );
        }
        let wanted = format!("{}/download/{}/{}", dist.version, dist.os, dist.arch);
        if rest == wanted {
            let files = format!("{}/files", state.base_url);
            return (
                200,
                "application/json",
                json_body(json!({
                    "protocols": ["6.0"],
                    "os": dist.os,
                    "arch": dist.arch,
                    "filename": dist.zip_name(),
                    "download_url": format!("{files}/{}", dist.zip_name()),
                    "shasums_url": format!("{files}/{}", dist.sums_name()),
                    "shasums_signature_url": format!("{files}/{}.sig", dist.sums_name()),
                    "shasum": dist.zip_sha256(),
                    "signing_keys": {
                        "gpg_public_keys": [{
                            "key_id": dist.key_id(),
                            "ascii_armor": dist.public_key(),
                            "trust_signature": "",
                            "source": "terraform-provider-backup tests",
                            "source_url": null,
                        }]
                    },
                })),
            );
        }
    }
    if let Some(name) = path.strip_prefix("/files/") {
        let served = [
            dist.zip_name(),
            dist.sums_name(),
            format!("{}.sig", dist.sums_name()),
        ];
        if served.iter().any(|s| s == name) {
            if name.ends_with(".sig") {
                if let Some(signature) = &state.faults.signature {
                    return (
                        200,
                        "application/octet-stream",
                        Body::Bytes(signature.clone()),
                    );
                }
            }
            return (
                200,
                "application/octet-stream",
                Body::File(dist.dir.join(name)),
            );
        }
    }
    (
        404,
        "application/json",
        json_body(json!({ "errors": ["not found"] })),
    )
}

fn respond(
    out: &mut impl Write,
    status: u16,
    content_type: &str,
    body: Body,
    head: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let (length, mut reader): (u64, Box<dyn Read>) = match body {
        Body::Bytes(bytes) => (bytes.len() as u64, Box::new(std::io::Cursor::new(bytes))),
        Body::File(path) => {
            let file = std::fs::File::open(&path)?;
            (file.metadata()?.len(), Box::new(file))
        }
    };
    write!(
        out,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )?;
    if !head {
        std::io::copy(&mut reader, out)?;
    }
    out.flush()
}
