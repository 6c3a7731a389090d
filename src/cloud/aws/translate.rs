//! Policy -> AWS Backup translation: the plan and vault tags that realise an effective policy
//! (the same layer as the Azure translation).

use backup_policy::{EffectiveRule, PolicyDocument};

use crate::cloud::{CopySpec, LifecycleSpec, PlanSpec, RuleSpec, Tags};

/// The backup plan realising `document`'s effective rules, every rule writing to `vault_name`.
///
/// Each rule keeps its `copy_to`; `central_vault_arn` (a derived child's anchor vault in another
/// account) and the anchor app's air-gapped vault are added as copies with the rule's retention
/// when no `copy_to` names them already.
pub fn plan_spec(
    document: &PolicyDocument,
    plan_name: &str,
    vault_name: &str,
    central_vault_arn: Option<&str>,
) -> PlanSpec {
    let air_gapped = document
        .anchors()
        .aws
        .as_ref()
        .and_then(|anchor| anchor.location.air_gapped_vault_arn.as_deref());
    let rules = document
        .rules()
        .iter()
        .map(|(name, rule)| {
            let mut spec = rule_spec(name, rule, vault_name, central_vault_arn);
            add_copy(&mut spec.copy_actions, air_gapped, rule.retention_days);
            spec
        })
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
    add_copy(&mut copy_actions, central_vault_arn, rule.retention_days);
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

/// Adds a copy to `destination` kept `retention_days`, unless a copy already goes there.
fn add_copy(copies: &mut Vec<CopySpec>, destination: Option<&str>, retention_days: i64) {
    let Some(destination) = destination else {
        return;
    };
    if !copies
        .iter()
        .any(|c| c.destination_vault_arn == destination)
    {
        copies.push(CopySpec {
            destination_vault_arn: destination.to_string(),
            lifecycle: LifecycleSpec {
                cold_after_days: None,
                delete_after_days: retention_days,
            },
        });
    }
}

/// The tags of the vaults and plans of an app: its effective tags.
pub fn vault_tags(document: &PolicyDocument) -> Tags {
    document.tags().clone()
}
