//! `BackupRequest` (`Microsoft.Web/sites/config/backup`, `WebApps.json`).

use serde::{Deserialize, Serialize};

/// An app's backup configuration: the PUT body and the answer.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct BackupRequest {
    /// `BackupRequestProperties`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) properties: Option<BackupRequestProperties>,
}

/// `BackupRequestProperties`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BackupRequestProperties {
    /// The name of backups (the app's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) backup_name: Option<String>,
    /// Whether scheduled backups run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) enabled: Option<bool>,
    /// The container SAS URL. Sent, never read: ARM echoes it in the list answer, and it is
    /// dropped while reading.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub(crate) storage_account_url: Option<String>,
    /// The schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) backup_schedule: Option<BackupSchedule>,
}

/// `BackupSchedule`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BackupSchedule {
    /// Every how many units a backup runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) frequency_interval: Option<i64>,
    /// `Day` or `Hour`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) frequency_unit: Option<String>,
    /// Keep the newest backup even when it is older than the retention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) keep_at_least_one_backup: Option<bool>,
    /// Days a backup is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retention_period_in_days: Option<i64>,
    /// When the schedule starts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) start_time: Option<String>,
}
