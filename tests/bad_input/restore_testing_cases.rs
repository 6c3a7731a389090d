//! Cases `terraform validate` catches in `policy.restore_testing`, the restore testing
//! guardrails and `audit` of one app; and the `audit` cases `terraform plan` catches.

use crate::{app, Case};

const RT: &str = "policy.restore_testing";

/// Invalid restore testing of one app.
pub(crate) const RESTORE_TESTING_CASES: &[Case] = &[
    app(
        "rt_algorithm",
        r#"name = "rt1"
policy = { restore_testing = { schedule = "cron(0 3 ? * SUN *)", algorithm = "OLDEST" } }"#,
        "policy.restore_testing.algorithm",
        "`LATEST_WITHIN_WINDOW`, `RANDOM_WITHIN_WINDOW`",
    ),
    app(
        "rt_start_window",
        r#"name = "rt2"
policy = { restore_testing = { schedule = "cron(0 3 ? * SUN *)", start_window_hours = 0 } }"#,
        "policy.restore_testing.start_window_hours",
        "from 1 to 168",
    ),
    app(
        "rt_rate_schedule",
        r#"name = "rt3"
policy = { restore_testing = { schedule = "rate(7 days)" } }"#,
        "policy.restore_testing.schedule",
        "takes a cron(...) schedule",
    ),
    app(
        "rt_no_schedule",
        r#"name = "rt4"
policy = { restore_testing = { protected_resource_type = "EBS" } }"#,
        "policy.restore_testing.schedule",
        "so it must set schedule",
    ),
    app(
        "rt_include_vault",
        r#"name = "rt5"
policy = { restore_testing = { schedule = "cron(0 3 ? * SUN *)", include_vaults = ["*", "main"] } }"#,
        "policy.restore_testing.include_vaults",
        "`*` or a backup vault ARN",
    ),
    app(
        "rt_resource_type",
        r#"name = "rt6"
policy = { restore_testing = { schedule = "cron(0 3 ? * SUN *)", protected_resource_type = "Volume" } }"#,
        "policy.restore_testing.protected_resource_type",
        "`EBS`",
    ),
    app(
        "rt_validation_window_above_guardrail",
        r#"name = "rt7"
policy = { restore_testing = { schedule = "cron(0 3 ? * SUN *)", validation_window_hours = 48 } }
guardrails = { restore_testing_max_validation_window_hours = 24 }"#,
        "policy.restore_testing.validation_window_hours",
        "above restore_testing_max_validation_window_hours = 24 set by app \"rt7\"",
    ),
    app(
        "rt_required_missing",
        r#"name = "rt8"
guardrails = { require_restore_testing = true }"#,
        "guardrails.require_restore_testing",
        "set policy.restore_testing (at least its schedule)",
    ),
    app(
        "rt_too_rare",
        r#"name = "rt9"
policy = { restore_testing = { schedule = "cron(0 3 1 * ? *)" } }
guardrails = { restore_testing_max_interval_days = 7 }"#,
        "policy.restore_testing.schedule",
        "up to 31 days apart",
    ),
    app(
        "rt_interval_guardrail_zero",
        r#"name = "rt10"
guardrails = { restore_testing_max_interval_days = 0 }"#,
        "guardrails.restore_testing_max_interval_days",
        "from 1 to 365",
    ),
    app(
        "audit_bucket_name",
        r#"name = "rt12"
audit = { report_bucket = "Audit_Reports" }"#,
        "audit.report_bucket",
        "An S3 bucket name",
    ),
    app(
        "audit_framework_name",
        r#"name = "rt13"
audit = { report_bucket = "audit-reports", framework_name = "1-framework" }"#,
        "audit.framework_name",
        "A letter, then letters, digits and `_`",
    ),
    app(
        "rt_validation_window_range",
        r#"name = "rt11"
policy = { restore_testing = { schedule = "cron(0 3 ? * SUN *)", validation_window_hours = 200 } }"#,
        "policy.restore_testing.validation_window_hours",
        "from 1 to 168",
    ),
];

/// `audit` on an app that is not a root, and without an `aws` block.
pub(crate) const AUDIT_PLAN_CASES: &[Case] = &[app(
    "audit_below_the_root",
    r#"name = "rt14"
parent = backup_app.root.policy_document
audit = { report_bucket = "audit-reports" }"#,
    "audit",
    "set it on the root app",
)];

#[test]
fn every_case_names_a_restore_testing_path() {
    for case in RESTORE_TESTING_CASES {
        assert!(
            case.path.starts_with(RT)
                || case.path.starts_with("guardrails.re")
                || case.path.starts_with("audit"),
            "{}",
            case.path
        );
    }
}
