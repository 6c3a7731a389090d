//! `backup_app.audit`: audit evidence for a root app on AWS. Its effective guardrails become the
//! controls of an AWS Backup Audit Manager framework (shown at plan time in `audit_controls`) and
//! a report plan delivers the framework's compliance report to an S3 bucket.

use std::collections::BTreeMap;

use backup_policy::PolicyDocument;
use serde::Deserialize;
use tfplugin::framework::validators::{self, Invalid};
use tfplugin::framework::{Attribute, Diagnostic, Diagnostics, Validator};
use tfvalue::{AttributePath, Type, Value};

use super::super::model::{decode_block, NodeRecord};
use super::super::policy_node::has_block;
use super::model::AppAwsModel;
use crate::cloud::aws::translate_audit::{
    audit_name, controls_by_name, framework_spec, report_plan_spec,
    DEFAULT_MAX_RESTORE_TIME_MINUTES,
};
use crate::cloud::{BackupBackend, CloudError, FrameworkSpec, VaultLockSpec};

/// `backup_app.audit` as configured.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct AuditModel {
    /// The S3 bucket reports are delivered to.
    pub(crate) report_bucket: String,
    /// The key prefix of the reports.
    pub(crate) report_key_prefix: Option<String>,
    /// The framework's name; default: the app's name with `-` as `_`.
    pub(crate) framework_name: Option<String>,
    /// The restore time target of the restore control.
    pub(crate) max_restore_time_minutes: Option<i64>,
}

impl AuditModel {
    /// The framework's name for app `app`.
    fn framework_name(&self, app: &str) -> String {
        self.framework_name
            .clone()
            .unwrap_or_else(|| audit_name(app))
    }

    /// The report plan's name for app `app`.
    fn report_plan_name(&self, app: &str) -> String {
        format!("{}_report", self.framework_name(app))
    }

    /// The framework realising `document` (and the app's vault lock).
    fn framework(&self, app: &str, document: &PolicyDocument, aws: &AppAwsModel) -> FrameworkSpec {
        let lock = aws.vault_lock.as_ref().map(|l| VaultLockSpec {
            min_retention_days: l.min_retention_days,
            max_retention_days: l.max_retention_days,
            changeable_for_days: l.changeable_for_days,
        });
        framework_spec(
            &self.framework_name(app),
            document,
            lock.as_ref(),
            self.max_restore_time_minutes
                .unwrap_or(DEFAULT_MAX_RESTORE_TIME_MINUTES),
        )
    }
}

/// The `audit` block and the computed `audit_controls` of `backup_app`.
pub(crate) fn audit_attributes() -> Vec<Attribute> {
    vec![
        Attribute::single_nested(
            "audit",
            vec![
                Attribute::string("report_bucket")
                    .required()
                    .validator(bucket_name())
                    .description("S3 bucket the compliance reports are delivered to (its policy must let AWS Backup write)."),
                Attribute::string("report_key_prefix")
                    .optional()
                    .validator(validators::string_length(1, 1024))
                    .description("Key prefix of the reports in the bucket."),
                Attribute::string("framework_name")
                    .optional()
                    .validator(framework_name())
                    .description("Name of the audit framework; default: the app's name with `-` as `_`. The report plan is named after it with `_report`."),
                Attribute::number("max_restore_time_minutes")
                    .optional()
                    .validator(validators::int_between(1, 43_200))
                    .description("Restore time target of the `RESTORE_TIME_FOR_RESOURCES_MEET_TARGET` control, added when restore testing is required (default 720)."),
            ],
        )
        .optional_nested()
        .description(
            "Audit evidence, on a root app with an `aws` block: an AWS Backup Audit Manager framework whose controls \
             follow the app's effective guardrails (see `audit_controls`) and a report plan delivering its control \
             compliance report to `report_bucket`. Changing a guardrail changes the framework in the same plan.",
        ),
        Attribute::typed("audit_controls", Type::map(Type::map(Type::String)))
            .computed()
            .description(
                "The audit framework's controls, by control name, with their input parameters; known at plan time. \
                 Null without `audit`.",
            ),
    ]
}

/// An S3 bucket name: 3 to 63 lowercase letters, digits, `.` and `-`.
fn bucket_name() -> impl Validator {
    validators::check(
        "An S3 bucket name: 3 to 63 lowercase letters, digits, `.` and `-`, starting and ending with a letter or digit.",
        |v| match v.as_str() {
            Some(s) => {
                let ok = (3..=63).contains(&s.len())
                    && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
                    && s.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && s.ends_with(|c: char| c.is_ascii_alphanumeric());
                if ok {
                    Ok(())
                } else {
                    Err(Invalid(format!("{s:?} is not a valid bucket name")))
                }
            }
            None => Ok(()),
        },
    )
}

/// A framework name: a letter, then up to 255 letters, digits and `_`.
fn framework_name() -> impl Validator {
    validators::check(
        "A letter, then letters, digits and `_` (at most 256 characters).",
        |v| match v.as_str() {
            Some(s) => {
                let ok = (1..=256).contains(&s.len())
                    && s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
                if ok {
                    Ok(())
                } else {
                    Err(Invalid(format!("{s:?} is not a valid framework name")))
                }
            }
            None => Ok(()),
        },
    )
}

