//! Policy -> AWS Backup translation: the plan and vault tags that realise an effective policy
//! (the same layer as the Azure translation).

use backup_policy::{EffectiveRule, PolicyDocument};

use crate::cloud::{CopySpec, LifecycleSpec, PlanSpec, RuleSpec, Tags};

/// The backup plan realising `document`'s effective rules, every rule writing to `vault_name`.
///
/// Each rule keeps its `copy_to`; `central_vault_arn` (a derived child's anchor vault in another
/// account) is added as a copy with the rule's retention when no `copy_to` names it already.
pub fn plan_spec(
    document: &PolicyDocument,
    plan_name: &str,
    vault_name: &str,
    central_vault_arn: Option<&str>,
) -> PlanSpec {
    let rules = document
        .rules()
        .iter()
        .map(|(name, rule)| rule_spec(name, rule, vault_name, central_vault_arn))
        .collect();
    PlanSpec {
        name: plan_name.to_string(),
        rules,
        tags: document.tags().clone(),
    }
    .normalized()
}

fn rule_spec(
    name: &str,
    rule: &EffectiveRule,
    vault_name: &str,
    central_vault_arn: Option<&str>,
) -> RuleSpec {
    let mut copy_actions: Vec<CopySpec> = rule
        .copy_to
        .iter()
        .map(|copy| CopySpec {
            destination_vault_arn: copy.vault_arn.clone(),
            lifecycle: LifecycleSpec {
                cold_after_days: copy.cold_storage_after_days,
                delete_after_days: rule.copy_retention_days(copy),
            },
        })
        .collect();
    if let Some(central) = central_vault_arn {
        if !copy_actions
            .iter()
            .any(|c| c.destination_vault_arn == central)
        {
            copy_actions.push(CopySpec {
                destination_vault_arn: central.to_string(),
                lifecycle: LifecycleSpec {
                    cold_after_days: None,
                    delete_after_days: rule.retention_days,
                },
            });
        }
    }
    RuleSpec {
        name: name.to_string(),
        target_vault: vault_name.to_string(),
        schedule: rule.schedule.clone(),
        start_window_minutes: rule.start_window_minutes,
        completion_window_minutes: rule.completion_window_minutes,
        lifecycle: LifecycleSpec {
            cold_after_days: rule.cold_storage_after_days,
            delete_after_days: rule.retention_days,
        },
        enable_continuous_backup: rule.enable_continuous_backup,
        recovery_point_tags: rule.recovery_point_tags.clone(),
        copy_actions,
    }
}

/// The tags of the vaults and plans of an app: its effective tags.
pub fn vault_tags(document: &PolicyDocument) -> Tags {
    document.tags().clone()
}
