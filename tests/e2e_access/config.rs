//! The tree the tests apply: a root app setting access, alerts, an audit workspace and guardrails;
//! a team app below it with a vault of its own; a child joined to the team's plan.

use crate::support::aws::CENTRAL;
use crate::support::aws_emulator::{unique, REGION};

/// The admins every vault's protection exempts.
pub(crate) const ADMINS: &str = "arn:aws:iam::111111111111:role/backup-admins";
/// The auditors who may read every vault.
pub(crate) const AUDITORS: &str = "arn:aws:iam::111111111111:role/auditors";
/// The restore principal the team adds.
pub(crate) const RESTORE: &str = "arn:aws:iam::111111111111:role/payments-restore";
/// An Entra group (Azure only: ignored by AWS vaults).
pub(crate) const GROUP: &str = "0b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d";
/// The SNS topic the root names.
pub(crate) fn topic() -> String {
    format!("arn:aws:sns:{REGION}:{CENTRAL}:backup-alerts")
}
/// The Log Analytics workspace the root names.
pub(crate) const WORKSPACE: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/backup-audit";

/// Names of one test's objects.
pub(crate) struct Names {
    pub(crate) root: String,
    pub(crate) team: String,
    pub(crate) leaf: String,
}

impl Names {
    pub(crate) fn new() -> Names {
        Names {
            root: unique("root"),
            team: unique("team"),
            leaf: unique("leaf"),
        }
    }
}

/// The root app: access, alerts, audit trail and the guardrails that protect them.
pub(crate) fn root_app(names: &Names) -> String {
    let topic = topic();
    format!(
        r#"
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{
      daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }}
    }}
    access = {{
      readers = ["{AUDITORS}"]
      admins  = ["{ADMINS}", "{GROUP}"]
    }}
    alerts      = {{ sns_topic_arn = "{topic}" }}
    audit_trail = {{ log_analytics_workspace_id = "{WORKSPACE}" }}
  }}
  guardrails = {{
    protect_recovery_points = true
    require_alerts          = true
    allowed_principals      = ["{ADMINS}", "{AUDITORS}", "{RESTORE}", "{GROUP}"]
  }}
  aws = {{ vault_name = "{root}" }}
}}
"#,
        root = names.root
    )
}

/// The team app below the root, with its own vault; `extra` goes into its body.
pub(crate) fn team_app(names: &Names, extra: &str) -> String {
    format!(
        r#"
resource "backup_app" "team" {{
  name   = "{team}"
  parent = backup_app.root.policy_document
  aws    = {{ vault_name = "{team}" }}
  {extra}
}}
"#,
        team = names.team
    )
}

/// A child joined to the team's plan.
pub(crate) fn leaf_child(names: &Names) -> String {
    format!(
        r#"
resource "backup_child" "leaf" {{
  name   = "{leaf}"
  parent = backup_app.team.policy_document
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}
"#,
        leaf = names.leaf
    )
}

/// The team's `policy` adding the restore principal.
pub(crate) fn adds_restorer() -> String {
    format!(r#"policy = {{ access = {{ restorers = ["{RESTORE}"] }} }}"#)
}
