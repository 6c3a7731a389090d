//! IaaS VM backup policies: `ProtectionPolicies_CreateOrUpdate` (PUT; 200, or 202 followed
//! through `Azure-AsyncOperation`/`Location`), `ProtectionPolicies_Get`,
//! `ProtectionPolicies_Delete` (LRO).

use super::translate::{
    AzureLongTermRetention, AzureRetentionSchedule, AzureSchedule, DailyRetention, DayOfWeek,
    DurationType, MonthDay, MonthOfYear, MonthlyRetention, RetentionDuration, RetentionFormat,
    ScheduleRunFrequency, TimeOfDay, WeekOfMonth, WeeklyRetention, YearlyRetention,
    AZURE_TIME_ZONE,
};
use reqwest::Method;
use serde::Serialize;
use serde_json::{json, Value};

use super::arm::{ArmClient, FinalState, Subject, BACKUP_API_VERSION};
use super::backend::{PolicySpec, PolicyState, VaultRef};
use super::vault::vault_path;
use crate::cloud::error::{CloudError, ErrorKind};

pub(crate) fn policy_path(subscription: &str, vault: &VaultRef, name: &str) -> String {
    format!("{}/backupPolicies/{name}", vault_path(subscription, vault))
}

fn expand(spec: &PolicySpec) -> Value {
    let mut properties = json!({
        "backupManagementType": "AzureIaasVM",
        "policyType": "V1",
        "timeZone": AZURE_TIME_ZONE,
        "schedulePolicy": spec.schedule.schedule_policy_json(),
        "retentionPolicy": spec.schedule.retention_policy_json(),
    });
    if let Some(days) = spec.instant_rp_retention_days {
        properties["instantRpRetentionRangeInDays"] = json!(days);
    }
    json!({ "properties": properties })
}

/// The enum value whose serde spelling is `text`.
fn parse_enum<T: Serialize + Copy>(all: &[T], text: &str) -> Option<T> {
    all.iter().copied().find(|v| {
        serde_json::to_value(v)
            .ok()
            .and_then(|j| j.as_str().map(|s| s.eq_ignore_ascii_case(text)))
            == Some(true)
    })
}

const DAYS: [DayOfWeek; 7] = [
    DayOfWeek::Sunday,
    DayOfWeek::Monday,
    DayOfWeek::Tuesday,
    DayOfWeek::Wednesday,
    DayOfWeek::Thursday,
    DayOfWeek::Friday,
    DayOfWeek::Saturday,
];
const WEEKS: [WeekOfMonth; 5] = [
    WeekOfMonth::First,
    WeekOfMonth::Second,
    WeekOfMonth::Third,
    WeekOfMonth::Fourth,
    WeekOfMonth::Last,
];
const MONTHS: [MonthOfYear; 12] = [
    MonthOfYear::January,
    MonthOfYear::February,
    MonthOfYear::March,
    MonthOfYear::April,
    MonthOfYear::May,
    MonthOfYear::June,
    MonthOfYear::July,
    MonthOfYear::August,
    MonthOfYear::September,
    MonthOfYear::October,
    MonthOfYear::November,
    MonthOfYear::December,
];
const DURATIONS: [DurationType; 4] = [
    DurationType::Days,
    DurationType::Weeks,
    DurationType::Months,
    DurationType::Years,
];

fn list<T: Serialize + Copy>(all: &[T], v: Option<&Value>) -> Option<Vec<T>> {
    v.and_then(Value::as_array)?
        .iter()
        .map(|x| parse_enum(all, x.as_str()?))
        .collect()
}

/// `2020-01-01T05:30:00Z` (any date) → 05:30.
fn time_of_day(v: &Value) -> Option<TimeOfDay> {
    let text = v.as_array()?.first()?.as_str()?;
    let time = text.split('T').nth(1)?;
    let mut parts = time.split(':');
    let hour = parts.next()?.parse().ok()?;
    let minute = parts.next()?.parse().ok()?;
    Some(TimeOfDay { hour, minute })
}

