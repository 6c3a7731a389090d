//! Cases `terraform validate` catches in `policy` and `guardrails`: the schema's validators and
//! the policy core's checks of one app on its own.

use crate::{app, Case};

/// Invalid policies and guardrails of one app.
pub(crate) const POLICY_CASES: &[Case] = &[
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
    // More schedules, rules, copies and locks.
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
];
