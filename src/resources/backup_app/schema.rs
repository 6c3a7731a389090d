//! The schema of `backup_app`: its attributes, the `guardrails` block and its two cloud blocks.

use tfplugin::framework::{validators, Attribute, Schema};
use tfvalue::Type;

use super::super::governance_schema::governance_guardrail_attributes;
use super::super::policy_schema::policy_attribute;
use super::super::schema_validators::{
    account_ids, arn, azure_location, azure_resource_group, azure_vault_name, object_name,
    vault_name, CrossRegionRestore, VaultLockBounds,
};

/// Built once: Terraform asks for the schema once, but plan and apply consult it per resource.
pub(crate) fn app_schema() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::new(
            "A root or intermediate app of the backup tree. It holds the organisation's (or an environment's) \
             backup policy and guardrails; children name it through `parent = backup_app.<name>.policy_document`. \
             With an `aws` or `azure` block it also owns a vault and a plan or policy there; without, it is a pure \
             policy node that calls no cloud API.",
            vec![
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The app's name."),
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(validators::string_length(1, 50))
                    .validator(object_name())
                    .description("Unique name of the app; names its cloud objects. Changing it replaces the app."),
                Attribute::string("parent").optional().description(
                    "The parent app's `policy_document`, or null for a root app. With a parent, `policy` holds only \
                     what this app changes and `guardrails` may only tighten.",
                ),
                policy_attribute(false),
                guardrails_attribute(),
                app_aws_attribute(),
                app_azure_attribute(),
                Attribute::bool("force_destroy").default_value(false).description(
                    "Whether destroying the app may delete vaults that still hold recovery points. Default `false`: \
                     destroy fails and says why. On AWS `true` deletes the vault's recovery points; on Azure it purges \
                     the vault's soft-deleted items (turning soft delete off first), which fails for `AlwaysON`.",
                ),
                Attribute::string("policy_document").computed().description(
                    "The effective policy after inheritance, as canonical JSON: rules, tags, accumulated \
                     guardrails, lineage, provenance of every value and a content hash. Known at plan time whenever \
                     its inputs are. Pass it to children as their `parent`.",
                ),
                Attribute::string("aws_vault_arn").computed().description("ARN of the app's AWS backup vault; null without `aws`."),
                Attribute::string("aws_air_gapped_vault_arn").computed().description("ARN of the app's logically air-gapped vault (`aws.air_gapped_vault`), known at plan time; null without one."),
                Attribute::string("aws_plan_id").computed().description("Id of the app's AWS backup plan; null without `aws`."),
                Attribute::string("azure_vault_id").computed().description("Resource id of the app's Recovery Services vault; null without `azure`."),
                Attribute::string("azure_policy_id").computed().description("Resource id of the app's Azure backup policy; null without `azure`."),
            ]
            .into_iter()
            .chain(super::audit::audit_attributes())
            .collect(),
        )
    })
}

/// `guardrails`: limits for the app's descendants.
fn guardrails_attribute() -> Attribute {
    Attribute::single_nested(
        "guardrails",
        vec![
            Attribute::number("min_retention_days")
                .optional()
                .validator(validators::int_between(1, 36500))
                .description("No rule of this app or any descendant may keep recovery points for fewer days."),
            Attribute::number("max_retention_days")
                .optional()
                .validator(validators::int_between(1, 36500))
                .description("No rule of this app or any descendant may keep recovery points for more days."),
            Attribute::bool("require_copy")
                .optional()
                .description("Every rule of every descendant must keep at least one `copy_to` entry."),
            Attribute::typed("locked", Type::list(Type::String)).optional().description(
                "Policy fields descendants may not change, as `rules.<rule>.<field>`, `rules.<rule>` or \
                 `tags.<key>`. Each entry must name a field that exists in the effective policy.",
            ),
            Attribute::bool("allow_new_rules")
                .optional()
                .description("Whether descendants may add rules of their own. Once `false`, no descendant can turn it back on."),
        ]
        .into_iter()
        .chain(super::super::restore_testing_schema::restore_testing_guardrails())
        .chain(governance_guardrail_attributes())
        .chain(super::super::hardening_schema::hardening_guardrail_attributes())
        .collect(),
    )
    .optional_nested()
    .description(
        "Limits for this app's descendants. They accumulate down the tree: a descendant can only tighten them.",
    )
}

