//! On-demand VM backups: `Backups_Trigger` (an `IaasVMBackupRequest`; always a long-running
//! operation whose succeeded status names the job, `OperationStatusJobExtendedInfo`), the job it
//! starts (`JobDetails_Get`: `InProgress` with a progress for the configured polls, then
//! `Completed`, leaving a recovery point under the item), and `BackupJobs_List` with the
//! documented `$filter` (`ListJobsWithAllSupportedFilters.json`).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};

use super::operations::{set_operation_properties, start_operation};
use super::restores::recovery_point_body;
use super::server::{key, Inner, Reply, Request};

/// The key Azure reports an on-demand backup's expiry under in the job's property bag.
const EXPIRY_PROPERTY: &str = "Recovery Point Expiry Time in UTC";

fn now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    i64::try_from(secs).unwrap()
}

/// `POST .../protectedItems/{item}/backup` of the protected item at `item_path` in the vault at
/// `vault_path`: 202 with where to poll; the job is stored under the vault.
pub(super) fn trigger_backup(
    inner: &mut Inner,
    request: Request<'_>,
    vault_path: &str,
    item_path: &str,
) -> Reply {
    let Request { base, body, .. } = request;
    let Some(item) = inner.resources.get(&key(item_path)).cloned() else {
        return Reply::error(
            404,
            "BMSUserErrorProtectedItemNotFound",
            "Protected item not found",
        );
    };
    let state = item
        .pointer("/properties/protectionState")
        .and_then(Value::as_str);
    if matches!(state, Some("ProtectionStopped" | "ProtectionPaused")) {
        // The fake's own code: Azure refuses to back up an item whose protection is stopped.
        return Reply::error(
            400,
            "FakeUserErrorProtectionStopped",
            "Protection of the item is stopped; resume it before backing up.",
        );
    }
    let p = body.unwrap_or(Value::Null)["properties"].clone();
    if p["objectType"] != "IaasVMBackupRequest" {
        return Reply::error(
            400,
            "BMSUserErrorInvalidInput",
            "Only IaasVMBackupRequest is served.",
        );
    }
    let expiry = p["recoveryPointExpiryTimeInUTC"]
        .as_str()
        .and_then(parse_rfc3339);
    let Some(expiry) = expiry.filter(|e| *e > now()) else {
        return Reply::error(
            400,
            "BMSUserErrorInvalidInput",
            "recoveryPointExpiryTimeInUTC must be a time in the future.",
        );
    };
    inner.next_id += 1;
    let job = format!(
        "{:08x}-0000-4000-8000-{:012x}",
        inner.next_id, inner.next_id
    );
    let job_path = format!("{vault_path}/backupJobs/{job}");
    let vm = item_path.rsplit(';').next().unwrap_or_default().to_owned();
    let container = item_path
        .rsplit('/')
        .nth(2)
        .unwrap_or_default()
        .trim_start_matches("iaasvmcontainer;")
        .to_owned();
    let stored = json!({
        "id": job_path,
        "name": job,
        "type": "Microsoft.RecoveryServices/vaults/backupJobs",
        "properties": {
            "jobType": "AzureIaaSVMJob",
            "entityFriendlyName": vm,
            "backupManagementType": "AzureIaasVM",
            "operation": "Backup",
            "status": "InProgress",
            "startTime": rfc3339(now()),
            "activityId": format!("activity-{job}"),
            "duration": "PT0S",
            "containerName": container,
            "virtualMachineVersion": "Compute",
            "isUserTriggered": true,
            "extendedInfo": {
                "propertyBag": {
                    "VM Name": vm,
                    EXPIRY_PROPERTY: portal_time(expiry),
                },
            },
        },
    });
    let job_key = key(&job_path);
    inner.job_polls.insert(job_key.clone(), inner.async_polls);
    inner
        .backup_job_items
        .insert(job_key.clone(), item_path.to_owned());
    inner.resources.insert(job_key, stored);
    let id = start_operation(inner, None, None);
    set_operation_properties(
        inner,
        &id,
        json!({ "objectType": "OperationStatusJobExtendedInfo", "jobId": job }),
    );
    let url = |p: &str| format!("{base}{p}?api-version=2026-11-01");
    Reply::new(202, None)
        .header(
            "azure-asyncoperation",
            url(&format!("{item_path}/operationsStatus/{id}")),
        )
        .header(
            "location",
            url(&format!("{item_path}/operationResults/{id}")),
        )
        .header("retry-after", "0".into())
}

/// `GET .../backupJobs/{job}`: a backup job runs for the configured polls (reporting its
/// progress), then completes and leaves a recovery point; restore jobs are answered by
/// [`super::restores::job`].
pub(super) fn job(inner: &mut Inner, path: &str) -> Reply {
    let k = key(path);
    let Some(item_path) = inner.backup_job_items.get(&k).cloned() else {
        return super::restores::job(inner, path);
    };
    let Some(mut job) = inner.resources.get(&k).cloned() else {
        return Reply::error(404, "BMSUserErrorJobNotFound", "The job was not found.");
    };
    let left = inner.job_polls.get(&k).copied().unwrap_or(0);
    let p = &mut job["properties"];
    if p["status"] == "InProgress" {
        if left > 0 {
            inner.job_polls.insert(k.clone(), left - 1);
            let percent = 100.0 / (left as f64 + 1.0);
            p["extendedInfo"]["progressPercentage"] = json!((percent * 10.0).round() / 10.0);
        } else {
            let started = p["startTime"].as_str().and_then(parse_rfc3339).unwrap_or(0);
            let elapsed = (now() - started).max(1);
            p["status"] = json!("Completed");
            p["endTime"] = json!(rfc3339(now()));
            p["duration"] = json!(format!("PT{elapsed}S"));
            if let Some(info) = p["extendedInfo"].as_object_mut() {
                info.remove("progressPercentage");
            }
            inner.next_id += 1;
            let point = format!("{}", 900_000 + inner.next_id);
            let body = recovery_point_body(&item_path, &point, &rfc3339(started));
            let point_path = format!("{item_path}/recoveryPoints/{point}");
            inner.resources.insert(key(&point_path), body);
        }
        inner.resources.insert(k, job.clone());
    }
    Reply::new(200, Some(job))
}

