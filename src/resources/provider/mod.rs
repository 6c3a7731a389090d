//! The `backup` provider: its configuration schema and what configuring it yields.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::{Attribute, Diagnostic, Diagnostics, Provider, Resource, Schema};
use tfvalue::{AttributePath, Value};

use crate::cloud::aws::{AwsContext, AwsSettings};
use crate::cloud::azure::{ArmBackend, ArmOptions, AzureBackend, AzureSettings};

use super::backup_app::BackupApp;
use super::backup_child::BackupChild;
use super::provider_data::ProviderData;

/// The provider.
pub struct BackupProvider;

fn aws_attribute() -> Attribute {
    Attribute::single_nested(
        "aws",
        vec![
            Attribute::string("region")
                .optional()
                .description("AWS region; else `AWS_REGION` or `AWS_DEFAULT_REGION`."),
            Attribute::string("profile").optional().description(
                "Named profile of the shared config files; else the standard credential chain.",
            ),
            Attribute::single_nested(
                "assume_role",
                vec![
                    Attribute::string("role_arn")
                        .required()
                        .description("Role to assume, e.g. in another account."),
                    Attribute::string("external_id")
                        .optional()
                        .description("External id the role's trust policy requires."),
                    Attribute::string("session_name").optional().description(
                        "Session name (2 to 64 characters); default `terraform-provider-backup`.",
                    ),
                ],
            )
            .optional()
            .description("Act in another account through STS AssumeRole."),
            Attribute::single_nested(
                "endpoints",
                vec![
                    Attribute::string("backup")
                        .optional()
                        .description("Endpoint URL for AWS Backup."),
                    Attribute::string("sts")
                        .optional()
                        .description("Endpoint URL for STS."),
                ],
            )
            .optional()
            .description("Custom endpoints: VPC endpoints or emulators."),
        ],
    )
    .optional()
    .description(
        "AWS settings. Each provider configuration (alias) is one account and region: the provider resolves \
         credentials (profile or the standard chain, then `assume_role`) and calls STS `GetCallerIdentity` once \
         when configured, so plans know the account and show vault ARNs and each child's `mode` before apply. \
         Resources with an `aws` block need it on the provider configuration they use.",
    )
}

fn azure_attribute() -> Attribute {
    Attribute::single_nested(
        "azure",
        vec![
            Attribute::string("subscription_id").optional().description("Subscription id; else `ARM_SUBSCRIPTION_ID`."),
            Attribute::string("tenant_id").optional().description("Tenant id; else `ARM_TENANT_ID`."),
            Attribute::string("client_id").optional().description("Client (application) id; else `ARM_CLIENT_ID`."),
            Attribute::string("client_secret").optional().sensitive().description("Client secret; else `ARM_CLIENT_SECRET`. Never logged or stored."),
            Attribute::bool("use_oidc").optional().description("Authenticate with a federated (OIDC) token; else `ARM_USE_OIDC`."),
            Attribute::bool("use_msi").optional().description("Authenticate with a managed identity; else `ARM_USE_MSI`."),
            Attribute::bool("use_cli").optional().description("Authenticate with the Azure CLI's login; else `ARM_USE_CLI`."),
            Attribute::string("resource_manager_endpoint")
                .optional()
                .description("Azure Resource Manager endpoint, for sovereign clouds; default `https://management.azure.com`."),
            Attribute::string("authority_host")
                .optional()
                .description("Microsoft Entra authority, for sovereign clouds; else `AZURE_AUTHORITY_HOST`, default `https://login.microsoftonline.com`."),
        ],
    )
    .optional()
    .description("Azure settings. Accepts the same `ARM_*` environment variables as azurerm.")
}

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
            vec![aws_attribute(), azure_attribute()],
        )
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(BackupApp), Arc::new(BackupChild)]
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
        Some(Arc::new(ProviderData { aws, azure }))
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
