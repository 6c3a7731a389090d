//! The `policy` attribute shared by `backup_app` and `backup_child`; it decodes straight into
//! the policy core's `PolicyPatch`.

use tfplugin::framework::{validators, Attribute};
use tfvalue::Type;

use super::governance_schema::governance_policy_attributes;

/// Schema of `policy`: rules and tags, each optional so a child states only what it changes.
pub(crate) fn policy_attribute(is_child: bool) -> Attribute {
    let description = if is_child {
        "What this app changes in the policy it inherits from `parent`. Only the values set here \
         differ from the parent's effective policy; see the inheritance guide for how maps, \
         scalars and `copy_to` lists merge."
    } else {
        "The backup policy this app sets. With a `parent`, only what this app changes; without one, \
         the organisation's base policy."
    };
    let mut attributes = vec![
        rules_attribute(),
        tags_attribute(),
        super::restore_testing_schema::restore_testing_attribute(),
    ];
    attributes.extend(governance_policy_attributes());
    Attribute::single_nested("policy", attributes)
        .optional_nested()
        .description(description)
}

fn rules_attribute() -> Attribute {
    // Shaped rather than nested: Terraform 1.0.x crashes checking a plan with a map of
    // nested objects inside a nested attribute.
    Attribute::map_shaped(
        "rules",
        vec![
            Attribute::string("schedule").optional().description(
                "When backups start, in AWS Backup syntax: `cron(minutes hours day-of-month month day-of-week year)` \
                 (UTC) or `rate(N hours|days)`. At most one backup an hour.",
            ),
            Attribute::number("start_window_minutes")
                .optional()
                .validator(validators::int_between(60, 43200))
                .description("Minutes after the scheduled time within which a backup must start (60 to 43200)."),
            Attribute::number("completion_window_minutes")
                .optional()
                .validator(validators::int_between(60, 5_256_000))
                .description("Minutes after starting within which a backup must complete."),
            Attribute::number("retention_days")
                .optional()
                .validator(validators::int_between(1, 36500))
                .description(
                    "Days a recovery point is kept. Must lie within every ancestor's `min_retention_days` and \
                     `max_retention_days`, and be at least `cold_storage_after_days` + 90.",
                ),
            Attribute::number("cold_storage_after_days")
                .optional()
                .validator(validators::int_between(0, 36500))
                .description("Days after which recovery points move to cold storage; `0` or null: never."),
            Attribute::bool("enable_continuous_backup")
                .optional()
                .description("Whether the rule also keeps continuous backups (point-in-time restore) where supported."),
            Attribute::list_nested(
                "copy_to",
                vec![
                    Attribute::string("vault_arn")
                        .required()
                        .description("ARN of the backup vault to copy recovery points to (any region or account)."),
                    Attribute::number("retention_days")
                        .optional()
                        .validator(validators::int_between(1, 36500))
                        .description("Days the copy is kept; default: the rule's `retention_days`."),
                    Attribute::number("cold_storage_after_days")
                        .optional()
                        .validator(validators::int_between(0, 36500))
                        .description("Days after which the copy moves to cold storage; default: never."),
                ],
            )
            .optional()
            .description(
                "Copies of each recovery point to other vaults. Entries merge with the inherited ones by `vault_arn`: \
                 a child can add copies or change an inherited copy's retention, but never drop one.",
            ),
            Attribute::typed("recovery_point_tags", Type::map(Type::String))
                .optional()
                .description("Tags put on every recovery point the rule creates, such as a commit id."),
        ],
    )
    .optional()
    .description("Backup rules by name. A rule named like an inherited one changes that rule; a new name adds a rule.")
}

fn tags_attribute() -> Attribute {
    Attribute::typed("tags", Type::map(Type::String))
        .optional()
        .description("Tags put on the vaults and plans this app and its descendants create. Merged by key with inherited tags.")
}
