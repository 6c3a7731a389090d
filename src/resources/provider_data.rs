//! What a configured provider hands its resources, and how a resource asks for one of its clouds.

use std::sync::Arc;

use tfplugin::framework::{Context, Diagnostic, Diagnostics};
use tfvalue::AttributePath;

use crate::cloud::apigee::ApigeeAccess;
use crate::cloud::aws::{AwsBackend, AwsContext};
use crate::cloud::azure::AzureBackend;
use crate::cloud::BackupBackend;

/// What resources get from a configured provider.
#[derive(Debug, Default)]
pub struct ProviderData {
    /// The AWS account and region of this provider configuration (alias), connected once in
    /// `configure`; `None` without an `aws` block.
    pub aws: Option<Arc<AwsContext>>,
    /// The Azure subscription and credential of this provider configuration (alias); `None`
    /// without an `azure` block.
    pub azure: Option<Arc<dyn AzureBackend>>,
    /// The Apigee API (provider `apigee` block, else `APIGEE_*`) and the blob containers Apigee
    /// exports go to; `None` only where a provider was built without configuring it (tests).
    pub apigee: Option<Arc<ApigeeAccess>>,
}

impl std::fmt::Debug for dyn AzureBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AzureBackend {{ subscription_id: {:?} }}",
            self.subscription_id()
        )
    }
}

/// The AWS context of the resource's provider configuration, or an error at `aws` naming the
/// missing provider block.
pub(crate) fn aws_context(
    ctx: &Context,
    resource: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Arc<AwsContext>> {
    let context = ctx
        .provider_data::<ProviderData>()
        .and_then(|data| data.aws.clone());
    if context.is_none() && !diagnostics.has_errors() {
        diagnostics.push(
            Diagnostic::error(
                "Provider has no AWS settings",
                format!(
                    "This {resource} has an `aws` block, but the provider configuration it uses has no AWS \
                     settings. Add `provider \"backup\" {{ aws = {{ region = \"...\" }} }}` (or to the alias the \
                     resource names with `provider = backup.<alias>`)."
                ),
            )
            .at(AttributePath::attr("aws")),
        );
    }
    context
}

/// The AWS Backup backend on `context` that stops retrying when Terraform asks the provider to stop.
pub(crate) fn aws_backend(ctx: &Context, context: &AwsContext) -> Arc<dyn BackupBackend> {
    Arc::new(AwsBackend::new(context).with_cancel(ctx.cancel.clone()))
}

/// The Azure backend of the resource's provider configuration, or an error at `azure` naming the
/// missing provider block.
pub(crate) fn azure_backend(
    ctx: &Context,
    resource: &str,
    diagnostics: &mut Diagnostics,
) -> Option<Arc<dyn AzureBackend>> {
    let backend = ctx
        .provider_data::<ProviderData>()
        .and_then(|data| data.azure.clone());
    if backend.is_none() && !diagnostics.has_errors() {
        diagnostics.push(
            Diagnostic::error(
                "Provider has no Azure settings",
                format!(
                    "This {resource} has an `azure` block, but the provider configuration it uses has no Azure \
                     settings. Add `provider \"backup\" {{ azure = {{ subscription_id = \"...\" }} }}` (or to the \
                     alias the resource names with `provider = backup.<alias>`)."
                ),
            )
            .at(AttributePath::attr("azure")),
        );
    }
    backend
}

/// The Apigee access of the resource's provider configuration, or an error at `apigee`.
pub(crate) fn apigee_access(
    ctx: &Context,
    diagnostics: &mut Diagnostics,
) -> Option<Arc<ApigeeAccess>> {
    let access = ctx
        .provider_data::<ProviderData>()
        .and_then(|data| data.apigee.clone());
    if access.is_none() && !diagnostics.has_errors() {
        diagnostics.push(
            Diagnostic::error(
                "Provider not configured for Apigee",
                "This resource has an `apigee` block, but its provider configuration has no Apigee access.",
            )
            .at(AttributePath::attr("apigee")),
        );
    }
    access
}
