//! The Azure path against a fake [`VmBackups`]: triggering, adopting, following, refusing.

use super::*;
use std::sync::Mutex;

use backup_policy::{AppInput, CloudAnchorsPatch, GuardrailsPatch, RulePatch};
use tfvalue::Number;

use crate::actions::BackupStartJob;

const VM1: &str =
    "/subscriptions/sub/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1";
const VM2: &str =
    "/subscriptions/sub/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm2";
/// 2026-12-06T17:05:09Z.
const NOW: i64 = 1_796_576_709;

fn azure_document() -> PolicyDocument {
    let mut root = AppInput {
        name: "org-root".into(),
        guardrails: GuardrailsPatch {
            min_retention_days: Some(30),
            ..Default::default()
        },
        anchors: CloudAnchorsPatch {
            aws: None,
            azure: Some(AzureAnchor {
                app: "org-root".into(),
                subscription_id: "sub".into(),
                resource_group: "rg".into(),
                vault_name: "rsv".into(),
                vault_id:
                    "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv"
                        .into(),
                policy_name: "org-root".into(),
            }),
        },
        ..Default::default()
    };
    root.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            retention_days: Some(35),
            ..Default::default()
        },
    );
    backup_policy::evaluate(None, &root).unwrap()
}

fn config(vm_ids: &[&str], extra: &[(&str, Value)]) -> Value {
    let mut set = vec![
        ("policy_document", Value::String(azure_document().to_json())),
        (
            "vm_ids",
            Value::List(vm_ids.iter().map(|v| Value::String((*v).into())).collect()),
        ),
        (
            "tags",
            Value::Map([("commit".to_string(), Value::String("abc".into()))].into()),
        ),
    ];
    set.extend(extra.iter().map(|(k, v)| (*k, v.clone())));
    crate::actions::test_config(&BackupStartJob, set)
}

