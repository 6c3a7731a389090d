//! Cloud errors and translation problems as diagnostics naming the resource.

use crate::cloud::azure::translate::{translate_policy, AzureRetentionSchedule};
use backup_policy::PolicyDocument;
use tfplugin::framework::{Diagnostic, Diagnostics};

use crate::cloud::CloudError;

/// A cloud error as a diagnostic naming the resource: AWS's code and message are in the error.
pub(crate) fn cloud_diagnostic(resource: &str, name: &str, error: &CloudError) -> Diagnostic {
    Diagnostic::error(
        format!("AWS Backup error for {resource} \"{name}\""),
        error.to_string(),
    )
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