/// `GET .../backupJobs?$filter=...` of the vault at `vault_path`: the jobs the filter selects,
/// summarised (without `extendedInfo`, as the list reports them); a clause naming no field of
/// `JobQueryObject` is refused.
pub(super) fn list_jobs(inner: &Inner, vault_path: &str) -> Reply {
    let mut clauses = Vec::new();
    if let Some(filter) = inner.query.get("$filter") {
        for clause in filter.split(" and ") {
            let parsed = clause
                .trim()
                .split_once(" eq ")
                .map(|(f, v)| (f.trim(), v.trim().trim_matches('\'')));
            match parsed {
                Some((f, v))
                    if [
                        "status",
                        "backupManagementType",
                        "operation",
                        "jobId",
                        "startTime",
                        "endTime",
                    ]
                    .contains(&f) =>
                {
                    clauses.push((f.to_owned(), v.to_owned()))
                }
                _ => {
                    return Reply::error(
                        400,
                        "BMSUserErrorInvalidFilter",
                        &format!("Invalid filter clause {clause:?}."),
                    )
                }
            }
        }
    }
    let mut window = (i64::MIN, i64::MAX);
    for (field, value) in &clauses {
        let bound = match field.as_str() {
            "startTime" | "endTime" => match filter_time(value) {
                Some(t) => t,
                None => {
                    return Reply::error(
                        400,
                        "BMSUserErrorInvalidFilter",
                        &format!("Invalid time {value:?}: expected yyyy-MM-dd hh:mm:ss tt."),
                    )
                }
            },
            _ => continue,
        };
        if field == "startTime" {
            window.0 = bound;
        } else {
            window.1 = bound;
        }
    }
    let prefix = format!("{}/backupjobs/", key(vault_path));
    let value: Vec<Value> = inner
        .resources
        .iter()
        .filter(|(k, _)| k.starts_with(&prefix))
        .map(|(_, job)| job)
        .filter(|job| {
            let p = &job["properties"];
            let started = p["startTime"].as_str().and_then(parse_rfc3339);
            clauses.iter().all(|(field, value)| match field.as_str() {
                "startTime" | "endTime" => {
                    started.is_some_and(|s| (window.0..=window.1).contains(&s))
                }
                "jobId" => job["name"] == value.as_str(),
                f => p[f] == value.as_str(),
            })
        })
        .map(|job| {
            let mut summary = job.clone();
            if let Some(p) = summary["properties"].as_object_mut() {
                p.remove("extendedInfo");
            }
            summary
        })
        .collect();
    Reply::new(200, Some(json!({ "value": value })))
}

/// Days since the epoch to `(year, month, day)`.
fn civil(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

fn rfc3339(t: i64) -> String {
    let (y, m, d) = civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// `1/15/2027 6:12:34 PM`, as the portal (and the property bag) shows times.
fn portal_time(t: i64) -> String {
    let (y, m, d) = civil(t.div_euclid(86_400));
    let s = t.rem_euclid(86_400);
    let (h, half) = match s / 3600 {
        0 => (12, "AM"),
        h @ 1..=11 => (h, "AM"),
        12 => (12, "PM"),
        h => (h - 12, "PM"),
    };
    format!("{m}/{d}/{y} {h}:{:02}:{:02} {half}", s % 3600 / 60, s % 60)
}

fn parse_rfc3339(t: &str) -> Option<i64> {
    let (date, clock) = t.split_once('T')?;
    let date: Vec<i64> = date
        .split('-')
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let clock = clock.trim_end_matches('Z').split('.').next()?;
    let clock: Vec<i64> = clock
        .split(':')
        .map(|f| f.parse().ok())
        .collect::<Option<_>>()?;
    let [y, m, d] = <[i64; 3]>::try_from(date).ok()?;
    let [h, mi, s] = <[i64; 3]>::try_from(clock).ok()?;
    Some(days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// `2026-12-06 05:05:09 PM`, the time format of the jobs filter.
fn filter_time(t: &str) -> Option<i64> {
    let mut words = t.split_whitespace();
    let (date, clock, half) = (words.next()?, words.next()?, words.next()?);
    let mut h_m_s = clock.split(':').map(|f| f.parse::<i64>().ok());
    let (h, mi, s) = (h_m_s.next()??, h_m_s.next()??, h_m_s.next()??);
    let h = match (h, half) {
        (12, "AM") => 0,
        (h, "AM") if h < 12 => h,
        (12, "PM") => 12,
        (h, "PM") if h < 12 => h + 12,
        _ => return None,
    };
    parse_rfc3339(&format!("{date}T{h:02}:{mi:02}:{s:02}Z"))
}