/// Plan-time checks of `audit`: only on a root app (its guardrails are the organisation's), and
/// only with an `aws` block (the framework lives in that account and region).
pub(crate) fn check_config(config: &Value, diagnostics: &mut Diagnostics) {
    if !has_block(config, "audit") {
        return;
    }
    let path = AttributePath::attr("audit");
    if has_block(config, "parent") {
        diagnostics.push(
            Diagnostic::error(
                "Audit evidence on a root app only",
                "audit is set on an app with a parent; set it on the root app, whose guardrails bind the whole tree.",
            )
            .at(path.clone()),
        );
    }
    if !has_block(config, "aws") {
        diagnostics.push(
            Diagnostic::error(
                "Audit evidence needs an aws block",
                "audit creates an AWS Backup Audit Manager framework and report plan in the account and region of the \
                 app's aws block; add one.",
            )
            .at(path),
        );
    }
}

/// The audit block of `value`, when set and wholly known.
pub(crate) fn model_of(value: &Value) -> Option<AuditModel> {
    decode_block(value, "audit", &mut Diagnostics::default())
}

/// `audit_controls` for the plan: the controls `document` asks for; unknown while the document
/// is; null without `audit`.
pub(crate) fn planned_controls(
    audit: Option<&AuditModel>,
    app: &str,
    document: Option<&PolicyDocument>,
    aws: Option<&AppAwsModel>,
) -> Value {
    match (audit, document, aws) {
        (None, ..) => Value::Null,
        (Some(audit), Some(document), Some(aws)) => {
            controls_value(&audit.framework(app, document, aws))
        }
        _ => Value::unknown(),
    }
}

fn controls_value(framework: &FrameworkSpec) -> Value {
    let map: BTreeMap<String, Value> = controls_by_name(&framework.controls)
        .into_iter()
        .map(|(name, parameters)| {
            let parameters = parameters
                .into_iter()
                .map(|(k, v)| (k, Value::from(v)))
                .collect();
            (name, Value::Map(parameters))
        })
        .collect();
    Value::Map(map)
}

/// Creates or updates the framework and report plan (deleting them when `audit` was removed);
/// returns `audit_controls`.
pub(crate) async fn converge(
    backend: &dyn BackupBackend,
    app: &str,
    audit: Option<&AuditModel>,
    aws: &AppAwsModel,
    document: &PolicyDocument,
    prior_state: &Value,
) -> Result<Value, CloudError> {
    let prior = model_of(prior_state);
    // A renamed framework or a removed block: the old objects go first.
    if let Some(prior) =
        prior.filter(|p| audit.is_none_or(|a| a.framework_name(app) != p.framework_name(app)))
    {
        destroy_objects(backend, app, &prior).await?;
    }
    let Some(audit) = audit else {
        return Ok(Value::Null);
    };
    let framework = audit.framework(app, document, aws);
    let arn = backend.ensure_framework(&framework).await?;
    let report = report_plan_spec(
        &audit.report_plan_name(app),
        &audit.report_bucket,
        audit.report_key_prefix.as_deref(),
        &arn,
    );
    backend.ensure_report_plan(&report).await?;
    Ok(controls_value(&framework))
}

/// Whether the framework or report plan differs from the state (2 calls; none without `audit`).
pub(crate) async fn drifted(
    backend: &dyn BackupBackend,
    app: &str,
    aws: &AppAwsModel,
    state: &Value,
) -> Result<bool, CloudError> {
    let (Some(audit), Some(document)) = (model_of(state), NodeRecord::of(state).document()) else {
        return Ok(false);
    };
    let expected = audit.framework(app, &document, aws);
    let Some((arn, framework)) = backend.find_framework(&expected.name).await? else {
        return Ok(true);
    };
    if framework != expected {
        return Ok(true);
    }
    let report = report_plan_spec(
        &audit.report_plan_name(app),
        &audit.report_bucket,
        audit.report_key_prefix.as_deref(),
        &arn,
    );
    Ok(backend.find_report_plan(&report.name).await?.as_ref() != Some(&report))
}

/// Deletes the report plan and framework the prior state records.
pub(crate) async fn destroy(
    backend: &dyn BackupBackend,
    app: &str,
    prior_state: &Value,
) -> Result<(), CloudError> {
    match model_of(prior_state) {
        Some(prior) => destroy_objects(backend, app, &prior).await,
        None => Ok(()),
    }
}

async fn destroy_objects(
    backend: &dyn BackupBackend,
    app: &str,
    audit: &AuditModel,
) -> Result<(), CloudError> {
    // The report plan names the framework: it goes first.
    backend
        .delete_report_plan(&audit.report_plan_name(app))
        .await?;
    backend.delete_framework(&audit.framework_name(app)).await
}

#[cfg(test)]
#[path = "audit_tests.rs"]
mod tests;
