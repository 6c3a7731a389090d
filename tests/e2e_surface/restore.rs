//! `terraform apply -invoke=action.backup_restore_test.<name>` on Terraform 1.15.5 against the AWS
//! emulator: with no recovery point it fails clearly; after a backup (the `backup_start_job`
//! action) it restores the latest recovery point to a scratch DynamoDB table, shows the restore
//! job's progress and the time it took, and deletes the scratch table. Checked through the AWS
//! APIs: the restore job completed (AWS Backup), and the table it made is gone (DynamoDB). With
//! DynamoDB unreachable the table is left and the error names it; an `action_trigger` runs it
//! before a change.

use crate::support::aws::{providers, CENTRAL};
use crate::support::aws_emulator::{unique, AwsEmulator, REGION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;

fn config(endpoint: &str, root: &str) -> String {
    format!(
        r#"{providers}
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
  }}
  aws = {{ vault_name = "{root}" }}

  # The backup leaves a recovery point in the vault.
  force_destroy = true
}}

action "backup_start_job" "snapshot" {{
  config {{
    policy_document = backup_app.root.policy_document
    resource_arn    = "arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders"
    iam_role_arn    = "arn:aws:iam::{CENTRAL}:role/backup"
    wait            = true
  }}
}}

action "backup_restore_test" "orders" {{
  config {{
    policy_document  = backup_app.root.policy_document
    resource_arn     = "arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders"
    iam_role_arn     = "arn:aws:iam::{CENTRAL}:role/backup"
    restore_metadata = {{ encryptionType = "Default" }}
    timeout_minutes  = 5
  }}
}}
"#,
        providers = providers(endpoint, endpoint)
    )
}

/// The restore jobs as AWS Backup lists them: (status, created resource ARN).
async fn restore_jobs(endpoint: &str) -> Vec<(String, String)> {
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
        .list_restore_jobs()
        .send()
        .await
        .expect("ListRestoreJobs");
    listed
        .restore_jobs()
        .iter()
        .map(|j| {
            (
                j.status()
                    .map(|s| s.as_str().to_owned())
                    .unwrap_or_default(),
                j.created_resource_arn().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// DynamoDB's answer to `DescribeTable` of `table`: (HTTP status, body). The emulator takes the
/// account from the credential scope and checks no signature.
async fn describe_table(endpoint: &str, table: &str) -> (u16, String) {
    let answer = reqwest::Client::new()
        .post(endpoint)
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", "DynamoDB_20120810.DescribeTable")
        .header(
            "authorization",
            format!(
                "AWS4-HMAC-SHA256 Credential={CENTRAL}/20260101/{REGION}/dynamodb/aws4_request, \
                 SignedHeaders=host, Signature=0"
            ),
        )
        .body(format!(r#"{{"TableName":"{table}"}}"#))
        .send()
        .await
        .expect("DescribeTable");
    (
        answer.status().as_u16(),
        answer.text().await.unwrap_or_default(),
    )
}

fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_restores_the_latest_backup_and_deletes_the_scratch_table() {
    let emulator = AwsEmulator::start_with(&[("BACKUP_PLUS_JOB_RUNNING_POLLS", "2")]);
    let endpoint = emulator.endpoint();
    let root = unique("restoreroot");
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    // The scratch table is deleted through DynamoDB, at the emulator here.
    work.env("AWS_ENDPOINT_URL_DYNAMODB", &endpoint);
    work.write_main_tf(&config(&endpoint, &root));
    blocking(|| {
        work.init();
        work.apply();
    });

    let restore = [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-invoke=action.backup_restore_test.orders",
    ];
    // Nothing backed up yet: a clear failure, no restore started.
    let refused = blocking(|| work.run(&restore)).assert_failure();
    assert!(
        refused.unwrapped().contains("No recovery point to restore"),
        "{refused}"
    );
    assert!(restore_jobs(&endpoint).await.is_empty());

    blocking(|| {
        work.run_ok(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-invoke=action.backup_start_job.snapshot",
        ])
    });
    let output = blocking(|| work.run_ok(&restore));
    let text = output.unwrapped();
    assert!(text.contains("Started restore job"), "{output}");
    assert!(text.contains("RUNNING (33.3%)"), "progress:\n{output}");
    assert!(text.contains("passed: recovery point"), "{output}");
    assert!(text.contains(" s."), "the time it took:\n{output}");
    assert!(text.contains("Deleted scratch resource"), "{output}");

    let jobs = restore_jobs(&endpoint).await;
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let (status, created) = &jobs[0];
    assert_eq!(status, "COMPLETED");
    let prefix = format!("arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders-restore-test-");
    assert!(created.starts_with(&prefix), "{created}");
    let table = created.rsplit('/').next().unwrap();
    let (code, body) = describe_table(&endpoint, table).await;
    assert_eq!(code, 400, "the scratch table is gone: {body}");
    assert!(body.contains("ResourceNotFoundException"), "{body}");

    // DynamoDB unreachable: the restore still passes, but the scratch table it made is left,
    // and the error says which.
    work.env("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:9");
    let left = blocking(|| work.run(&restore)).assert_failure();
    let text = left.unwrapped();
    assert!(text.contains("passed: recovery point"), "{left}");
    assert!(text.contains("Scratch resource not deleted"), "{left}");
    let jobs = restore_jobs(&endpoint).await;
    assert_eq!(jobs.len(), 2, "{jobs:?}");
    let kept = jobs
        .iter()
        .map(|(_, arn)| arn)
        .find(|arn| *arn != created)
        .unwrap();
    assert!(
        text.contains(kept.as_str()),
        "names the table left:\n{left}"
    );
    let (code, body) = describe_table(&endpoint, kept.rsplit('/').next().unwrap()).await;
    assert_eq!(code, 200, "the restore made the table: {body}");

    // From an action_trigger: the restore test runs before the change (a migration, say).
    work.env("AWS_ENDPOINT_URL_DYNAMODB", &endpoint);
    work.write_main_tf(&format!(
        r#"{}
resource "terraform_data" "migration" {{
  input = "v1"
  lifecycle {{
    action_trigger {{
      events  = [before_create, before_update]
      actions = [action.backup_restore_test.orders]
    }}
  }}
}}
"#,
        config(&endpoint, &root)
    ));
    let triggered = blocking(|| work.apply());
    assert!(
        triggered.unwrapped().contains("Deleted scratch resource"),
        "{triggered}"
    );
    assert_eq!(restore_jobs(&endpoint).await.len(), 3);

    blocking(|| work.destroy());
}
