//! `backup_recovery_point` and its list on Terraform 1.15.5 against the AWS emulator: backup jobs
//! (the `backup_start_job` action) leave recovery points tagged with a commit; `terraform query`
//! finds them by tag, honouring `limit`; `-generate-config-out` writes blocks that import them with
//! no change planned afterwards; a lifecycle update tightens the point (checked through the AWS
//! API) and a weakening fails the plan at `lifecycle.delete_after_days` naming the guardrail;
//! destroying the resource keeps the point. On Terraform 1.0.3 the plain resource imports by id, a
//! point deleted out of band leaves the state at refresh (and cannot be adopted again), and
//! `delete_on_destroy` deletes a point only once the vault lock no longer keeps it.

use serde_json::Value;

use crate::support::aws::{providers, CENTRAL};
use crate::support::aws_emulator::{unique, AwsEmulator, REGION};
use crate::support::terraform::{Output, Terraform};
use crate::support::workdir::Workdir;

/// A root app (guardrail: 30 days at least) and three backups: `orders` and `users` of commit
/// `abc`, `orders` of commit `def`.
fn config(endpoint: &str, root: &str, extra: &str) -> String {
    let job = |name: &str, table: &str, commit: &str| {
        format!(
            r#"
action "backup_start_job" "{name}" {{
  config {{
    policy_document = backup_app.root.policy_document
    resource_arn    = "arn:aws:dynamodb:{REGION}:{CENTRAL}:table/{table}"
    iam_role_arn    = "arn:aws:iam::{CENTRAL}:role/backup"
    tags            = {{ commit = "{commit}" }}
    wait            = true
  }}
}}
"#
        )
    };
    format!(
        r#"{providers}
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
  }}
  guardrails = {{ min_retention_days = 30 }}
  aws        = {{ vault_name = "{root}" }}

  # The jobs leave recovery points in the vault.
  force_destroy = true
}}
{}{}{}{extra}"#,
        job("orders_abc", "orders", "abc"),
        job("users_abc", "users", "abc"),
        job("orders_def", "orders", "def"),
        providers = providers(endpoint, endpoint)
    )
}

/// A list block finding the points of `vault` tagged `commit`.
fn list_block(name: &str, vault: &str, commit: &str, limit: Option<u32>) -> String {
    let limit = limit.map_or(String::new(), |n| format!("  limit            = {n}\n"));
    format!(
        r#"
list "backup_recovery_point" "{name}" {{
  provider         = backup
  include_resource = true
{limit}  config {{
    vault_name = "{vault}"
    tags       = {{ commit = "{commit}" }}
  }}
}}
"#
    )
}

/// How many results `terraform query -json` reports for the list block `address`.
fn found(output: &Output, address: &str) -> usize {
    output
        .stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["type"] == "list_resource_found")
        .filter(|m| {
            m["list_resource_found"]["address"]
                .as_str()
                .is_some_and(|a| a.starts_with(address))
        })
        .count()
}

async fn client(endpoint: &str) -> aws_sdk_backup::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            CENTRAL, "test", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_backup::Client::new(&sdk)
}

/// The ARN of the point of `table` tagged `commit` in `vault`, through the AWS API.
async fn point_of(endpoint: &str, vault: &str, table: &str, commit: &str) -> String {
    let client = client(endpoint).await;
    let listed = client
        .list_recovery_points_by_backup_vault()
        .backup_vault_name(vault)
        .send()
        .await
        .expect("ListRecoveryPointsByBackupVault");
    for point in listed.recovery_points() {
        let arn = point.recovery_point_arn().unwrap_or_default();
        let tags = client
            .list_tags()
            .resource_arn(arn)
            .send()
            .await
            .expect("ListTags");
        let tagged = tags
            .tags()
            .and_then(|t| t.get("commit"))
            .map(String::as_str)
            == Some(commit);
        if tagged && point.resource_arn().is_some_and(|r| r.ends_with(table)) {
            return arn.to_owned();
        }
    }
    panic!("no point of {table} tagged {commit} in {vault}")
}

/// The point's `DeleteAfterDays` through `DescribeRecoveryPoint`; `None` when it is gone.
async fn kept_days(endpoint: &str, vault: &str, arn: &str) -> Option<Option<i64>> {
    let described = client(endpoint)
        .await
        .describe_recovery_point()
        .backup_vault_name(vault)
        .recovery_point_arn(arn)
        .send()
        .await
        .ok()?;
    Some(described.lifecycle().and_then(|l| l.delete_after_days()))
}

fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// The resource adopting `arn`, kept `days` within the root's policy.
fn adopted(root: &str, arn: &str, days: u32) -> String {
    format!(
        r#"
resource "backup_recovery_point" "release" {{
  vault_name         = "{root}"
  recovery_point_arn = "{arn}"
  policy_document    = backup_app.root.policy_document
  lifecycle = {{ delete_after_days = {days} }}
}}
"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_are_found_by_commit_imported_tightened_and_kept() {
    let emulator = AwsEmulator::start();
    let endpoint = emulator.endpoint();
    let root = unique("rproot");
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    work.write_main_tf(&config(&endpoint, &root, ""));
    blocking(|| {
        work.init();
        work.apply();
        for job in ["orders_abc", "users_abc", "orders_def"] {
            let invoke = format!("-invoke=action.backup_start_job.{job}");
            work.run_ok(&[
                "apply",
                "-auto-approve",
                "-input=false",
                "-no-color",
                &invoke,
            ]);
        }
    });

    work.write_file(
        "points.tfquery.hcl",
        &format!(
            "{}{}{}",
            list_block("abc", &root, "abc", None),
            list_block("first", &root, "abc", Some(1)),
            list_block("def", &root, "def", None)
        ),
    );
    let listed = blocking(|| work.run_ok(&["query", "-json"]));
    assert_eq!(
        found(&listed, "list.backup_recovery_point.abc"),
        2,
        "{listed}"
    );
    assert_eq!(
        found(&listed, "list.backup_recovery_point.first"),
        1,
        "limit = 1: {listed}"
    );
    assert_eq!(
        found(&listed, "list.backup_recovery_point.def"),
        1,
        "{listed}"
    );

    // The points of commit abc, imported by the generated configuration.
    work.write_file("points.tfquery.hcl", &list_block("abc", &root, "abc", None));
    blocking(|| work.run_ok(&["query", "-generate-config-out=generated.tf"]));
    let generated = std::fs::read_to_string(work.path().join("generated.tf"))
        .expect("terraform query wrote generated.tf");
    assert_eq!(generated.matches("import {").count(), 2, "{generated}");
    assert_eq!(
        generated.matches("recovery_point_arn = ").count(),
        4,
        "each point by identity and in its resource block:\n{generated}"
    );
    assert_eq!(
        generated.matches("identity").count(),
        2,
        "imported by identity:\n{generated}"
    );
    assert!(
        !generated.contains("creation_date") && !generated.contains("delete_on_destroy"),
        "no computed or default attributes:\n{generated}"
    );
    let plan = blocking(|| work.plan_json());
    let importing = plan.json["resource_changes"]
        .as_array()
        .expect("resource changes")
        .iter()
        .filter(|c| c["change"]["importing"].is_object())
        .count();
    assert_eq!(importing, 2, "{plan}");
    assert_eq!(plan.counts(), (0, 0, 0), "imported as they are:\n{plan}");
    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });

    // The point of commit def, kept longer within the policy.
    let def = point_of(&endpoint, &root, "table/orders", "def").await;
    assert_eq!(
        kept_days(&endpoint, &root, &def).await,
        Some(Some(35)),
        "the job's retention"
    );
    work.write_main_tf(&config(&endpoint, &root, &adopted(&root, &def, 90)));
    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });
    assert_eq!(kept_days(&endpoint, &root, &def).await, Some(Some(90)));
    let state = work.state_json();
    let release = crate::support::state::resource_values(&state, "backup_recovery_point.release");
    assert_eq!(release["tags"]["commit"], "def");
    assert_eq!(release["account_id"], CENTRAL);

    // Weaker than the guardrail: refused at plan, nothing changed.
    work.write_main_tf(&config(&endpoint, &root, &adopted(&root, &def, 20)));
    let refused = blocking(|| work.run(&["plan", "-no-color", "-input=false"])).assert_failure();
    let text = refused.unwrapped();
    assert!(
        text.contains("Recovery point lifecycle weakens the policy"),
        "{refused}"
    );
    assert!(
        text.contains("min_retention_days = 30 set by app"),
        "{refused}"
    );
    assert!(text.contains("lifecycle.delete_after_days"), "{refused}");
    assert!(
        text.contains("delete_after_days = 20"),
        "the error points at the attribute:\n{refused}"
    );
    assert_eq!(kept_days(&endpoint, &root, &def).await, Some(Some(90)));

    // Removing the resource forgets the point and keeps it.
    work.write_main_tf(&format!("{}\n", config(&endpoint, &root, "")));
    let forgotten = blocking(|| work.apply());
    assert!(
        forgotten.unwrapped().contains("Recovery point kept"),
        "{forgotten}"
    );
    assert_eq!(
        kept_days(&endpoint, &root, &def).await,
        Some(Some(90)),
        "still in the vault"
    );

    std::fs::remove_file(work.path().join("generated.tf")).expect("generated.tf");
    blocking(|| work.destroy());
}

