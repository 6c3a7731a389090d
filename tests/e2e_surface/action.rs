//! `terraform apply -invoke=action.backup_start_job.<name>` on Terraform 1.15.5 against the AWS
//! emulator (its jobs run for two looks before completing): the job is started in the root app's
//! vault with the configured retention and tags, progress is shown while it runs, the job is
//! visible through the AWS API, invoking again with the same tags starts no second job, and a
//! retention below the guardrail fails the plan. An `action_trigger` runs it before a change
//! (a migration, say).

use aws_sdk_backup::types::BackupJob;

use crate::support::aws::{providers, CENTRAL};
use crate::support::aws_emulator::{unique, AwsEmulator, REGION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;

const TABLE: &str = "table/orders";

fn config(endpoint: &str, root: &str, commit: &str, retention_days: u32) -> String {
    config_with(endpoint, root, commit, retention_days, "")
}

fn config_with(
    endpoint: &str,
    root: &str,
    commit: &str,
    retention_days: u32,
    extra: &str,
) -> String {
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

action "backup_start_job" "snapshot" {{
  config {{
    policy_document = backup_app.root.policy_document
    resource_arn    = "arn:aws:dynamodb:{REGION}:{CENTRAL}:{TABLE}"
    iam_role_arn    = "arn:aws:iam::{CENTRAL}:role/backup"
    tags            = {{ commit = "{commit}" }}
    retention_days  = {retention_days}
    wait            = true
    timeout_minutes = 5
  }}
}}
{extra}"#,
        providers = providers(endpoint, endpoint)
    )
}

/// The backup jobs of `vault` as the AWS API lists them, each described.
async fn jobs_in(endpoint: &str, vault: &str) -> Vec<(BackupJob, Option<i64>)> {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            CENTRAL, "test", None, None, "test",
        ))
        .load()
        .await;
    let client = aws_sdk_backup::Client::new(&sdk);
    let listed = client
        .list_backup_jobs()
        .by_backup_vault_name(vault)
        .send()
        .await
        .expect("ListBackupJobs");
    let mut jobs = Vec::new();
    for job in listed.backup_jobs() {
        let described = client
            .describe_backup_job()
            .backup_job_id(job.backup_job_id().unwrap_or_default())
            .send()
            .await
            .expect("DescribeBackupJob");
        let keep = described
            .recovery_point_lifecycle()
            .and_then(|l| l.delete_after_days());
        jobs.push((job.clone(), keep));
    }
    jobs
}

fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_starts_a_job_visible_through_the_aws_api() {
    let emulator = AwsEmulator::start_with(&[("BACKUP_PLUS_JOB_RUNNING_POLLS", "2")]);
    let endpoint = emulator.endpoint();
    let root = unique("jobroot");
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    work.write_main_tf(&config(&endpoint, &root, "abc123", 40));
    blocking(|| {
        work.init();
        work.apply();
    });
    assert!(
        jobs_in(&endpoint, &root).await.is_empty(),
        "apply starts no job"
    );

    let invoke = [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-invoke=action.backup_start_job.snapshot",
    ];
    let output = blocking(|| work.run_ok(&invoke));
    let text = output.unwrapped();
    assert!(text.contains("Started backup job"), "{output}");
    assert!(
        text.contains("RUNNING (33.3%)"),
        "progress while the job runs:\n{output}"
    );
    assert!(text.contains("COMPLETED, recovery point"), "{output}");

    let jobs = jobs_in(&endpoint, &root).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let (job, keep) = &jobs[0];
    assert_eq!(
        job.resource_arn(),
        Some(format!("arn:aws:dynamodb:{REGION}:{CENTRAL}:{TABLE}").as_str())
    );
    assert_eq!(job.state().map(|s| s.as_str()), Some("COMPLETED"));
    assert_eq!(*keep, Some(40), "the recovery point keeps retention_days");

    // The same app, resource and tags: the idempotency token is the same, no second backup.
    blocking(|| work.run_ok(&invoke));
    assert_eq!(jobs_in(&endpoint, &root).await.len(), 1);
    // Another commit is another backup.
    work.write_main_tf(&config(&endpoint, &root, "def456", 40));
    blocking(|| work.run_ok(&invoke));
    assert_eq!(jobs_in(&endpoint, &root).await.len(), 2);

    // Below the root's min_retention_days: refused at plan, nothing started.
    work.write_main_tf(&config(&endpoint, &root, "ghi789", 7));
    let refused = blocking(|| work.run(&invoke)).assert_failure();
    let text = refused.unwrapped();
    assert!(
        text.contains("Retention outside the guardrails"),
        "{refused}"
    );
    assert!(text.contains("min_retention_days = 30"), "{refused}");
    assert_eq!(jobs_in(&endpoint, &root).await.len(), 2);

    work.write_main_tf(&config(&endpoint, &root, "abc123", 40));
    blocking(|| work.destroy());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_trigger_backs_up_before_a_migration() {
    let emulator = AwsEmulator::start();
    let endpoint = emulator.endpoint();
    let root = unique("trigroot");
    let migration = |version: &str| {
        format!(
            r#"
resource "terraform_data" "migration" {{
  input = "{version}"
  lifecycle {{
    action_trigger {{
      events  = [before_create, before_update]
      actions = [action.backup_start_job.snapshot]
    }}
  }}
}}
"#
        )
    };
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    work.write_main_tf(&config(&endpoint, &root, "abc123", 40));
    blocking(|| {
        work.init();
        work.apply();
    });
    // The tags name the migration, so each migration takes its own backup.
    work.write_main_tf(&config_with(&endpoint, &root, "v1", 40, &migration("v1")));
    let output = blocking(|| work.apply());
    assert!(
        output.unwrapped().contains("Started backup job"),
        "{output}"
    );
    assert_eq!(jobs_in(&endpoint, &root).await.len(), 1);
    blocking(|| work.assert_plan_clean());
    work.write_main_tf(&config_with(&endpoint, &root, "v2", 40, &migration("v2")));
    blocking(|| work.apply());
    assert_eq!(jobs_in(&endpoint, &root).await.len(), 2);
    blocking(|| work.destroy());
}
