//! AWS Backup Audit Manager frameworks and report plans (`/audit/...`), behind [`AuditBackend`].

use async_trait::async_trait;
use aws_sdk_backup::types::{
    ControlInputParameter, FrameworkControl, ReportDeliveryChannel, ReportSetting,
};

use super::AwsBackend;
use crate::cloud::audit::{AuditBackend, ControlSpec, FrameworkSpec, ReportPlanSpec};
use crate::cloud::error::{CloudError, ErrorKind, GoneIsNone};

const OP_CREATE_FRAMEWORK: &str = "creating Backup Framework";
const OP_READ_FRAMEWORK: &str = "reading Backup Framework";
const OP_UPDATE_FRAMEWORK: &str = "updating Backup Framework";
const OP_DELETE_FRAMEWORK: &str = "deleting Backup Framework";
const OP_CREATE_REPORT_PLAN: &str = "creating Backup Report Plan";
const OP_READ_REPORT_PLAN: &str = "reading Backup Report Plan";
const OP_UPDATE_REPORT_PLAN: &str = "updating Backup Report Plan";
const OP_DELETE_REPORT_PLAN: &str = "deleting Backup Report Plan";

fn invalid(operation: &'static str, name: &str, error: impl std::fmt::Display) -> CloudError {
    CloudError::new(ErrorKind::InvalidInput, operation, name, error.to_string())
}

/// A fresh idempotency token: a create retried after a lost answer is not done twice.
fn idempotency_token() -> String {
    format!("terraform-provider-backup-{:032x}", fastrand::u128(..))
}

fn expand_controls(
    operation: &'static str,
    spec: &FrameworkSpec,
) -> Result<Vec<FrameworkControl>, CloudError> {
    spec.controls
        .iter()
        .map(|control| {
            let parameters = control
                .parameters
                .iter()
                .map(|(k, v)| {
                    ControlInputParameter::builder()
                        .parameter_name(k)
                        .parameter_value(v)
                        .build()
                })
                .collect();
            FrameworkControl::builder()
                .control_name(&control.name)
                .set_control_input_parameters(Some(parameters))
                .build()
                .map_err(|e| invalid(operation, &spec.name, e))
        })
        .collect()
}

fn flatten_controls(controls: &[FrameworkControl]) -> Vec<ControlSpec> {
    let mut out: Vec<ControlSpec> = controls
        .iter()
        .map(|c| ControlSpec {
            name: c.control_name().to_owned(),
            parameters: c
                .control_input_parameters()
                .iter()
                .filter_map(|p| {
                    Some((
                        p.parameter_name()?.to_owned(),
                        p.parameter_value()?.to_owned(),
                    ))
                })
                .collect(),
        })
        .collect();
    out.sort();
    out
}

fn expand_report(
    operation: &'static str,
    spec: &ReportPlanSpec,
) -> Result<(ReportDeliveryChannel, ReportSetting), CloudError> {
    let channel = ReportDeliveryChannel::builder()
        .s3_bucket_name(&spec.bucket)
        .set_s3_key_prefix(spec.key_prefix.clone())
        .set_formats(Some(spec.formats.clone()))
        .build()
        .map_err(|e| invalid(operation, &spec.name, e))?;
    let setting = ReportSetting::builder()
        .report_template(&spec.template)
        .set_framework_arns(Some(spec.framework_arns.clone()))
        .build()
        .map_err(|e| invalid(operation, &spec.name, e))?;
    Ok((channel, setting))
}

#[async_trait]
impl AuditBackend for AwsBackend {
    async fn find_framework(
        &self,
        name: &str,
    ) -> Result<Option<(String, FrameworkSpec)>, CloudError> {
        let found = self
            .send(OP_READ_FRAMEWORK, name, || {
                self.client.describe_framework().framework_name(name).send()
            })
            .await
            .none_if_not_found()?;
        Ok(found.map(|out| {
            let spec = FrameworkSpec {
                name: out.framework_name().unwrap_or(name).to_owned(),
                controls: flatten_controls(out.framework_controls()),
            };
            (out.framework_arn().unwrap_or_default().to_owned(), spec)
        }))
    }

