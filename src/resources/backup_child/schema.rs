//! The schema of `backup_child`: its attributes and its two cloud blocks.

use tfplugin::framework::{validators, Attribute, Schema};
use tfvalue::Type;

use super::super::policy_schema::policy_attribute;
use super::super::schema_validators::{arn, arn_list, object_name, vault_name};

/// Built once: Terraform asks for the schema once, but plan and apply consult it per resource.
pub(crate) fn child_schema() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::new(
            "A leaf app: inherits the effective policy of its `parent`, adapts it within the ancestors' \
             guardrails, and protects resources with it in any account, region or subscription the provider \
             alias reaches.",
            vec![
                Attribute::string("id").computed().use_state_for_unknown().description("The child's name."),
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(validators::string_length(1, 50))
                    .validator(object_name())
                    .description("Unique name of the child; names its selection, plan and vault. Changing it replaces the child."),
                Attribute::string("parent")
                    .required()
                    .description("The parent app's `policy_document` (`backup_app.<name>.policy_document`)."),
                policy_attribute(true),
                child_aws_attribute(),
                child_azure_attribute(),
                Attribute::bool("force_destroy").default_value(false).description(
                    "Whether destroying the child may delete its own vault while it holds recovery points. Default `false`.",
                ),
                Attribute::string("policy_document")
                    .computed()
                    .description("The child's effective policy as canonical JSON (same format as `backup_app.policy_document`)."),
                Attribute::string("mode").computed().description(
                    "`joined` when the child's resources join the nearest AWS-backed ancestor's plan (same account, \
                     region and effective policy), `derived` when the child has its own plan; null without `aws`.",
                ),
                Attribute::string("aws_plan_id").computed().description("Id of the AWS backup plan the child's selection belongs to."),
                Attribute::string("aws_selection_id").computed().description("Id of the child's AWS backup selection."),
                Attribute::string("azure_policy_id").computed().description("Resource id of the Azure backup policy protecting the child's VMs."),
                Attribute::typed("azure_protected_item_ids", Type::list(Type::String))
                    .computed()
                    .description("Resource ids of the Azure protected items, one per VM."),
            ],
        )
    })
}

/// `backup_child.aws`: what the child protects on AWS.
pub(crate) fn child_aws_attribute() -> Attribute {
    Attribute::single_nested(
        "aws",
        vec![
            Attribute::typed("resources", Type::list(Type::String))
                .optional()
                .validator(arn_list())
                .description("ARNs of the resources to protect, in the child's account and region (`*` wildcards as AWS Backup allows)."),
            Attribute::typed("selection_tags", Type::map(Type::String))
                .optional()
                .description("Also protect every resource carrying any one of these tags (`key = value`); AWS ORs them with `resources`."),
            Attribute::string("iam_role_arn")
                .required()
                .validator(arn(Some("iam")))
                .description("IAM role AWS Backup assumes to back up the selected resources."),
            Attribute::string("vault_name")
                .optional()
                .validator(vault_name())
                .description(
                    "Name of the child's own vault in its provider's account and region, used in `derived` mode; \
                     default: the child's `name`. An existing vault of that name is adopted.",
                ),
        ],
    )
    .optional_nested()
    .description(
        "Protect AWS resources in the account and region of the child's provider configuration. When that is the \
         nearest AWS-backed ancestor's account and region and the child's effective policy equals the ancestor's, \
         the child adds a selection (named after the child) to the ancestor's plan (`mode = \"joined\"`). \
         Otherwise it gets its own vault and a plan named after it (`mode = \"derived\"`), whose rules keep every \
         inherited `copy_to` and, in another account, also copy to the ancestor's vault with the rule's retention. \
         Selection changes are made inside the update (the new selection is created before the old is deleted).",
    )
}

/// `backup_child.azure`: what the child protects on Azure.
pub(crate) fn child_azure_attribute() -> Attribute {
    Attribute::single_nested(
        "azure",
        vec![
            Attribute::typed("vm_ids", Type::list(Type::String))
                .optional()
                .description("Resource ids of the virtual machines to protect."),
            Attribute::single_nested(
                "app_service",
                vec![
                    Attribute::string("site_id").required().description("Resource id of the App Service (web app)."),
                    Attribute::string("storage_account_url").optional().write_only().description(
                        "SAS URL of the blob container backups go to. Write-only: sent to Azure, never stored in plan or \
                         state (Terraform 1.11+; older clients treat it as sensitive).",
                    ),
                ],
            )
            .optional()
            .description("Back up an App Service with the child's effective schedule and retention."),
        ],
    )
    .optional_nested()
    .description("Protect Azure resources in the nearest Azure-backed ancestor's vault.")
}
