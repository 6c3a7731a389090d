//! Apigee exports with real Terraform: `backup_child.apigee` exports an organization's proxies
//! and environment configuration to a blob container, and the `export-apigee` command does it again.

use super::blocking;
use super::support::fake_apigee::{FakeApigee, ACCESS_TOKEN};
use super::support::fake_blob::FakeBlob;
use super::support::state::resource_values;
use super::support::terraform::{required_providers, Terraform, PROVIDER_BINARY};
use super::support::workdir::Workdir;

/// An organization with two proxies (one with two revisions) and two environments.
pub(crate) async fn apigee_fixture() -> FakeApigee {
    let fake = FakeApigee::start().await;
    fake.add_proxy_revision("acme", "orders", 1);
    fake.add_proxy_revision("acme", "orders", 2);
    fake.add_proxy_revision("acme", "payments", 1);
    fake.add_environment("acme", "prod");
    fake.add_environment("acme", "test");
    fake
}

const ORG_ROOT: &str = r#"
resource "backup_app" "root" {
  name = "org-root"
  policy = {
    rules = {
      daily   = { schedule = "cron(0 5 ? * * *)", retention_days = 35 }
      monthly = { schedule = "cron(0 5 1 * ? *)", retention_days = 365 }
    }
    tags = { owner = "platform" }
  }
}
"#;

/// The provider reaching `apigee` (the token comes from `APIGEE_ACCESS_TOKEN`), the root, and a
/// child exporting `organization` to the container in `TF_VAR_container_url`.
fn apigee_config(apigee: &FakeApigee, organization: &str) -> String {
    format!(
        r#"{required}
provider "backup" {{
  apigee = {{ endpoint = "{endpoint}" }}
}}

variable "container_url" {{
  type      = string
  sensitive = true
}}
{ORG_ROOT}
resource "backup_child" "api" {{
  name   = "api-platform"
  parent = backup_app.root.policy_document
  apigee = {{
    organization  = "{organization}"
    container_url = var.container_url
  }}
}}
"#,
        required = required_providers(),
        endpoint = apigee.url(),
    )
}

fn workdir(apigee: &FakeApigee, blob: &FakeBlob, organization: &str) -> Workdir {
    let mut work = Workdir::new(&Terraform::v1_15());
    work.env("APIGEE_ACCESS_TOKEN", ACCESS_TOKEN);
    work.env("TF_VAR_container_url", &blob.container_sas_url());
    work.write_main_tf(&apigee_config(apigee, organization));
    work
}

/// The export prefixes (`apigee/acme/<stamp>/`) in the container, oldest first.
fn exports(blob: &FakeBlob) -> Vec<String> {
    let mut prefixes: Vec<String> = blob
        .names()
        .iter()
        .filter_map(|n| n.strip_suffix("manifest.json").map(str::to_owned))
        .collect();
    prefixes.sort();
    prefixes
}

