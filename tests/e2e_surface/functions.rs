//! `provider::backup::effective_policy`, `explain` and `violations` called from HCL outputs on
//! Terraform 1.15.5, checked against what the resources publish for the same policies; a
//! `precondition` built on `violations`, and function errors naming their argument.

use serde_json::Value;

use crate::support::state::resource_values;
use crate::support::terraform::{required_providers, Terraform, PROVIDER_ADDRESS};
use crate::support::workdir::Workdir;

/// The root's policy, written once for both the resource and the function call.
const ROOT_POLICY: &str = r#"{
    rules = {
      daily = {
        schedule       = "cron(0 5 ? * * *)"
        retention_days = 35
        copy_to        = [{ vault_arn = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr", retention_days = 90 }]
      }
    }
    tags = { owner = "platform" }
  }"#;

const ROOT_GUARDRAILS: &str = r#"{
    min_retention_days = 30
    locked             = ["rules.daily.schedule"]
  }"#;

/// Two pure policy apps, and outputs computing the same documents through the functions.
fn config(extra: &str) -> String {
    format!(
        r#"{providers}
provider "backup" {{}}

locals {{
  root_policy     = {ROOT_POLICY}
  root_guardrails = {ROOT_GUARDRAILS}
  prod_policy     = {{ rules = {{ daily = {{ retention_days = 90 }} }} }}
}}

resource "backup_app" "root" {{
  name       = "org-root"
  parent     = null
  policy     = local.root_policy
  guardrails = local.root_guardrails
}}

resource "backup_app" "prod" {{
  name   = "env-prod"
  parent = backup_app.root.policy_document
  policy = local.prod_policy
}}

output "root_document" {{
  value = provider::backup::effective_policy(null, merge(local.root_policy, {{ name = "org-root", guardrails = local.root_guardrails }}))
}}

output "prod_document" {{
  value = provider::backup::effective_policy(backup_app.root.policy_document, merge(local.prod_policy, {{ name = "env-prod" }}))
}}

output "explain_retention" {{
  value = provider::backup::explain(backup_app.prod.policy_document, "rules.daily.retention_days")
}}

output "explain_schedule" {{
  value = provider::backup::explain(backup_app.prod.policy_document, "rules.daily.schedule")
}}

output "violations_ok" {{
  value = provider::backup::violations(backup_app.root.policy_document, local.prod_policy)
}}

output "violations_low" {{
  value = provider::backup::violations(backup_app.root.policy_document, {{ name = "low", rules = {{ daily = {{ retention_days = 10, schedule = "cron(0 7 ? * * *)" }} }} }})
}}
{extra}"#,
        providers = required_providers()
    )
}

#[test]
fn functions_called_from_hcl_match_the_resources() {
    let wd = Workdir::new(&Terraform::v1_15());
    wd.write_main_tf(&config(""));
    wd.init();
    wd.apply();
    wd.assert_plan_clean();
    let state = wd.state_json();
    let outputs = wd.outputs_json();
    let output = |name: &str| outputs[name]["value"].clone();

    // effective_policy gives exactly the documents the resources publish.
    assert_eq!(
        output("root_document"),
        resource_values(&state, "backup_app.root")["policy_document"]
    );
    assert_eq!(
        output("prod_document"),
        resource_values(&state, "backup_app.prod")["policy_document"]
    );

    let retention = output("explain_retention");
    assert_eq!(retention["path"], "rules.daily.retention_days");
    assert_eq!(retention["value"], "90");
    assert_eq!(retention["set_by"], "env-prod");
    assert_eq!(
        retention["tightened_by"],
        serde_json::json!(["min_retention_days = 30 (set by org-root)"])
    );
    let schedule = output("explain_schedule");
    assert_eq!(schedule["value"], "\"cron(0 5 ? * * *)\"");
    assert_eq!(schedule["set_by"], "org-root");
    assert_eq!(
        schedule["tightened_by"],
        serde_json::json!(["locked by org-root (rules.daily.schedule)"])
    );

    assert_eq!(output("violations_ok"), serde_json::json!([]));
    let low = output("violations_low");
    let low: Vec<&str> = low
        .as_array()
        .expect("violations is a list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(low.len(), 2, "{low:?}");
    assert!(
        low.iter().any(
            |v| v.starts_with("policy.rules[\"daily\"].retention_days: ")
                && v.contains("min_retention_days = 30")
        ),
        "{low:?}"
    );
    assert!(
        low.iter()
            .any(|v| v.contains("schedule") && v.contains("org-root")),
        "{low:?}"
    );
}

#[test]
fn terraform_sees_the_functions_data_sources_action_and_list_resources_in_the_schema() {
    let wd = Workdir::new(&Terraform::v1_15());
    wd.write_main_tf(&config(""));
    wd.init();
    let schema = wd.providers_schema_json();
    let provider = &schema["provider_schemas"][PROVIDER_ADDRESS];
    let keys = |member: &str| -> Vec<String> {
        provider[member]
            .as_object()
            .unwrap_or_else(|| panic!("no {member} in the schema: {provider:#}"))
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(
        keys("functions"),
        [
            "backup_role_policy",
            "effective_policy",
            "explain",
            "violations"
        ]
    );
    assert_eq!(
        keys("data_source_schemas"),
        [
            "backup_backstage_catalog",
            "backup_compliance",
            "backup_policy"
        ]
    );
    assert_eq!(
        keys("action_schemas"),
        ["backup_restore_test", "backup_start_job"]
    );
    assert_eq!(
        keys("list_resource_schemas"),
        ["backup_app", "backup_child", "backup_recovery_point"]
    );
    let list = &provider["list_resource_schemas"]["backup_app"];
    assert!(
        list["block"]["attributes"]["name_prefix"]["optional"] == true,
        "the backup_app list's config has an optional name_prefix: {list:#}"
    );
    let parameters = &provider["functions"]["effective_policy"]["parameters"];
    assert_eq!(parameters[0]["name"], "parent_document");
    assert_eq!(parameters[0]["is_nullable"], true);
    assert_eq!(
        provider["functions"]["violations"]["return_type"],
        serde_json::json!(["list", "string"])
    );
}

#[test]
fn a_precondition_on_violations_stops_the_plan_and_errors_name_the_argument() {
    let wd = Workdir::new(&Terraform::v1_15());
    let guarded = r#"
resource "backup_app" "team" {
  name   = "team"
  parent = backup_app.root.policy_document
  policy = { rules = { daily = { retention_days = 40 } } }

  lifecycle {
    precondition {
      condition     = length(provider::backup::violations(backup_app.root.policy_document, { rules = { daily = { retention_days = 20 } } })) == 0
      error_message = join("\n", provider::backup::violations(backup_app.root.policy_document, { rules = { daily = { retention_days = 20 } } }))
    }
  }
}
"#;
    wd.write_main_tf(&config(guarded));
    wd.init();
    let plan = wd
        .run(&["plan", "-input=false", "-no-color"])
        .assert_failure();
    let text = plan.unwrapped();
    assert!(text.contains("Resource precondition failed"), "{plan}");
    assert!(text.contains("min_retention_days = 30"), "{plan}");

    let bad_argument = r#"
output "bad" {
  value = provider::backup::effective_policy("not a document", {})
}
"#;
    wd.write_main_tf(&config(bad_argument));
    let plan = wd
        .run(&["plan", "-input=false", "-no-color"])
        .assert_failure();
    let text = plan.unwrapped();
    assert!(
        text.contains("parent_document"),
        "the error names the argument:\n{plan}"
    );
    assert!(text.contains("not valid JSON"), "{plan}");
}
