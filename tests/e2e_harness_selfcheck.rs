//! Checks the end-to-end harness itself against configurations that do not use our provider:
//! the pinned Terraform versions run, exit codes, state and timeouts come through, and the CLI
//! configuration's dev_overrides work on both versions (with or without `init`).

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use support::state::{resource_values, state_addresses};
use support::terraform::{Output, Terraform};
use support::workdir::Workdir;

#[test]
fn pinned_versions() {
    for (tf, want) in [
        (Terraform::v1_15(), "Terraform v1.15.5"),
        (Terraform::v1_0(), "Terraform v1.0.3"),
    ] {
        let wd = Workdir::new(&tf);
        let out = wd.run_ok(&["version"]);
        assert_eq!(out.stdout.lines().next(), Some(want), "{out}");
    }
}

#[test]
fn terraform_data_lifecycle_1_15() {
    let wd = Workdir::new(&Terraform::v1_15());
    let config =
        |input: &str| format!("resource \"terraform_data\" \"x\" {{\n  input = \"{input}\"\n}}\n");
    wd.write_main_tf(&config("one"));
    wd.init();
    wd.validate();
    assert_eq!(wd.plan_exit_code(), 2, "a new resource is a change");
    wd.apply();
    wd.assert_plan_clean();
    assert_eq!(
        resource_values(&wd.state_json(), "terraform_data.x")["output"],
        "one"
    );

    wd.write_main_tf(&config("two"));
    let plan = wd.plan_json();
    assert_eq!(plan.output.code(), 2, "{plan}");
    assert_eq!(
        plan.actions(),
        [("terraform_data.x".to_owned(), vec!["update".to_owned()])],
        "{plan}"
    );
    wd.apply();
    assert_eq!(
        resource_values(&wd.state_json(), "terraform_data.x")["output"],
        "two"
    );

    wd.state_rm("terraform_data.x");
    assert!(state_addresses(&wd.state_json()).is_empty());
    wd.write_main_tf(&config("two"));
    wd.apply();
    wd.destroy();
    assert!(
        state_addresses(&wd.state_json()).is_empty(),
        "destroy leaves an empty state"
    );
}

#[test]
fn failures_come_back_as_exit_codes() {
    for tf in [Terraform::v1_15(), Terraform::v1_0()] {
        let wd = Workdir::new(&tf);
        wd.write_main_tf("output \"x\" {\n  value = \n");
        let out = wd.run(&["validate", "-no-color"]).assert_failure();
        assert_eq!(out.code(), 1, "{out}");
        assert!(out.stderr.contains("Error"), "errors go to stderr:\n{out}");
    }
}

#[test]
fn stdin_reaches_terraform() {
    let wd = Workdir::new(&Terraform::v1_15());
    wd.write_main_tf("locals {\n  x = 41\n}\n");
    wd.init();
    let out = wd
        .run_with(&["console"], Some("local.x + 1\n"), Duration::from_secs(60))
        .expect("console finishes")
        .assert_success();
    assert_eq!(out.stdout.trim(), "42", "{out}");
}

#[test]
fn a_hung_command_times_out_and_is_killed() {
    let wd = Workdir::new(&Terraform::v1_15());
    // A provisioner stands in for a provider that never answers.
    wd.write_main_tf(
        "resource \"terraform_data\" \"slow\" {\n  provisioner \"local-exec\" {\n    command = \"sleep 600\"\n  }\n}\n",
    );
    wd.init();
    let started = Instant::now();
    let timeout = wd
        .run_with(
            &["apply", "-auto-approve", "-no-color"],
            None,
            Duration::from_secs(5),
        )
        .expect_err("apply cannot finish in 5 s");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        timeout.to_string().contains("did not finish within 5s"),
        "{timeout}"
    );
    assert!(
        timeout.stdout.contains("Provisioning with 'local-exec'"),
        "output so far is kept:\n{timeout}"
    );
}

/// A provider Terraform can run without network: hashicorp/aws 5.100.0, unpacked on the test
/// machines (the peer the benchmarks compare against). `BACKUP_TEST_AWS_PROVIDER_DIR` points
/// elsewhere.
fn aws_provider_dir() -> PathBuf {
    let dir = std::env::var_os("BACKUP_TEST_AWS_PROVIDER_DIR").map_or_else(
        || PathBuf::from("/opt/tf-plugins/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64"),
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "{} does not exist: this check needs an unpacked hashicorp/aws provider; set \
         BACKUP_TEST_AWS_PROVIDER_DIR to a directory holding a terraform-provider-aws binary",
        dir.display()
    );
    dir
}

/// The same dev_overrides mechanism the provider tests rely on, with a provider that exists
/// today: on 1.0.3 without init, on 1.15.5 with init (which skips overridden providers).
#[test]
fn dev_overrides_run_a_provider_on_both_versions() {
    let config = r#"
provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "test"
  secret_key                  = "test"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

data "aws_partition" "current" {}

output "partition" {
  value = data.aws_partition.current.partition
}
"#;
    for tf in [Terraform::v1_0(), Terraform::v1_15()] {
        let mut wd = Workdir::new(&tf);
        wd.dev_override("hashicorp/aws", aws_provider_dir());
        wd.write_main_tf(config);
        wd.init();
        wd.validate();
        let plan = wd.plan_detailed();
        assert!(
            plan.combined()
                .contains("Provider development overrides are in effect"),
            "{plan}"
        );
        wd.apply();
        assert_eq!(wd.outputs_json()["partition"]["value"], "aws");
        wd.assert_plan_clean();
    }
}

#[test]
fn a_terraform_crash_is_recognised() {
    use std::os::unix::process::ExitStatusExt as _;
    // What Terraform 1.0.3 printed when it panicked in plan (it exited with 2).
    let crash = Output {
        command: "terraform-1.0.3 plan -detailed-exitcode".into(),
        status: std::process::ExitStatus::from_raw(2 << 8),
        stdout: "!!!!!!!!!!!!!!!!!!!!!!!!!!! TERRAFORM CRASH !!!!!!!!!!!!!!!!!!!!!!!!!!!!\n".into(),
        stderr: "panic: not a list, map, or tuple type\n\ngoroutine 99 [running]:\n".into(),
    };
    assert_eq!(crash.code(), 2);
    assert!(crash.crashed());
    let fine = Output {
        stdout: "Plan: 1 to add, 0 to change, 0 to destroy.\n".into(),
        stderr: String::new(),
        ..crash
    };
    assert!(!fine.crashed());
}
