//! The `backup_app` list on Azure: the vaults of the provider configuration's subscription tagged
//! `backup:app` (the tag each app puts on its vault, valued with its name) that still hold the
//! policy named after the app. Each is listed with its identity (`name`) and, when asked, a state
//! as an import by policy id leaves it, with `policy` rebuilt from the Azure policy: rules whose
//! translation is that policy, and the vault's tags.

use std::collections::BTreeMap;

use tfplugin::framework::{null_object, Diagnostics, ListRequest, ListResults};
use tfvalue::Value;

use super::super::diagnostics::azure_diagnostic;
use super::super::policy_schema::policy_attribute;
use super::super::state::set_attr;
use super::import::{adopt, PolicyImportId};
use super::list::{listed_by_name, string_map};
use super::schema::app_schema;
use super::RESOURCE;
use crate::cloud::azure::translate::{
    AzureRetentionSchedule, DayOfWeek, MonthDay, MonthOfYear, RetentionFormat,
    ScheduleRunFrequency, TimeOfDay, WeekOfMonth,
};
use crate::cloud::azure::{without_app_tag, AzureBackend, VaultState, APP_TAG};
use crate::cloud::CloudError;

/// The apps' vaults of the subscription, by app name (the first vault of a name wins: an app has
/// one vault).
pub(crate) async fn app_vaults(
    backend: &dyn AzureBackend,
) -> Result<BTreeMap<String, VaultState>, CloudError> {
    let mut apps = BTreeMap::new();
    for vault in backend.list_vaults().await? {
        if let Some(app) = vault.tags.get(APP_TAG).cloned() {
            apps.entry(app).or_insert(vault);
        }
    }
    Ok(apps)
}

/// The import id (the policy's ARM id, parsed) of app `name`, when a vault of the subscription
/// carries its tag: how an import by identity finds an app on Azure.
pub(super) async fn import_id_of(
    backend: &dyn AzureBackend,
    name: &str,
) -> Result<Option<PolicyImportId>, CloudError> {
    Ok(app_vaults(backend)
        .await?
        .remove(name)
        .map(|vault| PolicyImportId {
            subscription_id: backend.subscription_id().to_owned(),
            resource_group: vault.resource_group,
            vault_name: vault.name,
            app: name.to_owned(),
        }))
}

/// Lists the apps of `backend` whose name starts with `prefix` into `results`; an error ends the
/// list with its diagnostic.
pub(super) async fn list_apps(
    backend: &dyn AzureBackend,
    prefix: &str,
    request: &ListRequest,
    results: &mut ListResults,
) {
    let fail = |results: &mut ListResults, name: &str, e: &CloudError| {
        let _ = results.diagnostics(Diagnostics::from(azure_diagnostic(RESOURCE, name, e)));
    };
    let apps = match app_vaults(backend).await {
        Ok(apps) => apps,
        Err(e) => return fail(results, "", &e),
    };
    for (name, vault) in apps.into_iter().filter(|(n, _)| n.starts_with(prefix)) {
        if results.is_done() {
            return;
        }
        let Some(policy) = (match backend.find_policy(&vault_ref(&vault), &name).await {
            Ok(policy) => policy,
            Err(e) => return fail(results, &name, &e),
        }) else {
            continue; // the app's policy is gone: nothing to import
        };
        let state = match request.include_resource_object {
            false => None,
            true => match app_state(backend, &vault, &name, policy.schedule.as_ref()).await {
                Ok(state) => Some(state),
                Err(d) => {
                    let _ = results.diagnostics(Diagnostics::from(d));
                    return;
                }
            },
        };
        if results.push(listed_by_name(name, state)).is_break() {
            return;
        }
    }
}

fn vault_ref(vault: &VaultState) -> crate::cloud::azure::VaultRef {
    crate::cloud::azure::VaultRef::new(&vault.resource_group, &vault.name)
}

/// The app's state as an import by policy id leaves it, with `policy` rebuilt.
async fn app_state(
    backend: &dyn AzureBackend,
    vault: &VaultState,
    name: &str,
    schedule: Option<&AzureRetentionSchedule>,
) -> Result<Value, tfplugin::framework::Diagnostic> {
    let schema = app_schema();
    let mut state = null_object(&schema.attributes);
    set_attr(&mut state, "id", Value::from(name.to_owned()));
    set_attr(&mut state, "name", Value::from(name.to_owned()));
    set_attr(&mut state, "force_destroy", Value::Bool(false));
    let id = PolicyImportId {
        subscription_id: backend.subscription_id().to_owned(),
        resource_group: vault.resource_group.clone(),
        vault_name: vault.name.clone(),
        app: name.to_owned(),
    };
    if let Some(azure) = schema.attribute("azure") {
        adopt(backend, &id, azure, &mut state).await?;
    }
    set_attr(&mut state, "policy", policy_value(schedule, vault));
    Ok(state)
}

