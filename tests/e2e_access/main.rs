//! Issue 18 end to end: access, alerts and audit trail from the inherited policy, with real
//! Terraform against the AWS emulator. A three-level tree (root app, team app, joined child); the
//! vault access policies and notifications are checked through the AWS API (the backend trait),
//! not through the provider's state.

#[path = "../support/mod.rs"]
mod support;

mod aws;
mod azure;
mod config;

use support::aws::CENTRAL;
use support::aws_emulator::AwsEmulator;
use terraform_provider_backup::cloud::aws::AwsBackend;

/// The backend of [`CENTRAL`] on the shared emulator: the test's view of the cloud.
async fn central() -> AwsBackend {
    AwsEmulator::shared().connect(CENTRAL).await.1
}

/// Runs a blocking Terraform command without starving the runtime's other tasks.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}
