//! What both AWS actions do with their `policy_document`: read and check it, and make sure the
//! provider configuration acts where the document's vault is.

use backup_policy::{AwsAnchor, PolicyDocument};
use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use crate::resources::ProviderData;

/// The checked `policy_document`; `None` with an error at it when it is invalid, without one
/// when it is not known yet.
pub(super) fn document(config: &Value, diagnostics: &mut Diagnostics) -> Option<PolicyDocument> {
    let document = match config.get("policy_document") {
        Some(Value::String(json)) => json,
        _ => return None,
    };
    match PolicyDocument::parse(document) {
        Ok(doc) => Some(doc),
        Err(p) => {
            diagnostics.error_at(
                AttributePath::attr("policy_document"),
                "Invalid policy document",
                // The policy core words its findings for a `parent`; here the document is the input.
                p.detail
                    .replace("parent's", "the document's")
                    .replace("parent ", "the document "),
            );
            None
        }
    }
}

/// Whether the provider configuration acts in `vault`'s account and region; an error (at
/// `policy_document` when they differ) naming both otherwise. `action` names the caller.
pub(super) fn check_vault_reachable(
    action: &str,
    vault: &AwsAnchor,
    data: Option<&ProviderData>,
    diagnostics: &mut Diagnostics,
) -> bool {
    let Some(aws) = data.and_then(|d| d.aws.as_ref()) else {
        diagnostics.push(Diagnostic::error(
            "Provider has no AWS settings",
            format!(
                "{action} calls AWS Backup: give the action a provider configuration with an `aws` \
                 block (`provider = backup.<alias>` in the action block)."
            ),
        ));
        return false;
    };
    if aws.account_id() != vault.account_id || aws.region() != vault.region {
        diagnostics.error_at(
            AttributePath::attr("policy_document"),
            "Vault in another account or region",
            format!(
                "The vault {} of app {:?} is in account {} region {}, but this provider configuration acts \
                 in account {} region {}. Use the provider alias for the vault's account and region.",
                vault.vault_name,
                vault.app,
                vault.account_id,
                vault.region,
                aws.account_id(),
                aws.region()
            ),
        );
        return false;
    }
    true
}

/// A root app on AWS (vault `org-root-vault` in 111111111111 / eu-west-1, one daily rule kept
/// 35 days) with `guardrails`, as its `policy_document`: what the actions' tests act on.
#[cfg(test)]
pub(super) fn test_root_document(guardrails: backup_policy::GuardrailsPatch) -> String {
    use backup_policy::{AppInput, CloudAnchorsPatch, RulePatch};
    let mut root = AppInput {
        name: "org-root".into(),
        guardrails,
        anchors: CloudAnchorsPatch {
            aws: Some(AwsAnchor {
                app: "org-root".into(),
                account_id: "111111111111".into(),
                region: "eu-west-1".into(),
                vault_name: "org-root-vault".into(),
                vault_arn: "arn:aws:backup:eu-west-1:111111111111:backup-vault:org-root-vault"
                    .into(),
                plan_name: "org-root".into(),
                kms_key_arn: None,
                air_gapped_vault_arn: None,
            }),
            azure: None,
        },
        ..Default::default()
    };
    root.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            retention_days: Some(35),
            ..Default::default()
        },
    );
    backup_policy::evaluate(None, &root).unwrap().to_json()
}
