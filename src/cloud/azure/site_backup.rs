//! App Service backup configuration: `WebApps_UpdateBackupConfiguration` (PUT `config/backup`),
//! `WebApps_GetBackupConfiguration` (POST `config/backup/list`: there is no GET in 2026-09-01),
//! `WebApps_DeleteBackupConfiguration` (DELETE). All synchronous.
//!
//! The storage SAS URL is write-only: it is sent in the PUT body and nowhere else. ARM echoes it
//! in the list answer, which is dropped, and an error message quoting it is redacted.

use reqwest::Method;

use super::arm::{ArmClient, Subject, WEB_API_VERSION};
use super::backend::{FrequencyUnit, SiteBackupSchedule, SiteBackupSpec, SiteBackupState};
use super::bodies::site_backup::{BackupRequest, BackupRequestProperties, BackupSchedule};
use super::bodies::{from_json, to_json};
use super::settings::Secret;
use crate::cloud::error::{CloudError, ErrorKind, GoneIsNone};

fn check_site_id(site_id: &str) -> Result<&str, CloudError> {
    let parts: Vec<&str> = site_id.trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["subscriptions", _, rg_key, _, "providers", ns, sites, name]
            if rg_key.eq_ignore_ascii_case("resourceGroups")
                && ns.eq_ignore_ascii_case("Microsoft.Web")
                && sites.eq_ignore_ascii_case("sites") =>
        {
            Ok(name)
        }
        _ => Err(CloudError::new(
            ErrorKind::InvalidInput,
            "parsing App Service id",
            site_id,
            "expected /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.Web/sites/{name}",
        )),
    }
}

fn config_path(site_id: &str) -> String {
    format!("{}/config/backup", site_id.trim_end_matches('/'))
}

fn expand(spec: &SiteBackupSpec, name: &str) -> BackupRequest {
    let s = &spec.schedule;
    BackupRequest {
        properties: Some(BackupRequestProperties {
            backup_name: Some(name.to_owned()),
            enabled: Some(spec.enabled),
            storage_account_url: Some(spec.storage_account_url.expose().to_owned()),
            backup_schedule: Some(BackupSchedule {
                frequency_interval: Some(i64::from(s.frequency_interval)),
                frequency_unit: Some(s.frequency_unit.as_str().to_owned()),
                keep_at_least_one_backup: Some(s.keep_at_least_one_backup),
                retention_period_in_days: Some(i64::from(s.retention_period_in_days)),
                start_time: s.start_time.clone(),
            }),
        }),
    }
}

fn flatten(site_id: &str, body: BackupRequest) -> SiteBackupState {
    let p = body.properties.unwrap_or_default();
    let schedule = p.backup_schedule.map(|s| {
        let int =
            |v: Option<i64>, default: i32| v.and_then(|v| i32::try_from(v).ok()).unwrap_or(default);
        SiteBackupSchedule {
            frequency_interval: int(s.frequency_interval, 7),
            frequency_unit: s
                .frequency_unit
                .and_then(|u| u.parse().ok())
                .unwrap_or(FrequencyUnit::Day),
            retention_period_in_days: int(s.retention_period_in_days, 30),
            keep_at_least_one_backup: s.keep_at_least_one_backup.unwrap_or(true),
            start_time: s.start_time,
        }
    });
    SiteBackupState {
        site_id: site_id.to_owned(),
        id: config_path(site_id),
        enabled: p.enabled.unwrap_or(true),
        schedule,
    }
}

/// `err` with every occurrence of the secret (and of its query string, the SAS token) replaced.
fn redact(err: CloudError, secret: &Secret) -> CloudError {
    let url = secret.expose();
    let query = url
        .split_once('?')
        .map(|(_, q)| q)
        .filter(|q| !q.is_empty());
    let leaks = |text: &str| {
        (!url.is_empty() && text.contains(url)) || query.is_some_and(|q| text.contains(q))
    };
    if !leaks(err.message()) {
        return err;
    }
    let mut message = err.message().replace(url, "<redacted>");
    if let Some(q) = query {
        message = message.replace(q, "<redacted>");
    }
    CloudError::from_api(
        err.kind(),
        err.operation().to_owned(),
        err.name(),
        err.code().map(str::to_owned),
        message,
        err.status(),
    )
}

pub(crate) async fn ensure_site_backup(
    arm: &ArmClient,
    spec: &SiteBackupSpec,
) -> Result<SiteBackupState, CloudError> {
    let name = check_site_id(&spec.site_id)?;
    let subject = Subject {
        operation: "configuring App Service backup",
        name,
    };
    let body = expand(spec, name);
    let response = arm
        .send(
            Method::PUT,
            &config_path(&spec.site_id),
            WEB_API_VERSION,
            Some(&to_json(&body)),
            subject,
        )
        .await
        .map_err(|e| redact(e, &spec.storage_account_url))?;
    let written = match response.body {
        Some(answer) => {
            from_json(answer, subject).map_err(|e| redact(e, &spec.storage_account_url))?
        }
        None => body,
    };
    Ok(flatten(&spec.site_id, written))
}

pub(crate) async fn find_site_backup(
    arm: &ArmClient,
    site_id: &str,
) -> Result<Option<SiteBackupState>, CloudError> {
    let name = check_site_id(site_id)?;
    let subject = Subject {
        operation: "reading App Service backup",
        name,
    };
    let path = format!("{}/list", config_path(site_id));
    let Some(answer) = arm
        .send(Method::POST, &path, WEB_API_VERSION, None, subject)
        .await
        .none_if_not_found()?
        .and_then(|r| r.body)
    else {
        return Ok(None);
    };
    Ok(Some(flatten(site_id, from_json(answer, subject)?)))
}

pub(crate) async fn delete_site_backup(arm: &ArmClient, site_id: &str) -> Result<(), CloudError> {
    let name = check_site_id(site_id)?;
    let subject = Subject {
        operation: "removing App Service backup",
        name,
    };
    arm.send(
        Method::DELETE,
        &config_path(site_id),
        WEB_API_VERSION,
        None,
        subject,
    )
    .await
    .none_if_not_found()
    .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_never_quote_the_sas_url() {
        let secret = Secret::new("https://acct.blob.core.windows.net/c?sv=1&sig=abc");
        let err = super::super::errors::api_error(
            "configuring App Service backup",
            "shop",
            Some("BadRequest".into()),
            "storage url https://acct.blob.core.windows.net/c?sv=1&sig=abc is invalid; token sv=1&sig=abc",
            Some(400),
        );
        let err = redact(err, &secret);
        assert!(!err.to_string().contains("sig=abc"), "{err}");
        assert_eq!(err.code(), Some("BadRequest"));
    }
}
