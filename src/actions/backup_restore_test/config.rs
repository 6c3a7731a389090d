//! The action's configuration, decoded once and checked: the vault from the policy document, the
//! restored resource type from the ARN, the restore metadata with its overrides.

use std::collections::BTreeMap;

use backup_policy::{AwsAnchor, PolicyDocument};
use tfplugin::framework::Diagnostics;
use tfvalue::{AttributePath, Value};

use crate::actions::aws_vault::check_vault_reachable;
use crate::cloud::restores::RestoreJobSpec;
use crate::cloud::time::epoch_seconds;
use crate::resources::ProviderData;

/// How long the restore may take when `timeout_minutes` is not set.
pub(super) const DEFAULT_TIMEOUT_MINUTES: i64 = 60;

/// A checked configuration.
#[derive(Debug, Clone)]
pub(super) struct RestoreConfig {
    pub(super) vault: AwsAnchor,
    pub(super) resource_arn: String,
    pub(super) table: SourceTable,
    pub(super) recovery_point_arn: Option<String>,
    /// `created_after` in seconds since the epoch: restore the first point made from then on.
    pub(super) created_after: Option<i64>,
    pub(super) iam_role_arn: String,
    pub(super) restore_metadata: BTreeMap<String, String>,
    pub(super) timeout_minutes: i64,
}

/// The DynamoDB table whose recovery point is restored, from its ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SourceTable {
    /// `arn:PARTITION:dynamodb:REGION:ACCOUNT:`, the prefix of the restored table's ARN too.
    pub(super) arn_prefix: String,
    /// The table's name.
    pub(super) name: String,
}

impl SourceTable {
    /// The table `arn` names; `None` for any other ARN.
    pub(super) fn parse(arn: &str) -> Option<SourceTable> {
        let fields: Vec<&str> = arn.splitn(6, ':').collect();
        let [_, _, service, _, _, resource] = fields.as_slice() else {
            return None;
        };
        let name = resource.strip_prefix("table/")?;
        if *service != "dynamodb" || name.is_empty() || name.contains('/') {
            return None;
        }
        Some(SourceTable {
            arn_prefix: arn[..arn.len() - resource.len()].to_owned(),
            name: name.to_owned(),
        })
    }
}

impl RestoreConfig {
    /// Decodes and checks `config`; `None` (with errors added, at their attributes) when it is
    /// invalid, and `None` without errors when something it needs is not known yet.
    #[cfg(test)]
    pub(super) fn decode(config: &Value, diagnostics: &mut Diagnostics) -> Option<RestoreConfig> {
        let doc = crate::actions::aws_vault::document(config, diagnostics)?;
        RestoreConfig::decode_with(config, &doc, diagnostics)
    }

    /// Decodes and checks `config` with its document already checked; `None` (with errors
    /// added, at their attributes) when it is invalid, without errors when not known yet.
    pub(super) fn decode_with(
        config: &Value,
        doc: &PolicyDocument,
        diagnostics: &mut Diagnostics,
    ) -> Option<RestoreConfig> {
        let Some(anchor) = &doc.anchors().aws else {
            diagnostics.error_at(
                AttributePath::attr("policy_document"),
                "No AWS vault for this app",
                format!(
                    "Neither app {:?} nor an ancestor ({}) has an `aws` block, so there is no vault to restore \
                     from. Pass the policy_document of an app or child on AWS.",
                    doc.app(),
                    doc.lineage().join(" > ")
                ),
            );
            return None;
        };
        let text = |name: &str| match config.get(name) {
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(Value::Null) | None => Some(None),
            Some(_) => None,
        };
        let Some(resource_arn) = text("resource_arn")? else {
            diagnostics.error_at(
                AttributePath::attr("resource_arn"),
                "Nothing to restore",
                "Set resource_arn (a DynamoDB table, on AWS) or vm_id (a protected VM, on Azure).",
            );
            return None;
        };
        let Some(table) = SourceTable::parse(&resource_arn) else {
            diagnostics.error_at(
                AttributePath::attr("resource_arn"),
                "Resource type not restorable by this action",
                format!(
                    "{resource_arn:?} is not a DynamoDB table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME). \
                     backup_restore_test restores DynamoDB tables, whose scratch copy it can delete again."
                ),
            );
            return None;
        };
        let restore_metadata = match config.get("restore_metadata") {
            Some(v) if !v.is_wholly_known() => return None,
            Some(Value::Null) | None => BTreeMap::new(),
            Some(v) => tfvalue::from_value(v).ok()?,
        };
        let timeout_minutes = timeout_minutes(config)?;
        let Some(iam_role_arn) = text("iam_role_arn")? else {
            diagnostics.error_at(
                AttributePath::attr("iam_role_arn"),
                "Role needed",
                "On AWS, iam_role_arn names the role AWS Backup assumes to create the scratch table.",
            );
            return None;
        };
        Some(RestoreConfig {
            vault: anchor.location.clone(),
            resource_arn,
            table,
            recovery_point_arn: text("recovery_point_arn")?,
            created_after: created_after(config, diagnostics)?,
            iam_role_arn,
            restore_metadata,
            timeout_minutes,
        })
    }