fn job(vm_ids: &[&str], wait: bool) -> AzureJob {
    let mut diagnostics = Diagnostics::new();
    let value = config(vm_ids, &[("wait", Value::Bool(wait))]);
    let job = AzureJob::decode(&value, &azure_document(), &mut diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    job.unwrap()
}

/// Jobs in memory: each trigger adds one, running for `polls` reads, then completed.
#[derive(Default)]
struct FakeBackups {
    jobs: Mutex<Vec<(VmBackupJob, usize)>>,
    triggered: Mutex<Vec<(String, i64)>>,
    polls: usize,
}

#[async_trait]
impl VmBackups for FakeBackups {
    async fn trigger_vm_backup(
        &self,
        _vault: &VaultRef,
        vm_id: &str,
        expiry: i64,
    ) -> Result<String, CloudError> {
        let mut triggered = self.triggered.lock().unwrap();
        triggered.push((vm_id.into(), expiry));
        let id = format!("job-{}", triggered.len());
        self.jobs.lock().unwrap().push((
            VmBackupJob {
                job_id: id.clone(),
                state: JobState::Running,
                vm_name: vm_id.rsplit('/').next().unwrap().into(),
                container: None,
                started: Some(NOW + 20),
                expiry: Some(expiry),
                percent_done: Some("50.0".into()),
                status_message: None,
            },
            self.polls,
        ));
        Ok(id)
    }

    async fn list_vm_backup_jobs(
        &self,
        _vault: &VaultRef,
        since: i64,
        until: i64,
    ) -> Result<Vec<VmBackupJob>, CloudError> {
        let jobs = self.jobs.lock().unwrap();
        Ok(jobs
            .iter()
            .map(|(j, _)| VmBackupJob {
                expiry: None,
                ..j.clone()
            })
            .filter(|j| j.started.is_some_and(|s| (since..=until + 60).contains(&s)))
            .collect())
    }

    async fn vm_backup_job(&self, _vault: &VaultRef, job: &str) -> Result<VmBackupJob, CloudError> {
        let mut jobs = self.jobs.lock().unwrap();
        let (found, left) = jobs.iter_mut().find(|(j, _)| j.job_id == job).unwrap();
        if *left == 0 {
            found.state = JobState::Completed;
        } else {
            *left -= 1;
        }
        Ok(found.clone())
    }
}

async fn run_at(backups: &FakeBackups, job: &AzureJob, now: i64) -> (Vec<String>, Vec<String>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    let progress = Progress::new(move |m| sink.lock().unwrap().push(m));
    let mut diagnostics = Diagnostics::new();
    let pauses = (Duration::from_millis(1), Duration::from_secs(5));
    let cancel = CancellationToken::new();
    run_with(
        backups,
        job,
        now,
        &progress,
        &cancel,
        &mut diagnostics,
        pauses,
    )
    .await;
    let errors = diagnostics.iter().map(|d| d.summary.clone()).collect();
    let lines = lines.lock().unwrap().clone();
    (lines, errors)
}

#[test]
fn the_expiry_keeps_the_retention_and_carries_the_marker() {
    let job = job(&[VM1], false);
    let marker = job.marker(VM1);
    assert_eq!(marker, job.marker(&VM1.to_ascii_uppercase()));
    assert_ne!(marker, job.marker(VM2));
    let e = expiry(NOW, 35, marker);
    assert!((NOW + 35 * 86_400..NOW + 35 * 86_400 + 3600).contains(&e));
    assert_eq!(e.rem_euclid(3600), marker);
    let ours = |started: i64, expiry: i64| VmBackupJob {
        job_id: "j".into(),
        state: JobState::Running,
        vm_name: "vm1".into(),
        container: None,
        started: Some(started),
        expiry: Some(expiry),
        percent_done: None,
        status_message: None,
    };
    assert!(started_by_us(&ours(NOW + 30, e), marker, 35));
    assert!(!started_by_us(&ours(NOW + 30, e + 1), marker, 35));
    assert!(!started_by_us(&ours(NOW + 30, e), marker, 40));
    assert!(!started_by_us(&ours(NOW - 3 * 3600, e), marker, 35));
}

#[tokio::test]
async fn each_vm_is_backed_up_and_followed_to_completion() {
    let backups = FakeBackups {
        polls: 1,
        ..Default::default()
    };
    let job = job(&[VM1, VM2], true);
    let (lines, errors) = run_at(&backups, &job, NOW).await;
    assert!(errors.is_empty(), "{errors:?}");
    let triggered = backups.triggered.lock().unwrap().clone();
    assert_eq!(
        triggered
            .iter()
            .map(|(vm, _)| vm.as_str())
            .collect::<Vec<_>>(),
        [VM1, VM2]
    );
    assert_eq!(triggered[0].1, expiry(NOW, 35, job.marker(VM1)));
    assert_eq!(
        lines,
        [
            format!(
                "Started backup job job-1: {VM1} into vault rsv of app \"org-root\", kept 35 days."
            ),
            format!(
                "Started backup job job-2: {VM2} into vault rsv of app \"org-root\", kept 35 days."
            ),
            "Backup job job-1: RUNNING (50.0%).".into(),
            "Backup job job-1: COMPLETED.".into(),
            "Backup job job-2: RUNNING (50.0%).".into(),
            "Backup job job-2: COMPLETED.".into(),
        ]
    );
}

#[tokio::test]
async fn a_retried_invoke_adopts_the_job_and_other_tags_back_up_again() {
    let backups = FakeBackups::default();
    let first = job(&[VM1], false);
    run_at(&backups, &first, NOW).await;
    // Retried ten minutes later (across the hour, too): the job is found, nothing triggered.
    let (lines, errors) = run_at(&backups, &first, NOW + 600).await;
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(backups.triggered.lock().unwrap().len(), 1);
    assert!(
        lines[0].starts_with("Backup job job-1 of ") && lines[0].contains("earlier invoke"),
        "{lines:?}"
    );
    // Other tags are another backup.
    let mut other = first.clone();
    other.common.tags.insert("commit".into(), "def".into());
    run_at(&backups, &other, NOW + 700).await;
    assert_eq!(backups.triggered.lock().unwrap().len(), 2);
}

#[test]
fn app_services_and_aws_attributes_are_refused_at_their_attributes() {
    let site = "/subscriptions/sub/resourceGroups/rg-app/providers/Microsoft.Web/sites/shop";
    let mut diagnostics = Diagnostics::new();
    let value = config(&[VM1, site], &[]);
    assert!(AzureJob::decode(&value, &azure_document(), &mut diagnostics).is_none());
    let d = diagnostics.iter().next().unwrap();
    assert_eq!(d.path, Some(AttributePath::attr("vm_ids").index(1)));
    assert!(d.summary.contains("App Service"), "{}", d.summary);

    let mut diagnostics = Diagnostics::new();
    let value = config(&[VM1], &[("resource_arn", Value::String("arn:x".into()))]);
    assert!(AzureJob::decode(&value, &azure_document(), &mut diagnostics).is_none());
    let d = diagnostics.iter().next().unwrap();
    assert_eq!(d.path, Some(AttributePath::attr("resource_arn")));

    let mut diagnostics = Diagnostics::new();
    let value = config(
        &[VM1],
        &[("retention_days", Value::Number(Number::from(7)))],
    );
    assert!(AzureJob::decode(&value, &azure_document(), &mut diagnostics).is_none());
    let d = diagnostics.iter().next().unwrap();
    assert_eq!(d.path, Some(AttributePath::attr("retention_days")));
}
