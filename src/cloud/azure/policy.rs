//! IaaS VM backup policies: `ProtectionPolicies_CreateOrUpdate` (PUT; 200, or 202 followed
//! through `Azure-AsyncOperation`/`Location`), `ProtectionPolicies_Get`,
//! `ProtectionPolicies_Delete` (LRO).

use reqwest::Method;

use super::arm::{ArmClient, Subject, BACKUP_API_VERSION};
use super::backend::{PolicySpec, PolicyState, VaultRef};
use super::bodies::policy::{parse_schedule, IaasVmPolicy, ProtectionPolicy};
use super::bodies::IfShaped;
use super::translate::AZURE_TIME_ZONE;
use super::vault::vault_path;
use crate::cloud::error::CloudError;

pub(crate) fn policy_path(subscription: &str, vault: &VaultRef, name: &str) -> String {
    format!("{}/backupPolicies/{name}", vault_path(subscription, vault))
}

fn expand(spec: &PolicySpec) -> ProtectionPolicy {
    ProtectionPolicy {
        properties: Some(IaasVmPolicy {
            backup_management_type: Some("AzureIaasVM".into()),
            policy_type: Some("V1".into()),
            time_zone: Some(AZURE_TIME_ZONE.into()),
            schedule_policy: Some(IfShaped(Some((&spec.schedule).into()))),
            retention_policy: Some(IfShaped(Some((&spec.schedule).into()))),
            instant_rp_retention_range_in_days: spec.instant_rp_retention_days.map(i64::from),
            protected_items_count: None,
        }),
        ..ProtectionPolicy::default()
    }
}

fn flatten(name: &str, body: ProtectionPolicy) -> PolicyState {
    let properties = body.properties.unwrap_or_default();
    let schedule = match (&properties.schedule_policy, &properties.retention_policy) {
        (Some(IfShaped(Some(sp))), Some(IfShaped(Some(rp)))) => parse_schedule(sp, rp),
        _ => None,
    };
    PolicyState {
        id: body.id.unwrap_or_default(),
        name: body.name.unwrap_or_else(|| name.to_owned()),
        schedule,
        time_zone: properties.time_zone,
        instant_rp_retention_days: properties
            .instant_rp_retention_range_in_days
            .and_then(|d| i32::try_from(d).ok()),
        protected_items_count: properties.protected_items_count.unwrap_or(0),
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
    let written: ProtectionPolicy = arm
        .write(
            Method::PUT,
            &path,
            BACKUP_API_VERSION,
            &expand(spec),
            subject,
            "the policy is gone after it was written",
            |p: &ProtectionPolicy| p.properties.is_some(),
        )
        .await?;
    Ok(flatten(&spec.name, written))
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
        .get_as::<ProtectionPolicy>(&path, BACKUP_API_VERSION, subject)
        .await?
        .map(|body| flatten(name, body)))
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
    arm.delete(&path, BACKUP_API_VERSION, subject)
        .await
        .map(drop)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use backup_policy::EffectiveRule;

    use super::super::bodies::to_json;
    use super::super::translate::tests::rule;
    use super::super::translate::translate_rules;
    use super::*;

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
        let body = serde_json::from_value(to_json(&expand(&spec))).unwrap();
        let state = flatten("p", body);
        assert_eq!(state.schedule, Some(schedule));
        assert_eq!(state.instant_rp_retention_days, Some(2));
        assert_eq!(state.time_zone.as_deref(), Some("UTC"));
    }

    #[test]
    fn a_shape_this_provider_does_not_write_reads_as_drift() {
        let body = serde_json::json!({
            "id": "/p",
            "name": "p",
            "properties": {
                "backupManagementType": "AzureIaasVM",
                "policyType": "V2",
                "timeZone": "UTC",
                "protectedItemsCount": 3,
                "schedulePolicy": {
                    "schedulePolicyType": "SimpleSchedulePolicyV2",
                    "scheduleRunFrequency": "Hourly",
                    "hourlySchedule": {"interval": 4, "scheduleWindowDuration": 12}
                },
                "retentionPolicy": {
                    "retentionPolicyType": "LongTermRetentionPolicy",
                    "dailySchedule": {
                        "retentionTimes": ["2020-01-01T05:00:00Z"],
                        "retentionDuration": {"count": 30, "durationType": "Days"}
                    }
                }
            }
        });
        let state = flatten("p", serde_json::from_value(body).unwrap());
        assert_eq!(state.schedule, None);
        assert_eq!(state.protected_items_count, 3);
        assert_eq!(state.time_zone.as_deref(), Some("UTC"));
    }

    #[test]
    fn enum_values_read_without_case() {
        let rules: BTreeMap<String, EffectiveRule> =
            [("weekly".to_string(), rule("cron(0 5 ? * SUN *)", 90))]
                .into_iter()
                .collect();
        let schedule = translate_rules(&rules).unwrap();
        let spec = PolicySpec {
            vault: VaultRef::new("rg", "v"),
            name: "p".into(),
            schedule: schedule.clone(),
            instant_rp_retention_days: None,
        };
        let text = to_json(&expand(&spec))
            .to_string()
            .replace("\"Sunday\"", "\"sunday\"")
            .replace("\"Weeks\"", "\"WEEKS\"");
        let state = flatten("p", serde_json::from_str(&text).unwrap());
        assert_eq!(state.schedule, Some(schedule));
    }
}
