//! Cloud backends behind plain-Rust traits: the error kinds resources act on (each cloud classifies
//! its own error codes into them), the one retry loop both clouds use, and the AWS Backup and
//! Azure implementations.
//!
//! Resources depend on [`BackupBackend`] and [`CloudError`] only; SDK types stay inside [`aws`].

pub mod aws;
pub mod azure;
mod backend;
mod error;
pub mod retry;

pub use backend::{
    BackupBackend, CopySpec, LifecycleSpec, Plan, PlanSpec, PlanState, RuleSpec, Selection,
    SelectionSpec, Tags, VaultLockSpec, VaultLockState, VaultSpec, VaultState,
};
pub use error::{CloudError, ErrorKind};
pub use retry::RetryPolicy;
