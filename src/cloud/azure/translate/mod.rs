//! Translation of effective rules to an Azure IaaS VM backup policy: a `SimpleSchedulePolicy`
//! (daily or weekly, one time of day) and a `LongTermRetentionPolicy` (daily, weekly, monthly and
//! yearly tiers), as in Azure's `bms.json`.
//!
//! Each rule becomes a schedule or a tier by what its cron expression selects: every day → daily,
//! some weekdays → weekly, days of the month (or the n-th/last weekday) → monthly, days of some
//! months → yearly. Retention is rounded up to whole weeks, months or years so a recovery point is
//! never kept for less than `retention_days`. Expressions Azure cannot express are plan-time errors
//! at the rule's `schedule`.

mod classify;
mod combine;
mod shapes;
#[cfg(test)]
pub(crate) mod tests;

pub use shapes::*;

use backup_policy::{EffectiveRule, PolicyDiagnostic, PolicyDocument};

use classify::classify;
use combine::combine;

/// The time zone of translated schedules: AWS cron expressions are in UTC.
pub const AZURE_TIME_ZONE: &str = "UTC";
/// Azure's minimum daily retention; also how long daily points are kept when only monthly or
/// yearly tiers need them.
pub const MIN_DAILY_RETENTION_DAYS: i64 = 7;

/// Translates one rule (a daily or weekly schedule with its tier, or a monthly or yearly tier on
/// the daily or weekly backup it needs).
pub fn translate_rule(
    rule_name: &str,
    rule: &EffectiveRule,
) -> Result<AzureRetentionSchedule, PolicyDiagnostic> {
    let shaped = classify(rule_name, rule)?;
    combine(vec![shaped]).map_err(|mut d| d.remove(0))
}

/// Translates all rules of an app into one Azure policy: the most frequent rule sets the schedule
/// and its time of day; the others add their tiers, keeping the backup taken at that time.
pub fn translate_rules<'a>(
    rules: impl IntoIterator<Item = (&'a String, &'a EffectiveRule)>,
) -> Result<AzureRetentionSchedule, Vec<PolicyDiagnostic>> {
    let mut shaped = Vec::new();
    let mut diagnostics = Vec::new();
    for (name, rule) in rules {
        match classify(name, rule) {
            Ok(s) => shaped.push(s),
            Err(d) => diagnostics.push(d),
        }
    }
    if shaped.is_empty() && diagnostics.is_empty() {
        diagnostics.push(PolicyDiagnostic::new(
            tfvalue::AttributePath::attr("policy").attribute("rules"),
            "No rules for Azure",
            "an Azure backup policy needs at least one rule.",
        ));
    }
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    combine(shaped)
}

/// [`translate_rules`] for a document's effective rules, naming in each message the app that set
/// the value at fault (from the document's provenance).
pub fn translate_policy(
    doc: &PolicyDocument,
) -> Result<AzureRetentionSchedule, Vec<PolicyDiagnostic>> {
    use tfvalue::PathStep;
    translate_rules(doc.rules()).map_err(|diagnostics| {
        diagnostics
            .into_iter()
            .map(|mut d| {
                // Paths look like policy.rules["<rule>"].<field>.
                if let [_, _, PathStep::Key(rule), PathStep::Attribute(field)] = d.path.steps() {
                    let setter = doc
                        .provenance()
                        .rules
                        .get(rule)
                        .and_then(|p| p.field(field));
                    if let Some(app) = setter {
                        let detail = d.detail.trim_end_matches('.');
                        d.detail = format!("{detail} ({field} set by app {app:?}).");
                    }
                }
                d
            })
            .collect()
    })
}
