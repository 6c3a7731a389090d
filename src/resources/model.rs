//! The one decoder from Terraform values to the resources' typed models: every block and
//! attribute is read through here, so decode errors point at the attribute path the same way.

use backup_policy::PolicyDocument;
use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::state::{set_attr, set_nested_attr};

/// The attributes of an app's or child's value (configuration, plan or state) that resource
/// logic reads outside its blocks, decoded once. Each is `None` when null, not known yet, or not
/// an attribute of the resource (`mode` and `aws_selection_id` are the child's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub(crate) struct NodeRecord {
    /// The app's or child's name.
    #[serde(deserialize_with = "known")]
    pub(crate) name: Option<String>,
    /// Whether destroy may delete recovery points.
    #[serde(deserialize_with = "known")]
    pub(crate) force_destroy: Option<bool>,
    /// The effective policy as JSON.
    #[serde(deserialize_with = "known")]
    pub(crate) policy_document: Option<String>,
    /// A child's AWS placement, `joined` or `derived`.
    #[serde(deserialize_with = "known")]
    pub(crate) mode: Option<String>,
    /// The AWS plan's id.
    #[serde(deserialize_with = "known")]
    pub(crate) aws_plan_id: Option<String>,
    /// A child's AWS selection's id.
    #[serde(deserialize_with = "known")]
    pub(crate) aws_selection_id: Option<String>,
}

impl NodeRecord {
    /// The record of `value`; all `None` for a null value (no prior state).
    pub(crate) fn of(value: &Value) -> NodeRecord {
        tfvalue::from_value(value).unwrap_or_default()
    }

    /// The name, empty while unknown (for messages and object names at apply time).
    pub(crate) fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// Whether `force_destroy = true`.
    pub(crate) fn force_destroy(&self) -> bool {
        self.force_destroy == Some(true)
    }

    /// The recorded `policy_document`, parsed; `None` when null, unknown or unreadable.
    pub(crate) fn document(&self) -> Option<PolicyDocument> {
        PolicyDocument::parse(self.policy_document.as_deref()?).ok()
    }
}

/// What a step of resource logic sets in a state (plan, converge or read), written back once at
/// its end: each `Some` replaces that attribute, `None` leaves it as it was.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct NodeUpdate {
    /// `policy_document`; null when the cloud drifted from it, so the next plan converges again.
    pub(crate) policy_document: Option<Value>,
    /// A child's `mode`.
    pub(crate) mode: Option<Value>,
    /// An app's vault ARN.
    pub(crate) aws_vault_arn: Option<Value>,
    /// The AWS plan's id.
    pub(crate) aws_plan_id: Option<Value>,
    /// A child's AWS selection's id.
    pub(crate) aws_selection_id: Option<Value>,
    /// An app's logically air-gapped vault ARN.
    pub(crate) aws_air_gapped_vault_arn: Option<Value>,
    /// An app's Recovery Services vault id.
    pub(crate) azure_vault_id: Option<Value>,
    /// The Azure policy's id.
    pub(crate) azure_policy_id: Option<Value>,
    /// A child's protected item ids.
    pub(crate) azure_protected_item_ids: Option<Value>,
    /// `aws.allow_copy_from_accounts` as the vault's access policy has it.
    pub(crate) aws_allow_copy_from_accounts: Option<Value>,
    /// `aws.vault_lock` as the vault has it (null once the vault has none).
    pub(crate) aws_vault_lock: Option<Value>,
    /// `aws.kms_key_arn` as the vault has it.
    pub(crate) aws_kms_key_arn: Option<Value>,
    /// `aws.resources` as the child's selection has them.
    pub(crate) aws_resources: Option<Value>,
    /// `aws.selection_tags` as the child's selection has them.
    pub(crate) aws_selection_tags: Option<Value>,
    /// `aws.iam_role_arn` as the child's selection has it.
    pub(crate) aws_iam_role_arn: Option<Value>,
    /// An app's `audit_controls` (null when the framework drifted).
    pub(crate) audit_controls: Option<Value>,
}

