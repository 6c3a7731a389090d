//! `terraform query` (Terraform 1.14+) with the `backup_app` list resource on Terraform 1.15.5
//! against the AWS emulator: apps forgotten by the state are found by their kind tag, `limit` is
//! honoured, and `-generate-config-out` writes import and resource blocks that import them
//! cleanly (the same plans and vaults adopted, no change planned afterwards).

use serde_json::Value;

use crate::support::aws::{providers, CENTRAL};
use crate::support::aws_emulator::{unique, AwsEmulator};
use crate::support::state::{resource_values, state_addresses};
use crate::support::terraform::{Output, Terraform};
use crate::support::workdir::Workdir;

/// Two root apps named `<prefix>-a` and `<prefix>-b`; `b` has two rules, a copy and tags.
fn apps(prefix: &str) -> String {
    format!(
        r#"
resource "backup_app" "a" {{
  name = "{prefix}-a"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
    tags  = {{ owner = "platform" }}
  }}
  aws = {{ vault_name = "{prefix}-a" }}
}}

resource "backup_app" "b" {{
  name = "{prefix}-b"
  policy = {{
    rules = {{
      daily = {{
        schedule                = "cron(0 5 ? * * *)"
        retention_days          = 120
        cold_storage_after_days = 14
        recovery_point_tags     = {{ tier = "gold" }}
        copy_to = [{{ vault_arn = "arn:aws:backup:eu-central-1:{CENTRAL}:backup-vault:dr", retention_days = 60 }}]
      }}
      weekly = {{ schedule = "cron(0 6 ? * 1 *)", retention_days = 90, start_window_minutes = 120 }}
    }}
    tags = {{ owner = "data", cost = "42" }}
  }}
  aws = {{ vault_name = "{prefix}-b", allow_copy_from_accounts = ["{CENTRAL}"] }}
}}
"#
    )
}

/// A list block finding the apps of `prefix` (every app of the account would include other
/// tests' apps on the shared emulator).
fn list_block(name: &str, prefix: &str, limit: Option<u32>) -> String {
    let limit = limit.map_or(String::new(), |n| format!("  limit            = {n}\n"));
    format!(
        r#"
list "backup_app" "{name}" {{
  provider         = backup
  include_resource = true
{limit}  config {{
    name_prefix = "{prefix}-"
  }}
}}
"#
    )
}

/// The display names `terraform query -json` reports for the list block `address`.
fn found(output: &Output, address: &str) -> Vec<String> {
    let mut names: Vec<String> = output
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["type"] == "list_resource_found")
        .map(|m| m["list_resource_found"].clone())
        .filter(|r| {
            r["address"]
                .as_str()
                .is_some_and(|a| a.starts_with(address))
        })
        .filter_map(|r| r["display_name"].as_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

#[test]
fn query_finds_apps_and_generated_config_imports_cleanly() {
    let endpoint = AwsEmulator::shared().endpoint();
    let prefix = unique("lq");
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    let providers = providers(&endpoint, &endpoint);
    work.write_main_tf(&format!("{providers}{}", apps(&prefix)));
    work.init();
    work.apply();
    let before = work.state_json();

    // Forgotten by the state, still in AWS.
    work.state_rm("backup_app.a");
    work.state_rm("backup_app.b");
    work.write_main_tf(&providers);
    work.write_file(
        "apps.tfquery.hcl",
        &format!(
            "{}{}",
            list_block("all", &prefix, None),
            list_block("one", &prefix, Some(1))
        ),
    );
    let listed = work.run_ok(&["query", "-json"]);
    let (a, b) = (format!("{prefix}-a"), format!("{prefix}-b"));
    assert_eq!(
        found(&listed, "list.backup_app.all"),
        [a.clone(), b.clone()]
    );
    assert_eq!(
        found(&listed, "list.backup_app.one").len(),
        1,
        "limit = 1 stops the list at one app"
    );

    // Only the unlimited block generates configuration.
    work.write_file("apps.tfquery.hcl", &list_block("all", &prefix, None));
    work.run_ok(&["query", "-generate-config-out=generated.tf"]);
    let generated = std::fs::read_to_string(work.path().join("generated.tf"))
        .expect("terraform query wrote generated.tf");
    assert_eq!(generated.matches("import {").count(), 2, "{generated}");
    assert_eq!(
        generated.matches("resource \"backup_app\"").count(),
        2,
        "{generated}"
    );
    assert!(
        !generated.contains("aws_plan_id") && !generated.contains("policy_document"),
        "no computed attributes in the generated configuration:\n{generated}"
    );

    let plan = work.plan_json();
    assert_eq!(plan.output.code(), 2, "{plan}");
    let importing = plan.json["resource_changes"]
        .as_array()
        .expect("resource changes")
        .iter()
        .filter(|c| c["change"]["importing"].is_object())
        .count();
    assert_eq!(importing, 2, "both apps are imported:\n{plan}");
    assert_eq!(plan.counts().0, 0, "nothing is created:\n{plan}");
    assert!(
        plan.resource_changes().iter().all(|c| !c.is_replace()),
        "{plan}"
    );
    work.apply();
    work.assert_plan_clean();

    let after = work.state_json();
    let addresses = state_addresses(&after);
    assert_eq!(addresses.len(), 2, "{addresses:?}");
    for (old, name) in [("backup_app.a", &a), ("backup_app.b", &b)] {
        let new = addresses
            .iter()
            .find(|address| resource_values(&after, address)["name"] == name.as_str())
            .unwrap_or_else(|| panic!("{name} imported: {addresses:?}"));
        for attribute in ["aws_plan_id", "aws_vault_arn"] {
            assert_eq!(
                resource_values(&after, new)[attribute],
                resource_values(&before, old)[attribute],
                "{name}.{attribute}: the import adopted the same object"
            );
        }
    }
    work.destroy();
}

/// A root app and a child joining its plan.
fn app_and_child(prefix: &str) -> String {
    format!(
        r#"
resource "backup_app" "root" {{
  name = "{prefix}-root"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
  }}
  aws = {{ vault_name = "{prefix}-root" }}
}}
"#
    )
}

