//! The cases `terraform validate` catches, in one configuration.

use crate::{app, child, provider, Case};

/// Cases `terraform validate` rejects: the schema's validators and the policy core's checks of
/// one app on its own.
pub(crate) const VALIDATE_CASES: &[Case] = &[
    // Schedules.
    app(
        "cron_both_days",
        r#"name = "a1"
policy = { rules = { daily = { schedule = "cron(0 5 * * * *)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "exactly one of them must be ?",
    ),
    app(
        "cron_garbage",
        r#"name = "a2"
policy = { rules = { daily = { schedule = "every day", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "expected cron(minutes hours day-of-month month day-of-week year) or rate(value unit)",
    ),
    app(
        "cron_every_minute",
        r#"name = "a3"
policy = { rules = { daily = { schedule = "cron(* * ? * * *)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "must name a single minute",
    ),
    app(
        "rate_zero",
        r#"name = "a4"
policy = { rules = { daily = { schedule = "rate(0 hours)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "rate value must be at least 1",
    ),
    app(
        "rate_minutes",
        r#"name = "a5"
policy = { rules = { daily = { schedule = "rate(5 minutes)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "at most once an hour",
    ),
    app(
        "rule_without_schedule",
        r#"name = "a6"
policy = { rules = { daily = { retention_days = 35 } } }"#,
        r#"policy.rules["daily"]"#,
        "so it must set schedule",
    ),
    // Retention and windows.
    app(
        "retention_zero",
        r#"name = "a7"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 0 } } }"#,
        r#"policy.rules["daily"].retention_days"#,
        "from 1 to 36500",
    ),
    app(
        "retention_negative",
        r#"name = "a8"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = -5 } } }"#,
        r#"policy.rules["daily"].retention_days"#,
        "from 1 to 36500",
    ),
    app(
        "retention_too_long",
        r#"name = "a9"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 40000 } } }"#,
        r#"policy.rules["daily"].retention_days"#,
        "from 1 to 36500",
    ),
    app(
        "retention_below_cold_storage",
        r#"name = "a10"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 100, cold_storage_after_days = 30 } } }"#,
        r#"policy.rules["daily"].retention_days"#,
        "at least cold_storage_after_days + 90 = 120",
    ),
    app(
        "cold_storage_negative",
        r#"name = "a11"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 100, cold_storage_after_days = -1 } } }"#,
        r#"policy.rules["daily"].cold_storage_after_days"#,
        "from 0 to 36500",
    ),
    app(
        "start_window_short",
        r#"name = "a12"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, start_window_minutes = 30 } } }"#,
        r#"policy.rules["daily"].start_window_minutes"#,
        "from 60 to 43200",
    ),
    app(
        "start_window_long",
        r#"name = "a13"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, start_window_minutes = 50000 } } }"#,
        r#"policy.rules["daily"].start_window_minutes"#,
        "from 60 to 43200",
    ),
    app(
        "completion_window_short",
        r#"name = "a14"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, completion_window_minutes = 10 } } }"#,
        r#"policy.rules["daily"].completion_window_minutes"#,
        "from 60 to 5256000",
    ),
    // copy_to.
    app(
        "copy_arn_not_an_arn",
        r#"name = "a15"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "dr-vault" }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].vault_arn"#,
        "must look like arn:aws:backup:<region>:<account-id>:backup-vault:<vault-name>",
    ),
    app(
        "copy_arn_of_s3",
        r#"name = "a16"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "arn:aws:s3:::dr-bucket" }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].vault_arn"#,
        "must look like arn:aws:backup:<region>:<account-id>:backup-vault:<vault-name>",
    ),
    app(
        "copy_arn_wrong_partition",
        r#"name = "a17"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "arn:azure:backup:us-west-2:111111111111:backup-vault:dr" }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].vault_arn"#,
        "must look like arn:aws:backup:",
    ),
    app(
        "copy_arn_bad_region",
        r#"name = "a18"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "arn:aws:backup:Mars:111111111111:backup-vault:dr" }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].vault_arn"#,
        "has no valid region (\"Mars\")",
    ),
    app(
        "copy_arn_bad_account",
        r#"name = "a19"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "arn:aws:backup:us-west-2:1111:backup-vault:dr" }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].vault_arn"#,
        "no valid 12-digit account id",
    ),
    app(
        "copy_arn_bad_vault_name",
        r#"name = "a20"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:d r" }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].vault_arn"#,
        "2 to 50 letters, digits, '-' or '_'",
    ),
    app(
        "copy_retention_zero",
        r#"name = "a21"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr", retention_days = 0 }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].retention_days"#,
        "from 1 to 36500",
    ),
    app(
        "copy_retention_below_cold_storage",
        r#"name = "a22"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr", retention_days = 100, cold_storage_after_days = 30 }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].retention_days"#,
        "at least cold_storage_after_days + 90 = 120",
    ),
    // Rule names and tags.
    app(
        "rule_name_with_space",
        r#"name = "a23"
policy = { rules = { "daily backup" = { schedule = "rate(1 day)", retention_days = 35 } } }"#,
        r#"policy.rules["daily backup"]"#,
        "1 to 50 letters, digits, '-', '_' or '.'",
    ),
    app(
        "recovery_point_tag_reserved",
        r#"name = "a24"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, recovery_point_tags = { "aws:owner" = "x" } } } }"#,
        r#"policy.rules["daily"].recovery_point_tags["aws:owner"]"#,
        "may not start with \"aws:\"",
    ),
    app(
        "tag_key_empty",
        r#"name = "a25"
policy = { tags = { "" = "x" } }"#,
        r#"policy.tags[""]"#,
        "must be 1 to 128 characters",
    ),
    app(
        "tag_key_too_long",
        r#"name = "a26"
policy = { tags = { "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk" = "x" } }"#,
        r#"policy.tags["kkkk"#,
        "must be 1 to 128 characters",
    ),
    app(
        "tag_value_too_long",
        r#"name = "a27"
policy = { tags = { owner = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv" } }"#,
        r#"policy.tags["owner"]"#,
        "longer than 256 characters",
    ),
    app(
        "cron_minute_60",
        r#"name = "a50"
policy = { rules = { daily = { schedule = "cron(60 5 ? * * *)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "minutes: 60 is outside 0-59",
    ),
    app(
        "cron_hour_25",
        r#"name = "a51"
policy = { rules = { daily = { schedule = "cron(0 25 ? * * *)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "hours: 25 is outside 0-23",
    ),
    app(
        "cron_five_fields",
        r#"name = "a52"
policy = { rules = { daily = { schedule = "cron(0 5 ? * *)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "expected 6 fields (minutes hours day-of-month month day-of-week year)",
    ),
    app(
        "cron_unknown_weekday",
        r#"name = "a53"
policy = { rules = { daily = { schedule = "cron(0 5 ? * FUNDAY *)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "nor a name (SUN, MON, TUE, WED, THU, FRI, SAT)",
    ),
    app(
        "rate_unknown_unit",
        r#"name = "a54"
policy = { rules = { daily = { schedule = "rate(1 fortnight)", retention_days = 35 } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "use minutes, hours or days",
    ),
    app(
        "empty_new_rule",
        r#"name = "a55"
policy = { rules = { daily = {} } }"#,
        r#"policy.rules["daily"]"#,
        "must set schedule and retention_days",
    ),
    app(
        "retention_fraction",
        r#"name = "a56"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 1.5 } } }"#,
        r#"policy.rules["daily"].retention_days"#,
        "Must be a whole number from 1 to 36500",
    ),
    app(
        "copy_to_same_vault_twice",
        r#"name = "a57"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [
  { vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr" },
  { vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr", retention_days = 50 },
] } } }"#,
        r#"policy.rules["daily"].copy_to[1].vault_arn"#,
        "more than once",
    ),
    app(
        "copy_retention_too_long",
        r#"name = "a58"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35, copy_to = [{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr", retention_days = 40000 }] } } }"#,
        r#"policy.rules["daily"].copy_to[0].retention_days"#,
        "from 1 to 36500",
    ),
    app(
        "rule_name_too_long",
        r#"name = "a59"
policy = { rules = { "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr" = { schedule = "rate(1 day)", retention_days = 35 } } }"#,
        r#"policy.rules["rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"]"#,
        "1 to 50 letters, digits, '-', '_' or '.'",
    ),
    app(
        "locked_unknown_tag",
        r#"name = "a60"
guardrails = { locked = ["tags.nosuch"] }"#,
        "guardrails.locked[0]",
        "is not a tag of this app's policy",
    ),
    app(
        "locked_empty_entry",
        r#"name = "a61"
guardrails = { locked = [""] }"#,
        "guardrails.locked[0]",
        "must start with \"rules.\" or \"tags.\"",
    ),
    // Guardrails of one app.
    app(
        "locked_unknown_rule",
        r#"name = "a28"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35 } } }
guardrails = { locked = ["rules.weekly.schedule"] }"#,
        "guardrails.locked[0]",
        "names no rule",
    ),
    app(
        "locked_unknown_field",
        r#"name = "a29"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35 } } }
guardrails = { locked = ["rules.daily.colour"] }"#,
        "guardrails.locked[0]",
        "use one of schedule, start_window_minutes",
    ),
    app(
        "locked_without_prefix",
        r#"name = "a30"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35 } } }
guardrails = { locked = ["schedule"] }"#,
        "guardrails.locked[0]",
        "must start with \"rules.\" or \"tags.\"",
    ),
    app(
        "guardrail_min_above_max",
        r#"name = "a31"
guardrails = { min_retention_days = 100, max_retention_days = 30 }"#,
        "guardrails.min_retention_days",
        "no retention could satisfy both",
    ),
    app(
        "guardrail_min_zero",
        r#"name = "a32"
guardrails = { min_retention_days = 0 }"#,
        "guardrails.min_retention_days",
        "from 1 to 36500",
    ),
    app(
        "guardrail_max_too_long",
        r#"name = "a33"
guardrails = { max_retention_days = 40000 }"#,
        "guardrails.max_retention_days",
        "from 1 to 36500",
    ),
    app(
        "own_rule_below_own_guardrail",
        r#"name = "a34"
policy = { rules = { daily = { schedule = "rate(1 day)", retention_days = 35 } } }
guardrails = { min_retention_days = 60 }"#,
        r#"policy.rules["daily"].retention_days"#,
        "is below min_retention_days = 60",
    ),
    // Names.
    app(
        "name_with_space",
        r#"name = "org root""#,
        "name",
        "Only letters, digits, `-` and `_`",
    ),
    app(
        "name_with_slash",
        r#"name = "org/root""#,
        "name",
        "Only letters, digits, `-` and `_`",
    ),
    app(
        "name_with_dot",
        r#"name = "org.root""#,
        "name",
        "Only letters, digits, `-` and `_`",
    ),
    app(
        "name_too_long",
        r#"name = "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn""#,
        "name",
        "Must be 1 to 50 characters long",
    ),
    app(
        "name_empty",
        r#"name = """#,
        "name",
        "Must be 1 to 50 characters long",
    ),
    child(
        "child_name_with_space",
        r#"name = "payments prod"
parent = "{}""#,
        "name",
        "Only letters, digits, `-` and `_`",
    ),
    // AWS settings of an app.
    app(
        "vault_name_with_space",
        r#"name = "a35"
aws = { vault_name = "my vault" }"#,
        "aws.vault_name",
        "2 to 50 letters, digits, `-` and `_`",
    ),
    app(
        "vault_name_too_short",
        r#"name = "a36"
aws = { vault_name = "v" }"#,
        "aws.vault_name",
        "2 to 50 letters, digits, `-` and `_`",
    ),
    app(
        "kms_key_not_an_arn",
        r#"name = "a37"
aws = { vault_name = "v37", kms_key_arn = "alias/backup" }"#,
        "aws.kms_key_arn",
        "Must be an ARN of service `kms`",
    ),
    app(
        "kms_key_arn_of_iam",
        r#"name = "a38"
aws = { vault_name = "v38", kms_key_arn = "arn:aws:iam::111111111111:role/backup" }"#,
        "aws.kms_key_arn",
        "Must be an ARN of service `kms`",
    ),
    app(
        "app_role_not_an_arn",
        r#"name = "a39"
aws = { vault_name = "v39", iam_role_arn = "backup-role" }"#,
        "aws.iam_role_arn",
        "Must be an ARN of service `iam`",
    ),
    app(
        "app_role_arn_of_kms",
        r#"name = "a40"
aws = { vault_name = "v40", iam_role_arn = "arn:aws:kms:eu-west-1:111111111111:key/1" }"#,
        "aws.iam_role_arn",
        "Must be an ARN of service `iam`",
    ),
    app(
        "account_id_short",
        r#"name = "a41"
aws = { vault_name = "v41", allow_copy_from_accounts = ["2222"] }"#,
        "aws.allow_copy_from_accounts",
        "12-digit AWS account id",
    ),
    app(
        "account_id_letters",
        r#"name = "a42"
aws = { vault_name = "v42", allow_copy_from_accounts = ["22222222222x"] }"#,
        "aws.allow_copy_from_accounts",
        "12-digit AWS account id",
    ),
    app(
        "vault_lock_changeable_2_days",
        r#"name = "a43"
aws = { vault_name = "v43", vault_lock = { changeable_for_days = 2 } }"#,
        "aws.vault_lock.changeable_for_days",
        "from 3 to 36500",
    ),
    app(
        "vault_lock_min_zero",
        r#"name = "a44"
aws = { vault_name = "v44", vault_lock = { min_retention_days = 0 } }"#,
        "aws.vault_lock.min_retention_days",
        "from 1 to 36500",
    ),
    app(
        "kms_key_arn_in_no_aws_partition",
        r#"name = "a48"
aws = { vault_name = "v48", kms_key_arn = "arn:gcp:kms:eu-west-1:111111111111:key/1" }"#,
        "aws.kms_key_arn",
        "in an AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...)",
    ),
    app(
        "vault_lock_min_above_max",
        r#"name = "a49"
aws = { vault_name = "v49", vault_lock = { min_retention_days = 100, max_retention_days = 30 } }"#,
        "aws.vault_lock.min_retention_days",
        "`min_retention_days` may not exceed `max_retention_days`",
    ),
    app(
        "vault_lock_max_zero",
        r#"name = "a62"
aws = { vault_name = "v62", vault_lock = { max_retention_days = 0 } }"#,
        "aws.vault_lock.max_retention_days",
        "from 1 to 36500",
    ),
    // AWS settings of a child.
    child(
        "child_resource_not_an_arn",
        r#"name = "c1"
parent = "{}"
aws = { resources = ["not-an-arn"], iam_role_arn = "arn:aws:iam::111111111111:role/backup" }"#,
        "aws.resources",
        "Every element must be an ARN",
    ),
    child(
        "child_role_arn_of_s3",
        r#"name = "c2"
parent = "{}"
aws = { iam_role_arn = "arn:aws:s3:::bucket" }"#,
        "aws.iam_role_arn",
        "Must be an ARN of service `iam`",
    ),
    child(
        "child_vault_name_with_slash",
        r#"name = "c3"
parent = "{}"
aws = { iam_role_arn = "arn:aws:iam::111111111111:role/backup", vault_name = "a/b" }"#,
        "aws.vault_name",
        "2 to 50 letters, digits, `-` and `_`",
    ),
    child(
        "child_role_arn_in_no_aws_partition",
        r#"name = "c8"
parent = "{}"
aws = { iam_role_arn = "arn:aws-moon:iam::111111111111:role/backup" }"#,
        "aws.iam_role_arn",
        "in an AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...)",
    ),
    child(
        "child_resource_in_no_aws_partition",
        r#"name = "c9"
parent = "{}"
aws = {
  resources    = ["arn:nope:dynamodb:eu-west-1:111111111111:table/t"]
  iam_role_arn = "arn:aws:iam::111111111111:role/backup"
}"#,
        "aws.resources",
        "ARN in an AWS partition",
    ),
    // Azure settings.
    app(
        "storage_redundancy_unknown",
        r#"name = "a45"
azure = { resource_group = "rg", location = "westeurope", vault_name = "rsv", storage_redundancy = "Geo" }"#,
        "azure.storage_redundancy",
        "`LocallyRedundant`, `GeoRedundant`, `ZoneRedundant`",
    ),
    app(
        "soft_delete_unknown",
        r#"name = "a46"
azure = { resource_group = "rg", location = "westeurope", vault_name = "rsv", soft_delete = "On" }"#,
        "azure.soft_delete",
        "`Enabled`, `Disabled`, `AlwaysON`",
    ),
    app(
        "immutability_unknown",
        r#"name = "a47"
azure = { resource_group = "rg", location = "westeurope", vault_name = "rsv", immutability = "Frozen" }"#,
        "azure.immutability",
        "`Disabled`, `Unlocked`, `Locked`",
    ),
    child(
        "vm_ids_holding_a_storage_account",
        r#"name = "c4"
parent = "{}"
azure = { vm_ids = [
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1",
  "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1",
] }"#,
        "azure.vm_ids[1]",
        "not a Microsoft.Compute/virtualMachines id",
    ),
    child(
        "vm_ids_not_an_id",
        r#"name = "c5"
parent = "{}"
azure = { vm_ids = ["vm1"] }"#,
        "azure.vm_ids[0]",
        "/providers/Microsoft.Compute/virtualMachines/<name>",
    ),
    child(
        "site_id_of_a_vm",
        r#"name = "c6"
parent = "{}"
azure = { app_service = { site_id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1" } }"#,
        "azure.app_service.site_id",
        "not a Microsoft.Web/sites id",
    ),
    child(
        "sas_url_without_signature",
        r#"name = "c7"
parent = "{}"
azure = { app_service = {
  site_id             = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop"
  storage_account_url = "https://sa1.blob.core.windows.net/backups?sv=2022-11-02&se=2030-01-01"
} }"#,
        "azure.app_service.storage_account_url",
        "Must carry its SAS signature",
    ),
    app(
        "azure_resource_group_with_slash",
        r#"name = "a63"
azure = { resource_group = "rg/1", location = "westeurope", vault_name = "rsv" }"#,
        "azure.resource_group",
        "1 to 90 letters, digits, `_`, `-`, `.`, `(` and `)`",
    ),
    app(
        "azure_location_empty",
        r#"name = "a64"
azure = { resource_group = "rg", location = "", vault_name = "rsv" }"#,
        "azure.location",
        "An Azure region such as `westeurope`",
    ),
    app(
        "azure_vault_name_with_space",
        r#"name = "a65"
azure = { resource_group = "rg", location = "westeurope", vault_name = "rsv vault" }"#,
        "azure.vault_name",
        "2 to 50 letters, digits and `-`, starting with a letter",
    ),
    app(
        "cross_region_restore_without_geo_redundancy",
        r#"name = "a66"
azure = {
  resource_group       = "rg"
  location             = "westeurope"
  vault_name           = "rsv"
  storage_redundancy   = "LocallyRedundant"
  cross_region_restore = true
}"#,
        "azure.cross_region_restore",
        "needs `storage_redundancy = \"GeoRedundant\"`",
    ),
    child(
        "sas_url_not_a_url",
        r#"name = "c10"
parent = "{}"
azure = { app_service = {
  site_id             = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop"
  storage_account_url = "not a url"
} }"#,
        "azure.app_service.storage_account_url",
        "`https://<account>.blob.core.windows.net/<container>?sv=...&sig=...`",
    ),
    // Provider configurations.
    provider(
        "assume_role_not_an_arn",
        r#"aws = { region = "eu-west-1", assume_role = { role_arn = "BackupAdmin" } }"#,
        "aws.assume_role.role_arn",
        "Must be an ARN of service `iam`",
    ),
    provider(
        "session_name_too_short",
        r#"aws = {
  region      = "eu-west-1"
  assume_role = { role_arn = "arn:aws:iam::222222222222:role/BackupAdmin", session_name = "x" }
}"#,
        "aws.assume_role.session_name",
        "2 to 64 letters, digits and `+=,.@_-`",
    ),
    provider(
        "backup_endpoint_not_a_url",
        r#"aws = { region = "eu-west-1", endpoints = { backup = "localhost 4566" } }"#,
        "aws.endpoints.backup",
        "Must be an absolute `https://` (or `http://`) URL with a host",
    ),
    provider(
        "sts_endpoint_not_a_url",
        r#"aws = { region = "eu-west-1", endpoints = { sts = "sts" } }"#,
        "aws.endpoints.sts",
        "Must be an absolute `https://` (or `http://`) URL with a host",
    ),
    provider(
        "resource_manager_endpoint_not_a_url",
        r#"azure = { subscription_id = "00000000-0000-0000-0000-000000000000", resource_manager_endpoint = "management azure" }"#,
        "azure.resource_manager_endpoint",
        "Must be an absolute `https://` (or `http://`) URL with a host",
    ),
    provider(
        "authority_host_not_a_url",
        r#"azure = { subscription_id = "00000000-0000-0000-0000-000000000000", authority_host = "login" }"#,
        "azure.authority_host",
        "Must be an absolute `https://` (or `http://`) URL with a host",
    ),
];