impl NodeUpdate {
    /// Writes what was set into `state` (block members only where the block is not null).
    pub(crate) fn write(self, state: &mut Value) {
        let attributes = [
            ("policy_document", self.policy_document),
            ("mode", self.mode),
            ("aws_vault_arn", self.aws_vault_arn),
            ("aws_plan_id", self.aws_plan_id),
            ("aws_selection_id", self.aws_selection_id),
            ("aws_air_gapped_vault_arn", self.aws_air_gapped_vault_arn),
            ("azure_vault_id", self.azure_vault_id),
            ("azure_policy_id", self.azure_policy_id),
            ("azure_protected_item_ids", self.azure_protected_item_ids),
            ("audit_controls", self.audit_controls),
        ];
        for (name, value) in attributes {
            if let Some(value) = value {
                set_attr(state, name, value);
            }
        }
        let aws_members = [
            (
                "allow_copy_from_accounts",
                self.aws_allow_copy_from_accounts,
            ),
            ("vault_lock", self.aws_vault_lock),
            ("kms_key_arn", self.aws_kms_key_arn),
            ("resources", self.aws_resources),
            ("selection_tags", self.aws_selection_tags),
            ("iam_role_arn", self.aws_iam_role_arn),
        ];
        for (name, value) in aws_members {
            if let Some(value) = value {
                set_nested_attr(state, "aws", name, value);
            }
        }
    }
}

/// Reads an attribute that may be null or not known yet as `None`, the way resource logic treats
/// both (a value of another type, impossible once Terraform conformed it, reads as `None` too).
fn known<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    if value.is_null() || !value.is_wholly_known() {
        return Ok(None);
    }
    Ok(tfvalue::from_value(&value).ok())
}

/// The object attribute `name` (a cloud block) of a configuration, plan or state as `T`; `None`
/// when it is null or not wholly known yet (plan time), or invalid (an error at its path).
pub(crate) fn decode_block<T: DeserializeOwned>(
    value: &Value,
    name: &str,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    let block = value
        .get(name)
        .filter(|v| !v.is_null() && v.is_wholly_known())?;
    decode_at(block, name, diagnostics)
}

/// The wholly known attribute `name` as `T`; `T::default()` when null. Null members of an object
/// are left out first, so a patch type's `#[serde(default)]` fills them (Terraform sends every
/// unset attribute as null, where the patch types expect it absent).
pub(crate) fn decode_attribute<T: DeserializeOwned + Default>(
    value: &Value,
    name: &str,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    let attribute = value.get(name).unwrap_or(&Value::Null);
    if attribute.is_null() {
        return Some(T::default());
    }
    let attribute = match attribute {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    };
    decode_at(&attribute, name, diagnostics)
}

