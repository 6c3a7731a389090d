//! What `backup_app` and `backup_child` share on AWS: the provider's AWS context, plan specs built
//! from an effective policy, and cloud errors as diagnostics.

use std::sync::Arc;

use backup_policy::{EffectiveRule, PolicyDocument};
use tfplugin::framework::{Context, Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::provider::ProviderData;
use crate::cloud::aws::{AwsBackend, AwsContext};
use crate::cloud::{CloudError, CopySpec, LifecycleSpec, PlanSpec, RuleSpec, Tags};

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

/// The backup plan realising `document`'s effective rules, every rule writing to `vault_name`.
///
/// Each rule keeps its `copy_to`; `central_vault_arn` (a derived child's anchor vault in another
/// account) is added as a copy with the rule's retention when no `copy_to` names it already.
pub(crate) fn plan_spec(
    document: &PolicyDocument,
    plan_name: &str,
    vault_name: &str,
    central_vault_arn: Option<&str>,
) -> PlanSpec {
    let rules = document
        .rules()
        .iter()
        .map(|(name, rule)| rule_spec(name, rule, vault_name, central_vault_arn))
        .collect();
    PlanSpec {
        name: plan_name.to_string(),
        rules,
        tags: document.tags().clone(),
    }
    .normalized()
}

fn rule_spec(
    name: &str,
    rule: &EffectiveRule,
    vault_name: &str,
    central_vault_arn: Option<&str>,
) -> RuleSpec {
    let mut copy_actions: Vec<CopySpec> = rule
        .copy_to
        .iter()
        .map(|copy| CopySpec {
            destination_vault_arn: copy.vault_arn.clone(),
            lifecycle: LifecycleSpec {
                cold_after_days: copy.cold_storage_after_days,
                delete_after_days: rule.copy_retention_days(copy),
            },
        })
        .collect();
    if let Some(central) = central_vault_arn {
        if !copy_actions
            .iter()
            .any(|c| c.destination_vault_arn == central)
        {
            copy_actions.push(CopySpec {
                destination_vault_arn: central.to_string(),
                lifecycle: LifecycleSpec {
                    cold_after_days: None,
                    delete_after_days: rule.retention_days,
                },
            });
        }
    }
    RuleSpec {
        name: name.to_string(),
        target_vault: vault_name.to_string(),
        schedule: rule.schedule.clone(),
        start_window_minutes: rule.start_window_minutes,
        completion_window_minutes: rule.completion_window_minutes,
        lifecycle: LifecycleSpec {
            cold_after_days: rule.cold_storage_after_days,
            delete_after_days: rule.retention_days,
        },
        enable_continuous_backup: rule.enable_continuous_backup,
        recovery_point_tags: rule.recovery_point_tags.clone(),
        copy_actions,
    }
}

/// The tags of the vaults and plans of an app: its effective tags.
pub(crate) fn vault_tags(document: &PolicyDocument) -> Tags {
    document.tags().clone()
}

/// A string attribute of a (possibly null) object value.
pub(crate) fn str_attr<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Value::as_str)
}

/// The state's `policy_document`, parsed; `None` when null, unknown or unreadable.
pub(crate) fn state_document(state: &Value) -> Option<PolicyDocument> {
    PolicyDocument::parse(str_attr(state, "policy_document")?).ok()
}
