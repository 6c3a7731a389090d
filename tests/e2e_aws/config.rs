//! The configurations the tests apply: both provider configurations, the root app, a joined
//! and a derived child; and a working directory acting as the central account.

use crate::support::aws::{CENTRAL, MEMBER};
use crate::support::aws_emulator::REGION;
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::Names;

/// Both provider configurations (`backup_endpoint` may be a fault proxy; STS goes to the emulator).
pub(crate) use crate::support::aws::providers;

pub(crate) fn root_app(names: &Names, retention_days: u32) -> String {
    format!(
        r#"
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{
      daily = {{
        schedule                  = "cron(0 5 ? * * *)"
        start_window_minutes      = 60
        completion_window_minutes = 180
        retention_days            = {retention_days}
      }}
    }}
    tags = {{ owner = "platform" }}
  }}
  aws = {{
    vault_name               = "{root}"
    allow_copy_from_accounts = ["{MEMBER}"]
  }}
}}
"#,
        root = names.root
    )
}

pub(crate) fn joined_child(names: &Names) -> String {
    joined_child_as("joined", &names.joined)
}

pub(crate) fn joined_child_as(label: &str, name: &str) -> String {
    format!(
        r#"
resource "backup_child" "{label}" {{
  name   = "{name}"
  parent = backup_app.root.policy_document
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}
"#
    )
}

pub(crate) fn derived_child(names: &Names) -> String {
    format!(
        r#"
resource "backup_child" "derived" {{
  provider = backup.member
  name     = "{derived}"
  parent   = backup_app.root.policy_document
  aws = {{
    resources      = ["arn:aws:dynamodb:{REGION}:{MEMBER}:table/payments"]
    selection_tags = {{ backup = "gold" }}
    iam_role_arn   = "arn:aws:iam::{MEMBER}:role/backup"
  }}
}}
"#,
        derived = names.derived
    )
}

/// A working directory whose provider acts as 111111111111 against the emulator.
pub(crate) fn workdir(tf: &Terraform) -> Workdir {
    let mut work = Workdir::new(tf);
    work.aws_credentials(CENTRAL);
    work
}
