//! `backup_app` and `backup_child` on Azure with real Terraform against the fake ARM server: every
//! request the provider sends (and every answer) is validated against the Azure REST specs.

#[path = "../support/mod.rs"]
mod support;

mod apigee;
mod apigee_fakes;
mod app_service_region;
mod compliance;
mod hardening;
mod list_query;
mod resource_guard;
mod restore;
mod soft_delete;
mod start_job;

use support::azure::{providers, site_id, vm_id};
use support::fake_arm::server::{FakeArm, CLIENT_SECRET, SUBSCRIPTION};
use support::plan::strings_in;
use support::state::resource_values;
use support::terraform::{providers_without_clouds, Terraform};
use support::workdir::Workdir;

pub(crate) const RG: &str = "rg-backup";

pub(crate) fn root_app(retention_days: u32) -> String {
    format!(
        r#"
resource "backup_app" "root" {{
  name = "org-root"
  policy = {{
    rules = {{
      daily   = {{ schedule = "cron(0 5 ? * * *)", retention_days = {retention_days} }}
      monthly = {{ schedule = "cron(0 5 1 * ? *)", retention_days = 365 }}
    }}
    tags = {{ owner = "platform" }}
  }}
  azure = {{
    resource_group       = "{RG}"
    location             = "westeurope"
    vault_name           = "rsv-org-root"
    storage_redundancy   = "GeoRedundant"
    cross_region_restore = true
    soft_delete          = "Enabled"
    immutability         = "Unlocked"
  }}
}}
"#
    )
}

pub(crate) const SAS: &str = "https://backupacct.blob.core.windows.net/appbackups?sv=2024-11-04&sp=rwdlac&sig=SasSignatureNeverLogged%3D";

/// The root (soft delete off, so stopping protection removes the items) and three children: a VM
/// with the root's policy, a VM with a longer retention (a derived policy) and an App Service.
fn tree(fake: &FakeArm, retention_days: u32) -> String {
    let vm1 = vm_id("vm1");
    let vm2 = vm_id("vm2");
    let site = site_id("rg-app", "shop");
    providers(fake)
        + &root_app(retention_days).replace(
            r#"soft_delete          = "Enabled""#,
            r#"soft_delete          = "Disabled""#,
        )
        + &format!(
            r#"
variable "sas_url" {{
  type      = string
  sensitive = true
}}

resource "backup_child" "vm1" {{
  name   = "vm1"
  parent = backup_app.root.policy_document
  azure  = {{ vm_ids = ["{vm1}"] }}
}}

resource "backup_child" "vm2" {{
  name   = "vm2"
  parent = backup_app.root.policy_document
  policy = {{ rules = {{ daily = {{ retention_days = 90 }} }} }}
  azure  = {{ vm_ids = ["{vm2}"] }}
}}

resource "backup_child" "shop" {{
  name   = "shop"
  parent = backup_app.root.policy_document
  azure  = {{ app_service = {{ site_id = "{site}", storage_account_url = var.sas_url }} }}
}}
"#
        )
}

/// A fake ARM server serving vm1, vm2 and the shop app, and a working directory holding
/// [`tree`] with a 35-day retention (the SAS URL in `TF_VAR_sas_url`).
async fn tree_fixture() -> (FakeArm, Workdir) {
    let fake = FakeArm::start().await;
    fake.add_vm(&vm_id("vm1"));
    fake.add_vm(&vm_id("vm2"));
    fake.add_site(&site_id("rg-app", "shop"));
    let mut work = Workdir::new(&Terraform::v1_15());
    work.env("TF_VAR_sas_url", SAS);
    work.write_main_tf(&tree(&fake, 35));
    (fake, work)
}