fn sha256_hex(content: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Checks the export at `prefix` against its manifest: every file listed, hashes right.
fn assert_export(blob: &FakeBlob, prefix: &str, proxies: &[(&str, &str)]) -> serde_json::Value {
    let manifest: serde_json::Value =
        serde_json::from_slice(&blob.get(&format!("{prefix}manifest.json")).unwrap().content)
            .unwrap();
    assert_eq!(manifest["format"], "apigee-export/1");
    assert_eq!(manifest["organization"], "acme");
    assert_eq!(manifest["prefix"], prefix);
    assert_eq!(manifest["schedule"], "0 5 * * *");
    assert_eq!(manifest["retention_days"], 365);
    assert_eq!(manifest["tags"]["owner"], "platform");
    let mut expected: Vec<String> = proxies
        .iter()
        .map(|(api, rev)| format!("proxies/{api}/revision-{rev}.zip"))
        .collect();
    expected.extend([
        "environments/prod/deployedConfig.json".into(),
        "environments/test/deployedConfig.json".into(),
    ]);
    let files = manifest["files"].as_array().unwrap();
    let listed: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(listed, expected);
    for file in files {
        let stored = blob
            .get(&format!("{prefix}{}", file["path"].as_str().unwrap()))
            .unwrap();
        assert_eq!(file["sha256"], sha256_hex(&stored.content).as_str());
        assert_eq!(file["bytes"], stored.content.len());
        assert_eq!(stored.version, "2024-11-04");
    }
    let bundle = blob.get(&format!("{prefix}{}", expected[0])).unwrap();
    assert_eq!(&bundle.content[..4], b"PK\x03\x04");
    assert_eq!(bundle.content_type, "application/zip");
    manifest
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apigee_exports_follow_the_plan_and_the_policy_on_terraform_1_15() {
    let apigee = apigee_fixture().await;
    let blob = FakeBlob::start().await;
    blob.set_page_size(2);
    let work = workdir(&apigee, &blob, "acme");
    // Apigee's quota errors are retried with backoff.
    apigee.throttle(2);
    blocking(|| {
        work.init();
        let plan = work.plan_json();
        let child = plan.change("backup_child.api");
        // What will be exported is in the plan; only the export's own name waits for apply.
        assert_eq!(
            child.after["apigee_proxies"],
            serde_json::json!({"orders": "2", "payments": "1"})
        );
        assert_eq!(
            child.after["apigee_environments"],
            serde_json::json!(["prod", "test"])
        );
        let job = &child.after["apigee_export_job"];
        assert_eq!(job["schedule"], "0 5 * * *", "{plan}");
        assert_eq!(job["retention_days"], 365);
        assert_eq!(
            job["secret_environment"],
            serde_json::json!(["APIGEE_ACCESS_TOKEN", "APIGEE_CONTAINER_URL"])
        );
        assert_eq!(job["environment"]["APIGEE_ENDPOINT"], apigee.url());
        assert_eq!(child.unknown_paths(), ["apigee_last_export"], "{plan}");
        assert!(apigee.calls().iter().any(|(_, _, status)| *status == 429));
        work.apply();
        work.assert_plan_clean();
    });
    let first = exports(&blob);
    assert_eq!(first.len(), 1, "{:?}", blob.names());
    assert_export(&blob, &first[0], &[("orders", "2"), ("payments", "1")]);
    let state = blocking(|| work.state_json());
    let child = resource_values(&state, "backup_child.api");
    assert_eq!(child["apigee_last_export"], first[0].as_str());
    let raw = std::fs::read_to_string(work.path().join("terraform.tfstate")).unwrap();
    assert!(!raw.contains("NeverLogged"), "a secret is in the state");

    // A new revision in Apigee: the plan shows it, and the apply exports it; an export older than
    // the retention (400 days) is deleted, the recent one kept, other blobs left alone.
    apigee.add_proxy_revision("acme", "orders", 3);
    blob.put("apigee/acme/20250101T000000.000Z/manifest.json", b"{}");
    blob.put(
        "apigee/acme/20250101T000000.000Z/proxies/orders/revision-1.zip",
        b"PK",
    );
    blob.put("apigee/acme/notes.txt", b"kept");
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.addresses(&["update"]), ["backup_child.api"], "{plan}");
        assert_eq!(
            plan.change("backup_child.api").after["apigee_proxies"]["orders"],
            "3"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let second = exports(&blob);
    assert_eq!(second.len(), 2, "{second:?}");
    assert_eq!(second[0], first[0]);
    assert_export(&blob, &second[1], &[("orders", "3"), ("payments", "1")]);
    assert!(
        blob.names().iter().all(|n| !n.contains("20250101T")),
        "old export not pruned"
    );
    assert!(blob.get("apigee/acme/notes.txt").is_some());

    // The scheduled job: the command the child describes, run as a job would, exports again.
    let job = resource_values(&blocking(|| work.state_json()), "backup_child.api")
        ["apigee_export_job"]
        .clone();
    let command: Vec<String> = job["command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(command[0], "terraform-provider-backup");
    blob.put("apigee/acme/20250101T000000.000Z/manifest.json", b"{}");
    apigee.add_proxy_revision("acme", "payments", 2);
    std::thread::sleep(std::time::Duration::from_millis(5));
    let output = std::process::Command::new(PROVIDER_BINARY)
        .args(&command[1..])
        .env(
            "APIGEE_ENDPOINT",
            job["environment"]["APIGEE_ENDPOINT"].as_str().unwrap(),
        )
        .env("APIGEE_ACCESS_TOKEN", ACCESS_TOKEN)
        .env("APIGEE_CONTAINER_URL", blob.container_sas_url())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("pruned 1 older exports"), "{stdout}");
    assert!(!stdout.contains("NeverLogged") && !stderr.contains("NeverLogged"));
    let third = exports(&blob);
    assert_eq!(third.len(), 3, "{third:?}");
    assert_export(&blob, &third[2], &[("orders", "3"), ("payments", "2")]);
    assert!(
        blob.names().iter().all(|n| !n.contains("20250101T")),
        "old export not pruned"
    );

    // Destroy keeps every recovery point.
    blocking(|| work.destroy());
    assert_eq!(exports(&blob), third);
    assert!(apigee.unmodelled().is_empty(), "{:?}", apigee.unmodelled());
    assert!(blob.unmodelled().is_empty(), "{:?}", blob.unmodelled());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_organization_fails_the_plan_at_apigee_organization() {
    let apigee = apigee_fixture().await;
    let blob = FakeBlob::start().await;
    let work = workdir(&apigee, &blob, "nope");
    let diagnostics = blocking(|| {
        work.init();
        work.plan_diagnostics()
    });
    let errors = diagnostics.errors_of("backup_child.api");
    assert_eq!(errors.len(), 1, "{diagnostics:?}");
    assert_eq!(errors[0].summary, "Unknown Apigee organization");
    assert!(
        errors[0].points_at("apigee.organization"),
        "{:?}",
        errors[0]
    );
    assert!(
        errors[0].text().contains("PERMISSION_DENIED"),
        "{:?}",
        errors[0]
    );
    assert!(blob.calls().is_empty(), "the plan wrote to the container");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_token_and_a_bad_container_url_are_diagnostics() {
    let apigee = apigee_fixture().await;
    let blob = FakeBlob::start().await;
    let mut work = workdir(&apigee, &blob, "acme");
    work.env("APIGEE_ACCESS_TOKEN", "");
    let diagnostics = blocking(|| {
        work.init();
        work.plan_diagnostics()
    });
    let errors = diagnostics.errors_of("backup_child.api");
    assert_eq!(errors.len(), 1, "{diagnostics:?}");
    assert_eq!(errors[0].summary, "No Apigee access token");
    assert!(errors[0].points_at("apigee"), "{:?}", errors[0]);

    work.env("APIGEE_ACCESS_TOKEN", ACCESS_TOKEN);
    work.env(
        "TF_VAR_container_url",
        "https://backupacct.blob.core.windows.net/apigee-exports?sv=2024-11-04",
    );
    let diagnostics = blocking(|| work.plan_diagnostics());
    let errors = diagnostics.errors_of("backup_child.api");
    assert_eq!(errors.len(), 1, "{diagnostics:?}");
    assert!(
        errors[0].points_at("apigee.container_url"),
        "{:?}",
        errors[0]
    );
    assert!(
        errors[0].text().contains("no SAS signature"),
        "{:?}",
        errors[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_environment_fails_the_plan_at_its_index() {
    let apigee = apigee_fixture().await;
    let blob = FakeBlob::start().await;
    let work = workdir(&apigee, &blob, "acme");
    work.write_main_tf(&apigee_config(&apigee, "acme").replace(
        "    container_url = var.container_url",
        "    environments  = [\"prod\", \"staging\"]\n    container_url = var.container_url",
    ));
    let diagnostics = blocking(|| {
        work.init();
        work.plan_diagnostics()
    });
    let errors = diagnostics.errors_of("backup_child.api");
    assert_eq!(errors.len(), 1, "{diagnostics:?}");
    assert_eq!(errors[0].summary, "Unknown Apigee environment");
    assert!(
        errors[0].points_at("apigee.environments[1]"),
        "{:?}",
        errors[0]
    );
}

/// Terraform 1.0.3 has no write-only arguments: the SAS URL is kept as a sensitive value, and
/// exports, plans and pruning work the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apigee_exports_on_terraform_1_0() {
    let apigee = apigee_fixture().await;
    let blob = FakeBlob::start().await;
    let mut work = Workdir::new(&Terraform::v1_0());
    work.env("APIGEE_ACCESS_TOKEN", ACCESS_TOKEN);
    work.env("TF_VAR_container_url", &blob.container_sas_url());
    work.write_main_tf(&apigee_config(&apigee, "acme"));
    blocking(|| {
        work.init();
        let plan = work.plan_json();
        let child = plan.change("backup_child.api");
        assert_eq!(child.after["apigee_proxies"]["orders"], "2", "{plan}");
        assert_eq!(child.unknown_paths(), ["apigee_last_export"], "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    let exported = exports(&blob);
    assert_eq!(exported.len(), 1, "{:?}", blob.names());
    assert_export(&blob, &exported[0], &[("orders", "2"), ("payments", "1")]);
    blocking(|| work.destroy());
    assert_eq!(exports(&blob), exported);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_apigee_token_and_sas_url_never_appear_in_trace_logs() {
    let apigee = apigee_fixture().await;
    let blob = FakeBlob::start().await;
    let mut work = workdir(&apigee, &blob, "acme");
    work.env("TF_LOG", "trace");
    let outputs = blocking(|| {
        work.init();
        vec![work.apply(), work.plan(), work.destroy()]
    });
    for output in outputs {
        let all = output.combined();
        assert!(all.contains("TRACE"), "no trace logs captured");
        assert!(!all.contains(ACCESS_TOKEN), "the Apigee token leaked");
        assert!(!all.contains("NeverLogged"), "the SAS signature leaked");
    }
    assert_eq!(exports(&blob).len(), 1);
}

/// The command fails with exit code 2 on a bad command line or a missing variable, and 1 on a
/// failed export, saying why without quoting a secret.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_command_reports_failures_without_secrets() {
    let apigee = apigee_fixture().await;
    let blob = FakeBlob::start().await;
    let run = |args: &[&str], container_url: Option<String>, token: &str| {
        let mut command = std::process::Command::new(PROVIDER_BINARY);
        command
            .arg("export-apigee")
            .args(args)
            .env("APIGEE_ENDPOINT", apigee.url())
            .env("APIGEE_ACCESS_TOKEN", token)
            .env_remove("APIGEE_CONTAINER_URL");
        if let Some(url) = container_url {
            command.env("APIGEE_CONTAINER_URL", url);
        }
        let output = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        (output.status.code(), stderr)
    };
    let args = ["--organization", "acme", "--retention-days", "35"];
    let (code, stderr) = blocking(|| {
        run(
            &["--organization", "acme"],
            Some(blob.container_sas_url()),
            ACCESS_TOKEN,
        )
    });
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--retention-days is required"), "{stderr}");
    let (code, stderr) = blocking(|| run(&args, None, ACCESS_TOKEN));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("APIGEE_CONTAINER_URL is not set"),
        "{stderr}"
    );
    let (code, stderr) =
        blocking(|| run(&args, Some(blob.container_sas_url()), "ya29.wrong-token"));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("UNAUTHENTICATED"), "{stderr}");
    assert!(!stderr.contains("wrong-token"), "{stderr}");
    let (code, stderr) = blocking(|| {
        run(
            &args,
            Some(blob.container_url_with_bad_signature()),
            ACCESS_TOKEN,
        )
    });
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("AuthenticationFailed"), "{stderr}");
    assert!(!stderr.contains("sig="), "{stderr}");
    assert!(blob.names().is_empty());
}
