//! The action's configuration, decoded once and checked against the effective policy.

use backup_policy::{AwsAnchor, PolicyDocument};
use tfplugin::framework::Diagnostics;
use tfvalue::{AttributePath, Value};

use crate::actions::aws_vault::check_vault_reachable;
use crate::cloud::jobs::BackupJobSpec;
use crate::cloud::Tags;
use crate::resources::ProviderData;

/// How long `wait` waits when `timeout_minutes` is not set.
pub(super) const DEFAULT_TIMEOUT_MINUTES: i64 = 60;

/// A checked configuration: the document verified, the vault found, the retention allowed.
#[derive(Debug, Clone)]
pub(super) struct JobConfig {
    pub(super) app: String,
    pub(super) vault: AwsAnchor,
    pub(super) resource_arn: String,
    pub(super) iam_role_arn: String,
    pub(super) tags: Tags,
    pub(super) retention_days: i64,
    pub(super) wait: bool,
    pub(super) timeout_minutes: i64,
}

/// What a job on either cloud takes from the configuration besides its target.
#[derive(Debug, Clone)]
pub(super) struct Common {
    pub(super) app: String,
    pub(super) tags: Tags,
    pub(super) retention_days: i64,
    pub(super) wait: bool,
    pub(super) timeout_minutes: i64,
}

impl Common {
    /// Decodes the tags, the retention (checked against `doc`'s guardrails) and the wait; `None`
    /// with errors when invalid, without when not known yet.
    pub(super) fn decode(
        config: &Value,
        doc: &PolicyDocument,
        diagnostics: &mut Diagnostics,
    ) -> Option<Common> {
        let retention_days = match integer(config, "retention_days")? {
            Some(days) => days,
            None => match doc.rules().values().map(|r| r.retention_days).max() {
                Some(days) => days,
                None => {
                    diagnostics.error_at(
                        AttributePath::attr("retention_days"),
                        "Retention needed",
                        format!(
                            "App {:?} has no effective rules to take a retention from; set retention_days.",
                            doc.app()
                        ),
                    );
                    return None;
                }
            },
        };
        if !within_guardrails(doc, retention_days, diagnostics) {
            return None;
        }
        let tags = match config.get("tags") {
            Some(v) if !v.is_wholly_known() => return None,
            Some(Value::Null) | None => Tags::new(),
            Some(v) => tfvalue::from_value(v).ok()?,
        };
        let wait = match config.get("wait") {
            Some(Value::Bool(b)) => *b,
            Some(Value::Null) | None => false,
            Some(_) => return None,
        };
        Some(Common {
            app: doc.app().to_string(),
            tags,
            retention_days,
            wait,
            timeout_minutes: integer(config, "timeout_minutes")?.unwrap_or(DEFAULT_TIMEOUT_MINUTES),
        })
    }
}

impl JobConfig {
    /// Decodes and checks `config`; `None` (with errors added, at their attributes) when it is
    /// invalid, and `None` without errors when something it needs is not known yet.
    #[cfg(test)]
    pub(super) fn decode(config: &Value, diagnostics: &mut Diagnostics) -> Option<JobConfig> {
        let doc = crate::actions::aws_vault::document(config, diagnostics)?;
        JobConfig::decode_with(config, &doc, diagnostics)
    }

    /// [`JobConfig::decode`] of a configuration whose document `doc` is already read.
    pub(super) fn decode_with(
        config: &Value,
        doc: &PolicyDocument,
        diagnostics: &mut Diagnostics,
    ) -> Option<JobConfig> {
        let Some(anchor) = &doc.anchors().aws else {
            diagnostics.error_at(
                AttributePath::attr("policy_document"),
                "No AWS vault for this app",
                format!(
                    "Neither app {:?} nor an ancestor ({}) has an `aws` block, so there is no vault to back up \
                     into. Pass the policy_document of an app or child on AWS, or set vm_ids to back up \
                     Azure VMs.",
                    doc.app(),
                    doc.lineage().join(" > ")
                ),
            );
            return None;
        };
        let mut missing = false;
        let mut text = |name: &str| match config.get(name) {
            Some(Value::String(s)) => Some(Some(s.clone())),
            Some(Value::Null) | None => {
                diagnostics.error_at(
                    AttributePath::attr(name),
                    "Missing attribute for an AWS backup",
                    "An AWS backup needs resource_arn (what to back up) and iam_role_arn (the role AWS \
                     Backup assumes); an Azure backup needs vm_ids instead.",
                );
                missing = true;
                Some(None)
            }
            Some(_) => None,
        };
        let (resource_arn, iam_role_arn) = (text("resource_arn")?, text("iam_role_arn")?);
        let common = Common::decode(config, doc, diagnostics)?;
        if missing {
            return None;
        }
        Some(JobConfig {
            app: common.app,
            vault: anchor.location.clone(),
            resource_arn: resource_arn?,
            iam_role_arn: iam_role_arn?,
            tags: common.tags,
            retention_days: common.retention_days,
            wait: common.wait,
            timeout_minutes: common.timeout_minutes,
        })
    }

    /// Whether the provider configuration acts in the vault's account and region.
    pub(super) fn check_vault_reachable(
        &self,
        data: Option<&ProviderData>,
        diagnostics: &mut Diagnostics,
    ) -> bool {
        check_vault_reachable("backup_start_job", &self.vault, data, diagnostics)
    }