fn item_path(vm: &str) -> String {
    format!(
        "{}/backupFabrics/Azure/protectionContainers/iaasvmcontainer;iaasvmcontainerv2;rg-app;{vm}/protectedItems/vm;iaasvmcontainerv2;rg-app;{vm}",
        vault_id()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tree_with_vms_and_an_app_service_on_terraform_1_15() {
    let (fake, work) = tree_fixture().await;
    fake.set_async_polls(1);
    blocking(|| {
        work.init();
        let plan = work.plan_json();
        // Policy and protected item ids are known at plan time.
        let derived = format!("{}/backupPolicies/vm2", vault_id());
        assert_eq!(
            plan.change("backup_child.vm2").after["azure_policy_id"],
            derived.as_str(),
            "derived policy id not in the plan:\n{plan}"
        );
        let vm1 = plan.change("backup_child.vm1");
        assert!(
            strings_in(&vm1.after["azure_protected_item_ids"])
                .iter()
                .any(|id| id.contains("iaasvmcontainerv2;rg-app;vm1")),
            "item id not in the plan:\n{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    let vm1 = resource_values(&state, "backup_child.vm1");
    assert_eq!(vm1["azure_policy_id"], policy_id().as_str());
    let vm2 = resource_values(&state, "backup_child.vm2");
    let derived_id = format!("{}/backupPolicies/vm2", vault_id());
    assert_eq!(vm2["azure_policy_id"], derived_id.as_str());
    let derived = fake.stored(&derived_id).expect("derived policy");
    assert_eq!(
        derived["properties"]["retentionPolicy"]["dailySchedule"]["retentionDuration"]["count"],
        90
    );
    let item1 = fake.stored(&item_path("vm1")).expect("vm1 protected");
    assert!(item1["properties"]["policyId"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case(&policy_id()));
    let item2 = fake.stored(&item_path("vm2")).expect("vm2 protected");
    assert!(item2["properties"]["policyId"]
        .as_str()
        .unwrap()
        .eq_ignore_ascii_case(&derived_id));
    assert!(
        fake.stored(&format!("{}/config/backup", site_id("rg-app", "shop")))
            .is_some(),
        "no site backup"
    );
    // The SAS URL is write-only: not in the state.
    let raw = std::fs::read_to_string(work.path().join("terraform.tfstate")).unwrap();
    assert!(
        !raw.contains("SasSignatureNeverLogged"),
        "the SAS URL is in the state"
    );

    // A root retention change updates the root policy in place (and the children's documents).
    work.write_main_tf(&tree(&fake, 40));
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.counts(), (0, 4, 0), "{plan}");
        assert_eq!(
            plan.addresses(&["update"]),
            [
                "backup_app.root",
                "backup_child.shop",
                "backup_child.vm1",
                "backup_child.vm2"
            ],
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    assert_eq!(stored_daily_retention(&fake), Some(40));
    let derived = fake.stored(&derived_id).unwrap();
    assert_eq!(
        derived["properties"]["retentionPolicy"]["dailySchedule"]["retentionDuration"]["count"],
        90
    );

    // Drift: protection removed out of band is restored.
    fake.remove(&item_path("vm1"));
    blocking(|| {
        assert_eq!(work.plan_exit_code(), 2);
        work.apply();
        work.assert_plan_clean();
    });
    assert!(fake.stored(&item_path("vm1")).is_some());

    blocking(|| work.destroy());
    fake.assert_nothing_left();
    fake.assert_valid();
}

/// A child imported by its name finds its items again through its parent at the next plan: the
/// plan is an update in place, and apply adopts the protected item and derived policy (ARM's PUTs
/// are idempotent) instead of protecting the VM a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn children_imported_by_name_adopt_their_items_in_place() {
    let (fake, work) = tree_fixture().await;
    blocking(|| {
        work.init();
        work.apply();
    });
    let before = blocking(|| work.state_json());
    blocking(|| {
        work.state_rm("backup_child.vm1");
        work.state_rm("backup_child.vm2");
        work.import("backup_child.vm1", "vm1");
        work.import("backup_child.vm2", "vm2");
        let plan = work.plan_json();
        assert_eq!(
            plan.counts(),
            (0, 2, 0),
            "expected in-place updates after import:\n{plan}"
        );
        assert_eq!(
            plan.addresses(&["update"]),
            ["backup_child.vm1", "backup_child.vm2"],
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let after = blocking(|| work.state_json());
    for child in ["backup_child.vm1", "backup_child.vm2"] {
        for attribute in [
            "azure_policy_id",
            "azure_protected_item_ids",
            "policy_document",
        ] {
            assert_eq!(
                resource_values(&after, child)[attribute],
                resource_values(&before, child)[attribute],
                "{child}.{attribute} differs after import"
            );
        }
    }
    assert!(fake.stored(&item_path("vm1")).is_some());
    assert!(fake.stored(&item_path("vm2")).is_some());
    blocking(|| work.destroy());
    fake.assert_nothing_left();
    fake.assert_valid();
}

pub(crate) fn vault_id() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.RecoveryServices/vaults/rsv-org-root")
}

fn policy_id() -> String {
    format!("{}/backupPolicies/org-root", vault_id())
}

pub(crate) fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// The daily retention count of the stored policy.
fn stored_daily_retention(fake: &FakeArm) -> Option<i64> {
    let policy = fake.stored(&policy_id())?;
    policy["properties"]["retentionPolicy"]["dailySchedule"]["retentionDuration"]["count"].as_i64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_app_vault_and_policy_on_terraform_1_15() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&(providers(&fake) + &root_app(35)));
    blocking(|| {
        work.init();
        let plan = work.plan_json();
        // Both ids are known at plan time.
        let root = plan.change("backup_app.root");
        assert_eq!(
            root.after["azure_vault_id"],
            vault_id().as_str(),
            "vault id not in the plan:\n{plan}"
        );
        assert_eq!(
            root.after["azure_policy_id"],
            policy_id().as_str(),
            "policy id not in the plan:\n{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    assert!(fake.stored(&vault_id()).is_some(), "vault not created");
    assert_eq!(stored_daily_retention(&fake), Some(35));
    let state = blocking(|| work.state_json());
    let root = resource_values(&state, "backup_app.root");
    assert_eq!(root["azure_vault_id"], vault_id().as_str());
    assert_eq!(root["azure_policy_id"], policy_id().as_str());
    let document: serde_json::Value =
        serde_json::from_str(root["policy_document"].as_str().unwrap()).unwrap();
    assert!(
        document.to_string().contains("rsv-org-root"),
        "no Azure anchor in the policy document: {document}"
    );

    // A retention change updates the policy in place.
    work.write_main_tf(&(providers(&fake) + &root_app(40)));
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(
            plan.counts(),
            (0, 1, 0),
            "expected an in-place update:\n{plan}"
        );
        assert_eq!(plan.addresses(&["update"]), ["backup_app.root"], "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    assert_eq!(stored_daily_retention(&fake), Some(40));

    // Drift: a policy deleted out of band is re-created.
    fake.remove(&policy_id());
    blocking(|| {
        assert_eq!(work.plan_exit_code(), 2);
        work.apply();
        work.assert_plan_clean();
    });
    assert_eq!(stored_daily_retention(&fake), Some(40));

    blocking(|| work.destroy());
    assert!(fake.stored(&policy_id()).is_none(), "policy left behind");
    assert!(fake.stored(&vault_id()).is_none(), "vault left behind");
    fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_by_policy_id_adopts_the_vault_and_policy_in_place() {
    let fake = FakeArm::start().await;
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&(providers(&fake) + &root_app(35)));
    blocking(|| {
        work.init();
        work.apply();
        work.state_rm("backup_app.root");
    });

    // A policy id that names no existing vault fails the import and says which vault.
    let missing = policy_id().replace("rsv-org-root", "rsv-missing");
    let failed = blocking(|| {
        work.run(&[
            "import",
            "-input=false",
            "-no-color",
            "backup_app.root",
            &missing,
        ])
    });
    assert_ne!(
        failed.code(),
        0,
        "import of a missing vault succeeded:\n{failed}"
    );
    assert!(
        failed.stderr.contains("rsv-missing") && failed.stderr.contains("was not found"),
        "the error does not name the missing vault:\n{failed}"
    );

    blocking(|| work.import("backup_app.root", &policy_id()));
    let state = blocking(|| work.state_json());
    let root = resource_values(&state, "backup_app.root");
    assert_eq!(root["name"], "org-root");
    assert_eq!(root["azure_vault_id"], vault_id().as_str());
    assert_eq!(root["azure_policy_id"], policy_id().as_str());
    assert_eq!(root["azure"]["resource_group"], RG);
    assert_eq!(root["azure"]["vault_name"], "rsv-org-root");
    assert_eq!(root["azure"]["location"], "westeurope");

    // The imported app converges in place: nothing is replaced, the vault is kept.
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(
            plan.counts(),
            (0, 1, 0),
            "expected an in-place update after import:\n{plan}"
        );
        assert_eq!(plan.addresses(&["update"]), ["backup_app.root"], "{plan}");
        work.apply();
        work.assert_plan_clean();
        work.destroy();
    });
    assert!(fake.stored(&vault_id()).is_none(), "vault left behind");
    fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_secret_and_sas_url_never_appear_in_trace_logs() {
    let (fake, mut work) = tree_fixture().await;
    work.env("TF_LOG", "trace");
    let outputs = blocking(|| {
        work.init();
        vec![work.apply(), work.plan(), work.destroy()]
    });
    for output in outputs {
        let all = output.combined();
        assert!(all.contains("TRACE"), "no trace logs captured");
        assert!(
            !all.contains(CLIENT_SECRET),
            "the client secret leaked into Terraform's output"
        );
        assert!(
            !all.contains("SasSignatureNeverLogged"),
            "the SAS URL leaked into Terraform's output"
        );
    }
    assert!(
        !fake.token_requests().is_empty(),
        "the secret was never used"
    );
    assert!(
        fake.stored(&format!("{}/config/backup", site_id("rg-app", "shop")))
            .is_none(),
        "site backup left behind"
    );
    fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_azure_app_on_a_provider_without_azure_fails_at_the_azure_block() {
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&(providers_without_clouds() + &root_app(35)));
    let output = blocking(|| {
        work.init();
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let all = output.combined();
    assert!(all.contains("Provider has no Azure settings"), "{all}");
    assert!(all.contains("azure"), "{all}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_azure_cannot_express_fails_the_plan_before_any_call() {
    let fake = FakeArm::start().await;
    let work = Workdir::new(&Terraform::v1_15());
    let config = providers(&fake) + &root_app(35);
    work.write_main_tf(&config.replace("cron(0 5 ? * * *)", "rate(12 hours)"));
    let output = blocking(|| {
        work.init();
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let all = output.combined();
    assert!(all.contains("Schedule not expressible in Azure"), "{all}");
    assert!(all.contains("daily"), "{all}");
    assert!(
        fake.calls().is_empty(),
        "plan called ARM: {:?}",
        fake.calls()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_without_an_azure_backed_ancestor_fails_the_plan() {
    let fake = FakeArm::start().await;
    let work = Workdir::new(&Terraform::v1_15());
    let config = providers(&fake)
        + r#"
resource "backup_app" "root" {
  name   = "org-root"
  policy = { rules = { daily = { schedule = "cron(0 5 ? * * *)", retention_days = 35 } } }
}

resource "backup_child" "vm1" {
  name   = "vm1"
  parent = backup_app.root.policy_document
  azure  = { vm_ids = ["/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1"] }
}
"#;
    work.write_main_tf(&config);
    let output = blocking(|| {
        work.init();
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    assert!(
        output.combined().contains("No Azure-backed ancestor"),
        "{output}"
    );
}