/// A root app whose vault is locked (governance mode) with `min_retention_days`, if given.
fn old_app(endpoint: &str, root: &str, lock_days: Option<u32>) -> String {
    let lock = lock_days.map_or(String::new(), |days| {
        format!(", vault_lock = {{ min_retention_days = {days} }}")
    });
    format!(
        r#"{providers}
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
  }}
  aws           = {{ vault_name = "{root}"{lock} }}
  force_destroy = true
}}
"#,
        providers = providers(endpoint, endpoint)
    )
}

/// `backup_recovery_point.<name>` adopting `arn` of `vault`, kept 40 days.
fn point_block(name: &str, vault: &str, arn: &str, delete_on_destroy: bool) -> String {
    format!(
        r#"
resource "backup_recovery_point" "{name}" {{
  vault_name         = "{vault}"
  recovery_point_arn = "{arn}"
  lifecycle          = {{ delete_after_days = 40 }}
  delete_on_destroy  = {delete_on_destroy}
}}
"#
    )
}

/// Starts a backup of `table` into `vault` tagged `commit`, kept 40 days, through the AWS API;
/// returns its recovery point.
async fn backup(endpoint: &str, vault: &str, table: &str, commit: &str) -> String {
    client(endpoint)
        .await
        .start_backup_job()
        .backup_vault_name(vault)
        .resource_arn(format!("arn:aws:dynamodb:{REGION}:{CENTRAL}:table/{table}"))
        .iam_role_arn(format!("arn:aws:iam::{CENTRAL}:role/backup"))
        .recovery_point_tags("commit", commit)
        .lifecycle(
            aws_sdk_backup::types::Lifecycle::builder()
                .delete_after_days(40)
                .build(),
        )
        .send()
        .await
        .expect("StartBackupJob");
    point_of(endpoint, vault, &format!("table/{table}"), commit).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terraform_1_0_imports_refreshes_and_deletes_only_when_allowed() {
    let emulator = AwsEmulator::start();
    let endpoint = emulator.endpoint();
    let root = unique("rpold");
    let mut work = Workdir::new(&Terraform::v1_0());
    work.aws_credentials(CENTRAL);
    work.write_main_tf(&old_app(&endpoint, &root, None));
    blocking(|| {
        work.init();
        work.apply();
    });
    let old = backup(&endpoint, &root, "orders", "old").await;
    let gone = backup(&endpoint, &root, "users", "gone").await;
    let both = format!(
        "{}{}{}",
        old_app(&endpoint, &root, None),
        point_block("old", &root, &old, false),
        point_block("gone", &root, &gone, false)
    );
    work.write_main_tf(&both);
    blocking(|| {
        work.import("backup_recovery_point.old", &format!("{root},{old}"));
        work.import("backup_recovery_point.gone", &format!("{root},{gone}"));
        work.assert_plan_clean();
    });

    // Deleted out of band: the refresh drops it, and adopting it again fails clearly.
    client(&endpoint)
        .await
        .delete_recovery_point()
        .backup_vault_name(&root)
        .recovery_point_arn(&gone)
        .send()
        .await
        .expect("DeleteRecoveryPoint");
    let missing = blocking(|| work.run(&["plan", "-no-color", "-input=false"])).assert_failure();
    assert!(
        missing.unwrapped().contains("Recovery point not found"),
        "{missing}"
    );
    blocking(|| work.run_ok(&["apply", "-refresh-only", "-auto-approve", "-no-color"]));
    let listed = blocking(|| work.run_ok(&["state", "list"]));
    assert!(
        !listed.stdout.contains("backup_recovery_point.gone"),
        "{listed}"
    );

    // delete_on_destroy, but the vault lock keeps points 7 days: refused, the point stays.
    let locked = old_app(&endpoint, &root, Some(7));
    work.write_main_tf(&format!(
        "{locked}{}",
        point_block("old", &root, &old, true)
    ));
    blocking(|| work.apply());
    work.write_main_tf(&locked);
    let refused = blocking(|| work.run(&["apply", "-auto-approve", "-no-color", "-input=false"]))
        .assert_failure();
    assert!(
        refused.unwrapped().contains("cannot be deleted yet"),
        "{refused}"
    );
    assert!(refused.unwrapped().contains("at least 7 days"), "{refused}");
    assert_eq!(kept_days(&endpoint, &root, &old).await, Some(Some(40)));

    // Without the lock it is deleted.
    work.write_main_tf(&old_app(&endpoint, &root, None));
    blocking(|| {
        work.run_ok(&[
            "apply",
            "-auto-approve",
            "-no-color",
            "-input=false",
            "-target=backup_app.root",
        ]);
        work.apply();
    });
    assert_eq!(kept_days(&endpoint, &root, &old).await, None, "deleted");
    blocking(|| work.destroy());
}
