//! Every example under `examples/` is a working configuration: `terraform validate` passes on each
//! with Terraform 1.15.5 (the provider through dev_overrides), and the multi-account example
//! applies against the AWS emulator — a central account and a member account reached with
//! `assume_role`, one module call per account — with a clean plan afterwards, then destroys.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::aws::CENTRAL;
use support::aws_emulator::{self, AwsEmulator};
use support::state::resource_values;
use support::terraform::Terraform;
use support::workdir::Workdir;

/// Every example directory (module directories are checked through the examples that call them).
const EXAMPLES: &[&str] = &[
    "access-alerts-audit",
    "actions/backup_restore_test",
    "actions/backup_start_job",
    "app-service",
    "apigee",
    "azure",
    "azure-hardening",
    "backstage",
    "data-sources/backup_backstage_catalog",
    "data-sources/backup_compliance",
    "data-sources/backup_policy",
    "functions/backup_role_policy",
    "functions/effective_policy",
    "functions/explain",
    "functions/violations",
    "least-privilege-role",
    "list-resources/backup_app",
    "list-resources/backup_child",
    "list-resources/backup_recovery_point",
    "multi-account",
    "multi-level",
    "policy-tree",
    "proving-backups",
    "provider",
    "resources/backup_app",
    "resources/backup_child",
    "resources/backup_recovery_point",
];

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Copies `src` into `dest` recursively (Terraform files, modules, READMEs).
fn copy_tree(src: &Path, dest: &Path) {
    std::fs::create_dir_all(dest).expect("creating a directory");
    for entry in std::fs::read_dir(src).expect("reading an example directory") {
        let entry = entry.expect("directory entry");
        let target = dest.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copying an example file");
        }
    }
}

/// A working directory holding a copy of `examples/<name>`. Snippets without a `terraform` block
/// (the per-resource examples the docs show) get one requiring the provider.
fn workdir_with(tf: &Terraform, name: &str) -> Workdir {
    let workdir = Workdir::new(tf);
    let src = examples_dir().join(name);
    copy_tree(&src, workdir.path());
    let declares_provider = std::fs::read_dir(&src)
        .expect("reading the example")
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .any(|text| text.contains("required_providers"));
    if !declares_provider {
        workdir.write_file(
            "zz_test_required_providers.tf",
            &support::terraform::required_providers(),
        );
    }
    workdir
}

fn validates(name: &str) {
    let workdir = workdir_with(&Terraform::v1_15(), name);
    workdir.init();
    workdir.validate();
}

#[test]
fn every_example_directory_is_tested() {
    fn collect(dir: &Path, base: &Path, out: &mut BTreeSet<String>) {
        let mut has_tf = false;
        for entry in std::fs::read_dir(dir).expect("reading examples") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                // Modules are validated through the examples that call them.
                if path.file_name().is_some_and(|n| n != "modules") {
                    collect(&path, base, out);
                }
            } else if path.extension().is_some_and(|e| e == "tf") {
                has_tf = true;
            }
        }
        if has_tf {
            let relative = dir.strip_prefix(base).expect("under examples/");
            out.insert(relative.to_string_lossy().into_owned());
        }
    }
    let mut found = BTreeSet::new();
    collect(&examples_dir(), &examples_dir(), &mut found);
    let tested: BTreeSet<String> = EXAMPLES.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(
        found, tested,
        "every example directory needs a validate test in tests/examples.rs"
    );
}

#[test]
fn validate_action_backup_restore_test() {
    validates("actions/backup_restore_test");
}

#[test]
fn validate_action_backup_start_job() {
    validates("actions/backup_start_job");
}

/// `terraform validate -query`: the `.tfquery.hcl` files are validated too (Terraform 1.14+).
fn validates_query(name: &str) {
    let workdir = workdir_with(&Terraform::v1_15(), name);
    workdir.init();
    workdir.run_ok(&["validate", "-query", "-no-color"]);
}

#[test]
fn validate_list_resource_backup_app() {
    validates_query("list-resources/backup_app");
}

#[test]
fn validate_list_resource_backup_child() {
    validates_query("list-resources/backup_child");
}

