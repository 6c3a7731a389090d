//! Proving the backups, end to end with real Terraform against the AWS emulator: restore testing
//! realised from the policy tree, a cascade from a root change in one plan, out-of-band drift
//! planned back, and a destroy that leaves nothing (checked through the backend traits, not the
//! state).
//!
//! Each test uses its own names on the one shared emulator.

#[path = "../support/mod.rs"]
mod support;

mod audit;
mod config;
mod recovery_points;
mod restore_testing;

use support::aws::CENTRAL;
use support::aws_emulator::{unique, AwsEmulator, REGION};
use terraform_provider_backup::cloud::aws::AwsBackend;

/// Names of one test's objects: a root app, a policy-only team app, a joined service child.
pub(crate) struct Names {
    pub(crate) root: String,
    pub(crate) team: String,
    pub(crate) service: String,
}

impl Names {
    fn new() -> Names {
        Names {
            root: unique("root"),
            team: unique("team"),
            service: unique("service"),
        }
    }

    /// A name as restore testing objects are named (`-` becomes `_`).
    pub(crate) fn rt(name: &str) -> String {
        name.replace('-', "_")
    }
}

/// The backend acting in [`CENTRAL`] on the shared emulator.
async fn central() -> AwsBackend {
    AwsEmulator::shared().connect(CENTRAL).await.1
}

/// The AWS SDK's Backup client for [`CENTRAL`]: the out-of-band hand.
async fn sdk_client() -> aws_sdk_backup::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(AwsEmulator::shared().endpoint())
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            CENTRAL, "test", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_backup::Client::new(&sdk)
}

/// Runs a blocking Terraform command without starving the runtime's other tasks.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}
