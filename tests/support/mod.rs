//! The one harness of the integration tests: every test binary says `mod support;` (a directory
//! target `#[path = "../support/mod.rs"]`) and uses what it needs from here.
//!
//! - [`terraform`]: the pinned Terraform CLIs and how one command runs (environment, time limit).
//! - [`workdir`]: [`Workdir`](workdir::Workdir), a private working directory whose Terraform
//!   runs the provider built for this test run.
//! - [`diagnostics`]: `terraform validate -json` / `plan -json` diagnostics, each with its
//!   resource address, for configurations holding many independent cases.
//! - [`plan`]: `terraform plan -out` + `show -json`, read as resource changes.
//! - [`state`]: `terraform show -json` state, read as resources and values.
//! - [`aws_emulator`]: the AWS emulator (ministack + `tests/emulators/aws`) and a fault proxy;
//!   [`aws`]: the accounts it plays, Terraform credentials for them, a recovery point.
//! - [`fault_proxy`]: a proxy in front of either cloud answering throttling, 5xx, dropped
//!   connections and slow answers (queued or on a seeded schedule), or refusing / silent.
//! - [`fake_arm`]: the fake Azure Resource Manager, validated against `tests/specs/azure`;
//!   [`azure`]: ids of what it serves and the provider configuration that reaches it.
//! - [`fake_apigee`]: a fake Apigee management API (Google's `apigee/v1` shape);
//!   [`fake_blob`]: a fake Azure Blob service (data plane) holding one container.
//! - [`registry`]: a local HTTPS provider registry serving what `scripts/dist` packaged.

// Each test binary compiles this whole tree but uses only its part: what one binary leaves
// unused another needs, so unused code is no warning here (and only here).
#![allow(dead_code)]

pub(crate) mod aws;
pub(crate) mod aws_emulator;
pub(crate) mod azure;
pub(crate) mod diagnostics;
pub(crate) mod fake_apigee;
pub(crate) mod fake_arm;
pub(crate) mod fake_blob;
pub(crate) mod fault_proxy;
pub(crate) mod plan;
pub(crate) mod registry;
pub(crate) mod state;
pub(crate) mod terraform;
pub(crate) mod workdir;
