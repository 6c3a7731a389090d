//! The drift report on Azure: a root app (soft delete on, immutability unlocked) and a VM child
//! are compliant after apply; soft delete turned off and the VM's protection stopped out of band
//! (through the ARM API) are reported by `terraform plan -refresh=false` at `azure.soft_delete`
//! and `azure.vm_ids[...]`; one apply puts both back and the report is clean again.

use serde_json::Value;
use terraform_provider_backup::cloud::azure::{ArmBackend, ArmOptions, AzureBackend, VaultRef};

use crate::support::azure::{providers, settings, vm_id};
use crate::support::fake_arm::server::FakeArm;
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::{blocking, root_app, RG};

fn config(fake: &FakeArm) -> String {
    // force_destroy: with soft delete on, destroy purges the VM's soft-deleted item.
    let root = root_app(35).replace(
        r#"  name = "org-root""#,
        "  name = \"org-root\"\n  force_destroy = true",
    );
    providers(fake)
        + &root
        + &format!(
            r#"
resource "backup_child" "vm1" {{
  name   = "vm1"
  parent = backup_app.root.policy_document
  azure  = {{ vm_ids = ["{vm}"] }}
}}

data "backup_compliance" "tree" {{
  nodes = [backup_app.root, backup_child.vm1]
}}

output "compliant" {{
  value = data.backup_compliance.tree.compliant
}}

output "findings" {{
  value = data.backup_compliance.tree.findings
}}
"#,
            vm = vm_id("vm1")
        )
}

/// `(node, path, expected, actual)` of each finding in the plan's planned outputs.
fn findings(plan: &Value) -> Vec<(String, String, String, String)> {
    let listed = plan["planned_values"]["outputs"]["findings"]["value"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let text = |f: &Value, k: &str| f[k].as_str().unwrap_or_default().to_string();
    listed
        .iter()
        .map(|f| {
            (
                text(f, "node"),
                text(f, "path"),
                text(f, "expected"),
                text(f, "actual"),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_delete_off_and_a_stopped_vm_are_reported_and_repaired() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    let vm = vm_id("vm1");
    fake.add_vm(&vm);
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&config(&fake));
    blocking(|| {
        work.init();
        work.apply();
    });
    let outputs = blocking(|| work.outputs_json());
    assert_eq!(outputs["compliant"]["value"], true, "{outputs}");

    // Out of band: soft delete off on the vault, then the VM's protection stopped (its item goes).
    let backend =
        ArmBackend::new(&settings(&fake).resolve().unwrap(), ArmOptions::for_tests()).unwrap();
    let vault = VaultRef::new(RG, "rsv-org-root");
    backend
        .disable_soft_delete(&vault)
        .await
        .expect("soft delete off");
    backend
        .stop_protection(&vault, &vm)
        .await
        .expect("stop protection");

    let plan = blocking(|| work.plan_json_with(&["-refresh=false"]));
    let found = findings(&plan.json);
    let vm_path = format!("azure.vm_ids[{vm:?}]");
    assert!(
        found.contains(&(
            "org-root".into(),
            "azure.soft_delete".into(),
            "Enabled".into(),
            "Disabled".into()
        )),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(node, path, _, actual)| node == "vm1" && *path == vm_path && actual == "absent"),
        "{found:?}"
    );
    assert_eq!(found.len(), 2, "{found:?}");

    blocking(|| work.apply());
    let plan = blocking(|| work.plan_json_with(&["-refresh=false"]));
    assert_eq!(findings(&plan.json), vec![], "repaired by one apply");
    assert_eq!(
        plan.json["planned_values"]["outputs"]["compliant"]["value"],
        true
    );
    blocking(|| work.destroy());
    fake.assert_nothing_left();
    fake.assert_valid();
}
