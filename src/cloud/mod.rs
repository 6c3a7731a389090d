//! Cloud backends behind plain-Rust traits: the error kinds resources act on, retry with backoff,
//! and the AWS Backup implementation.
//!
//! Resources depend on [`BackupBackend`] and [`CloudError`] only; SDK types stay inside [`aws`].

pub mod aws;
pub mod azure;
mod backend;
mod error;
pub mod part;
pub mod retry;

pub use backend::{
    BackupBackend, CopySpec, LifecycleSpec, Plan, PlanSpec, PlanState, RuleSpec, Selection,
    SelectionSpec, Tags, VaultLockSpec, VaultLockState, VaultSpec, VaultState,
};
pub use error::{CloudError, ErrorKind};
pub use retry::RetryPolicy;