    async fn create_framework(&self, spec: &FrameworkSpec) -> Result<String, CloudError> {
        let controls = expand_controls(OP_CREATE_FRAMEWORK, spec)?;
        let token = idempotency_token();
        let out = self
            .send(OP_CREATE_FRAMEWORK, &spec.name, || {
                self.client
                    .create_framework()
                    .framework_name(&spec.name)
                    .set_framework_controls(Some(controls.clone()))
                    .idempotency_token(&token)
                    .send()
            })
            .await?;
        Ok(out.framework_arn().unwrap_or_default().to_owned())
    }

    async fn update_framework(&self, spec: &FrameworkSpec) -> Result<String, CloudError> {
        let controls = expand_controls(OP_UPDATE_FRAMEWORK, spec)?;
        let token = idempotency_token();
        let out = self
            .send(OP_UPDATE_FRAMEWORK, &spec.name, || {
                self.client
                    .update_framework()
                    .framework_name(&spec.name)
                    .set_framework_controls(Some(controls.clone()))
                    .idempotency_token(&token)
                    .send()
            })
            .await?;
        Ok(out.framework_arn().unwrap_or_default().to_owned())
    }

    async fn delete_framework(&self, name: &str) -> Result<(), CloudError> {
        self.send(OP_DELETE_FRAMEWORK, name, || {
            self.client.delete_framework().framework_name(name).send()
        })
        .await
        .none_if_not_found()
        .map(|_| ())
    }

    async fn find_report_plan(&self, name: &str) -> Result<Option<ReportPlanSpec>, CloudError> {
        let found = self
            .send(OP_READ_REPORT_PLAN, name, || {
                self.client
                    .describe_report_plan()
                    .report_plan_name(name)
                    .send()
            })
            .await
            .none_if_not_found()?;
        Ok(found.and_then(|out| {
            out.report_plan().map(|plan| {
                let channel = plan.report_delivery_channel();
                let setting = plan.report_setting();
                ReportPlanSpec {
                    name: plan.report_plan_name().unwrap_or(name).to_owned(),
                    bucket: channel
                        .map(|c| c.s3_bucket_name().to_owned())
                        .unwrap_or_default(),
                    key_prefix: channel.and_then(|c| c.s3_key_prefix()).map(str::to_owned),
                    template: setting
                        .map(|s| s.report_template().to_owned())
                        .unwrap_or_default(),
                    framework_arns: setting
                        .map(|s| s.framework_arns().to_vec())
                        .unwrap_or_default(),
                    formats: channel.map(|c| c.formats().to_vec()).unwrap_or_default(),
                }
            })
        }))
    }

    async fn create_report_plan(&self, spec: &ReportPlanSpec) -> Result<(), CloudError> {
        let (channel, setting) = expand_report(OP_CREATE_REPORT_PLAN, spec)?;
        let token = idempotency_token();
        self.send(OP_CREATE_REPORT_PLAN, &spec.name, || {
            self.client
                .create_report_plan()
                .report_plan_name(&spec.name)
                .report_delivery_channel(channel.clone())
                .report_setting(setting.clone())
                .idempotency_token(&token)
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn update_report_plan(&self, spec: &ReportPlanSpec) -> Result<(), CloudError> {
        let (channel, setting) = expand_report(OP_UPDATE_REPORT_PLAN, spec)?;
        let token = idempotency_token();
        self.send(OP_UPDATE_REPORT_PLAN, &spec.name, || {
            self.client
                .update_report_plan()
                .report_plan_name(&spec.name)
                .report_delivery_channel(channel.clone())
                .report_setting(setting.clone())
                .idempotency_token(&token)
                .send()
        })
        .await
        .map(|_| ())
    }

    async fn delete_report_plan(&self, name: &str) -> Result<(), CloudError> {
        self.send(OP_DELETE_REPORT_PLAN, name, || {
            self.client
                .delete_report_plan()
                .report_plan_name(name)
                .send()
        })
        .await
        .none_if_not_found()
        .map(|_| ())
    }
}
