//! Cases `terraform validate` catches in `policy.access`, `policy.alerts`, `policy.audit_trail` and
//! the governance guardrails (issue 18).

use crate::{app, Case};

/// Invalid access, alerts and audit trail of one app.
pub(crate) const GOVERNANCE_CASES: &[Case] = &[
    app(
        "access_unknown_role",
        r#"name = "g1"
policy = { access = { operators = ["arn:aws:iam::111111111111:role/ops"] } }"#,
        r#"policy.access["operators"]"#,
        "Roles are `readers`",
    ),
    app(
        "access_malformed_arn",
        r#"name = "g2"
policy = { access = { restorers = ["arn:aws:iam::1111:role/restore"] } }"#,
        r#"policy.access["restorers"][0]"#,
        "an AWS principal ARN",
    ),
    app(
        "access_malformed_object_id",
        r#"name = "g3"
policy = { access = { readers = ["0b6c3c1e-8f4a-4c3e-9d2a"] } }"#,
        r#"policy.access["readers"][0]"#,
        "an Entra object id (a UUID",
    ),
    app(
        "alerts_not_an_sns_topic",
        r#"name = "g4"
policy = { alerts = { sns_topic_arn = "arn:aws:sqs:eu-west-1:111111111111:queue" } }"#,
        "policy.alerts.sns_topic_arn",
        "Must be an SNS topic ARN",
    ),
    app(
        "alerts_unknown_event",
        r#"name = "g5"
policy = { alerts = { sns_topic_arn = "arn:aws:sns:eu-west-1:111111111111:t", events = ["JOB_EXPLODED"] } }"#,
        "policy.alerts.events[0]",
        "must be an AWS Backup vault event",
    ),
    app(
        "alerts_bad_action_group",
        r#"name = "g6"
policy = { alerts = { action_group_id = "/subscriptions/x/actionGroups/oncall" } }"#,
        "policy.alerts.action_group_id",
        "providers/Microsoft.Insights/actionGroups/<name>",
    ),
    app(
        "audit_bad_workspace",
        r#"name = "g7"
policy = { audit_trail = { log_analytics_workspace_id = "audit-workspace" } }"#,
        "policy.audit_trail.log_analytics_workspace_id",
        "providers/Microsoft.OperationalInsights/workspaces/<name>",
    ),
    app(
        "allowed_principal_malformed",
        r#"name = "g8"
guardrails = { allowed_principals = ["everyone"] }"#,
        "guardrails.allowed_principals[0]",
        "an AWS principal ARN",
    ),
    app(
        "principal_outside_allowed_set",
        r#"name = "g9"
policy = { access = { readers = ["arn:aws:iam::222222222222:role/outsider"] } }
guardrails = { allowed_principals = ["arn:aws:iam::111111111111:role/backup-admins"] }"#,
        r#"policy.access["readers"][0]"#,
        "not among the allowed_principals set by app \"g9\"",
    ),
    app(
        "required_alerts_missing",
        r#"name = "g10"
guardrails = { require_alerts = true }"#,
        "policy.alerts",
        "require_alerts = true set by app \"g10\" requires failure alerts",
    ),
];
