//! `policy.restore_testing` and the restore testing guardrails: the schema of the policy core's
//! `RestoreTestingPatch` and `RestoreTestingGuardrailsPatch`, shared by `backup_app` and
//! `backup_child`.

use tfplugin::framework::validators::{self, Invalid};
use tfplugin::framework::{Attribute, Validator};
use tfvalue::{Type, Value};

/// The resource types AWS Backup restore testing can restore.
pub(crate) const PROTECTED_RESOURCE_TYPES: &[&str] = &[
    "Aurora",
    "DocumentDB",
    "DynamoDB",
    "EBS",
    "EC2",
    "EFS",
    "FSx",
    "Neptune",
    "RDS",
    "S3",
];

/// `policy.restore_testing`: how restores of this app's backups are tested.
pub(crate) fn restore_testing_attribute() -> Attribute {
    Attribute::single_nested(
        "restore_testing",
        vec![
            Attribute::string("schedule").optional().description(
                "When restore tests start: `cron(minutes hours day-of-month month day-of-week year)` (UTC). Set by \
                 the app that starts restore testing; a plan field (see below).",
            ),
            Attribute::number("start_window_hours")
                .optional()
                .validator(validators::int_between(1, 168))
                .description("Hours after the scheduled time within which the restore job must start (1 to 168; default 24). A plan field."),
            Attribute::string("algorithm")
                .optional()
                .validator(validators::one_of(&backup_policy::ALGORITHMS))
                .description(
                    "Which recovery point is restored: `LATEST_WITHIN_WINDOW` (default) or `RANDOM_WITHIN_WINDOW`. A plan field.",
                ),
            Attribute::number("selection_window_days")
                .optional()
                .validator(validators::int_between(1, 365))
                .description("How many days back recovery points are considered (1 to 365; default 30). A plan field."),
            Attribute::typed("include_vaults", Type::list(Type::String))
                .optional()
                .validator(vaults_or_star())
                .description(
                    "Vault ARNs (or `*`) recovery points may come from; added to the inherited ones. Default: the vault \
                     of the backup plan that protects the resources. A plan field.",
                ),
            Attribute::number("validation_window_hours")
                .optional()
                .validator(validators::int_between(1, 168))
                .description("Hours the restored resource is kept for validation before AWS Backup deletes it (1 to 168)."),
            Attribute::string("protected_resource_type")
                .optional()
                .validator(validators::one_of(PROTECTED_RESOURCE_TYPES))
                .description(
                    "The resource type restored for this app's resources: `Aurora`, `DocumentDB`, `DynamoDB`, `EBS`, \
                     `EC2`, `EFS`, `FSx`, `Neptune`, `RDS` or `S3`. A child with an `aws` block needs one.",
                ),
            Attribute::typed("restore_metadata_overrides", Type::map(Type::String))
                .optional()
                .description("Restore metadata to override (e.g. `instanceType`, `availabilityZone`); merged by key with the inherited ones."),
        ],
    )
    .optional_nested()
    .description(
        "Restore testing: AWS Backup restores a recovery point on `schedule` and deletes the restored resource after \
         `validation_window_hours`. Plan fields (`schedule`, `start_window_hours`, `algorithm`, \
         `selection_window_days`, `include_vaults`) belong to the restore testing plan of the nearest app with an \
         `aws` block and may only be changed there; the others may differ per app. See the proving backups guide.",
    )
}

/// The restore testing members of `guardrails`.
pub(crate) fn restore_testing_guardrails() -> Vec<Attribute> {
    vec![
        Attribute::bool("require_restore_testing").optional().description(
            "Every descendant must test restores (have `policy.restore_testing`). Once `true`, no descendant can turn it off.",
        ),
        Attribute::number("restore_testing_max_interval_days")
            .optional()
            .validator(validators::int_between(1, 365))
            .description("Longest time between two restore tests of this app or any descendant, in days (a minimum frequency)."),
        Attribute::number("restore_testing_max_validation_window_hours")
            .optional()
            .validator(validators::int_between(1, 168))
            .description("Longest `validation_window_hours` this app or any descendant may set; it must then be set."),
    ]
}

/// A list whose known elements are `*` or AWS Backup vault ARNs.
fn vaults_or_star() -> impl Validator {
    validators::check(
        "Every element must be `*` or a backup vault ARN (`arn:aws:backup:<region>:<account>:backup-vault:<name>`).",
        |v| match v {
            Value::List(items) => items
                .iter()
                .filter_map(Value::as_str)
                .find(|s| *s != "*" && backup_policy::check_vault_arn(s).is_err())
                .map_or(Ok(()), |s| Err(Invalid(format!("{s:?} is not a vault ARN")))),
            _ => Ok(()),
        },
    )
}

#[cfg(test)]
mod tests {
    use tfplugin::framework::Diagnostics;
    use tfvalue::AttributePath;

    use super::*;

    #[test]
    fn include_vaults_takes_star_or_vault_arns() {
        let path = AttributePath::attr("policy")
            .attribute("restore_testing")
            .attribute("include_vaults");
        let check = |items: &[&str]| {
            let mut diagnostics = Diagnostics::default();
            let list = Value::List(items.iter().map(|s| Value::from(*s)).collect());
            vaults_or_star().validate(&path, &list, &mut diagnostics);
            diagnostics.into_vec()
        };
        assert!(check(&[
            "*",
            "arn:aws:backup:us-east-1:111111111111:backup-vault:main"
        ])
        .is_empty());
        let bad = check(&["*", "main"]);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].path.as_ref(), Some(&path));
        assert!(
            bad[0].detail.contains("\"main\" is not a vault ARN"),
            "{}",
            bad[0].detail
        );
    }
}