/// `backup_app.aws`: where the app's own vault and plan live.
pub(crate) fn app_aws_attribute() -> Attribute {
    Attribute::single_nested(
        "aws",
        vec![
            Attribute::string("vault_name")
                .required()
                .requires_replace()
                .validator(vault_name())
                .description(
                    "Name of the app's backup vault in the provider's account and region. An existing vault of that \
                     name is adopted. Changing it replaces the app (a vault cannot be renamed).",
                ),
            Attribute::string("kms_key_arn")
                .optional()
                .requires_replace()
                .validator(arn(Some("kms")))
                .description(
                    "KMS key that encrypts the vault; default: the AWS Backup managed key. AWS cannot re-key a vault, \
                     so changing it replaces the app: its plan and vault are deleted (the vault only when empty, \
                     or with `force_destroy`) and created again. The key is part of the app's `policy_document`, so \
                     children that joined the app's plan are updated in the same plan and move their selections \
                     into the new one.",
                ),
            Attribute::string("iam_role_arn")
                .optional()
                .validator(arn(Some("iam")))
                .description("IAM role AWS Backup assumes for this app's own selections (reserved: an app selects no resources itself; children name their own role)."),
            Attribute::single_nested(
                "vault_lock",
                vec![
                    Attribute::number("min_retention_days")
                        .optional()
                        .validator(validators::int_between(1, 36500))
                        .description("Shortest retention the vault accepts, in days."),
                    Attribute::number("max_retention_days")
                        .optional()
                        .validator(validators::int_between(1, 36500))
                        .description("Longest retention the vault accepts, in days."),
                    Attribute::number("changeable_for_days")
                        .optional()
                        .validator(validators::int_between(3, 36500))
                        .description(
                        "Days (at least 3) before the lock becomes immutable (compliance mode). Null: governance mode, removable.",
                    ),
                ],
            )
            .optional()
            .validator(VaultLockBounds)
            .description("AWS Backup Vault Lock on the vault (WORM)."),
            Attribute::typed("allow_copy_from_accounts", Type::list(Type::String))
                .optional()
                .validator(account_ids())
                .description(
                    "Account ids allowed to copy recovery points into this vault (the vault access policy): list the \
                     accounts of derived children in other accounts, which copy every recovery point here.",
                ),
            super::air_gapped::air_gapped_vault_attribute(),
        ],
    )
    .optional_nested()
    .description(
        "Realise this app on AWS Backup, in the account and region of the app's provider configuration: a vault \
         (tagged with the effective tags, optional lock and access policy) and a backup plan named after the app \
         with one rule per effective rule. Children with an `aws` block join this plan or copy into this vault. \
         Changes to rules, tags, lock and access policy are made in place.",
    )
}

/// `backup_app.azure`: where the app's Recovery Services vault and policy live.
pub(crate) fn app_azure_attribute() -> Attribute {
    Attribute::single_nested(
        "azure",
        vec![
            Attribute::string("resource_group").required().validator(azure_resource_group()).description("Resource group of the vault."),
            Attribute::string("location").required().validator(azure_location()).description("Azure region of the vault, e.g. `westeurope`."),
            Attribute::string("vault_name").required().validator(azure_vault_name()).description("Name of the Recovery Services vault."),
            Attribute::string("storage_redundancy")
                .optional()
                .validator(validators::one_of(&["LocallyRedundant", "GeoRedundant", "ZoneRedundant"]))
                .description("Backup storage redundancy: `LocallyRedundant`, `GeoRedundant` or `ZoneRedundant`."),
            Attribute::bool("cross_region_restore").optional().description("Whether restores to the paired region are allowed (GeoRedundant only)."),
            Attribute::string("soft_delete")
                .optional()
                .validator(validators::one_of(&["Enabled", "Disabled", "AlwaysON"]))
                .description("Soft delete state: `Enabled`, `Disabled` or `AlwaysON` (cannot be turned off again)."),
            Attribute::string("immutability")
                .optional()
                .validator(validators::one_of(&["Disabled", "Unlocked", "Locked"]))
                .description("Vault immutability: `Disabled`, `Unlocked` or `Locked` (irreversible)."),
            super::super::hardening_schema::encryption_attribute(),
            super::super::azure_resource_guard::resource_guard_attribute(),
        ],
    )
    .optional_nested()
    .validator(CrossRegionRestore)
    .description("Realise this app on Azure: a Recovery Services vault and an IaaS VM backup policy of its effective rules.")
}