/// The Apigee example applies against the fake Apigee API and blob service: one export with its
/// manifest, a clean plan, and a destroy that keeps the export.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_apigee_against_the_fakes() {
    use support::fake_apigee::{FakeApigee, ACCESS_TOKEN};
    use support::fake_blob::FakeBlob;
    let apigee = FakeApigee::start().await;
    apigee.add_proxy_revision("acme", "orders", 4);
    apigee.add_environment("acme", "prod");
    let blob = FakeBlob::start().await;
    let mut workdir = workdir_with(&Terraform::v1_15(), "apigee");
    workdir
        .env("APIGEE_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("TF_VAR_apigee_endpoint", apigee.url())
        .env("TF_VAR_container_url", &blob.container_sas_url());
    tokio::task::block_in_place(|| {
        workdir.init();
        workdir.apply();
        workdir.assert_plan_clean();
        workdir.destroy();
    });
    let manifests: Vec<String> = blob
        .names()
        .into_iter()
        .filter(|n| n.ends_with("/manifest.json"))
        .collect();
    assert_eq!(manifests.len(), 1, "{:?}", blob.names());
    assert!(blob
        .names()
        .iter()
        .any(|n| n.ends_with("/proxies/orders/revision-4.zip")));
}

#[test]
fn validate_list_resource_backup_recovery_point() {
    validates_query("list-resources/backup_recovery_point");
}

#[test]
fn validate_app_service() {
    validates("app-service");
}

#[test]
fn validate_azure() {
    validates("azure");
}

/// The hardening example applies against the fake ARM server (every call checked against the
/// vendored specs): the vault gets its delete lock, customer-managed key, immutability and Resource
/// Guard; the next plan is clean; destroy stops at the lock until `force_destroy`, then leaves
/// nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_hardening_applies_against_the_fake_arm_server() {
    use support::azure::vm_id;
    use support::fake_arm::server::{FakeArm, CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION, TENANT};
    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    let vms = [vm_id("web-1"), vm_id("web-2")];
    for vm in &vms {
        fake.add_vm(vm);
    }
    let mut workdir = workdir_with(&Terraform::v1_15(), "azure-hardening");
    workdir
        .env("ARM_SUBSCRIPTION_ID", SUBSCRIPTION)
        .env("ARM_TENANT_ID", TENANT)
        .env("ARM_CLIENT_ID", CLIENT_ID)
        .env("ARM_CLIENT_SECRET", CLIENT_SECRET)
        .env("ARM_USE_CLI", "false")
        .env("AZURE_AUTHORITY_HOST", fake.url())
        .env("TF_VAR_resource_manager_endpoint", fake.url())
        .env("TF_VAR_vm_ids", &serde_json::json!(vms).to_string());
    tokio::task::block_in_place(|| {
        workdir.init();
        workdir.apply();
        workdir.assert_plan_clean();
    });
    let vault_id = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-org-root"
    );
    let vault = fake.stored(&vault_id).expect("vault not created");
    let properties = &vault["properties"];
    assert_eq!(
        properties["encryption"]["keyVaultProperties"]["keyUri"],
        "https://kv-backup.vault.azure.net/keys/backup",
        "{vault}"
    );
    assert_eq!(
        properties["securitySettings"]["immutabilitySettings"]["state"], "Unlocked",
        "{vault}"
    );
    // The fake keys what it stores by the lowercased path, as ARM ids are case-insensitive.
    let stored = fake.stored_paths();
    let vault_key = vault_id.to_ascii_lowercase();
    for part in [
        "/providers/microsoft.authorization/locks/",
        "/backupresourceguardproxies/vaultproxy",
    ] {
        assert!(
            stored
                .iter()
                .any(|p| p.to_ascii_lowercase().starts_with(&vault_key)
                    && p.to_ascii_lowercase().contains(part)),
            "no {part} under the vault: {stored:?}"
        );
    }

    // The lock holds on destroy until force_destroy is set.
    let refused = tokio::task::block_in_place(|| {
        workdir
            .run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .assert_failure()
    });
    assert!(fake.stored(&vault_id).is_some(), "{refused}");
    workdir.env("TF_VAR_force_destroy", "true");
    tokio::task::block_in_place(|| {
        workdir.apply();
        workdir.destroy();
    });
    fake.assert_nothing_left();
    fake.assert_valid();
}

#[test]
fn validate_backstage() {
    validates("backstage");
}

#[test]
fn validate_data_source_backup_backstage_catalog() {
    validates("data-sources/backup_backstage_catalog");
}

#[test]
fn validate_data_source_backup_compliance() {
    validates("data-sources/backup_compliance");
}

#[test]
fn validate_data_source_backup_policy() {
    validates("data-sources/backup_policy");
}

#[test]
fn validate_function_backup_role_policy() {
    validates("functions/backup_role_policy");
}

#[test]
fn validate_function_effective_policy() {
    validates("functions/effective_policy");
}

#[test]
fn validate_function_explain() {
    validates("functions/explain");
}

