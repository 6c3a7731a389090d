//! The tree the tests apply: a root app with a vault, restore testing, its guardrails and audit
//! evidence; a
//! policy-only team app; a service child joining the root's plan.

use crate::support::aws::{providers, CENTRAL};
use crate::support::aws_emulator::{AwsEmulator, REGION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::Names;

/// What the root states that tests change.
pub(crate) struct Root {
    /// `policy.restore_testing.schedule`.
    pub(crate) schedule: &'static str,
    /// `guardrails.restore_testing_max_validation_window_hours`.
    pub(crate) max_validation_hours: u32,
    /// `guardrails.min_retention_days`.
    pub(crate) min_retention_days: u32,
    /// The `commit` recovery point tag of the root's rule.
    pub(crate) commit: &'static str,
    /// `force_destroy` of the root.
    pub(crate) force_destroy: bool,
}

impl Default for Root {
    fn default() -> Self {
        Root {
            schedule: "cron(0 3 ? * SUN *)",
            max_validation_hours: 24,
            min_retention_days: 7,
            commit: "abc123",
            force_destroy: false,
        }
    }
}

/// The whole configuration: providers, the root, the team and the service.
pub(crate) fn tree(names: &Names, root: &Root) -> String {
    let endpoint = AwsEmulator::shared().endpoint();
    let Names {
        root: root_name,
        team,
        service,
    } = names;
    let Root {
        schedule,
        max_validation_hours,
        min_retention_days,
        commit,
        force_destroy,
    } = root;
    providers(&endpoint, &endpoint)
        + &format!(
            r#"
resource "backup_app" "root" {{
  name          = "{root_name}"
  force_destroy = {force_destroy}
  policy = {{
    rules = {{
      daily = {{
        schedule            = "cron(0 5 ? * * *)"
        retention_days      = 35
        recovery_point_tags = {{ commit = "{commit}" }}
      }}
    }}
    restore_testing = {{
      schedule                = "{schedule}"
      protected_resource_type = "DynamoDB"
      validation_window_hours = 12
    }}
  }}
  guardrails = {{
    min_retention_days                          = {min_retention_days}
    require_restore_testing                     = true
    restore_testing_max_interval_days           = 7
    restore_testing_max_validation_window_hours = {max_validation_hours}
  }}
  aws = {{
    vault_name = "{root_name}"
  }}
  audit = {{
    report_bucket     = "audit-reports"
    report_key_prefix = "backup/{root_name}"
  }}
}}

resource "backup_app" "team" {{
  name   = "{team}"
  parent = backup_app.root.policy_document
  policy = {{
    restore_testing = {{
      restore_metadata_overrides = {{ billingMode = "PAY_PER_REQUEST" }}
    }}
  }}
}}

resource "backup_child" "service" {{
  name   = "{service}"
  parent = backup_app.team.policy_document
  policy = {{
    restore_testing = {{ validation_window_hours = 6 }}
  }}
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}
"#
        )
}

/// A working directory whose provider acts as [`CENTRAL`] against the emulator.
pub(crate) fn workdir(tf: &Terraform) -> Workdir {
    let mut work = Workdir::new(tf);
    work.aws_credentials(CENTRAL);
    work
}
