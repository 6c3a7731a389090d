//! Schemas of the `aws` and `azure` blocks of `backup_app` and `backup_child`.

use tfplugin::framework::{validators, Attribute, Validator};
use tfvalue::{Type, Value};

/// Whether `s` is an ARN: `arn:partition:service:region:account:resource`, with `service` if
/// given.
fn is_arn(s: &str, service: Option<&str>) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && !parts[1].is_empty()
        && !parts[2].is_empty()
        && !parts[5].is_empty()
        && service.is_none_or(|svc| parts[2] == svc)
}

/// A string that is an ARN (of `service`, if given).
fn arn(service: Option<&'static str>) -> impl Validator {
    let what = service.map_or("an ARN".to_string(), |s| format!("an ARN of service `{s}`"));
    validators::check(
        &format!("Must be {what}: `arn:<partition>:<service>:<region>:<account>:<resource>`."),
        move |v| match v.as_str() {
            Some(s) if !is_arn(s, service) => Err(format!(
                "{s:?} is not {}",
                service.map_or("an ARN".into(), |s| format!("an ARN of service `{s}`"))
            )),
            _ => Ok(()),
        },
    )
}

/// A list whose known elements are ARNs.
fn arn_list() -> impl Validator {
    validators::check("Every element must be an ARN.", |v| match v {
        Value::List(items) | Value::Set(items) => items
            .iter()
            .filter_map(Value::as_str)
            .find(|s| !is_arn(s, None))
            .map_or(Ok(()), |s| Err(format!("{s:?} is not an ARN"))),
        _ => Ok(()),
    })
}

/// A list whose known elements are 12-digit AWS account ids.
fn account_ids() -> impl Validator {
    validators::check(
        "Every element must be a 12-digit AWS account id.",
        |v| match v {
            Value::List(items) | Value::Set(items) => items
                .iter()
                .filter_map(Value::as_str)
                .find(|s| s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()))
                .map_or(Ok(()), |s| {
                    Err(format!("{s:?} is not a 12-digit account id"))
                }),
            _ => Ok(()),
        },
    )
}

/// A backup vault name: 2 to 50 letters, digits, `-` and `_`.
fn vault_name() -> impl Validator {
    validators::check(
        "A vault name has 2 to 50 letters, digits, `-` and `_`.",
        |v| match v.as_str() {
            Some(s)
                if !(2..=50).contains(&s.len())
                    || !s
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Err(format!("{s:?} is not a valid vault name"))
            }
            _ => Ok(()),
        },
    )
}

/// Whether `s` uses only the characters every cloud object named after an app accepts.
fn is_object_name(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The `name` of an app or child: it names AWS backup plans, selections and (for a child, by
/// default) vaults, and Azure backup policies, which share these characters (AWS vault names allow
/// no `.`; Azure policy names are a segment of the policy's ARM path).
pub(crate) fn object_name() -> impl Validator {
    validators::check(
        "Only letters, digits, `-` and `_`, as the AWS plans, selections and vaults and the Azure backup policies \
         named after it require.",
        |v| match v.as_str() {
            Some(s) if !is_object_name(s) => Err(format!("{s:?} is not a valid name")),
            _ => Ok(()),
        },
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
                     or with `force_destroy`) and created again. Joined children lose their selections with the \
                     old plan; the next apply re-creates them in the new one.",
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
            .description("AWS Backup Vault Lock on the vault (WORM)."),
            Attribute::typed("allow_copy_from_accounts", Type::list(Type::String))
                .optional()
                .validator(account_ids())
                .description(
                    "Account ids allowed to copy recovery points into this vault (the vault access policy): list the \
                     accounts of derived children in other accounts, which copy every recovery point here.",
                ),
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
            Attribute::string("resource_group").required().description("Resource group of the vault."),
            Attribute::string("location").required().description("Azure region of the vault, e.g. `westeurope`."),
            Attribute::string("vault_name").required().description("Name of the Recovery Services vault."),
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
        ],
    )
    .optional_nested()
    .description("Realise this app on Azure: a Recovery Services vault and an IaaS VM backup policy of its effective rules.")
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

#[cfg(test)]
mod tests {
    use super::{is_arn, is_object_name, object_name};
    use tfplugin::framework::{Diagnostics, Validator};
    use tfvalue::{AttributePath, Value};

    #[test]
    fn names_allow_letters_digits_dash_and_underscore() {
        for ok in ["org-root", "payments_prod", "A1", "x"] {
            assert!(is_object_name(ok), "{ok}");
        }
        for bad in [
            "no spaces/allowed",
            "dotted.name",
            "slash/",
            "ümlaut",
            "a b",
        ] {
            assert!(!is_object_name(bad), "{bad}");
        }
        let path = AttributePath::attr("name");
        let mut diagnostics = Diagnostics::default();
        object_name().validate(&path, &Value::from("no spaces/allowed"), &mut diagnostics);
        object_name().validate(&path, &Value::from("org-root"), &mut diagnostics);
        object_name().validate(&path, &Value::unknown(), &mut diagnostics);
        let all = diagnostics.into_vec();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].path.as_ref(), Some(&path));
        assert!(all[0]
            .detail
            .contains("\"no spaces/allowed\" is not a valid name"));
        assert!(all[0].detail.contains("Only letters, digits, `-` and `_`"));
    }

    #[test]
    fn arns() {
        let cases = [
            ("arn:aws:iam::111111111111:role/backup", Some("iam"), true),
            ("arn:aws:iam::111111111111:role/backup", Some("kms"), false),
            (
                "arn:aws:dynamodb:eu-west-1:111111111111:table/t",
                None,
                true,
            ),
            (
                "arn:aws-cn:kms:cn-north-1:111111111111:key/1",
                Some("kms"),
                true,
            ),
            ("backup-role", Some("iam"), false),
            ("arn:aws:iam::111111111111", None, false),
            ("arn::iam::111111111111:role/x", None, false),
            ("arn:aws:iam::111111111111:", None, false),
        ];
        for (arn, service, ok) in cases {
            assert_eq!(is_arn(arn, service), ok, "{arn} {service:?}");
        }
    }
}
