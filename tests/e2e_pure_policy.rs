//! A two-level tree of pure policy apps (no `aws`, no `azure`: no cloud calls) through the whole
//! Terraform lifecycle, on the newest and the oldest Terraform we support: validate, plan, apply,
//! an empty plan after apply, an update in place that flows from root to child, import, destroy.

mod support;

use serde_json::Value;

use support::state::{resource_values, state_addresses};
use support::terraform::{
    providers_without_clouds, required_providers, Terraform, PROVIDER_ADDRESS,
};
use support::workdir::Workdir;

/// The root app of SPEC.md and a child that changes one retention. `monthly` also copies to the
/// DR vault: `require_copy` holds for every rule of every descendant, and the child inherits
/// `monthly` as it is.
fn config(monthly_retention_days: u32) -> String {
    format!(
        r#"{providers}
provider "backup" {{}}

variable "commit_sha" {{
  type    = string
  default = "0123abc"
}}

resource "backup_app" "root" {{
  name   = "org-root"
  parent = null

  policy = {{
    rules = {{
      daily = {{
        schedule                  = "cron(0 5 ? * * *)"
        start_window_minutes      = 60
        completion_window_minutes = 180
        retention_days            = 35
        cold_storage_after_days   = 0
        copy_to                   = [{{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr", retention_days = 90 }}]
        recovery_point_tags       = {{ commit = var.commit_sha }}
      }}
      monthly = {{
        schedule       = "cron(0 6 1 * ? *)"
        retention_days = {monthly_retention_days}
        copy_to        = [{{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr" }}]
      }}
    }}
    tags = {{ owner = "platform" }}
  }}

  guardrails = {{
    min_retention_days = 30
    max_retention_days = 3650
    require_copy       = true
    locked             = ["rules.daily.schedule", "tags.owner"]
    allow_new_rules    = true
  }}
}}

resource "backup_app" "prod" {{
  name   = "env-prod"
  parent = backup_app.root.policy_document

  policy = {{
    rules = {{ daily = {{ retention_days = 90 }} }}
  }}
}}

output "prod_policy_document" {{
  value = backup_app.prod.policy_document
}}
"#,
        providers = required_providers()
    )
}

/// The `policy_document` of `address` in the state, parsed.
fn policy_document(state: &Value, address: &str) -> Value {
    let raw = resource_values(state, address)["policy_document"]
        .as_str()
        .unwrap_or_else(|| panic!("{address}.policy_document is not a string in the state"));
    serde_json::from_str(raw)
        .unwrap_or_else(|e| panic!("{address}.policy_document is not JSON ({e}): {raw}"))
}

/// The effective `retention_days` of `rule`: the first `rules.<rule>.retention_days` in the
/// document, searched breadth-first so the layout around `rules` (top level, under a `policy`
/// key, ...) is the provider's to choose. A value may be a number or `{"value": n, ...}`.
fn effective_retention(document: &Value, rule: &str) -> Option<i64> {
    let mut queue = std::collections::VecDeque::from([document]);
    while let Some(node) = queue.pop_front() {
        if let Some(retention) = node
            .get("rules")
            .and_then(|r| r.get(rule))
            .and_then(|r| r.get("retention_days"))
        {
            if let Some(n) = retention
                .as_i64()
                .or_else(|| retention.get("value").and_then(Value::as_i64))
            {
                return Some(n);
            }
        }
        match node {
            Value::Object(map) => queue.extend(map.values()),
            Value::Array(items) => queue.extend(items),
            _ => {}
        }
    }
    None
}

#[track_caller]
fn assert_retention(state: &Value, address: &str, rule: &str, days: i64) {
    let document = policy_document(state, address);
    assert_eq!(
        effective_retention(&document, rule),
        Some(days),
        "{address}: effective rules.{rule}.retention_days in policy_document:\n{document:#}"
    );
}

fn pure_policy_tree_lifecycle(tf: Terraform) {
    let wd = Workdir::new(&tf);
    wd.write_main_tf(&config(365));
    wd.init();
    wd.validate();

    // Create. Both documents are known at plan time: the child's parent is the root's document.
    let plan = wd.plan_json();
    assert_eq!(plan.output.code(), 2, "{plan}");
    assert_eq!(plan.counts(), (2, 0, 0), "{plan}");
    assert_eq!(
        plan.addresses(&["create"]),
        ["backup_app.prod", "backup_app.root"],
        "{plan}"
    );
    assert_eq!(
        plan.unknown_values(),
        Vec::<String>::new(),
        "pure policy documents are known at plan time:\n{plan}"
    );
    wd.apply();
    wd.assert_plan_clean();

    let state = wd.state_json();
    let mut addresses = state_addresses(&state);
    addresses.sort();
    assert_eq!(addresses, ["backup_app.prod", "backup_app.root"]);
    for (address, name) in [
        ("backup_app.root", "org-root"),
        ("backup_app.prod", "env-prod"),
    ] {
        let values = resource_values(&state, address);
        assert_eq!(values["name"], name);
        assert_eq!(values["id"], name, "{address}: id is the name");
        for computed in [
            "aws_vault_arn",
            "aws_plan_id",
            "azure_vault_id",
            "azure_policy_id",
        ] {
            assert!(
                values[computed].is_null(),
                "{address}.{computed} is null for a pure policy node: {values:#}"
            );
        }
    }
    assert_retention(&state, "backup_app.root", "daily", 35);
    assert_retention(&state, "backup_app.root", "monthly", 365);
    assert_retention(&state, "backup_app.prod", "daily", 90);
    assert_retention(&state, "backup_app.prod", "monthly", 365);
    assert_eq!(
        resource_values(&state, "backup_app.prod")["parent"],
        resource_values(&state, "backup_app.root")["policy_document"],
        "the child's parent is the root's document"
    );

    // Update in place: a retention at the root flows into the child in the same plan.
    wd.write_main_tf(&config(400));
    let plan = wd.plan_json();
    assert_eq!(plan.output.code(), 2, "{plan}");
    assert!(plan.change("backup_app.root").is(&["update"]), "{plan}");
    assert!(plan.change("backup_app.prod").is(&["update"]), "{plan}");
    assert_eq!(plan.counts(), (0, 2, 0), "{plan}");
    assert!(
        plan.resource_changes().iter().all(|c| !c.is_replace()),
        "{plan}"
    );
    assert_eq!(
        plan.unknown_values(),
        Vec::<String>::new(),
        "the new documents are known at plan time:\n{plan}"
    );
    wd.apply();
    wd.assert_plan_clean();
    let state = wd.state_json();
    assert_retention(&state, "backup_app.root", "monthly", 400);
    assert_retention(&state, "backup_app.prod", "monthly", 400);
    assert_retention(&state, "backup_app.prod", "daily", 90);
    let output = wd.outputs_json();
    assert_eq!(
        output["prod_policy_document"]["value"],
        resource_values(&state, "backup_app.prod")["policy_document"]
    );

    // Import. A pure policy app keeps nothing outside the state, so the imported state holds the
    // name alone: the next plan may fill in the configuration, but in place, never by replacement.
    wd.state_rm("backup_app.prod");
    assert_eq!(state_addresses(&wd.state_json()), ["backup_app.root"]);
    wd.import("backup_app.prod", "env-prod");
    let imported = wd.state_json();
    assert_eq!(
        resource_values(&imported, "backup_app.prod")["name"],
        "env-prod"
    );
    assert_eq!(
        resource_values(&imported, "backup_app.prod")["id"],
        "env-prod"
    );
    let plan = wd.plan_json();
    assert!(
        plan.resource_changes().iter().all(|c| !c.is_replace()),
        "{plan}"
    );
    assert_eq!(
        plan.addresses(&["create"]),
        Vec::<String>::new(),
        "import adopted the app: {plan}"
    );
    wd.apply();
    wd.assert_plan_clean();
    assert_retention(&wd.state_json(), "backup_app.prod", "monthly", 400);

    // Destroy, in graph order, leaving nothing behind.
    let destroy = wd.destroy();
    assert!(
        destroy
            .stdout
            .contains("Destroy complete! Resources: 2 destroyed."),
        "{destroy}"
    );
    let state = wd.state_json();
    assert!(
        state_addresses(&state).is_empty(),
        "state after destroy: {state:#}"
    );
}

#[test]
fn pure_policy_tree_terraform_1_15() {
    pure_policy_tree_lifecycle(Terraform::v1_15());
}

#[test]
fn pure_policy_tree_terraform_1_0() {
    pure_policy_tree_lifecycle(Terraform::v1_0());
}

/// Paths of the attributes under `attributes` (nested ones too) that have no description.
fn undescribed(prefix: &str, attributes: &Value, missing: &mut Vec<String>) {
    for (name, attribute) in attributes.as_object().into_iter().flatten() {
        let path = format!("{prefix}.{name}");
        if attribute["description"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .is_empty()
        {
            missing.push(path.clone());
        }
        undescribed(&path, &attribute["nested_type"]["attributes"], missing);
    }
}

#[test]
fn schema_describes_both_resources() {
    let wd = Workdir::new(&Terraform::v1_15());
    wd.write_main_tf(&providers_without_clouds());
    wd.init();
    let schema = wd.providers_schema_json();
    let provider = &schema["provider_schemas"][PROVIDER_ADDRESS];
    assert!(
        provider.is_object(),
        "{PROVIDER_ADDRESS} in the schema: {schema:#}"
    );
    let mut missing = Vec::new();
    undescribed(
        "provider",
        &provider["provider"]["block"]["attributes"],
        &mut missing,
    );
    for resource in ["backup_app", "backup_child"] {
        let block = &provider["resource_schemas"][resource]["block"];
        assert!(block.is_object(), "{resource} in the schema: {provider:#}");
        if block["description"]
            .as_str()
            .unwrap_or_default()
            .trim()
            .is_empty()
        {
            missing.push(resource.to_owned());
        }
        let attributes = &block["attributes"];
        for expected in [
            "id",
            "name",
            "parent",
            "policy",
            "policy_document",
            "aws",
            "azure",
        ] {
            assert!(
                attributes.get(expected).is_some(),
                "{resource}.{expected} exists: {block:#}"
            );
        }
        undescribed(resource, attributes, &mut missing);
    }
    assert!(missing.is_empty(), "without a description: {missing:#?}");
}
