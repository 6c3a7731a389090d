//! Issue 4 with real Terraform: a three-level tree (root -> environment -> child) whose effective
//! policies are known at plan time, a root change that shows every descendant's update in one
//! plan, and guardrail violations that fail `terraform plan` naming the path and the ancestor.

mod support;

use serde_json::Value;

use support::terraform::{required_providers, Terraform};
use support::workdir::Workdir;

/// Root, environment and two children. `monthly_retention` is the root's monthly rule;
/// `child_retention` is `payments`' daily retention.
fn tree(monthly_retention: u32, child_retention: u32) -> String {
    format!(
        r#"{providers}
provider "backup" {{}}

resource "backup_app" "root" {{
  name = "org-root"
  policy = {{
    rules = {{
      daily = {{
        schedule       = "cron(0 5 ? * * *)"
        retention_days = 35
        copy_to        = [{{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr" }}]
      }}
      monthly = {{
        schedule       = "cron(0 6 1 * ? *)"
        retention_days = {monthly_retention}
        copy_to        = [{{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr" }}]
      }}
    }}
    tags = {{ owner = "platform" }}
  }}
  guardrails = {{
    min_retention_days = 30
    max_retention_days = 400
    require_copy       = true
    locked             = ["rules.daily.schedule", "tags.owner"]
  }}
}}

resource "backup_app" "prod" {{
  name   = "env-prod"
  parent = backup_app.root.policy_document
  policy = {{
    rules = {{ daily = {{ retention_days = 60 }} }}
    tags  = {{ environment = "prod" }}
  }}
  guardrails = {{ min_retention_days = 60 }}
}}

resource "backup_child" "payments" {{
  name   = "payments-prod"
  parent = backup_app.prod.policy_document
  policy = {{ rules = {{ daily = {{ retention_days = {child_retention} }} }} }}
}}

resource "backup_child" "web" {{
  name   = "web-prod"
  parent = backup_app.prod.policy_document
}}
"#,
        providers = required_providers()
    )
}

/// The planned `policy_document` of every resource in a saved plan, parsed, with the address and
/// actions of its change.
fn planned_documents(wd: &Workdir) -> Vec<(String, Vec<String>, Value)> {
    wd.plan_json()
        .resource_changes()
        .into_iter()
        .map(|change| {
            let raw = change.after["policy_document"].as_str().unwrap_or_else(|| {
                panic!(
                    "{}: policy_document unknown or missing at plan time: {change:#?}",
                    change.address
                )
            });
            let document = serde_json::from_str(raw).expect("policy_document is JSON");
            (change.address, change.actions, document)
        })
        .collect()
}

fn retention(document: &Value, rule: &str) -> i64 {
    document["rules"][rule]["retention_days"]
        .as_i64()
        .unwrap_or_else(|| panic!("no retention for {rule}: {document:#}"))
}

fn document_of<'a>(docs: &'a [(String, Vec<String>, Value)], address: &str) -> &'a Value {
    &docs
        .iter()
        .find(|(a, _, _)| a == address)
        .unwrap_or_else(|| panic!("{address} not in plan"))
        .2
}

#[test]
fn three_level_tree_is_known_at_plan_time_and_changes_flow_down() {
    let tf = Terraform::v1_15();
    let wd = Workdir::new(&tf);
    wd.write_main_tf(&tree(365, 90));
    wd.init();

    let docs = planned_documents(&wd);
    assert_eq!(docs.len(), 4);
    assert_eq!(
        retention(document_of(&docs, "backup_app.root"), "daily"),
        35
    );
    assert_eq!(
        retention(document_of(&docs, "backup_app.prod"), "daily"),
        60
    );
    assert_eq!(
        retention(document_of(&docs, "backup_child.payments"), "daily"),
        90
    );
    assert_eq!(
        retention(document_of(&docs, "backup_child.web"), "daily"),
        60
    );
    assert_eq!(
        retention(document_of(&docs, "backup_child.web"), "monthly"),
        365
    );
    let payments = document_of(&docs, "backup_child.payments");
    assert_eq!(
        payments["lineage"],
        serde_json::json!(["org-root", "env-prod", "payments-prod"])
    );
    assert_eq!(
        payments["tags"]["environment"], "prod",
        "tags merge down the tree: {payments:#}"
    );
    assert_eq!(payments["tags"]["owner"], "platform");

    wd.apply();
    wd.assert_plan_clean();

    // One change at the root: every descendant that inherits it updates, in place, in one plan.
    wd.write_main_tf(&tree(400, 90));
    let docs = planned_documents(&wd);
    let updated: Vec<&str> = docs
        .iter()
        .filter(|(_, actions, _)| actions == &["update"])
        .map(|(a, _, _)| a.as_str())
        .collect();
    assert_eq!(
        updated,
        [
            "backup_app.prod",
            "backup_app.root",
            "backup_child.payments",
            "backup_child.web"
        ]
    );
    for address in [
        "backup_app.prod",
        "backup_child.payments",
        "backup_child.web",
    ] {
        assert_eq!(
            retention(document_of(&docs, address), "monthly"),
            400,
            "{address}"
        );
    }
    assert_eq!(
        retention(document_of(&docs, "backup_child.payments"), "daily"),
        90,
        "the child's own value stays"
    );
    wd.apply();
    wd.assert_plan_clean();
    wd.destroy();
}

/// Runs `terraform plan` on a tree where `payments` sets `child_policy`, expecting failure.
fn failing_plan(tf: &Terraform, child_policy: &str) -> String {
    let wd = Workdir::new(tf);
    let config = tree(365, 90).replace(
        "policy = { rules = { daily = { retention_days = 90 } } }",
        child_policy,
    );
    assert!(config.contains(child_policy), "the replacement must apply");
    wd.write_main_tf(&config);
    wd.init();
    let plan = wd.run(&["plan", "-input=false", "-no-color"]);
    assert!(!plan.success(), "plan must fail:\n{plan}");
    assert!(!plan.crashed(), "{plan}");
    plan.combined()
}

#[test]
fn a_child_breaking_a_guardrail_fails_plan_with_path_and_ancestor() {
    for tf in [Terraform::v1_15(), Terraform::v1_0()] {
        // Below env-prod's min_retention_days (which tightened org-root's 30 to 60).
        let out = failing_plan(
            &tf,
            "policy = { rules = { daily = { retention_days = 45 } } }",
        );
        assert!(
            out.contains(r#"policy.rules["daily"].retention_days"#),
            "path missing:\n{out}"
        );
        assert!(out.contains("env-prod"), "ancestor missing:\n{out}");
        assert!(
            out.contains("backup_child.payments"),
            "resource missing:\n{out}"
        );

        // A locked field, and above the root's max: two problems, two diagnostics, one plan.
        let out = failing_plan(
            &tf,
            r#"policy = { rules = { daily = { retention_days = 500, schedule = "cron(0 7 ? * * *)" } } }"#,
        );
        assert!(
            out.contains(r#"policy.rules["daily"].schedule"#),
            "locked path missing:\n{out}"
        );
        assert!(
            out.contains(r#"policy.rules["daily"].retention_days"#),
            "max path missing:\n{out}"
        );
        assert!(out.contains("org-root"), "ancestor missing:\n{out}");
        assert!(
            out.matches("Error: ").count() >= 2,
            "expected two errors:\n{out}"
        );
    }
}

#[test]
fn invalid_input_fails_validate_with_the_attribute_path() {
    let tf = Terraform::v1_15();
    let wd = Workdir::new(&tf);
    let config = tree(365, 90).replace(
        r#"schedule       = "cron(0 5 ? * * *)""#,
        r#"schedule       = "cron(0 5 * * * *)""#,
    );
    wd.write_main_tf(&config);
    wd.init();
    let out = wd.run(&["validate", "-no-color"]);
    assert!(!out.success(), "{out}");
    let text = out.combined();
    assert!(text.contains(r#"policy.rules["daily"].schedule"#), "{text}");
    assert!(
        text.contains('?'),
        "the message says what would be valid:\n{text}"
    );
}
