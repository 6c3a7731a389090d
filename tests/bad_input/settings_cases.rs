//! Cases `terraform validate` catches in names, the `aws` and `azure` blocks and the provider
//! configuration.

use crate::{app, child, provider, Case};

/// Invalid names, cloud settings and provider configurations.
pub(crate) const SETTINGS_CASES: &[Case] = &[
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
    child(
        "selection_tag_key_empty",
        r#"name = "c11"
parent = "{}"
aws = { iam_role_arn = "arn:aws:iam::111111111111:role/backup", selection_tags = { "" = "gold" } }"#,
        "aws.selection_tags",
        "Tag keys have 1 to 128 characters",
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