    /// Whether the provider configuration acts in the vault's account and region.
    pub(super) fn check_vault_reachable(
        &self,
        data: Option<&ProviderData>,
        diagnostics: &mut Diagnostics,
    ) -> bool {
        check_vault_reachable("backup_restore_test", &self.vault, data, diagnostics)
    }

    /// The restore of `recovery_point_arn` into a scratch table named after the source and
    /// `run_id`; `restore_metadata` overrides the defaults (AWS Backup's DynamoDB restore
    /// metadata: `targetTableName`, `encryptionType`, `kmsMasterKeyArn`).
    pub(super) fn spec(&self, recovery_point_arn: &str, run_id: &str) -> RestoreJobSpec {
        let mut metadata = BTreeMap::from([(
            "targetTableName".to_owned(),
            scratch_table_name(&self.table.name, run_id),
        )]);
        metadata.extend(self.restore_metadata.clone());
        RestoreJobSpec {
            recovery_point_arn: recovery_point_arn.to_owned(),
            iam_role_arn: self.iam_role_arn.clone(),
            resource_type: "DynamoDB".to_owned(),
            metadata,
            idempotency_token: format!("terraform-restore-test-{run_id}"),
        }
    }

    /// The ARN the restore of `spec` creates: known before the job reports it, so the scratch
    /// table is cleaned up even when the job fails or is left running.
    pub(super) fn scratch_arn(&self, spec: &RestoreJobSpec) -> String {
        let name = spec
            .metadata
            .get("targetTableName")
            .map_or("", String::as_str);
        format!("{}table/{name}", self.table.arn_prefix)
    }
}

/// `created_after` in seconds since the epoch (`Some(None)` when unset); `None` when not known
/// yet, or with an error at it when it is not an RFC 3339 UTC time.
pub(super) fn created_after(config: &Value, diagnostics: &mut Diagnostics) -> Option<Option<i64>> {
    match config.get("created_after") {
        Some(Value::Null) | None => Some(None),
        Some(Value::String(time)) => match epoch_seconds(time) {
            Some(seconds) => Some(Some(seconds)),
            None => {
                diagnostics.error_at(
                    AttributePath::attr("created_after"),
                    "Invalid time",
                    format!("{time:?} is not an RFC 3339 UTC time such as 2026-12-06T14:00:00Z."),
                );
                None
            }
        },
        Some(_) => None,
    }
}

/// `timeout_minutes`, or its default; `None` when not known yet.
pub(super) fn timeout_minutes(config: &Value) -> Option<i64> {
    match config.get("timeout_minutes") {
        Some(Value::Null) | None => Some(DEFAULT_TIMEOUT_MINUTES),
        Some(v) if !v.is_wholly_known() => None,
        Some(v) => tfvalue::from_value(v).ok(),
    }
}

/// `SOURCE-restore-test-RUN`, within DynamoDB's 255 characters.
fn scratch_table_name(source: &str, run_id: &str) -> String {
    let suffix = format!("-restore-test-{run_id}");
    let keep = 255usize.saturating_sub(suffix.len());
    let source: String = source.chars().take(keep).collect();
    format!("{source}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::backup_restore_test::run::tests::{aws_document, config};

    #[test]
    fn a_table_is_restored_to_a_scratch_table_with_overrides() {
        let mut diagnostics = Diagnostics::new();
        let restore = RestoreConfig::decode(&config(&aws_document()), &mut diagnostics).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(restore.vault.vault_name, "org-root-vault");
        assert_eq!(restore.timeout_minutes, DEFAULT_TIMEOUT_MINUTES);
        let spec = restore.spec("arn:rp", "42");
        assert_eq!(spec.metadata["targetTableName"], "orders-restore-test-42");
        assert_eq!(spec.metadata["encryptionType"], "Default");
        assert_eq!(spec.resource_type, "DynamoDB");
        assert_eq!(
            restore.scratch_arn(&spec),
            "arn:aws:dynamodb:eu-west-1:111111111111:table/orders-restore-test-42"
        );
    }

    #[test]
    fn other_resources_are_refused_at_resource_arn() {
        let mut value = config(&aws_document());
        if let Value::Object(members) = &mut value {
            members.insert(
                "resource_arn".into(),
                Value::String("arn:aws:ec2:eu-west-1:111111111111:volume/vol-1".into()),
            );
        }
        let mut diagnostics = Diagnostics::new();
        assert!(RestoreConfig::decode(&value, &mut diagnostics).is_none());
        let d = diagnostics.iter().next().unwrap();
        assert_eq!(d.path, Some(AttributePath::attr("resource_arn")));
        assert!(
            d.detail.contains("not a DynamoDB table ARN"),
            "{}",
            d.detail
        );
    }

    #[test]
    fn long_names_are_shortened_to_dynamodbs_limit() {
        let name = scratch_table_name(&"t".repeat(300), "1");
        assert_eq!(name.len(), 255);
        assert!(name.ends_with("-restore-test-1"));
    }
}