fn duration(tier: &Value) -> Option<RetentionDuration> {
    let d = tier.get("retentionDuration")?;
    Some(RetentionDuration {
        count: d.get("count")?.as_i64()?,
        duration_type: parse_enum(&DURATIONS, d.get("durationType")?.as_str()?)?,
    })
}

fn format(tier: &Value) -> Option<RetentionFormat> {
    match tier.get("retentionScheduleFormatType")?.as_str()? {
        "Daily" => {
            let days = tier
                .pointer("/retentionScheduleDaily/daysOfTheMonth")?
                .as_array()?
                .iter()
                .map(|d| {
                    if d.get("isLast").and_then(Value::as_bool) == Some(true) {
                        Some(MonthDay::Last)
                    } else {
                        Some(MonthDay::Date(u8::try_from(d.get("date")?.as_i64()?).ok()?))
                    }
                })
                .collect::<Option<Vec<_>>>()?;
            Some(RetentionFormat::Daily(days))
        }
        "Weekly" => Some(RetentionFormat::Weekly {
            days: list(
                &DAYS,
                tier.pointer("/retentionScheduleWeekly/daysOfTheWeek"),
            )?,
            weeks: list(
                &WEEKS,
                tier.pointer("/retentionScheduleWeekly/weeksOfTheMonth"),
            )?,
        }),
        _ => None,
    }
}

/// Reads back what [`AzureRetentionSchedule::schedule_policy_json`] and
/// `retention_policy_json` wrote; `None` for any other shape.
fn parse_schedule(properties: &Value) -> Option<AzureRetentionSchedule> {
    let sp = properties.get("schedulePolicy")?;
    if sp.get("schedulePolicyType")?.as_str()? != "SimpleSchedulePolicy" {
        return None;
    }
    let frequency = match sp.get("scheduleRunFrequency")?.as_str()? {
        "Daily" => ScheduleRunFrequency::Daily,
        "Weekly" => ScheduleRunFrequency::Weekly,
        _ => return None,
    };
    let run_days = match frequency {
        ScheduleRunFrequency::Weekly => list(&DAYS, sp.get("scheduleRunDays"))?,
        ScheduleRunFrequency::Daily => Vec::new(),
    };
    let run_time = time_of_day(sp.get("scheduleRunTimes")?)?;
    let rp = properties.get("retentionPolicy")?;
    if rp.get("retentionPolicyType")?.as_str()? != "LongTermRetentionPolicy" {
        return None;
    }
    let mut retention = AzureLongTermRetention::default();
    if let Some(t) = rp.get("dailySchedule").filter(|t| !t.is_null()) {
        retention.daily = Some(DailyRetention {
            duration: duration(t)?,
        });
    }
    if let Some(t) = rp.get("weeklySchedule").filter(|t| !t.is_null()) {
        retention.weekly = Some(WeeklyRetention {
            days: list(&DAYS, t.get("daysOfTheWeek"))?,
            duration: duration(t)?,
        });
    }
    if let Some(t) = rp.get("monthlySchedule").filter(|t| !t.is_null()) {
        retention.monthly = Some(MonthlyRetention {
            format: format(t)?,
            duration: duration(t)?,
        });
    }
    if let Some(t) = rp.get("yearlySchedule").filter(|t| !t.is_null()) {
        retention.yearly = Some(YearlyRetention {
            months: list(&MONTHS, t.get("monthsOfYear"))?,
            format: format(t)?,
            duration: duration(t)?,
        });
    }
    Some(AzureRetentionSchedule {
        schedule: AzureSchedule {
            frequency,
            run_days,
            run_time,
        },
        retention,
    })
}

fn flatten(name: &str, body: &Value) -> PolicyState {
    let empty = Value::Null;
    let properties = body.get("properties").unwrap_or(&empty);
    PolicyState {
        id: body
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        name: body
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or(name)
            .to_owned(),
        schedule: parse_schedule(properties),
        time_zone: properties
            .get("timeZone")
            .and_then(Value::as_str)
            .map(str::to_owned),
        instant_rp_retention_days: properties
            .get("instantRpRetentionRangeInDays")
            .and_then(Value::as_i64)
            .and_then(|d| i32::try_from(d).ok()),
        protected_items_count: properties
            .get("protectedItemsCount")
            .and_then(Value::as_i64)
            .unwrap_or(0),
    }
}

