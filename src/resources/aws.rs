//! What `backup_app` and `backup_child` share on AWS: the provider's AWS context and cloud errors
//! as diagnostics.

use std::sync::Arc;

use backup_policy::PolicyDocument;
use tfplugin::framework::{Context, Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::provider::ProviderData;
use crate::cloud::aws::{AwsBackend, AwsContext};
use crate::cloud::CloudError;

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

/// A backend on `context` that stops retrying when Terraform asks the provider to stop.
pub(crate) fn backend(ctx: &Context, context: &AwsContext) -> AwsBackend {
    AwsBackend::new(context).with_cancel(ctx.cancel.clone())
}

/// A cloud error as a diagnostic naming the resource: AWS's code and message are in the error.
pub(crate) fn cloud_diagnostic(resource: &str, name: &str, error: &CloudError) -> Diagnostic {
    Diagnostic::error(
        format!("AWS Backup error for {resource} \"{name}\""),
        error.to_string(),
    )
}

/// A string attribute of a (possibly null) object value.
pub(crate) fn str_attr<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Value::as_str)
}

/// The state's `policy_document`, parsed; `None` when null, unknown or unreadable.
pub(crate) fn state_document(state: &Value) -> Option<PolicyDocument> {
    PolicyDocument::parse(str_attr(state, "policy_document")?).ok()
}