/// `policy` as a root app would state the Azure policy: a rule per tier (`daily`, `weekly`,
/// `monthly`, `yearly`) at the policy's time, kept as long as the tier (so the rules translate to
/// the same policy), and the vault's tags without the provider's.
fn policy_value(schedule: Option<&AzureRetentionSchedule>, vault: &VaultState) -> Value {
    let parts = policy_attribute(false);
    let mut policy = null_object(parts.children().unwrap_or_default());
    let rules = schedule.map(rules_of).unwrap_or_default();
    let rules = rules
        .into_iter()
        .map(|(name, (cron, days))| {
            let mut fields = BTreeMap::new();
            fields.insert("schedule".to_string(), Value::from(cron));
            fields.insert("retention_days".to_string(), Value::from(days));
            (name.to_string(), Value::Object(fields))
        })
        .collect();
    set_attr(&mut policy, "rules", Value::Object(rules));
    let tags = without_app_tag(&vault.tags);
    let tags = match tags.is_empty() {
        true => Value::Null,
        false => string_map(&tags),
    };
    set_attr(&mut policy, "tags", tags);
    policy
}

/// The rules (name → cron expression, retention days) whose translation is `policy`.
pub(super) fn rules_of(policy: &AzureRetentionSchedule) -> BTreeMap<&'static str, (String, i64)> {
    let TimeOfDay { hour, minute } = policy.schedule.run_time;
    let at =
        |dom: &str, month: &str, dow: &str| format!("cron({minute} {hour} {dom} {month} {dow} *)");
    let r = &policy.retention;
    let mut rules = BTreeMap::new();
    if let Some(daily) = &r.daily {
        rules.insert("daily", (at("?", "*", "*"), daily.duration.count));
    }
    if let Some(weekly) = &r.weekly {
        let days = if policy.schedule.frequency == ScheduleRunFrequency::Weekly {
            &policy.schedule.run_days
        } else {
            &weekly.days
        };
        let days: Vec<&str> = days.iter().map(|d| day_name(*d)).collect();
        rules.insert(
            "weekly",
            (at("?", "*", &days.join(",")), weekly.duration.count * 7),
        );
    }
    if let Some(monthly) = &r.monthly {
        let (dom, dow) = format_fields(&monthly.format);
        let days = shortest_months(monthly.duration.count);
        rules.insert("monthly", (at(&dom, "*", &dow), days));
    }
    if let Some(yearly) = &r.yearly {
        let (dom, dow) = format_fields(&yearly.format);
        let months: Vec<String> = yearly.months.iter().map(|m| month_number(*m)).collect();
        let days = yearly.duration.count * 365;
        rules.insert("yearly", (at(&dom, &months.join(","), &dow), days));
    }
    rules
}

/// The day-of-month and day-of-week fields of a monthly or yearly tier's format. A weekday
/// format names one weekday of one week (what one cron expression can say).
fn format_fields(format: &RetentionFormat) -> (String, String) {
    match format {
        RetentionFormat::Daily(days) => {
            let days: Vec<String> = days
                .iter()
                .map(|d| match d {
                    MonthDay::Date(n) => n.to_string(),
                    MonthDay::Last => "L".into(),
                })
                .collect();
            (days.join(","), "?".into())
        }
        RetentionFormat::Weekly { days, weeks } => {
            let day = day_name(days.first().copied().unwrap_or(DayOfWeek::Sunday));
            let dow = match weeks.first().copied().unwrap_or(WeekOfMonth::First) {
                WeekOfMonth::First => format!("{day}#1"),
                WeekOfMonth::Second => format!("{day}#2"),
                WeekOfMonth::Third => format!("{day}#3"),
                WeekOfMonth::Fourth => format!("{day}#4"),
                WeekOfMonth::Last => format!("{day}L"),
            };
            ("?".into(), dow)
        }
    }
}

fn day_name(day: DayOfWeek) -> &'static str {
    ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"][day as usize]
}

fn month_number(month: MonthOfYear) -> String {
    (month as usize + 1).to_string()
}

/// The fewest days `months` consecutive months can last: the longest retention the translation
/// rounds to exactly `months` months.
fn shortest_months(months: i64) -> i64 {
    const LENGTHS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let rem = usize::try_from(months % 12).unwrap_or(0);
    let part = (0..12)
        .map(|s| (0..rem).map(|i| LENGTHS[(s + i) % 12]).sum::<i64>())
        .min()
        .unwrap_or(0);
    months / 12 * 365 + part
}

#[cfg(test)]
#[path = "list_azure_tests.rs"]
mod tests;
