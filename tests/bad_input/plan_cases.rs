//! The cases `terraform plan` catches: against a parent's document or the provider configuration.

use crate::{app, child, Case};

/// The root every plan case inherits from: guardrails to break and locks to change.
pub(crate) const ROOT: &str = r#"resource "backup_app" "root" {
  name = "org-root"
  policy = {
    rules = {
      daily = {
        schedule       = "cron(0 5 ? * * *)"
        retention_days = 35
        copy_to        = [{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr" }]
      }
    }
    tags = { owner = "platform" }
  }
  guardrails = {
    min_retention_days = 30
    max_retention_days = 400
    require_copy       = true
    locked             = ["rules.daily.schedule", "tags.owner"]
    allow_new_rules    = false
  }
}
"#;

/// Cases `terraform plan` rejects: against the parent's document, or the provider configuration
/// (which has neither `aws` nor `azure` settings).
pub(crate) const PLAN_CASES: &[Case] = &[
    child(
        "below_parent_min",
        r#"name = "p1"
parent = backup_app.root.policy_document
policy = { rules = { daily = { retention_days = 7 } } }"#,
        DAILY_RETENTION,
        "below min_retention_days = 30 set by app \"org-root\"",
    ),
    child(
        "above_parent_max",
        r#"name = "p2"
parent = backup_app.root.policy_document
policy = { rules = { daily = { retention_days = 500 } } }"#,
        DAILY_RETENTION,
        "above max_retention_days = 400 set by app \"org-root\"",
    ),
    child(
        "inherited_retention_below_cold_storage",
        r#"name = "p3"
parent = backup_app.root.policy_document
policy = { rules = { daily = { cold_storage_after_days = 30 } } }"#,
        r#"policy.rules["daily"].cold_storage_after_days"#,
        "at least cold_storage_after_days + 90 = 120",
    ),
    child(
        "locked_schedule_changed",
        r#"name = "p4"
parent = backup_app.root.policy_document
policy = { rules = { daily = { schedule = "cron(0 7 ? * * *)" } } }"#,
        r#"policy.rules["daily"].schedule"#,
        "locked by app \"org-root\" at \"cron(0 5 ? * * *)\"",
    ),
    child(
        "locked_tag_changed",
        r#"name = "p5"
parent = backup_app.root.policy_document
policy = { tags = { owner = "someone-else" } }"#,
        r#"policy.tags["owner"]"#,
        "locked by app \"org-root\" at \"platform\"",
    ),
    child(
        "new_rule_not_allowed",
        r#"name = "p6"
parent = backup_app.root.policy_document
policy = { rules = { weekly = { schedule = "cron(0 5 ? * SUN *)", retention_days = 60 } } }"#,
        r#"policy.rules["weekly"]"#,
        "sets allow_new_rules = false",
    ),
    app(
        "guardrail_min_loosened",
        r#"name = "p7"
parent = backup_app.root.policy_document
guardrails = { min_retention_days = 10 }"#,
        "guardrails.min_retention_days",
        "raise it or leave it unset",
    ),
    app(
        "guardrail_max_loosened",
        r#"name = "p8"
parent = backup_app.root.policy_document
guardrails = { max_retention_days = 1000 }"#,
        "guardrails.max_retention_days",
        "lower it or leave it unset",
    ),
    app(
        "require_copy_loosened",
        r#"name = "p9"
parent = backup_app.root.policy_document
guardrails = { require_copy = false }"#,
        "guardrails.require_copy",
        "keep it true or leave it unset",
    ),
    app(
        "allow_new_rules_loosened",
        r#"name = "p10"
parent = backup_app.root.policy_document
guardrails = { allow_new_rules = true }"#,
        "guardrails.allow_new_rules",
        "keep it false or leave it unset",
    ),
    app(
        "locked_rule_not_inherited",
        r#"name = "p11"
parent = backup_app.root.policy_document
guardrails = { locked = ["rules.monthly.schedule"] }"#,
        "guardrails.locked[0]",
        "names no rule",
    ),
    child(
        "parent_not_json",
        r#"name = "p12"
parent = "not json""#,
        "parent",
        "pass another app's policy_document",
    ),
    child(
        "parent_empty",
        r#"name = "p18"
parent = """#,
        "parent",
        "pass another app's policy_document",
    ),
    child(
        "parent_not_a_policy_document",
        r#"name = "p13"
parent = jsonencode({ hello = "world" })"#,
        "parent",
        "parent has no \"format\"; it is not a policy_document",
    ),
    child(
        "parent_tampered",
        r#"name = "p14"
parent = replace(backup_app.root.policy_document, "\"retention_days\":35", "\"retention_days\":3")"#,
        "parent",
        "Pass another app's policy_document unchanged",
    ),
    child(
        "aws_block_without_provider_aws",
        r#"name = "p15"
parent = backup_app.root.policy_document
aws    = { iam_role_arn = "arn:aws:iam::111111111111:role/backup" }"#,
        "aws",
        r#"Add `provider "backup" { aws = { region = "..." } }`"#,
    ),
    child(
        "azure_block_without_provider_azure",
        r#"name = "p16"
parent = backup_app.root.policy_document
azure  = { vm_ids = ["/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1"] }"#,
        "azure",
        r#"Add `provider "backup" { azure = { subscription_id = "..." } }`"#,
    ),
    app(
        "app_azure_block_without_provider_azure",
        r#"name = "p17"
azure = { resource_group = "rg", location = "westeurope", vault_name = "rsv" }"#,
        "azure",
        r#"Add `provider "backup" { azure = { subscription_id = "..." } }`"#,
    ),
];

const DAILY_RETENTION: &str = r#"policy.rules["daily"].retention_days"#;
