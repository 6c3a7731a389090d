//! An app-of-apps tree on AWS Backup with real Terraform against the emulator: a root app in
//! 111111111111, a joined child beside it, a derived child in 222222222222 (through assume_role)
//! copying to the root vault. Everything Terraform claims is
//! checked through the AWS API as well.
//!
//! Each test uses its own names on the one shared emulator.

#[path = "../support/mod.rs"]
mod support;

mod air_gapped;
mod benchmark;
mod checks;
mod config;
mod destroy;
mod drift_lock;
mod errors;
mod import;
mod modes;
mod replace;
mod secrets;
mod tree;

use support::aws::{CENTRAL, MEMBER};
use support::aws_emulator::{unique, AwsEmulator};
use terraform_provider_backup::cloud::aws::AwsBackend;
use terraform_provider_backup::cloud::{BackupBackend, Plan};

/// Names of one test's objects.
struct Names {
    root: String,
    joined: String,
    derived: String,
}

impl Names {
    fn new() -> Names {
        Names {
            root: unique("root"),
            joined: unique("joined"),
            derived: unique("derived"),
        }
    }
}

async fn backends() -> (AwsBackend, AwsBackend) {
    let emulator = AwsEmulator::shared();
    let (_, central) = emulator.connect(CENTRAL).await;
    let (_, member) = emulator.connect(MEMBER).await;
    (central, member)
}

async fn plan_named(backend: &AwsBackend, name: &str) -> Option<Plan> {
    backend.find_plan_by_name(name).await.expect("find plan")
}

async fn vault_exists(backend: &AwsBackend, name: &str) -> bool {
    backend
        .find_vault_by_name(name)
        .await
        .expect("find vault")
        .is_some()
}

/// Runs a blocking Terraform command without starving the runtime's other tasks (the proxy).
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}
