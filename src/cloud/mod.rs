//! Cloud backends behind plain-Rust traits: the error kinds resources act on (each cloud classifies
//! its own error codes into them), the one retry loop both clouds use, and the AWS Backup and
//! Azure implementations.
//!
//! Resources depend on [`BackupBackend`] and [`CloudError`] only; SDK types stay inside [`aws`].

mod air_gapped_vault;
pub mod apigee;
mod audit;
pub mod aws;
pub mod azure;
mod backend;
mod error;
pub mod finding;
pub mod jobs;
pub mod part;
pub mod recovery_points;
mod restore_testing;
pub mod restores;
pub mod retry;
pub mod time;
mod vault_governance;

pub use air_gapped_vault::{
    air_gapped_creator_request_id, AirGappedVaultSpec, AirGappedVaultState, AirGappedVaults,
    AIR_GAPPED_MIN_RETENTION_FLOOR,
};
pub use audit::{AuditBackend, ControlSpec, FrameworkSpec, ReportPlanSpec};
pub use backend::{
    BackupBackend, CopySpec, LifecycleSpec, Plan, PlanSpec, PlanState, PlanSummary, RuleSpec,
    Selection, SelectionSpec, Tags, VaultLockSpec, VaultLockState, VaultSpec, VaultState,
};
pub use error::{CloudError, ErrorKind};
pub use restore_testing::{
    restore_testing_name, RestoreTestingBackend, RestoreTestingPlanSpec,
    RestoreTestingSelectionSpec,
};
pub use retry::RetryPolicy;
pub use vault_governance::{VaultAccessSpec, VaultNotificationSpec};

/// The log targets (crate names) of the cloud SDKs whose debug and trace output carries requests
/// as they go on the wire: request dumps with `x-amz-security-token` and `Authorization` headers,
/// SigV4's canonical request. The provider caps them at INFO
/// (`tfplugin::logging::quiet_targets`).
pub const SDK_LOG_TARGETS: &[&str] = &[
    "aws_sigv4",
    "aws_smithy_runtime",
    "aws_smithy_runtime_api",
    "aws_smithy_http",
    "aws_smithy_http_client",
    "aws_smithy_types",
    "aws_runtime",
    "aws_config",
    "aws_credential_types",
    "aws_sdk_backup",
    "aws_sdk_sts",
    "aws_sdk_sso",
    "aws_sdk_ssooidc",
    "azure_core",
    "azure_identity",
    "typespec_client_core",
    "reqwest",
];