    /// The job to start. Its idempotency token depends on the app, the resource and the tags only.
    pub(super) fn spec(&self) -> BackupJobSpec {
        BackupJobSpec {
            vault_name: self.vault.vault_name.clone(),
            resource_arn: self.resource_arn.clone(),
            iam_role_arn: self.iam_role_arn.clone(),
            idempotency_token: idempotency_token(&self.app, &self.resource_arn, &self.tags),
            delete_after_days: self.retention_days,
            recovery_point_tags: self.tags.clone(),
        }
    }
}

/// An integer attribute: `Some(None)` when null, `None` when unknown or not an integer.
fn integer(config: &Value, name: &str) -> Option<Option<i64>> {
    match config.get(name) {
        Some(Value::Null) | None => Some(None),
        Some(v) if !v.is_wholly_known() => None,
        Some(v) => tfvalue::from_value(v).ok().map(Some),
    }
}

/// Whether `days` lies within the document's retention guardrails; an error at
/// `retention_days` naming the guardrail and the app that set it otherwise.
fn within_guardrails(doc: &PolicyDocument, days: i64, diagnostics: &mut Diagnostics) -> bool {
    let guardrails = doc.guardrails();
    let (bound, broken) = match (
        &guardrails.min_retention_days,
        &guardrails.max_retention_days,
    ) {
        (Some(min), _) if days < min.value => (min, ("below", "min_retention_days")),
        (_, Some(max)) if days > max.value => (max, ("above", "max_retention_days")),
        _ => return true,
    };
    let (relation, name) = broken;
    diagnostics.error_at(
        AttributePath::attr("retention_days"),
        "Retention outside the guardrails",
        format!(
            "A recovery point kept {days} days is {relation} {name} = {} set by app {:?} for app {:?}.",
            bound.value,
            bound.set_by,
            doc.app()
        ),
    );
    false
}

/// A token equal for equal (app, resource, tags) in every provider build.
fn idempotency_token(app: &str, resource_arn: &str, tags: &Tags) -> String {
    format!(
        "terraform-backup-{:032x}",
        fingerprint(app, resource_arn, tags)
    )
}

/// FNV-1a (128 bit) over length-prefixed fields, so no two different inputs run together into
/// the same bytes: equal for equal (app, resource, tags) in every provider build.
pub(super) fn fingerprint(app: &str, resource: &str, tags: &Tags) -> u128 {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut hash = OFFSET;
    let mut feed = |field: &str| {
        for byte in (field.len() as u64)
            .to_be_bytes()
            .iter()
            .chain(field.as_bytes())
        {
            hash ^= u128::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    };
    feed(app);
    feed(resource);
    for (key, value) in tags {
        feed(key);
        feed(value);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actions::backup_start_job::run::tests::{aws_document, config};

    #[test]
    fn defaults_come_from_the_policy() {
        let mut diagnostics = Diagnostics::new();
        let job = JobConfig::decode(&config(&aws_document(), None), &mut diagnostics).unwrap();
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(job.retention_days, 35);
        assert_eq!(job.vault.vault_name, "org-root-vault");
        assert_eq!(job.timeout_minutes, DEFAULT_TIMEOUT_MINUTES);
        assert!(!job.wait);
        let spec = job.spec();
        assert_eq!(spec.delete_after_days, 35);
        assert!(spec.idempotency_token.starts_with("terraform-backup-"));
    }

    #[test]
    fn retention_below_the_guardrail_fails_at_its_attribute() {
        let mut diagnostics = Diagnostics::new();
        let job = JobConfig::decode(&config(&aws_document(), Some(7)), &mut diagnostics);
        assert!(job.is_none());
        let d = diagnostics.iter().next().unwrap();
        assert_eq!(d.path, Some(AttributePath::attr("retention_days")));
        assert!(
            d.detail
                .contains("below min_retention_days = 30 set by app \"org-root\""),
            "{}",
            d.detail
        );
    }

    #[test]
    fn unknown_values_are_left_for_invoke_and_bad_documents_refused() {
        let mut unknown = config(&aws_document(), None);
        if let Value::Object(members) = &mut unknown {
            members.insert("retention_days".into(), Value::unknown());
        }
        let mut diagnostics = Diagnostics::new();
        assert!(JobConfig::decode(&unknown, &mut diagnostics).is_none());
        assert!(diagnostics.is_empty());
        let tampered = aws_document().replace("org-root-vault", "other-vault");
        assert!(JobConfig::decode(&config(&tampered, None), &mut diagnostics).is_none());
        assert_eq!(
            diagnostics.iter().next().unwrap().path,
            Some(AttributePath::attr("policy_document"))
        );
    }

    #[test]
    fn the_token_depends_on_app_resource_and_tags_only() {
        let tags = |commit: &str| Tags::from([("commit".to_string(), commit.to_string())]);
        let a = idempotency_token("app", "arn:r", &tags("1"));
        assert_eq!(a, idempotency_token("app", "arn:r", &tags("1")));
        assert_ne!(a, idempotency_token("app", "arn:r", &tags("2")));
        assert_ne!(a, idempotency_token("app2", "arn:r", &tags("1")));
        assert_ne!(
            idempotency_token("ab", "c", &Tags::new()),
            idempotency_token("a", "bc", &Tags::new())
        );
        // Stable across builds and releases: a retried apply with a newer provider still matches.
        // (The value was checked against an independent FNV-1a 128 implementation.)
        assert_eq!(a, "terraform-backup-16f68355d85f462636fdcbdeb7dc87e6");
    }
}
