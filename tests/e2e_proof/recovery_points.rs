//! Recovery points and commits: the root's rule tags its recovery points with the commit it was
//! applied from (`recovery_point_tags`), so the recovery point of a commit is found by its tag.
//! The emulator's StartBackupJob stands in for the schedule: it tags the point as the plan rule
//! protecting the resource would.

use crate::config::{tree, workdir, Root};
use crate::support::aws::CENTRAL;
use crate::support::aws_emulator::REGION;
use crate::support::terraform::Terraform;
use crate::{blocking, central, sdk_client, Names};
use terraform_provider_backup::cloud::BackupBackend;

/// The table the service child protects (in the root's plan).
fn table() -> String {
    format!("arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders")
}

/// What the schedule would do now: back the table up into the root's vault.
async fn back_up_now(vault: &str) -> String {
    sdk_client()
        .await
        .start_backup_job()
        .backup_vault_name(vault)
        .resource_arn(table())
        .iam_role_arn(format!("arn:aws:iam::{CENTRAL}:role/backup"))
        .send()
        .await
        .expect("start a backup job")
        .recovery_point_arn()
        .expect("a recovery point")
        .to_owned()
}

/// The recovery points of `resource` in `vault` tagged `commit = <commit>`, as the guide shows:
/// list the vault's points of the resource, then read each point's tags.
async fn recovery_points_of_commit(vault: &str, resource: &str, commit: &str) -> Vec<String> {
    let sdk = sdk_client().await;
    let listed = sdk
        .list_recovery_points_by_backup_vault()
        .backup_vault_name(vault)
        .by_resource_arn(resource)
        .send()
        .await
        .expect("list recovery points");
    let mut found = Vec::new();
    for point in listed.recovery_points() {
        let arn = point.recovery_point_arn().unwrap_or_default();
        let tags = sdk
            .list_tags()
            .resource_arn(arn)
            .send()
            .await
            .expect("list a recovery point's tags");
        if tags
            .tags()
            .and_then(|t| t.get("commit"))
            .map(String::as_str)
            == Some(commit)
        {
            found.push(arn.to_owned());
        }
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_recovery_point_of_a_commit_is_found_by_its_tag() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let first = Root {
        force_destroy: true,
        ..Root::default()
    };
    work.write_main_tf(&tree(&names, &first));
    blocking(|| {
        work.init();
        work.apply();
    });
    let from_abc = back_up_now(&names.root).await;

    // The next release: the commit tag changes in place, and so do the next points' tags.
    let second = Root {
        commit: "def456",
        ..first
    };
    work.write_main_tf(&tree(&names, &second));
    blocking(|| {
        let plan = work.plan_json();
        assert!(plan.change("backup_app.root").is(&["update"]), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    let from_def = back_up_now(&names.root).await;

    assert_eq!(
        recovery_points_of_commit(&names.root, &table(), "abc123").await,
        std::slice::from_ref(&from_abc)
    );
    assert_eq!(
        recovery_points_of_commit(&names.root, &table(), "def456").await,
        [from_def]
    );
    let described = sdk_client()
        .await
        .describe_recovery_point()
        .backup_vault_name(&names.root)
        .recovery_point_arn(&from_abc)
        .send()
        .await
        .expect("describe the recovery point");
    let created_by = described.created_by().expect("made by the root's plan");
    assert_eq!(created_by.backup_plan_name(), Some(names.root.as_str()));
    assert_eq!(created_by.backup_rule_name(), Some("daily"));

    // force_destroy deletes the points with the vault: nothing is left.
    blocking(|| {
        work.destroy();
    });
    let aws = central().await;
    assert!(aws.find_vault_by_name(&names.root).await.unwrap().is_none());
    assert!(aws.find_plan_by_name(&names.root).await.unwrap().is_none());
}
