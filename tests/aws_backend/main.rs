//! The AWS backend against the emulator (ministack + backup_plus.py): vaults, plans, selections,
//! cross-account assume-role, the force-destroy guard, and retries through a fault-injecting proxy.
//!
//! All tests share one emulator and stay apart by unique names.

#[path = "../support/mod.rs"]
mod support;

mod accounts;
mod plans;
mod retries;
mod vaults;

use support::aws_emulator::{options, AwsEmulator};
use terraform_provider_backup::cloud::aws::{AwsBackend, AwsContext, ConnectOptions};
use terraform_provider_backup::cloud::{LifecycleSpec, RetryPolicy, RuleSpec, Tags, VaultSpec};

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn vault_spec(name: &str) -> VaultSpec {
    VaultSpec {
        name: name.into(),
        ..VaultSpec::default()
    }
}

async fn connect(account: &str) -> (AwsContext, AwsBackend) {
    AwsEmulator::shared().connect(account).await
}

fn rule(name: &str, vault: &str, retention: i64) -> RuleSpec {
    RuleSpec {
        name: name.into(),
        target_vault: vault.into(),
        schedule: "cron(0 5 ? * * *)".into(),
        start_window_minutes: 60,
        completion_window_minutes: 180,
        lifecycle: LifecycleSpec {
            cold_after_days: None,
            delete_after_days: retention,
        },
        ..RuleSpec::default()
    }
}

/// The test options acting as [`CENTRAL`](support::aws::CENTRAL), with our retry layer making at
/// most `max_attempts` attempts per call.
fn with_attempts(max_attempts: u32) -> ConnectOptions {
    ConnectOptions {
        retry: RetryPolicy {
            max_attempts,
            ..RetryPolicy::for_tests()
        },
        ..options(support::aws::CENTRAL)
    }
}
