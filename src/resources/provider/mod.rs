//! The `backup` provider: its configuration schema and what configuring it yields.

mod schema;

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::{
    Action, DataSource, Diagnostic, Diagnostics, Function, ListResource, Provider, Resource, Schema,
};
use tfvalue::{AttributePath, Value};

use crate::cloud::apigee::{ApigeeAccess, ApigeeSettings};
use crate::cloud::aws::{AwsContext, AwsSettings};
use crate::cloud::azure::{ArmBackend, ArmOptions, AzureBackend, AzureSettings};

use super::backup_app::list::BackupAppList;
use super::backup_app::BackupApp;
use super::backup_child::list::BackupChildList;
use super::backup_child::BackupChild;
use super::backup_recovery_point::list::BackupRecoveryPointList;
use super::backup_recovery_point::BackupRecoveryPoint;
use super::provider_data::ProviderData;

/// The provider.
pub struct BackupProvider;

#[async_trait]
impl Provider for BackupProvider {
    fn type_name(&self) -> &'static str {
        "backup"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "App-of-Apps backup policies: a root app holds the organisation's backup policy and guardrails, \
             child apps inherit and adapt it per account, region and environment, realised on AWS Backup and \
             Azure Recovery Services.",
            vec![
                schema::aws_attribute(),
                schema::azure_attribute(),
                schema::apigee_attribute(),
            ],
        )
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(BackupApp),
            Arc::new(BackupChild),
            Arc::new(BackupRecoveryPoint),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        crate::data_sources::all()
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        crate::functions::all()
    }

    fn actions(&self) -> Vec<Arc<dyn Action>> {
        crate::actions::all()
    }

    fn list_resources(&self) -> Vec<Arc<dyn ListResource>> {
        vec![
            Arc::new(BackupAppList),
            Arc::new(BackupChildList),
            Arc::new(BackupRecoveryPointList),
        ]
    }

    async fn configure(
        &self,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        let block = |name: &str| config.get(name).filter(|v| !v.is_null()).cloned();
        let aws = match block("aws") {
            Some(aws) => Some(Arc::new(connect_aws(&aws, diagnostics).await?)),
            None => None,
        };
        let azure = match block("azure") {
            Some(azure) => Some(connect_azure(&azure, diagnostics)?),
            None => None,
        };
        let apigee = Some(Arc::new(connect_apigee(
            block("apigee").as_ref(),
            diagnostics,
        )?));
        Some(Arc::new(ProviderData { aws, azure, apigee }))
    }
}

/// Connects the `aws` block: credentials, assume-role, endpoints, and one `GetCallerIdentity` to
/// learn the account. Errors are reported at `aws`.
async fn connect_aws(block: &Value, diagnostics: &mut Diagnostics) -> Option<AwsContext> {
    let path = AttributePath::attr("aws");
    if !block.is_wholly_known() {
        diagnostics.push(
            Diagnostic::error(
                "AWS settings not known yet",
                "The provider's `aws` block depends on values known only after apply; the provider needs \
                 its account and region to plan. Use values known at plan time (variables, literals).",
            )
            .at(path),
        );
        return None;
    }
    let settings: AwsSettings = match tfvalue::from_value(block) {
        Ok(settings) => settings,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error("Invalid AWS settings", e.to_string()).at(path.join(e.path())),
            );
            return None;
        }
    };
    match AwsContext::connect(&settings).await {
        Ok(context) => Some(context),
        Err(e) => {
            diagnostics.push(Diagnostic::error("Cannot connect to AWS", e.to_string()).at(path));
            None
        }
    }
}

/// Builds the Azure backend of the `azure` block (unset values from `ARM_*`). No request is made
/// here; the credential is used on the first call. Errors are reported at `azure`; the client
/// secret is never part of a message.
fn connect_azure(block: &Value, diagnostics: &mut Diagnostics) -> Option<Arc<dyn AzureBackend>> {
    let path = AttributePath::attr("azure");
    if !block.is_wholly_known() {
        diagnostics.push(
            Diagnostic::error(
                "Azure settings not known yet",
                "The provider's `azure` block depends on values known only after apply; the provider needs \
                 its subscription to plan. Use values known at plan time (variables, literals).",
            )
            .at(path),
        );
        return None;
    }
    let settings: AzureSettings = match tfvalue::from_value(block) {
        Ok(settings) => settings,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error("Invalid Azure settings", e.to_string()).at(path.join(e.path())),
            );
            return None;
        }
    };
    match ArmBackend::from_settings(settings, ArmOptions::default()) {
        Ok(backend) => Some(Arc::new(backend)),
        Err(e) => {
            diagnostics.push(Diagnostic::error("Invalid Azure settings", e.to_string()).at(path));
            None
        }
    }
}

/// The Apigee access of the `apigee` block (unset values from `APIGEE_*`); no request is made.
/// The token is registered with the log scrubber as soon as it is read.
fn connect_apigee(block: Option<&Value>, diagnostics: &mut Diagnostics) -> Option<ApigeeAccess> {
    let text = |name: &str| {
        block
            .and_then(|b| b.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    if block.is_some_and(|b| !b.is_wholly_known()) {
        diagnostics.push(
            Diagnostic::error(
                "Apigee settings not known yet",
                "The provider's `apigee` block depends on values known only after apply; plans read the \
                 organization. Use values known at plan time (variables, literals).",
            )
            .at(AttributePath::attr("apigee")),
        );
        return None;
    }
    let settings = ApigeeSettings {
        endpoint: text("endpoint"),
        access_token: text("access_token").map(crate::cloud::azure::Secret::new),
    }
    .with_env();
    Some(ApigeeAccess::connect(&settings))
}
