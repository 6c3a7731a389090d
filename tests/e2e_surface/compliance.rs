//! The drift report `backup_compliance` in a `check` block, on Terraform 1.15.5 against the AWS
//! emulator: compliant after apply; after retention is shortened and the vault lock removed out
//! of band (through the AWS API), `terraform plan -refresh=false` warns with each difference at
//! its path and node (a refreshing plan shows the same drift as updates of the resources, and
//! Terraform reads a data source whose inputs are about to change only at apply); one apply
//! repairs it and the check passes again.

use serde_json::Value;
use terraform_provider_backup::cloud::BackupBackend;

use crate::support::aws::{providers, CENTRAL};
use crate::support::aws_emulator::{unique, AwsEmulator, REGION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;

fn config(endpoint: &str, root: &str, dev: &str, prod: &str) -> String {
    format!(
        r#"{providers}
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
  }}
  aws = {{
    vault_name = "{root}"
    vault_lock = {{ min_retention_days = 7 }}
  }}
}}

resource "backup_child" "dev" {{
  name   = "{dev}"
  parent = backup_app.root.policy_document
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/dev"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}

resource "backup_child" "prod" {{
  name   = "{prod}"
  parent = backup_app.root.policy_document
  policy = {{ rules = {{ daily = {{ retention_days = 90 }} }} }}
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/prod"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}

data "backup_compliance" "tree" {{
  nodes = [backup_app.root, backup_child.dev, backup_child.prod]
}}

check "backups_match_policy" {{
  assert {{
    condition     = data.backup_compliance.tree.compliant
    error_message = "drift: ${{jsonencode(data.backup_compliance.tree.findings)}}"
  }}
}}

output "compliant_nodes" {{
  value = data.backup_compliance.tree.compliant_nodes
}}
"#,
        providers = providers(endpoint, endpoint)
    )
}

fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// The findings the check reported in a plan, parsed from its message.
fn reported_findings(plan: &Value) -> Vec<Value> {
    let checks = plan["checks"].as_array().cloned().unwrap_or_default();
    let mut findings = Vec::new();
    for check in checks {
        for instance in check["instances"].as_array().cloned().unwrap_or_default() {
            for problem in instance["problems"].as_array().cloned().unwrap_or_default() {
                let message = problem["message"].as_str().unwrap_or_default();
                let json = message
                    .strip_prefix("drift: ")
                    .expect("the check's message");
                let list: Vec<Value> = serde_json::from_str(json).expect("findings as JSON");
                findings.extend(list);
            }
        }
    }
    findings
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_drift_report_names_each_difference_and_passes_after_repair() {
    let emulator = AwsEmulator::shared();
    let endpoint = emulator.endpoint();
    let (root, dev, prod) = (unique("cmproot"), unique("cmpdev"), unique("cmpprod"));
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    work.write_main_tf(&config(&endpoint, &root, &dev, &prod));
    blocking(|| {
        work.init();
        work.apply();
    });
    let outputs = blocking(|| work.outputs_json());
    let nodes = &outputs["compliant_nodes"]["value"];
    assert_eq!(nodes[&root], true, "{outputs}");
    assert_eq!(nodes[&dev], true, "{outputs}");
    assert_eq!(nodes[&prod], true, "{outputs}");
    let plan = blocking(|| work.plan_json());
    assert!(reported_findings(&plan.json).is_empty(), "{plan}");

    // Out of band: the root's retention shortened, its vault lock removed, prod's rule shortened.
    let (_context, backend) = emulator.connect(CENTRAL).await;
    for (name, days) in [(&root, 7), (&prod, 1)] {
        let mut live = backend
            .find_plan_by_name(name)
            .await
            .unwrap()
            .expect("plan");
        live.spec.rules[0].lifecycle.delete_after_days = days;
        backend
            .update_plan(&live.state.plan_id, &live.spec)
            .await
            .expect("shorten retention out of band");
    }
    backend.delete_vault_lock(&root).await.expect("remove lock");

    let plan = blocking(|| work.plan_json());
    assert!(plan.change("backup_app.root").is(&["update"]), "{plan}");
    // The refreshing plan also warns, at each path, what it puts back.
    let said = plan.output.unwrapped();
    assert!(
        said.contains(&format!(
            "Backups of backup_app {root:?} drifted from the policy"
        )),
        "{plan}"
    );
    assert!(
        said.contains("policy.rules[\"daily\"].retention_days: policy 35, found 7"),
        "{plan}"
    );
    assert!(
        said.contains("policy.rules[\"daily\"].retention_days: policy 90, found 1"),
        "{plan}"
    );
    // The derived child keeps its plan and selection: their ids stay known in the update.
    let prod_change = plan.change("backup_child.prod");
    assert!(prod_change.is(&["update"]), "{plan}");
    assert_eq!(prod_change.unknown_paths(), Vec::<String>::new(), "{plan}");
    let plan = blocking(|| work.plan_json_with(&["-refresh=false"]));
    let findings = reported_findings(&plan.json);
    let at = |node: &str, path: &str| {
        findings
            .iter()
            .find(|f| f["node"] == node && f["path"] == path)
            .cloned()
            .unwrap_or_else(|| panic!("no finding at {node} {path}: {findings:?}"))
    };
    let retention = "policy.rules[\"daily\"].retention_days";
    let shortened = at(&root, retention);
    assert_eq!(
        (&shortened["expected"], &shortened["actual"]),
        (&"35".into(), &"7".into())
    );
    let prod_rule = at(&prod, retention);
    assert_eq!(
        (&prod_rule["expected"], &prod_rule["actual"]),
        (&"90".into(), &"1".into())
    );
    assert_eq!(at(&root, "aws.vault_lock")["actual"], "absent");
    assert!(
        findings.iter().all(|f| f["node"] != dev.as_str()),
        "the joined child's selection is intact: {findings:?}"
    );

    blocking(|| {
        work.apply();
        let plan = work.plan_json();
        assert!(reported_findings(&plan.json).is_empty(), "{plan}");
        work.destroy();
    });
}