pub(crate) async fn ensure_policy(
    arm: &ArmClient,
    spec: &PolicySpec,
) -> Result<PolicyState, CloudError> {
    let path = policy_path(arm.subscription_id(), &spec.vault, &spec.name);
    let subject = Subject {
        operation: "creating Backup Policy",
        name: &spec.name,
    };
    let body = expand(spec);
    let result = arm
        .long_running(
            Method::PUT,
            &path,
            BACKUP_API_VERSION,
            Some(&body),
            FinalState::Location,
            subject,
        )
        .await?;
    let result = match result {
        Some(v) if v.get("properties").is_some() => v,
        _ => arm
            .get(&path, BACKUP_API_VERSION, subject)
            .await?
            .ok_or_else(|| {
                CloudError::new(
                    ErrorKind::NotFound,
                    subject.operation,
                    &spec.name,
                    "the policy is gone after it was written",
                )
            })?,
    };
    Ok(flatten(&spec.name, &result))
}

pub(crate) async fn find_policy(
    arm: &ArmClient,
    vault: &VaultRef,
    name: &str,
) -> Result<Option<PolicyState>, CloudError> {
    let path = policy_path(arm.subscription_id(), vault, name);
    let subject = Subject {
        operation: "reading Backup Policy",
        name,
    };
    Ok(arm
        .get(&path, BACKUP_API_VERSION, subject)
        .await?
        .map(|body| flatten(name, &body)))
}

pub(crate) async fn delete_policy(
    arm: &ArmClient,
    vault: &VaultRef,
    name: &str,
) -> Result<(), CloudError> {
    let path = policy_path(arm.subscription_id(), vault, name);
    let subject = Subject {
        operation: "deleting Backup Policy",
        name,
    };
    match arm
        .long_running(
            Method::DELETE,
            &path,
            BACKUP_API_VERSION,
            None,
            FinalState::None,
            subject,
        )
        .await
    {
        Ok(_) => Ok(()),
        Err(e) if e.is_not_found() => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::super::translate::translate_rules;
    use backup_policy::{
        EffectiveRule, DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES,
    };

    use super::*;

    fn rule(schedule: &str, retention_days: i64) -> EffectiveRule {
        EffectiveRule {
            schedule: schedule.into(),
            start_window_minutes: DEFAULT_START_WINDOW_MINUTES,
            completion_window_minutes: DEFAULT_COMPLETION_WINDOW_MINUTES,
            retention_days,
            cold_storage_after_days: None,
            enable_continuous_backup: false,
            copy_to: vec![],
            recovery_point_tags: BTreeMap::new(),
        }
    }

    #[test]
    fn every_tier_reads_back_as_written() {
        let rules: BTreeMap<String, EffectiveRule> = [
            ("daily".to_string(), rule("cron(0 5 ? * * *)", 35)),
            ("weekly".to_string(), rule("cron(0 5 ? * SUN *)", 90)),
            ("monthly".to_string(), rule("cron(0 5 1 * ? *)", 365)),
            ("yearly".to_string(), rule("cron(0 5 L 12 ? *)", 3650)),
        ]
        .into_iter()
        .collect();
        let schedule = translate_rules(&rules).unwrap();
        let spec = PolicySpec {
            vault: VaultRef::new("rg", "v"),
            name: "p".into(),
            schedule: schedule.clone(),
            instant_rp_retention_days: Some(2),
        };
        let state = flatten("p", &expand(&spec));
        assert_eq!(state.schedule, Some(schedule));
        assert_eq!(state.instant_rp_retention_days, Some(2));
        assert_eq!(state.time_zone.as_deref(), Some("UTC"));
    }
}
