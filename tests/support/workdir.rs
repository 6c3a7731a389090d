//! [`Workdir`]: a private Terraform working directory with its own CLI configuration.
//!
//! Every [`Workdir`] is a private temporary directory with its own CLI configuration whose
//! `dev_overrides` point `appofapps/backup` at the binary cargo built for this run, so tests can
//! run in parallel and never touch the registry, `~/.terraformrc` or each other's state.
//!
//! Every command and its output is printed to the test's stdout, which libtest shows only when
//! the test fails. Set `BACKUP_TEST_KEEP_WORKDIR=1` to keep the directories for a look afterwards,
//! and `BACKUP_TEST_TIMEOUT_SECS` to change how long one Terraform command may take.

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use serde_json::Value;

use super::terraform::{
    Output, Running, Terraform, Timeout, DEFAULT_TIMEOUT, PROVIDER_BINARY, PROVIDER_SOURCE,
};

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
                self.tf.version()
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
        self.tf.run_in(
            &self.work,
            &self.cli_config,
            &self.env,
            args,
            stdin,
            timeout,
        )
    }

    /// Starts `terraform <args>` in the background (e.g. an apply to interrupt); see
    /// [`Running`] for signalling and waiting for it.
    pub(crate) fn start(&self, args: &[&str]) -> Running {
        self.tf
            .start_in(&self.work, &self.cli_config, &self.env, args, None)
    }

    /// How long one command may run (`BACKUP_TEST_TIMEOUT_SECS`, else the default).
    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
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
                self.tf.version()
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
pub(crate) fn parse_json(output: &Output) -> Value {
    serde_json::from_str(&output.stdout).unwrap_or_else(|e| panic!("{e} in the JSON of:\n{output}"))
}
