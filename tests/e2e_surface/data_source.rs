//! `backup_policy` across workspaces: a root app applied in one working directory, read in
//! another through `terraform_remote_state`, verified, and used as a child's parent; a tampered
//! document refused with an error at `document`. On Terraform 1.15.5 and 1.0.3.

use crate::support::state::resource_values;
use crate::support::terraform::{required_providers, Terraform};
use crate::support::workdir::Workdir;

/// The publishing workspace: a root app and its document as an output.
fn publisher() -> String {
    format!(
        r#"{providers}
provider "backup" {{}}

resource "backup_app" "root" {{
  name   = "org-root"
  parent = null
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
    tags  = {{ owner = "platform" }}
  }}
  guardrails = {{ min_retention_days = 30 }}
}}

output "root_document" {{
  value = backup_app.root.policy_document
}}
"#,
        providers = required_providers()
    )
}

/// The consuming workspace: reads the root's state file, verifies the document, builds a child
/// on it. `document` is the expression the data source reads.
fn consumer(state_path: &str, document: &str) -> String {
    format!(
        r#"{providers}
provider "backup" {{}}

data "terraform_remote_state" "root" {{
  backend = "local"
  config  = {{ path = "{state_path}" }}
}}

data "backup_policy" "root" {{
  document     = {document}
  expected_app = "org-root"
}}

resource "backup_app" "team" {{
  name   = "team"
  parent = data.backup_policy.root.policy_document
  policy = {{ rules = {{ daily = {{ retention_days = 60 }} }} }}
}}

output "lineage" {{
  value = data.backup_policy.root.lineage
}}

output "floor" {{
  value = data.backup_policy.root.min_retention_days
}}

output "retention" {{
  value = data.backup_policy.root.retention_days
}}
"#,
        providers = required_providers()
    )
}

fn spans_workspaces(tf: Terraform) {
    let root = Workdir::new(&tf);
    root.write_main_tf(&publisher());
    root.init();
    root.apply();
    let published = root.outputs_json()["root_document"]["value"].clone();
    let state_path = root.path().join("terraform.tfstate");
    let state_path = state_path.to_str().expect("a UTF-8 path");

    let team = Workdir::new(&tf);
    team.write_main_tf(&consumer(
        state_path,
        "data.terraform_remote_state.root.outputs.root_document",
    ));
    team.init();
    team.apply();
    team.assert_plan_clean();
    let state = team.state_json();
    let team_app = resource_values(&state, "backup_app.team");
    assert_eq!(
        team_app["parent"], published,
        "the verified document is the published one"
    );
    let document: serde_json::Value =
        serde_json::from_str(team_app["policy_document"].as_str().unwrap()).unwrap();
    assert_eq!(document["lineage"], serde_json::json!(["org-root", "team"]));
    let outputs = team.outputs_json();
    assert_eq!(outputs["lineage"]["value"], serde_json::json!(["org-root"]));
    assert_eq!(outputs["floor"]["value"], 30);
    assert_eq!(
        outputs["retention"]["value"],
        serde_json::json!({ "daily": 35 })
    );

    // The same document with one value changed: refused, at `document`, before anything is planned.
    team.write_main_tf(&consumer(
        state_path,
        r#"replace(data.terraform_remote_state.root.outputs.root_document, "\"retention_days\":35", "\"retention_days\":3")"#,
    ));
    let plan = team
        .run(&["plan", "-input=false", "-no-color"])
        .assert_failure();
    let text = plan.unwrapped();
    assert!(text.contains("Invalid policy document"), "{plan}");
    assert!(text.contains("does not match its hash"), "{plan}");
    assert!(
        text.contains("data \"backup_policy\" \"root\"") && text.contains("document"),
        "the error points at the data source's document:\n{plan}"
    );
}

#[test]
fn backup_policy_spans_workspaces_on_terraform_1_15() {
    spans_workspaces(Terraform::v1_15());
}

#[test]
fn backup_policy_spans_workspaces_on_terraform_1_0() {
    spans_workspaces(Terraform::v1_0());
}
