//! `backup_app` on Azure with real Terraform against the fake ARM server: every request the
//! provider sends (and every answer) is validated against the Azure REST specs.

mod common;
#[path = "fake_arm/mod.rs"]
mod fake_arm;

use common::{required_providers, resource_values, Terraform, Workdir};
use fake_arm::server::{FakeArm, CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION, TENANT};

const RG: &str = "rg-backup";

fn providers(fake: &FakeArm) -> String {
    format!(
        r#"{required}
provider "backup" {{
  azure = {{
    subscription_id           = "{SUBSCRIPTION}"
    tenant_id                 = "{TENANT}"
    client_id                 = "{CLIENT_ID}"
    client_secret             = "{CLIENT_SECRET}"
    use_cli                   = false
    resource_manager_endpoint = "{url}"
    authority_host            = "{url}"
  }}
}}
"#,
        required = required_providers(),
        url = fake.url()
    )
}

fn root_app(retention_days: u32) -> String {
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

fn vault_id() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.RecoveryServices/vaults/rsv-org-root")
}

fn policy_id() -> String {
    format!("{}/backupPolicies/org-root", vault_id())
}

fn blocking<T>(f: impl FnOnce() -> T) -> T {
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
        let plan = work.plan();
        // Both ids are known at plan time.
        assert!(
            plan.stdout.contains(&vault_id()),
            "vault id not in the plan:\n{plan}"
        );
        assert!(
            plan.stdout.contains(&policy_id()),
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
        let plan = work.plan();
        assert!(
            plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
            "expected an in-place update:\n{plan}"
        );
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
async fn the_client_secret_never_appears_in_trace_logs() {
    let fake = FakeArm::start().await;
    let mut work = Workdir::new(&Terraform::v1_15());
    work.env("TF_LOG", "trace");
    work.write_main_tf(&(providers(&fake) + &root_app(35)));
    let outputs = blocking(|| {
        work.init();
        vec![work.apply(), work.plan(), work.destroy()]
    });
    for output in outputs {
        let all = output.combined();
        assert!(
            all.contains("TRACE") || all.contains("[TRACE]"),
            "no trace logs captured"
        );
        assert!(
            !all.contains(CLIENT_SECRET),
            "the client secret leaked into Terraform's output"
        );
    }
    assert!(
        !fake.token_requests().is_empty(),
        "the secret was never used"
    );
    fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_azure_app_on_a_provider_without_azure_fails_at_the_azure_block() {
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(
        &(format!("{}\nprovider \"backup\" {{}}\n", required_providers()) + &root_app(35)),
    );
    let output = blocking(|| {
        work.init();
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let all = output.combined();
    assert!(all.contains("Provider has no Azure settings"), "{all}");
    assert!(all.contains("azure"), "{all}");
}
