//! Multi-user authorization on Terraform 1.15: under `guardrails.require_resource_guard` a vault
//! without `azure.resource_guard_id` fails the plan; with one, apply associates the vault with the
//! guard (its `VaultProxy`), an association removed out of band is put back, and dropping the
//! guard or destroying the app removes it the way Azure requires (unlock first; the fake refuses a
//! delete that was not unlocked). Every call is validated against the BMS spec.

use crate::support::azure::providers;
use crate::support::fake_arm::server::{FakeArm, SUBSCRIPTION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::{blocking, root_app, vault_id};

fn guard() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-sec/providers/Microsoft.DataProtection/resourceGuards/guard")
}

fn proxy() -> String {
    format!("{}/backupResourceGuardProxies/VaultProxy", vault_id())
}

/// The root (soft delete off) under the guardrail (when asked), with the guard (when given).
fn config(fake: &FakeArm, guardrail: bool, guard: Option<&str>) -> String {
    let mut root = root_app(35).replace(
        r#"soft_delete          = "Enabled""#,
        r#"soft_delete          = "Disabled""#,
    );
    if guardrail {
        root = root.replace(
            r#"  name = "org-root""#,
            "  name = \"org-root\"\n  guardrails = { require_resource_guard = true }",
        );
    }
    if let Some(guard) = guard {
        root = root.replace(
            r#"    vault_name           = "rsv-org-root""#,
            &format!("    vault_name           = \"rsv-org-root\"\n    resource_guard_id    = \"{guard}\""),
        );
    }
    providers(fake) + &root
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resource_guard_is_required_associated_repaired_and_released() {
    let fake = FakeArm::start().await;
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&config(&fake, true, None));
    let failed = blocking(|| {
        work.init();
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let text = failed.unwrapped();
    for part in [
        "Error: Resource Guard required",
        "guardrails.require_resource_guard = true set by app \"org-root\" requires every vault to be associated \
         with a Resource Guard",
        "set azure.resource_guard_id",
    ] {
        assert!(text.contains(part), "{part:?} not in:\n{failed}");
    }

    work.write_main_tf(&config(&fake, true, Some(&guard())));
    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });
    let stored = fake
        .stored(&proxy())
        .expect("no Resource Guard association");
    assert_eq!(
        stored["properties"]["resourceGuardResourceId"],
        guard().as_str()
    );

    // Removed out of band: the refresh sees it, and one apply puts it back.
    fake.remove(&proxy());
    blocking(|| {
        assert_eq!(work.plan_exit_code(), 2);
        work.apply();
        work.assert_plan_clean();
    });
    assert!(fake.stored(&proxy()).is_some(), "association not repaired");

    // Without the guardrail the guard may go: unlocked, then deleted.
    work.write_main_tf(&config(&fake, false, None));
    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });
    assert!(fake.stored(&proxy()).is_none(), "association left behind");
    let unlocks = |fake: &FakeArm| {
        fake.calls()
            .iter()
            .filter(|(m, p, s)| m == "POST" && p.ends_with("/unlockDelete") && *s == 200)
            .count()
    };
    assert_eq!(unlocks(&fake), 1);

    // Destroy releases it too, before the vault goes.
    work.write_main_tf(&config(&fake, false, Some(&guard())));
    blocking(|| {
        work.apply();
        work.destroy();
    });
    assert_eq!(unlocks(&fake), 2);
    fake.assert_nothing_left();
    fake.assert_valid();
}
