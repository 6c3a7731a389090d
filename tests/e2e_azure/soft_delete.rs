//! Soft delete on destroy: a vault holding soft-deleted items is not deleted silently;
//! `force_destroy` purges them, except where soft delete is `AlwaysON`.

use crate::support::azure::{providers, vm_id};
use crate::support::fake_arm::server::FakeArm;
use crate::support::terraform::{unwrapped, Terraform};
use crate::support::workdir::Workdir;
use crate::{blocking, item_path, policy_id, root_app, vault_id};

/// The root with soft delete on (Azure's default) and one VM child, `force_destroy` as given.
fn soft_delete_tree(fake: &FakeArm, force_destroy: Option<bool>, with_child: bool) -> String {
    let mut root = root_app(35);
    if let Some(force) = force_destroy {
        root = root.replace(
            r#"  name = "org-root""#,
            &format!("  name = \"org-root\"\n  force_destroy = {force}"),
        );
    }
    let child = format!(
        r#"
resource "backup_child" "vm1" {{
  name   = "vm1"
  parent = backup_app.root.policy_document
  azure  = {{ vm_ids = ["{}"] }}
}}
"#,
        vm_id("vm1")
    );
    providers(fake) + &root + if with_child { &child } else { "" }
}

/// Soft delete keeps a stopped VM's item (and recovery points) in the vault, so Azure refuses to
/// delete the vault: destroy fails before deleting anything of the app and says why, until
/// `force_destroy = true` purges the items the documented way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soft_deleted_items_block_destroy_until_force_destroy() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    fake.add_vm(&vm_id("vm1"));
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&soft_delete_tree(&fake, None, true));
    let failed = blocking(|| {
        work.init();
        work.apply();
        work.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .assert_failure()
    });
    let message = unwrapped(&failed.stderr);
    for part in [
        "deleting Recovery Services Vault (rsv-org-root): the vault holds 1 soft-deleted backup item(s) (VMs: vm1)",
        "soft delete keeps until",
        "set force_destroy = true to purge them",
        "wait until the soft-delete retention has passed",
    ] {
        assert!(message.contains(part), "{part:?} not in:\n{failed}");
    }
    // Nothing of the app was deleted: vault, policy and the soft-deleted item remain, and so does
    // the app in the state.
    assert!(fake.stored(&vault_id()).is_some());
    assert!(fake.stored(&policy_id()).is_some());
    let item = fake.stored(&item_path("vm1")).expect("soft-deleted item");
    assert_eq!(item["properties"]["isScheduledForDeferredDelete"], true);
    let listed = blocking(|| work.run_ok(&["state", "list"]));
    assert_eq!(listed.stdout.trim(), "backup_app.root", "{listed}");

    work.write_main_tf(&soft_delete_tree(&fake, Some(true), false));
    blocking(|| {
        work.apply();
        work.destroy();
    });
    fake.assert_nothing_left();
    let patched = fake.calls().iter().any(|(method, path, status)| {
        method == "PATCH" && path.eq_ignore_ascii_case(&vault_id()) && *status < 300
    });
    assert!(
        patched,
        "soft delete was not turned off: {:?}",
        fake.calls()
    );
    fake.assert_valid();
}

/// With soft delete `AlwaysON`, Azure refuses to turn it off, so `force_destroy` cannot purge the
/// soft-deleted items: destroy fails before deleting anything of the app, says why, and leaves the
/// vault's soft delete as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn always_on_soft_delete_cannot_be_purged_by_force_destroy() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    fake.add_vm(&vm_id("vm1"));
    let work = Workdir::new(&Terraform::v1_15());
    let config = soft_delete_tree(&fake, Some(true), true).replace(
        r#"soft_delete          = "Enabled""#,
        r#"soft_delete          = "AlwaysON""#,
    );
    assert!(config.contains("AlwaysON"), "{config}");
    work.write_main_tf(&config);
    let failed = blocking(|| {
        work.init();
        work.apply();
        work.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .assert_failure()
    });
    let message = unwrapped(&failed.stderr);
    for part in [
        "rsv-org-root",
        "soft-deleted backup item(s) (VMs: vm1)",
        "its soft delete is AlwaysON, which cannot be turned off",
        "force_destroy cannot purge them",
    ] {
        assert!(message.contains(part), "{part:?} not in:\n{failed}");
    }
    assert!(fake.stored(&vault_id()).is_some(), "the vault was deleted");
    assert!(
        fake.stored(&policy_id()).is_some(),
        "the policy was deleted"
    );
    let item = fake.stored(&item_path("vm1")).expect("soft-deleted item");
    assert_eq!(item["properties"]["isScheduledForDeferredDelete"], true);
    let vault = fake.stored(&vault_id()).unwrap();
    assert_eq!(
        vault["properties"]["securitySettings"]["softDeleteSettings"]["softDeleteState"],
        "AlwaysON",
        "{vault}"
    );
    let listed = blocking(|| work.run_ok(&["state", "list"]));
    assert_eq!(listed.stdout.trim(), "backup_app.root", "{listed}");
    fake.assert_valid();
}