#[test]
fn validate_function_violations() {
    validates("functions/violations");
}

#[test]
fn validate_multi_account() {
    validates("multi-account");
}

#[test]
fn validate_multi_level() {
    validates("multi-level");
}

#[test]
fn validate_policy_tree() {
    validates("policy-tree");
}

#[test]
fn validate_proving_backups() {
    validates("proving-backups");
}

#[test]
fn validate_provider() {
    validates("provider");
}

#[test]
fn validate_resource_backup_app() {
    validates("resources/backup_app");
}

#[test]
fn validate_resource_backup_child() {
    validates("resources/backup_child");
}

#[test]
fn validate_resource_backup_recovery_point() {
    validates("resources/backup_recovery_point");
}

#[test]
fn multi_account_applies_against_the_aws_emulator() {
    let emulator = AwsEmulator::start();
    let mut workdir = workdir_with(&Terraform::v1_15(), "multi-account");
    workdir
        .aws_credentials(CENTRAL)
        .env("AWS_REGION", aws_emulator::REGION);
    workdir.write_file(
        "terraform.tfvars",
        &format!(
            "aws_endpoint = \"{}\"\nregion = \"{}\"\n",
            emulator.endpoint(),
            aws_emulator::REGION
        ),
    );
    workdir.init();
    workdir.apply();
    let state = workdir.state_json();

    let root = resource_values(&state, "backup_app.root");
    let vault_arn = root["aws_vault_arn"].as_str().unwrap_or_default();
    assert!(
        vault_arn.contains(&format!(":{CENTRAL}:backup-vault:org-central")),
        "the central vault should be in {CENTRAL}: {root:#}"
    );
    assert!(root["aws_plan_id"].is_string(), "no root plan: {root:#}");

    // The child in the central account joins the root plan; the one in the member account has its
    // own plan there.
    let shared = resource_values(&state, "module.shared.backup_child.workload[\"wiki\"]");
    assert_eq!(shared["mode"], "joined", "{shared:#}");
    assert_eq!(
        shared["aws_plan_id"], root["aws_plan_id"],
        "a joined child uses its ancestor's plan"
    );
    let payments = resource_values(&state, "module.payments.backup_child.workload[\"ledger\"]");
    assert_eq!(payments["mode"], "derived", "{payments:#}");
    assert_ne!(payments["aws_plan_id"], root["aws_plan_id"]);
    assert!(payments["aws_selection_id"].is_string(), "{payments:#}");

    // The member account's effective rules: payments' 90-day dailies, copying to the central vault.
    let document: Value = serde_json::from_str(
        payments["policy_document"]
            .as_str()
            .expect("policy_document"),
    )
    .expect("policy_document is JSON");
    let text = document.to_string();
    assert!(
        text.contains("90"),
        "payments' daily retention should be 90: {document:#}"
    );
    assert!(
        text.contains("org-root") && text.contains("payments"),
        "the lineage should run from org-root through payments: {document:#}"
    );

    let outputs = workdir.outputs_json();
    let tree = &outputs["tree"]["value"];
    for app in [
        "org-root",
        "shared",
        "shared-wiki",
        "payments",
        "payments-ledger",
    ] {
        assert!(tree.get(app).is_some(), "output tree lacks {app}: {tree:#}");
    }

    workdir.assert_plan_clean();
    workdir.destroy();
}

#[test]
fn proving_backups_applies_against_the_aws_emulator() {
    let emulator = AwsEmulator::start();
    let mut workdir = workdir_with(&Terraform::v1_15(), "proving-backups");
    workdir
        .aws_credentials(CENTRAL)
        .env("AWS_REGION", aws_emulator::REGION);
    workdir.write_file(
        "terraform.tfvars",
        &format!(
            "aws_endpoint = \"{}\"\nregion = \"{}\"\ncommit_sha = \"abc1234\"\n",
            emulator.endpoint(),
            aws_emulator::REGION
        ),
    );
    workdir.init();
    workdir.apply();
    let state = workdir.state_json();

    let orders = resource_values(&state, "backup_child.orders");
    assert_eq!(orders["mode"], "joined", "{orders:#}");
    let outputs = workdir.outputs_json();
    let controls = &outputs["audit_controls"]["value"];
    assert_eq!(
        controls["BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"]["requiredRetentionDays"], "30",
        "{controls:#}"
    );
    assert!(
        controls
            .get("RESTORE_TIME_FOR_RESOURCES_MEET_TARGET")
            .is_some(),
        "restore testing is required, so its control is there: {controls:#}"
    );
    let testing = &outputs["restore_testing"]["value"];
    assert_eq!(
        testing["orders"]["validation_window_hours"], 4,
        "{testing:#}"
    );
    assert_eq!(
        testing["orders"]["schedule"], "cron(0 3 ? * SUN *)",
        "{testing:#}"
    );
    assert_eq!(
        testing["org-root"]["validation_window_hours"], 12,
        "{testing:#}"
    );

    workdir.assert_plan_clean();
    workdir.destroy();
}

