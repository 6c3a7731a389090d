//! Audit evidence behind a plain-Rust trait: AWS Backup Audit Manager frameworks (controls with
//! their parameters) and report plans delivering compliance reports to an S3 bucket.
//!
//! Both are named objects: created when missing, adopted and brought in line when they exist.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::error::{CloudError, ErrorKind};

/// One control of a framework and its input parameters.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ControlSpec {
    /// The control, e.g. `BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK`.
    pub name: String,
    /// Its input parameters by name (values as AWS takes them: strings).
    pub parameters: BTreeMap<String, String>,
}

/// An audit framework.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameworkSpec {
    /// The framework's name (a letter, then letters, digits and `_`); also its id.
    pub name: String,
    /// Its controls, sorted by name.
    pub controls: Vec<ControlSpec>,
}

/// A report plan delivering a framework's control compliance report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportPlanSpec {
    /// The report plan's name (a letter, then letters, digits and `_`).
    pub name: String,
    /// The S3 bucket reports are delivered to.
    pub bucket: String,
    /// The key prefix of the reports in the bucket.
    pub key_prefix: Option<String>,
    /// The report template, e.g. `CONTROL_COMPLIANCE_REPORT`.
    pub template: String,
    /// The frameworks reported on (ARNs).
    pub framework_arns: Vec<String>,
    /// Report formats (`CSV`, `JSON`).
    pub formats: Vec<String>,
}

/// The audit operations, in one account and region.
#[async_trait]
pub trait AuditBackend: Send + Sync {
    /// `DescribeFramework`: the framework's ARN and content, or `None`.
    async fn find_framework(
        &self,
        name: &str,
    ) -> Result<Option<(String, FrameworkSpec)>, CloudError>;

    /// `CreateFramework`; returns the ARN.
    async fn create_framework(&self, spec: &FrameworkSpec) -> Result<String, CloudError>;

    /// `UpdateFramework`; returns the ARN.
    async fn update_framework(&self, spec: &FrameworkSpec) -> Result<String, CloudError>;

    /// `DeleteFramework`; nothing when it is gone.
    async fn delete_framework(&self, name: &str) -> Result<(), CloudError>;

    /// `DescribeReportPlan`.
    async fn find_report_plan(&self, name: &str) -> Result<Option<ReportPlanSpec>, CloudError>;

    /// `CreateReportPlan`.
    async fn create_report_plan(&self, spec: &ReportPlanSpec) -> Result<(), CloudError>;

    /// `UpdateReportPlan`.
    async fn update_report_plan(&self, spec: &ReportPlanSpec) -> Result<(), CloudError>;

    /// `DeleteReportPlan`; nothing when it is gone.
    async fn delete_report_plan(&self, name: &str) -> Result<(), CloudError>;

    /// Brings the framework named `spec.name` to `spec` and returns its ARN (1 call when it is
    /// already right).
    async fn ensure_framework(&self, spec: &FrameworkSpec) -> Result<String, CloudError> {
        match self.find_framework(&spec.name).await? {
            Some((arn, found)) if found == *spec => Ok(arn),
            Some(_) => self.update_framework(spec).await,
            None => match self.create_framework(spec).await {
                Err(e) if e.kind() == ErrorKind::Conflict => self.update_framework(spec).await,
                other => other,
            },
        }
    }

    /// Brings the report plan named `spec.name` to `spec` (1 call when it is already right).
    async fn ensure_report_plan(&self, spec: &ReportPlanSpec) -> Result<(), CloudError> {
        match self.find_report_plan(&spec.name).await? {
            Some(found) if found == *spec => Ok(()),
            Some(_) => self.update_report_plan(spec).await,
            None => match self.create_report_plan(spec).await {
                Err(e) if e.kind() == ErrorKind::Conflict => self.update_report_plan(spec).await,
                other => other,
            },
        }
    }
}