fn child(prefix: &str) -> String {
    format!(
        r#"
resource "backup_child" "orders" {{
  name   = "{prefix}-orders"
  parent = backup_app.root.policy_document
  aws = {{
    resources      = ["arn:aws:dynamodb:eu-west-1:{CENTRAL}:table/orders"]
    selection_tags = {{ backup = "yes" }}
    iam_role_arn   = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}
"#
    )
}

#[test]
fn query_finds_a_joined_child_whose_generated_config_imports_once_its_parent_is_set() {
    let endpoint = AwsEmulator::shared().endpoint();
    let prefix = unique("lqc");
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    let providers = providers(&endpoint, &endpoint);
    work.write_main_tf(&format!(
        "{providers}{}{}",
        app_and_child(&prefix),
        child(&prefix)
    ));
    work.init();
    work.apply();
    let before = work.state_json();

    work.state_rm("backup_child.orders");
    work.write_main_tf(&format!("{providers}{}", app_and_child(&prefix)));
    work.write_file(
        "children.tfquery.hcl",
        &list_block("orders", &prefix, None).replace("\"backup_app\"", "\"backup_child\""),
    );
    work.run_ok(&["query", "-generate-config-out=generated.tf"]);
    let generated = std::fs::read_to_string(work.path().join("generated.tf"))
        .expect("terraform query wrote generated.tf");
    assert_eq!(generated.matches("import {").count(), 1, "{generated}");
    assert!(
        generated.contains(&format!("{prefix}-orders")) && !generated.contains("aws_selection_id"),
        "{generated}"
    );
    // AWS does not know the parent: the user wires it, as the docs say.
    let parent_line = generated
        .lines()
        .find(|l| l.trim_start().starts_with("parent "))
        .unwrap_or_else(|| panic!("a parent line to set:\n{generated}"))
        .to_string();
    let wired = generated.replace(&parent_line, "  parent = backup_app.root.policy_document");
    work.write_file("generated.tf", &wired);

    let plan = work.plan_json();
    assert_eq!(plan.output.code(), 2, "{plan}");
    let importing = plan.json["resource_changes"]
        .as_array()
        .expect("resource changes")
        .iter()
        .filter(|c| c["change"]["importing"].is_object())
        .count();
    assert_eq!(importing, 1, "the child is imported:\n{plan}");
    assert_eq!(plan.counts().0, 0, "nothing is created:\n{plan}");
    work.apply();
    work.assert_plan_clean();

    let after = work.state_json();
    let imported = state_addresses(&after)
        .into_iter()
        .find(|a| a.starts_with("backup_child."))
        .expect("the child is in the state");
    for attribute in ["aws_plan_id", "aws_selection_id", "mode"] {
        assert_eq!(
            resource_values(&after, &imported)[attribute],
            resource_values(&before, "backup_child.orders")[attribute],
            "{attribute}: the import adopted the same selection"
        );
    }
    work.destroy();
}
