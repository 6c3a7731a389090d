//! The schema of `backup_recovery_point` and its identity.

use tfplugin::framework::{validators, Attribute, Schema};
use tfvalue::Type;

use super::super::schema_validators::{arn, vault_name};

/// Built once: Terraform asks for the schema once, but plan and apply consult it per resource.
pub(crate) fn point_schema() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::new(
            "An existing AWS Backup recovery point, adopted into state so it can be protected and audited: a \
             backup of a release (say, tagged with its commit) kept longer than its rule would keep it, or \
             found with `terraform query`. The resource never makes a recovery point: creating it adopts one \
             that exists (backup jobs, plans and the `backup_start_job` action make them) and fails clearly \
             when it does not. Its `lifecycle` can only be tightened within the effective policy of the \
             `policy_document` given. Destroying it forgets the point (with a warning) and keeps it in the \
             vault, unless `delete_on_destroy` is set.",
            vec![
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The recovery point's ARN."),
                Attribute::string("vault_name")
                    .required()
                    .requires_replace()
                    .validator(vault_name())
                    .description("Name of the vault holding the recovery point, in the provider configuration's account and region. Changing it adopts another point."),
                Attribute::string("recovery_point_arn")
                    .required()
                    .requires_replace()
                    .validator(arn(None))
                    .description("ARN of the recovery point. Changing it adopts another point."),
                Attribute::string("policy_document").optional().description(
                    "The `policy_document` of the app or child the point belongs to. When given, `lifecycle` must \
                     keep the point at least as long as the effective `min_retention_days` guardrail and the \
                     `retention_days` of the rule that made it (when the document has that rule), at most \
                     `max_retention_days`; deleting a point younger than `min_retention_days` is refused.",
                ),
                lifecycle_attribute(),
                Attribute::bool("delete_on_destroy").default_value(false).description(
                    "Whether destroying the resource deletes the recovery point. Default `false`: destroy only \
                     forgets it (with a warning). Even with `true`, a point younger than the vault lock's or the \
                     `policy_document`'s minimum retention is not deleted.",
                ),
                Attribute::string("account_id").computed().use_state_for_unknown().description("The account holding the point (the provider configuration's)."),
                Attribute::string("region").computed().use_state_for_unknown().description("The region holding the point (the provider configuration's)."),
                Attribute::string("resource_arn").computed().use_state_for_unknown().description("ARN of the resource the point is a backup of."),
                Attribute::string("resource_type").computed().use_state_for_unknown().description("AWS Backup's name of the resource's type, e.g. `DynamoDB`."),
                Attribute::string("status").computed().use_state_for_unknown().description("The point's status as AWS Backup reports it, e.g. `COMPLETED`."),
                Attribute::string("creation_date").computed().use_state_for_unknown().description("When the point was made (RFC 3339, UTC)."),
                Attribute::string("delete_at").computed().description("When AWS Backup deletes the point: `creation_date` plus `lifecycle.delete_after_days` (RFC 3339, UTC); null when it is kept until deleted."),
                Attribute::string("move_to_cold_storage_at").computed().description("When the point moves to cold storage: `creation_date` plus `lifecycle.move_to_cold_storage_after_days` (RFC 3339, UTC); null when it never does."),
                Attribute::string("backup_rule_name").computed().use_state_for_unknown().description("The plan rule that made the point; null for an on-demand backup."),
                Attribute::number("backup_size_bytes").computed().use_state_for_unknown().description("The point's size in bytes, when AWS Backup reports one."),
                Attribute::typed("tags", Type::map(Type::String)).computed().use_state_for_unknown().description("The point's tags, e.g. the `commit` a release's backup carries."),
            ],
        )
    })
}

/// `lifecycle`: the point's retention and cold storage.
fn lifecycle_attribute() -> Attribute {
    Attribute::single_nested(
        "lifecycle",
        vec![
            Attribute::number("delete_after_days")
                .optional()
                .validator(validators::int_between(1, 36500))
                .description("Days after its creation the point is deleted; null: kept until deleted."),
            Attribute::number("move_to_cold_storage_after_days")
                .optional()
                .validator(validators::int_between(1, 36500))
                .description(
                    "Days after its creation the point moves to cold storage; null: never. AWS requires \
                     `delete_after_days` to be at least 90 days more.",
                ),
        ],
    )
    .optional_computed()
    .description(
        "The point's lifecycle; default: the one it has (read from AWS Backup). Changing it calls \
         `UpdateRecoveryPointLifecycle`; with a `policy_document`, a lifecycle that would keep the point shorter \
         than its effective policy requires is refused at plan.",
    )
}

/// The identity: a recovery point is named by its vault and ARN, in an account and region.
pub(crate) fn identity_schema() -> Schema {
    Schema::new(
        "",
        vec![
            Attribute::string("vault_name")
                .required()
                .description("The vault holding the point."),
            Attribute::string("recovery_point_arn")
                .required()
                .description("The point's ARN."),
            Attribute::string("account_id").optional().description(
                "The account holding the point; default: the provider configuration's.",
            ),
            Attribute::string("region").optional().description(
                "The region holding the point; default: the provider configuration's.",
            ),
        ],
    )
}
