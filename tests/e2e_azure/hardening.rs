//! Vault hardening from the inherited guardrails: the `CanNotDelete` management lock that
//! `require_delete_lock` puts on the vault (created, repaired after drift, respected on destroy
//! until `force_destroy`), and immutability that only rises. Every lock call is validated against
//! the vendored `Microsoft.Authorization/locks` 2020-05-01 spec.

use crate::support::azure::providers;
use crate::support::fake_arm::server::FakeArm;
use crate::support::terraform::{unwrapped, Terraform};
use crate::support::workdir::Workdir;
use crate::{blocking, policy_id, root_app, vault_id, RG};

fn lock_id() -> String {
    format!(
        "{}/providers/Microsoft.Authorization/locks/backup-provider-delete-lock",
        vault_id()
    )
}

/// The root with the hardening guardrails (and `force_destroy` as given), plus `extra`.
fn hardened(fake: &FakeArm, force_destroy: bool, immutability: &str, extra: &str) -> String {
    let root = root_app(35)
        .replace(
            r#"  name = "org-root""#,
            &format!(
                "  name = \"org-root\"\n  force_destroy = {force_destroy}\n  guardrails = {{\n    \
                 require_delete_lock = true\n    min_immutability = \"Unlocked\"\n  }}"
            ),
        )
        .replace(
            r#"immutability         = "Unlocked""#,
            &format!(r#"immutability         = "{immutability}""#),
        );
    providers(fake) + &root + extra
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_delete_lock_is_created_repaired_and_kept_until_force_destroy() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&hardened(&fake, false, "Unlocked", ""));
    blocking(|| {
        work.init();
        work.apply();
        work.assert_plan_clean();
    });
    let lock = fake
        .stored(&lock_id())
        .expect("no management lock on the vault");
    assert_eq!(lock["properties"]["level"], "CanNotDelete", "{lock}");

    // Removed out of band: the refresh sees it, and one apply puts it back.
    fake.remove(&lock_id());
    blocking(|| {
        assert_eq!(work.plan_exit_code(), 2);
        work.apply();
        work.assert_plan_clean();
    });
    assert!(fake.stored(&lock_id()).is_some(), "lock not repaired");

    // Loosening the guardrail below, or lowering immutability, fails the plan.
    let loosening = r#"
resource "backup_app" "dev" {
  name       = "dev"
  parent     = backup_app.root.policy_document
  guardrails = { require_delete_lock = false, min_immutability = "Disabled" }
}
"#;
    work.write_main_tf(&hardened(&fake, false, "Disabled", ""));
    let failed = blocking(|| {
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let message = unwrapped(&failed.stderr);
    for part in [
        "Immutability lowered",
        "would lower the vault's immutability from Unlocked",
        "Immutability below guardrail",
        "min_immutability = \"Unlocked\" set by app \"org-root\"",
    ] {
        assert!(message.contains(part), "{part:?} not in:\n{failed}");
    }
    work.write_main_tf(&hardened(&fake, false, "Unlocked", loosening));
    let failed = blocking(|| {
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let message = unwrapped(&failed.stderr);
    for part in [
        "require_delete_lock = false would loosen require_delete_lock = true set by app \"org-root\"",
        "min_immutability = \"Disabled\" would loosen min_immutability = \"Unlocked\" set by app \"org-root\"",
    ] {
        assert!(message.contains(part), "{part:?} not in:\n{failed}");
    }

    // Destroy fails on the lock, before anything is removed.
    work.write_main_tf(&hardened(&fake, false, "Unlocked", ""));
    let failed = blocking(|| {
        work.run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .assert_failure()
    });
    let message = unwrapped(&failed.stderr);
    for part in [
        "deleting Recovery Services Vault (rsv-org-root)",
        "management lock \"backup-provider-delete-lock\"",
        "set force_destroy = true",
    ] {
        assert!(message.contains(part), "{part:?} not in:\n{failed}");
    }
    assert!(fake.stored(&vault_id()).is_some());
    assert!(fake.stored(&policy_id()).is_some());
    assert!(fake.stored(&lock_id()).is_some());

    // force_destroy: the lock goes first, then the app.
    work.write_main_tf(&hardened(&fake, true, "Unlocked", ""));
    blocking(|| {
        work.apply();
        work.destroy();
    });
    assert!(fake.stored(&lock_id()).is_none(), "lock left behind");
    assert!(fake.stored(&vault_id()).is_none(), "vault left behind");
    fake.assert_valid();
}

const KEY_URI: &str = "https://kv-backup.vault.azure.net/keys/backup";

fn identity_id() -> String {
    format!(
        "/subscriptions/{}/resourceGroups/{RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/backup",
        crate::support::fake_arm::server::SUBSCRIPTION
    )
}

/// The root with `require_encryption` and the given `encryption` block (empty: none).
fn encrypted(fake: &FakeArm, encryption: &str) -> String {
    let root = root_app(35)
        .replace(
            r#"  name = "org-root""#,
            "  name = \"org-root\"\n  guardrails = { require_encryption = true }",
        )
        .replace(
            r#"immutability         = "Unlocked""#,
            &format!("immutability         = \"Unlocked\"\n    {encryption}"),
        );
    providers(fake) + &root
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_managed_key_is_required_realised_and_never_turned_off() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    let work = Workdir::new(&Terraform::v1_15());

    // The guardrail asks for a key: without one the plan fails before any call.
    work.write_main_tf(&encrypted(&fake, ""));
    let failed = blocking(|| {
        work.init();
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let message = unwrapped(&failed.stderr);
    assert!(
        message.contains("Encryption required by guardrail")
            && message.contains("guardrails.require_encryption = true set by app \"org-root\""),
        "{failed}"
    );
    assert!(fake.stored(&vault_id()).is_none());

    let block = format!(
        "encryption = {{ key_uri = \"{KEY_URI}\", user_assigned_identity_id = \"{}\" }}",
        identity_id()
    );
    work.write_main_tf(&encrypted(&fake, &block));
    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });
    let vault = fake.stored(&vault_id()).expect("vault not created");
    assert_eq!(
        vault["properties"]["encryption"]["keyVaultProperties"]["keyUri"], KEY_URI,
        "{vault}"
    );
    assert_eq!(
        vault["properties"]["encryption"]["kekIdentity"]["userAssignedIdentity"],
        identity_id().as_str()
    );
    assert_eq!(vault["identity"]["type"], "UserAssigned");

    // Once on, the key cannot be removed from the configuration.
    work.write_main_tf(&(providers(&fake) + &root_app(35)));
    let failed = blocking(|| {
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let message = unwrapped(&failed.stderr);
    assert!(
        message.contains("Encryption turned off")
            && message.contains("Azure does not turn customer-managed keys off"),
        "{failed}"
    );

    work.write_main_tf(&encrypted(&fake, &block));
    blocking(|| work.destroy());
    assert!(fake.stored(&vault_id()).is_none(), "vault left behind");
    fake.assert_valid();
}
