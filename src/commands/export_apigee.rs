//! `terraform-provider-backup export-apigee --organization <org> --retention-days <n> ...`: one
//! Apigee export and its pruning, through the same procedure as `backup_child.apigee` at apply,
//! then exit. Scheduled as a job (`apigee_export_job` describes it); secrets come from the
//! environment only (`APIGEE_ACCESS_TOKEN`, `APIGEE_CONTAINER_URL`) and are never printed.

use std::io::Write;
use std::time::{SystemTime, UNIX_EPOCH};

use tokio_util::sync::CancellationToken;

use crate::cloud::apigee::{
    export, snapshot, ApigeeAccess, ApigeeSettings, ExportJobArgs, ExportSpec,
    CONTAINER_URL_VARIABLE,
};
use crate::cloud::azure::Secret;

/// Exit code of a bad command line or environment.
pub const USAGE_ERROR: i32 = 2;

/// Runs the command with the arguments after `export-apigee`; returns the process exit code and
/// writes a one-line summary (or the error) to `out` / `err`.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let job = match ExportJobArgs::parse(args) {
        Ok(job) => job,
        Err(why) => {
            let _ = writeln!(err, "export-apigee: {why}");
            return USAGE_ERROR;
        }
    };
    let Some(url) = std::env::var(CONTAINER_URL_VARIABLE)
        .ok()
        .filter(|u| !u.is_empty())
    else {
        let _ = writeln!(
            err,
            "export-apigee: {CONTAINER_URL_VARIABLE} is not set (the SAS URL of the destination container)"
        );
        return USAGE_ERROR;
    };
    let url = Secret::sas_url(url);
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            let _ = writeln!(err, "export-apigee: {e}");
            return 1;
        }
    };
    let access = ApigeeAccess::connect(&ApigeeSettings::default().with_env());
    let cancel = CancellationToken::new();
    let api = access.api(&cancel);
    let outcome = runtime.block_on(async {
        let container = access.containers.open(&url, &cancel)?;
        let content = snapshot(&*api, &job.organization, job.environments.as_deref()).await?;
        let spec = ExportSpec {
            organization: job.organization.clone(),
            content,
            retention_days: job.retention_days,
            schedule: job.schedule.clone(),
            policy_hash: job.policy_hash.clone(),
            tags: job.tags.clone(),
            now_millis: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(0),
        };
        export(&*api, &*container, &spec).await
    });
    match outcome {
        Ok(report) => {
            let _ = writeln!(
                out,
                "exported {} files to {}; pruned {} older exports",
                report.files.len(),
                report.prefix,
                report.pruned.len()
            );
            0
        }
        Err(e) => {
            let message = e.to_string();
            let message = tfplugin::logging::scrub(&message).unwrap_or(message);
            let _ = writeln!(err, "export-apigee: {message}");
            1
        }
    }
}