/// Decodes `value` (the attribute `name`), reporting an error at `name` joined with the place
/// inside it.
fn decode_at<T: DeserializeOwned>(
    value: &Value,
    name: &str,
    diagnostics: &mut Diagnostics,
) -> Option<T> {
    match tfvalue::from_value(value) {
        Ok(model) => Some(model),
        Err(e) => {
            diagnostics.push(
                Diagnostic::error("Invalid attribute value", e.to_string())
                    .at(AttributePath::attr(name).join(e.path())),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use backup_policy::{GuardrailsPatch, PolicyPatch};
    use tfvalue::AttributePath;

    use super::*;
    use crate::resources::fakes::object;

    #[test]
    fn policy_and_guardrails_decode_into_the_patch_types() {
        let rule = object(&[
            ("schedule", Value::from("cron(0 5 ? * * *)")),
            ("retention_days", Value::from(35)),
            ("copy_to", Value::Null),
        ]);
        let config = object(&[
            (
                "policy",
                object(&[
                    ("rules", Value::Map([("daily".to_string(), rule)].into())),
                    ("tags", Value::Null),
                ]),
            ),
            (
                "guardrails",
                object(&[
                    ("min_retention_days", Value::from(7)),
                    ("locked", Value::Null),
                ]),
            ),
        ]);
        let mut diagnostics = Diagnostics::default();
        let policy: PolicyPatch = decode_attribute(&config, "policy", &mut diagnostics).unwrap();
        assert_eq!(policy.rules["daily"].retention_days, Some(35));
        assert!(policy.tags.is_empty());
        let guardrails: GuardrailsPatch =
            decode_attribute(&config, "guardrails", &mut diagnostics).unwrap();
        assert_eq!(guardrails.min_retention_days, Some(7));
        let absent: GuardrailsPatch = decode_attribute(&config, "none", &mut diagnostics).unwrap();
        assert_eq!(absent, GuardrailsPatch::default());
        assert!(diagnostics.into_vec().is_empty());
    }

    #[test]
    fn errors_point_at_the_attribute_path() {
        let rule = object(&[("retention_days", Value::from("many"))]);
        let config = object(&[(
            "policy",
            object(&[("rules", Value::Map([("daily".to_string(), rule)].into()))]),
        )]);
        let mut diagnostics = Diagnostics::default();
        assert!(decode_attribute::<PolicyPatch>(&config, "policy", &mut diagnostics).is_none());
        let all = diagnostics.into_vec();
        assert_eq!(all.len(), 1);
        let want = AttributePath::attr("policy")
            .join(&AttributePath::attr("rules"))
            .join(&AttributePath::root().step(tfvalue::PathStep::Key("daily".into())))
            .join(&AttributePath::attr("retention_days"));
        assert_eq!(all[0].path.as_ref(), Some(&want));
    }

    #[test]
    fn node_records_read_unknown_and_null_as_none() {
        let state = object(&[
            ("name", Value::from("org-root")),
            ("force_destroy", Value::Bool(true)),
            ("policy_document", Value::unknown()),
            ("aws_plan_id", Value::Null),
            ("aws_vault_arn", Value::unknown()),
        ]);
        let record = NodeRecord::of(&state);
        assert_eq!(record.name(), "org-root");
        assert!(record.force_destroy());
        assert_eq!(record.policy_document, None);
        assert_eq!(record.aws_plan_id, None);
        assert_eq!(record.mode, None);
        assert_eq!(NodeRecord::of(&Value::Null), NodeRecord::default());
    }

    #[test]
    fn updates_write_only_what_was_set_and_block_members_only_into_a_block() {
        let mut state = object(&[
            ("aws_plan_id", Value::from("plan-1")),
            ("aws_vault_arn", Value::unknown()),
            ("aws", object(&[("vault_lock", Value::from("kept"))])),
            ("azure", Value::Null),
        ]);
        let update = NodeUpdate {
            aws_vault_arn: Some(Value::from("arn")),
            aws_vault_lock: Some(Value::Null),
            ..NodeUpdate::default()
        };
        update.write(&mut state);
        assert_eq!(state.get("aws_plan_id"), Some(&Value::from("plan-1")));
        assert_eq!(state.get("aws_vault_arn"), Some(&Value::from("arn")));
        assert_eq!(
            state.get("aws").and_then(|a| a.get("vault_lock")),
            Some(&Value::Null)
        );
        let mut without_block = object(&[("aws", Value::Null)]);
        NodeUpdate {
            aws_resources: Some(Value::List(Vec::new())),
            ..NodeUpdate::default()
        }
        .write(&mut without_block);
        assert_eq!(without_block.get("aws"), Some(&Value::Null));
    }

    #[test]
    fn blocks_not_known_yet_decode_to_none_quietly() {
        let config = object(&[("aws", object(&[("vault_name", Value::unknown())]))]);
        let mut diagnostics = Diagnostics::default();
        let block: Option<BTreeMap<String, String>> =
            decode_block(&config, "aws", &mut diagnostics);
        assert!(block.is_none());
        assert!(
            decode_block::<BTreeMap<String, String>>(&config, "azure", &mut diagnostics).is_none()
        );
        assert!(diagnostics.into_vec().is_empty());
    }
}
