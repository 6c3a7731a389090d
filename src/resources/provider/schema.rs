//! The provider configuration's `aws` and `azure` blocks.

use tfplugin::framework::Attribute;

use super::super::schema_validators::{arn, endpoint_url, session_name};

/// The provider's `aws` block.
pub(super) fn aws_attribute() -> Attribute {
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
                        .validator(arn(Some("iam")))
                        .description("Role to assume, e.g. in another account."),
                    Attribute::string("external_id")
                        .optional()
                        .description("External id the role's trust policy requires."),
                    Attribute::string("session_name").optional().validator(session_name()).description(
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
                        .validator(endpoint_url())
                        .description("Endpoint URL for AWS Backup."),
                    Attribute::string("sts")
                        .optional()
                        .validator(endpoint_url())
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

/// The provider's `azure` block.
pub(super) fn azure_attribute() -> Attribute {
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
                .validator(endpoint_url())
                .description("Azure Resource Manager endpoint, for sovereign clouds; default `https://management.azure.com`."),
            Attribute::string("authority_host")
                .optional()
                .validator(endpoint_url())
                .description("Microsoft Entra authority, for sovereign clouds; else `AZURE_AUTHORITY_HOST`, default `https://login.microsoftonline.com`."),
        ],
    )
    .optional()
    .description("Azure settings. Accepts the same `ARM_*` environment variables as azurerm.")
}

/// The provider's `apigee` block.
pub(super) fn apigee_attribute() -> Attribute {
    Attribute::single_nested(
        "apigee",
        vec![
            Attribute::string("access_token").optional().sensitive().description(
                "OAuth 2 access token for the Apigee API (e.g. `gcloud auth print-access-token`); else \
                 `APIGEE_ACCESS_TOKEN`. Never logged or stored.",
            ),
            Attribute::string("endpoint")
                .optional()
                .validator(endpoint_url())
                .description("Apigee API endpoint; else `APIGEE_ENDPOINT`, default `https://apigee.googleapis.com`."),
        ],
    )
    .optional()
    .description("Apigee settings, for `backup_child.apigee` exports. Accepts `APIGEE_ACCESS_TOKEN` and `APIGEE_ENDPOINT`.")
}
