//! What `backup_app` and `backup_child` share on Azure: the provider's Azure backend, the
//! translation of an effective policy, and Azure errors as diagnostics.

use std::sync::Arc;

use crate::cloud::azure::translate::{translate_policy, AzureRetentionSchedule};
use backup_policy::PolicyDocument;
use tfplugin::framework::{Context, Diagnostic, Diagnostics};
use tfvalue::AttributePath;

use super::provider::ProviderData;
use crate::cloud::azure::AzureBackend;
use crate::cloud::CloudError;

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

/// An Azure error as a diagnostic naming the resource: ARM's code and message are in the error.
pub(crate) fn azure_diagnostic(resource: &str, name: &str, error: &CloudError) -> Diagnostic {
    Diagnostic::error(
        format!("Azure error for {resource} \"{name}\""),
        error.to_string(),
    )
}

/// The Azure schedule and retention of an effective policy; what Azure cannot express becomes a
/// diagnostic at the rule's path.
pub(crate) fn translate(
    document: &PolicyDocument,
    diagnostics: &mut Diagnostics,
) -> Option<AzureRetentionSchedule> {
    match translate_policy(document) {
        Ok(schedule) => Some(schedule),
        Err(problems) => {
            for p in problems {
                diagnostics.push(Diagnostic::error(p.summary, p.detail).at(p.path));
            }
            None
        }
    }
}