#[test]
fn validate_access_alerts_audit() {
    validates("access-alerts-audit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_alerts_audit_applies_against_the_aws_emulator() {
    use terraform_provider_backup::cloud::BackupBackend;

    let emulator = AwsEmulator::start();
    let mut workdir = workdir_with(&Terraform::v1_15(), "access-alerts-audit");
    workdir
        .aws_credentials(CENTRAL)
        .env("AWS_REGION", aws_emulator::REGION);
    workdir.write_file(
        "terraform.tfvars",
        &format!(
            "aws_endpoint = \"{}\"\nregion = \"{}\"\n",
            emulator.endpoint(),
            aws_emulator::REGION
        ),
    );
    tokio::task::block_in_place(|| {
        workdir.init();
        workdir.apply();
        workdir.assert_plan_clean();
    });
    assert_eq!(workdir.outputs_json()["ledger_mode"]["value"], "joined");

    // Through the AWS API: payments' vault lets its restorer in and protects recovery points.
    let (_, backend) = emulator.connect(CENTRAL).await;
    let access = backend
        .find_vault_access("payments")
        .await
        .unwrap()
        .expect("payments' vault access policy");
    assert_eq!(
        access.restorers,
        [format!("arn:aws:iam::{CENTRAL}:role/PaymentsRestore")]
    );
    assert!(access.protect_recovery_points);
    let notifications = backend
        .find_vault_notifications("org-root")
        .await
        .unwrap()
        .expect("org-root's notifications");
    assert!(notifications.sns_topic_arn.ends_with(":backup-alerts"));

    tokio::task::block_in_place(|| {
        workdir.destroy();
    });
    assert_eq!(
        backend.find_vault_notifications("org-root").await.unwrap(),
        None
    );
}

/// The least-privilege role example with hashicorp/aws from the image's filesystem mirror: the
/// role and its inline policy are created in the emulator's IAM with exactly the function's
/// document, the child uses the role, and a second plan is clean.
#[test]
fn least_privilege_role_applies_against_the_aws_emulator() {
    let mirror =
        std::env::var("BACKUP_TF_PLUGIN_MIRROR").unwrap_or_else(|_| "/opt/tf-plugins".into());
    let emulator = AwsEmulator::start();
    let mut workdir = workdir_with(&Terraform::v1_15(), "least-privilege-role");
    workdir
        .aws_credentials(CENTRAL)
        .env("AWS_REGION", aws_emulator::REGION)
        .filesystem_mirror(&mirror, &["registry.terraform.io/hashicorp/*"]);
    workdir.write_file(
        "terraform.tfvars",
        &format!(
            "aws_endpoint = \"{}\"\nregion = \"{}\"\naccount_id = \"{CENTRAL}\"\n",
            emulator.endpoint(),
            aws_emulator::REGION
        ),
    );
    workdir.init();
    workdir.apply();
    let state = workdir.state_json();
    let outputs = workdir.outputs_json();
    let rendered: Value = serde_json::from_str(
        outputs["orders_role_policy"]["value"]
            .as_str()
            .expect("the rendered policy"),
    )
    .expect("JSON");
    let inline = resource_values(&state, "aws_iam_role_policy.orders_backup");
    let stored: Value =
        serde_json::from_str(inline["policy"].as_str().expect("policy")).expect("JSON");
    assert_eq!(stored, rendered, "the role carries the function's document");
    let tables = rendered["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "DynamoDBTables")
        .expect("a DynamoDB statement")["Resource"]
        .clone();
    assert_eq!(
        tables,
        serde_json::json!([
            format!(
                "arn:aws:dynamodb:{}:{CENTRAL}:table/order-events",
                aws_emulator::REGION
            ),
            format!(
                "arn:aws:dynamodb:{}:{CENTRAL}:table/orders",
                aws_emulator::REGION
            ),
        ]),
        "scoped to the child's two tables"
    );
    let child = resource_values(&state, "backup_child.orders");
    assert_eq!(
        child["aws"]["iam_role_arn"], outputs["orders_role_arn"]["value"],
        "{child:#}"
    );
    workdir.assert_plan_clean();
    workdir.destroy();
}
