//! `terraform query` with the `backup_app` list resource on Terraform 1.15.5 against the fake ARM
//! server: apps forgotten by the state are found in the subscription by the `backup:app` tag on
//! their vaults (`Vaults_ListBySubscriptionId`), `limit` is honoured, and `-generate-config-out`
//! writes import (by identity) and resource blocks that import them cleanly: the same vaults and
//! policies adopted, nothing created or replaced, no change planned after the apply. Every call
//! is validated against the vendored specs.

use serde_json::Value;

use crate::support::azure::providers;
use crate::support::fake_arm::server::FakeArm;
use crate::support::state::{resource_values, state_addresses};
use crate::support::terraform::{Output, Terraform};
use crate::support::workdir::Workdir;
use crate::{blocking, root_app};

/// A second root app in its own vault, weekly with a yearly tier, tagged.
const TEAM: &str = r#"
resource "backup_app" "team" {
  name = "team-a"
  policy = {
    rules = {
      weekly = { schedule = "cron(0 22 ? * SAT *)", retention_days = 28 }
      yearly = { schedule = "cron(0 22 ? 12 SATL *)", retention_days = 730 }
    }
    tags = { owner = "team-a", cost = "42" }
  }
  azure = {
    resource_group = "rg-team"
    location       = "westeurope"
    vault_name     = "rsv-team-a"
  }
}
"#;

fn list_block(name: &str, limit: Option<u32>) -> String {
    let limit = limit.map_or(String::new(), |n| format!("  limit            = {n}\n"));
    format!(
        r#"
list "backup_app" "{name}" {{
  provider         = backup
  include_resource = true
{limit}}}
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_finds_azure_apps_and_generated_config_imports_cleanly() {
    let fake = FakeArm::start().await;
    let work = Workdir::new(&Terraform::v1_15());
    let providers = providers(&fake);
    work.write_main_tf(&format!("{providers}{}{TEAM}", root_app(35)));
    blocking(|| {
        work.init();
        work.apply();
    });
    let before = blocking(|| work.state_json());

    // Forgotten by the state, still in Azure.
    blocking(|| {
        work.state_rm("backup_app.root");
        work.state_rm("backup_app.team");
    });
    work.write_main_tf(&providers);
    work.write_file(
        "apps.tfquery.hcl",
        &format!("{}{}", list_block("all", None), list_block("one", Some(1))),
    );
    let listed = blocking(|| work.run_ok(&["query", "-json"]));
    assert_eq!(
        found(&listed, "list.backup_app.all"),
        ["org-root", "team-a"],
        "{listed}"
    );
    assert_eq!(
        found(&listed, "list.backup_app.one").len(),
        1,
        "limit = 1 stops the list at one app"
    );

    work.write_file("apps.tfquery.hcl", &list_block("all", None));
    blocking(|| work.run_ok(&["query", "-generate-config-out=generated.tf"]));
    let generated = std::fs::read_to_string(work.path().join("generated.tf"))
        .expect("terraform query wrote generated.tf");
    assert_eq!(generated.matches("import {").count(), 2, "{generated}");
    assert!(
        !generated.contains("azure_vault_id") && !generated.contains("policy_document"),
        "no computed attributes in the generated configuration:\n{generated}"
    );
    assert!(generated.contains("rsv-team-a"), "{generated}");

    let plan = blocking(|| work.plan_json());
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
    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });

    let after = blocking(|| work.state_json());
    let addresses = state_addresses(&after);
    assert_eq!(addresses.len(), 2, "{addresses:?}");
    for (old, name) in [
        ("backup_app.root", "org-root"),
        ("backup_app.team", "team-a"),
    ] {
        let new = addresses
            .iter()
            .find(|address| resource_values(&after, address)["name"] == name)
            .unwrap_or_else(|| panic!("{name} imported: {addresses:?}"));
        for attribute in ["azure_vault_id", "azure_policy_id", "policy_document"] {
            assert_eq!(
                resource_values(&after, new)[attribute],
                resource_values(&before, old)[attribute],
                "{name}.{attribute}: the import adopted the same objects and policy"
            );
        }
    }
    fake.assert_valid();
    let unvalidated = fake.unspecified();
    assert!(
        unvalidated.is_empty(),
        "calls no spec describes: {unvalidated:?}"
    );
    blocking(|| work.destroy());
}

/// A derived child (its own policy, named after it, in the root's vault) is found by `terraform
/// query`; once its parent and policy are set in the generated block, it imports cleanly, adopting
/// the same policy and protected item. Joined children (vm1) are not listed: Azure records no name
/// for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn query_finds_a_derived_child_that_imports_once_parent_and_policy_are_set() {
    let (fake, work) = crate::tree_fixture().await;
    blocking(|| {
        work.init();
        work.apply();
    });
    let before = blocking(|| work.state_json());
    blocking(|| work.state_rm("backup_child.vm2"));
    let config = std::fs::read_to_string(work.path().join("main.tf")).unwrap();
    let start = config.find("resource \"backup_child\" \"vm2\"").unwrap();
    let end = start + config[start..].find("\n}\n").unwrap() + 3;
    work.write_main_tf(&format!("{}{}", &config[..start], &config[end..]));
    work.write_file(
        "children.tfquery.hcl",
        &list_block("children", None).replace("\"backup_app\"", "\"backup_child\""),
    );
    let listed = blocking(|| work.run_ok(&["query", "-json"]));
    assert_eq!(
        found(&listed, "list.backup_child.children"),
        ["vm2"],
        "{listed}"
    );
    blocking(|| work.run_ok(&["query", "-generate-config-out=generated.tf"]));
    let generated = std::fs::read_to_string(work.path().join("generated.tf"))
        .expect("terraform query wrote generated.tf");
    assert_eq!(generated.matches("import {").count(), 1, "{generated}");
    assert!(generated.contains("virtualMachines/vm2"), "{generated}");
    // Azure knows neither the parent nor what the child's policy changes: the user sets both.
    let wire = |line: &str, with: &str, text: &str| {
        let found = text
            .lines()
            .find(|l| l.trim_start().starts_with(line))
            .unwrap_or_else(|| panic!("a {line} line to set:\n{text}"))
            .to_string();
        text.replace(&found, with)
    };
    let wired = wire(
        "parent ",
        "  parent = backup_app.root.policy_document\n  policy = { rules = { daily = { retention_days = 90 } } }",
        &generated,
    );
    work.write_file("generated.tf", &wired);

    let plan = blocking(|| work.plan_json());
    assert_eq!(plan.output.code(), 2, "{plan}");
    let importing = plan.json["resource_changes"]
        .as_array()
        .expect("resource changes")
        .iter()
        .filter(|c| c["change"]["importing"].is_object())
        .count();
    assert_eq!(importing, 1, "the child is imported:\n{plan}");
    assert_eq!(plan.counts().0, 0, "nothing is created:\n{plan}");
    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });
    let after = blocking(|| work.state_json());
    let imported = state_addresses(&after)
        .into_iter()
        .find(|a| resource_values(&after, a)["name"] == "vm2")
        .expect("the child is in the state");
    for attribute in ["azure_policy_id", "azure_protected_item_ids", "mode"] {
        assert_eq!(
            resource_values(&after, &imported)[attribute],
            resource_values(&before, "backup_child.vm2")[attribute],
            "vm2.{attribute}: the import adopted the same objects"
        );
    }
    fake.assert_valid();
    blocking(|| work.destroy());
}
