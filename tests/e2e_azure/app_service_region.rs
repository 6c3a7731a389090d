//! The App Service region check on Terraform 1.15: the App Service and the storage account that
//! receives its backups in one region plan quietly; in two regions the plan warns, naming both and
//! the site (and the vault, once it exists elsewhere); under the inherited guardrail
//! `require_app_service_same_region` the plan fails naming the path, the ancestor and the rule.
//! The SAS URL appears in no output.

use crate::support::azure::{providers, site_id};
use crate::support::fake_arm::server::{FakeArm, SUBSCRIPTION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::{blocking, root_app, SAS};

fn account_id() -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Storage/storageAccounts/backupacct")
}

/// The root (its vault in westeurope; the guardrail when asked) and the child backing up the
/// shop app, naming its storage account by id when asked.
fn config(fake: &FakeArm, guardrail: bool, by_id: bool) -> String {
    let mut root = root_app(35).replace(
        r#"soft_delete          = "Enabled""#,
        r#"soft_delete          = "Disabled""#,
    );
    if guardrail {
        root = root.replace(
            r#"  name = "org-root""#,
            "  name = \"org-root\"\n  guardrails = { require_app_service_same_region = true }",
        );
    }
    let account = if by_id {
        format!("      storage_account_id  = \"{}\"\n", account_id())
    } else {
        String::new()
    };
    providers(fake)
        + &root
        + &format!(
            r#"
variable "sas_url" {{
  type      = string
  sensitive = true
}}

resource "backup_child" "shop" {{
  name   = "shop"
  parent = backup_app.root.policy_document
  azure = {{
    app_service = {{
      site_id             = "{site}"
      storage_account_url = var.sas_url
{account}    }}
  }}
}}
"#,
            site = site_id("rg-app", "shop"),
        )
}

/// A fake serving the shop app in `site_region` and its storage account in `account_region`.
async fn fixture(site_region: &str, account_region: &str) -> (FakeArm, Workdir) {
    let fake = FakeArm::start().await;
    fake.add_site_in(&site_id("rg-app", "shop"), site_region);
    fake.add_storage_account(&account_id(), account_region);
    let mut work = Workdir::new(&Terraform::v1_15());
    work.env("TF_VAR_sas_url", SAS);
    (fake, work)
}

fn plan(work: &Workdir) -> String {
    let out = work.run_ok(&["plan", "-input=false", "-no-color"]);
    let text = out.unwrapped();
    assert!(
        !text.contains("SasSignatureNeverLogged"),
        "the SAS URL is in the output:\n{out}"
    );
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_region_plans_without_a_warning() {
    let (fake, work) = fixture("West Europe", "westeurope").await;
    work.write_main_tf(&config(&fake, true, false));
    blocking(|| {
        work.init();
        let text = plan(&work);
        assert!(!text.contains("Warning: App Service"), "{text}");
        work.apply();
        // With the vault in place too (westeurope), the next plan is still quiet and clean.
        let text = plan(&work);
        assert!(
            !text.contains("Warning: App Service") && text.contains("No changes"),
            "{text}"
        );
        work.destroy();
    });
    fake.assert_valid();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_regions_warn_naming_the_site_the_account_and_both_regions() {
    let (fake, work) = fixture("eastus", "westeurope").await;
    work.write_main_tf(&config(&fake, false, false));
    blocking(|| {
        work.init();
        let text = plan(&work);
        for part in [
            "Warning: App Service backup in another region",
            "The App Service \"shop\" is in eastus, but its backups go to the storage account \"backupacct\" in westeurope",
            "use a storage account in eastus",
        ] {
            assert!(text.contains(part), "{part:?} not in:\n{text}");
        }
        // A warning does not stop the apply; then the vault (westeurope) is named too.
        work.apply();
        let text = plan(&work);
        for part in [
            "Warning: App Service and vault in different regions",
            "the vault \"rsv-org-root\" that holds this child's other backups is in westeurope",
        ] {
            assert!(text.contains(part), "{part:?} not in:\n{text}");
        }
        work.destroy();
    });
    assert!(fake
        .stored(&format!("{}/config/backup", site_id("rg-app", "shop")))
        .is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guardrail_fails_the_plan_naming_the_path_the_ancestor_and_the_rule() {
    let (fake, work) = fixture("eastus", "westeurope").await;
    work.write_main_tf(&config(&fake, true, true));
    let failed = blocking(|| {
        work.init();
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let text = failed.unwrapped();
    for part in [
        "Error: App Service backup outside the site's region",
        "storage_account_id = \"/subscriptions/",
        "The App Service \"shop\" is in eastus, but its backups go to the storage account \"backupacct\" in westeurope",
        "guardrails.require_app_service_same_region = true set by app \"org-root\" requires App Service backups in \
         the App Service's region",
    ] {
        assert!(text.contains(part), "{part:?} not in:\n{failed}");
    }
    assert!(!text.contains("SasSignatureNeverLogged"), "{failed}");

    // A descendant cannot loosen it.
    let loosening = r#"
resource "backup_app" "dev" {
  name       = "dev"
  parent     = backup_app.root.policy_document
  guardrails = { require_app_service_same_region = false }
}
"#;
    fake.add_site_in(&site_id("rg-app", "shop"), "westeurope");
    work.write_main_tf(&(config(&fake, true, true) + loosening));
    let failed = blocking(|| {
        work.run(&["plan", "-input=false", "-no-color"])
            .assert_failure()
    });
    let text = failed.unwrapped();
    assert!(
        text.contains(
            "require_app_service_same_region = false would loosen require_app_service_same_region = true set by \
             app \"org-root\""
        ),
        "{failed}"
    );
    assert!(!text.contains("outside the site's region"), "{failed}");
}
