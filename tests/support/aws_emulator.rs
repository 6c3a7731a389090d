//! Starts the AWS emulator for tests: ministack with the AWS Backup operations it lacks
//! (`tests/emulators/aws/backup_plus.py`, vendored in this repository), on a free loopback port.
//!
//! The venv is `$BACKUP_TEST_VENV`, else `<repo>/.tools/venv` (made by `scripts/setup-test-env`),
//! else `<repo>/.venv`.
//! The emulator takes the account from the access key id, so credentials are `111111111111` /
//! anything.
//!
//! [`FaultProxy`] (from [`super::fault_proxy`]) sits between a client and the emulator and answers
//! faults before forwarding, to test retries and error reporting.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use terraform_provider_backup::cloud::aws::{
    AwsBackend, AwsContext, AwsSettings, ConnectOptions, Endpoints, StaticCredentials,
};

/// The region tests use.
pub(crate) const REGION: &str = "eu-west-1";

/// Runs `backup_plus.py` from inside Python so that the emulator exits when the test process does,
/// even when `Drop` never runs (the shared emulator is a static; a crashed test is killed): a thread
/// waits for EOF on stdin, which the test process holds open until it dies.
const WATCHDOG: &str = r#"
import os, runpy, sys, threading
def watch():
    sys.stdin.read()
    os._exit(0)
threading.Thread(target=watch, daemon=True).start()
script = sys.argv[1]
sys.argv = [script]
runpy.run_path(script, run_name="__main__")
"#;

/// How long the emulator may take to answer its health check.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// A running emulator, killed when dropped.
pub(crate) struct AwsEmulator {
    child: Child,
    port: u16,
    log: PathBuf,
}

impl AwsEmulator {
    /// One emulator for the whole test binary, started on first use. Tests sharing it use unique
    /// object names (and accounts) instead of resetting it.
    pub(crate) fn shared() -> &'static AwsEmulator {
        static SHARED: OnceLock<AwsEmulator> = OnceLock::new();
        SHARED.get_or_init(AwsEmulator::start)
    }

    /// Starts a private emulator; panics with the emulator's log when it does not come up.
    pub(crate) fn start() -> AwsEmulator {
        AwsEmulator::start_with(&[])
    }

    /// Starts a private emulator with extra environment, e.g. `BACKUP_PLUS_DAY_SECONDS=1` to make
    /// vault-lock days last a second.
    pub(crate) fn start_with(env: &[(&str, &str)]) -> AwsEmulator {
        let python = venv_python();
        let script = emulator_script();
        assert!(
            script.is_file(),
            "AWS emulator script not found at {} (it is part of the repository: is the checkout complete?)",
            script.display()
        );

        let mut last_failure = String::new();
        // A port picked free can be taken before the emulator binds it; try a few.
        for _ in 0..3 {
            let port = free_port();
            let log = std::env::temp_dir().join(format!("aws-emulator-{port}.log"));
            let log_file = std::fs::File::create(&log).expect("create emulator log");
            let child = Command::new(&python)
                .arg("-c")
                .arg(WATCHDOG)
                .arg(&script)
                .env("GATEWAY_PORT", port.to_string())
                .env("BIND_HOST", "127.0.0.1")
                .env("TMPDIR", std::env::temp_dir())
                .envs(env.iter().copied())
                .stdin(Stdio::piped())
                .stdout(log_file.try_clone().expect("clone log handle"))
                .stderr(log_file)
                .spawn()
                .unwrap_or_else(|e| panic!("starting {}: {e}", python.display()));
            let mut emulator = AwsEmulator { child, port, log };
            match emulator.wait_healthy() {
                Ok(()) => return emulator,
                Err(failure) => last_failure = failure,
            }
        }
        panic!("the AWS emulator did not start: {last_failure}");
    }

    /// The endpoint URL to configure for `backup` and `sts`.
    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A context and backend for `account` (the access key id the emulator reads it from).
    pub(crate) async fn connect(&self, account: &str) -> (AwsContext, AwsBackend) {
        let endpoint = self.endpoint();
        let context = AwsContext::connect_with(&settings(&endpoint, &endpoint), options(account))
            .await
            .expect("connect to the emulator");
        let backend = AwsBackend::new(&context);
        (context, backend)
    }

    /// The port it listens on.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// Empties every account. Only for a private emulator: tests sharing one run in parallel.
    pub(crate) fn reset(&self) {
        let answer =
            http_request(self.port, "POST", "/_ministack/reset").expect("reset the emulator");
        assert!(
            answer.starts_with("HTTP/1.1 200"),
            "reset answered: {answer}"
        );
    }

    fn wait_healthy(&mut self) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < STARTUP_TIMEOUT {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "it exited with {status}; log:\n{}",
                    self.log_tail()
                ));
            }
            if http_request(self.port, "GET", "/_ministack/health")
                .is_ok_and(|a| a.starts_with("HTTP/1.1 200"))
            {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err(format!(
            "no healthy answer within {STARTUP_TIMEOUT:?}; log:\n{}",
            self.log_tail()
        ))
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }
}

impl Drop for AwsEmulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Provider settings for the test region with both endpoints overridden.
pub(crate) fn settings(backup: &str, sts: &str) -> AwsSettings {
    AwsSettings {
        region: Some(REGION.into()),
        endpoints: Endpoints {
            backup: Some(backup.into()),
            sts: Some(sts.into()),
        },
        ..AwsSettings::default()
    }
}

/// Test options (tiny delays, the SDK's own retries off) acting as `account`.
pub(crate) fn options(account: &str) -> ConnectOptions {
    let credentials = StaticCredentials {
        access_key_id: account.into(),
        secret_access_key: "test".into(),
        session_token: None,
    };
    ConnectOptions {
        credentials: Some(credentials),
        ..ConnectOptions::for_tests()
    }
}

/// A name no other test (or earlier run against the same emulator) uses.
pub(crate) fn unique(prefix: &str) -> String {
    format!("{prefix}-{:08x}", fastrand::u32(..))
}

/// The repository root (the package's manifest directory).
fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn venv_python() -> PathBuf {
    let candidates: Vec<PathBuf> = std::env::var_os("BACKUP_TEST_VENV")
        .map(PathBuf::from)
        .into_iter()
        .chain([repo_root().join(".tools/venv"), repo_root().join(".venv")])
        .collect();
    candidates
        .iter()
        .map(|venv| venv.join("bin").join("python"))
        .find(|python| python.is_file())
        .unwrap_or_else(|| {
            panic!(
                "no Python venv with ministack==1.5.33 found (tried {candidates:?}); run scripts/setup-test-env or set BACKUP_TEST_VENV"
            )
        })
}

fn emulator_script() -> PathBuf {
    repo_root().join("tests/emulators/aws/backup_plus.py")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("pick a free port")
        .port()
}

/// A minimal blocking HTTP/1.1 exchange: enough for health checks and resets, without pulling an
/// HTTP client into the harness.
fn http_request(port: u16, method: &str, path: &str) -> std::io::Result<String> {
    let mut stream =
        TcpStream::connect_timeout(&([127, 0, 0, 1], port).into(), Duration::from_secs(1))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(stream, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

/// The fault proxy the AWS tests put in front of the emulator (it lives in its own module, shared
/// with the Azure tests). A binary that does not use it would warn about the re-export.
#[allow(unused_imports)]
pub(crate) use super::fault_proxy::{Fault, FaultProxy};
