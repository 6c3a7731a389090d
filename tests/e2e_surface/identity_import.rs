//! `import` blocks by identity (Terraform 1.12+) for both resources, on Terraform 1.15.5 against
//! the AWS emulator: objects forgotten by the state are imported by `identity = { name = ... }`,
//! adopting the same plans, vault and selection, and the plan after the apply is clean.

use crate::support::aws::{providers, CENTRAL};
use crate::support::aws_emulator::{unique, AwsEmulator, REGION};
use crate::support::state::{resource_values, state_addresses};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;

fn config(endpoint: &str, root: &str, child: &str, imports: &str) -> String {
    format!(
        r#"{providers}
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
    tags  = {{ owner = "platform" }}
  }}
  aws = {{ vault_name = "{root}" }}
}}

resource "backup_child" "orders" {{
  name   = "{child}"
  parent = backup_app.root.policy_document
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}
{imports}"#,
        providers = providers(endpoint, endpoint)
    )
}

#[test]
fn import_blocks_by_identity_adopt_both_resources() {
    let endpoint = AwsEmulator::shared().endpoint();
    let (root, child) = (unique("idroot"), unique("idchild"));
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    work.write_main_tf(&config(&endpoint, &root, &child, ""));
    work.init();
    work.apply();
    let before = work.state_json();

    work.state_rm("backup_child.orders");
    work.state_rm("backup_app.root");
    let imports = format!(
        r#"
import {{
  to       = backup_app.root
  identity = {{ name = "{root}" }}
}}

import {{
  to       = backup_child.orders
  identity = {{ name = "{child}" }}
}}
"#
    );
    work.write_main_tf(&config(&endpoint, &root, &child, &imports));
    let plan = work.plan_json();
    assert_eq!(plan.output.code(), 2, "{plan}");
    let importing = plan.json["resource_changes"]
        .as_array()
        .expect("resource changes")
        .iter()
        .filter(|c| c["change"]["importing"].is_object())
        .count();
    assert_eq!(importing, 2, "both resources are imported:\n{plan}");
    assert_eq!(plan.counts().0, 0, "nothing is created:\n{plan}");
    assert!(
        plan.resource_changes().iter().all(|c| !c.is_replace()),
        "{plan}"
    );
    work.apply();
    work.assert_plan_clean();

    let after = work.state_json();
    let mut addresses = state_addresses(&after);
    addresses.sort();
    assert_eq!(addresses, ["backup_app.root", "backup_child.orders"]);
    for (address, attribute) in [
        ("backup_app.root", "aws_plan_id"),
        ("backup_app.root", "aws_vault_arn"),
        ("backup_child.orders", "aws_selection_id"),
        ("backup_app.root", "policy_document"),
        ("backup_child.orders", "policy_document"),
    ] {
        let value = &resource_values(&after, address)[attribute];
        assert!(
            !value.is_null(),
            "{address}.{attribute} is set after import"
        );
        assert_eq!(
            *value,
            resource_values(&before, address)[attribute],
            "{address}.{attribute}: the import adopted the same object"
        );
    }
    work.destroy();
}
