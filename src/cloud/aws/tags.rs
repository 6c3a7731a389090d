//! Tags of vaults and plans, through `ListTags` / `TagResource` / `UntagResource`.
//!
//! AWS does not return tags in `DescribeBackupVault` or `GetBackupPlan`, so reading them is a
//! separate call, and changing them is a diff: untag what went away, tag what is new or changed.

use std::collections::HashMap;
use std::ops::ControlFlow;

use super::AwsBackend;
use crate::cloud::backend::{Plan, Tags};
use crate::cloud::error::{CloudError, GoneIsNone};

/// The tag this provider puts on the plans and vaults it creates, saying whose they are, so that
/// `terraform query` can tell an app's plan from a derived child's. Provider-owned: the finders
/// leave it out of what they return, so it never shows as drift against a policy's tags (and
/// objects created before it existed read the same).
pub const KIND_TAG: &str = "backup:kind";
/// [`KIND_TAG`]'s value on a `backup_app`'s plan and vault.
pub const KIND_APP: &str = "app";
/// [`KIND_TAG`]'s value on a derived `backup_child`'s plan and vault.
pub const KIND_CHILD: &str = "child";

/// `tags` with the provider's [`KIND_TAG`] set to `kind`: what create and update write.
pub fn with_kind(mut tags: Tags, kind: &str) -> Tags {
    tags.insert(KIND_TAG.to_string(), kind.to_string());
    tags
}

/// `tags` without the provider's own tags: what a finder returns.
pub fn without_provider_tags(mut tags: Tags) -> Tags {
    tags.remove(KIND_TAG);
    tags
}

/// A plan as the finders return it: without the provider's own tags.
pub(super) fn plan_without_provider_tags(mut plan: Plan) -> Plan {
    plan.spec.tags = without_provider_tags(std::mem::take(&mut plan.spec.tags));
    plan
}

/// The tags of the Backup resource `arn`; `Ok(None)` when it does not exist.
pub(super) async fn find_tags_by_arn(
    backend: &AwsBackend,
    operation: &'static str,
    name: &str,
    arn: &str,
) -> Result<Option<Tags>, CloudError> {
    let mut tags = Tags::new();
    let listed = backend
        .send_pages(
            operation,
            name,
            |token| {
                backend
                    .client
                    .list_tags()
                    .resource_arn(arn)
                    .set_next_token(token)
                    .send()
            },
            |page| page.next_token(),
            |page| {
                tags.extend(flatten_tags(page.tags()));
                ControlFlow::Continue(())
            },
        )
        .await
        .none_if_not_found()?;
    Ok(listed.map(|()| tags))
}

/// Brings the tags of `arn` from `have` to `want` with at most one untag and one tag call.
pub(super) async fn update_tags(
    backend: &AwsBackend,
    operation: &'static str,
    name: &str,
    arn: &str,
    have: &Tags,
    want: &Tags,
) -> Result<(), CloudError> {
    let (removed, changed) = diff_tags(have, want);
    if !removed.is_empty() {
        backend
            .send(operation, name, || {
                backend
                    .client
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_key_list(Some(removed.clone()))
                    .send()
            })
            .await?;
    }
    if !changed.is_empty() {
        backend
            .send(operation, name, || {
                backend
                    .client
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(changed.clone()))
                    .send()
            })
            .await?;
    }
    Ok(())
}

/// The keys to untag and the tags to (re)set to get from `have` to `want`.
fn diff_tags(have: &Tags, want: &Tags) -> (Vec<String>, HashMap<String, String>) {
    let removed = have
        .keys()
        .filter(|k| !want.contains_key(*k))
        .cloned()
        .collect();
    let changed = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    (removed, changed)
}

/// Tags for a create call: `None` when empty, so the request carries no empty map.
pub(super) fn expand_tags(tags: &Tags) -> Option<HashMap<String, String>> {
    (!tags.is_empty()).then(|| tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
}

/// Tags from an SDK map (absent means none).
pub(super) fn flatten_tags(tags: Option<&HashMap<String, String>>) -> Tags {
    tags.into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> Tags {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn diff_untags_removed_and_tags_new_or_changed() {
        let have = tags(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let want = tags(&[("b", "2"), ("c", "30"), ("d", "4")]);
        let (removed, changed) = diff_tags(&have, &want);
        assert_eq!(removed, vec!["a".to_string()]);
        assert_eq!(changed.len(), 2);
        assert_eq!(changed["c"], "30");
        assert_eq!(changed["d"], "4");
        assert_eq!(diff_tags(&want, &want), (vec![], HashMap::new()));
    }

    #[test]
    fn the_kind_tag_is_added_for_writes_and_left_out_of_reads() {
        let policy = tags(&[("owner", "platform")]);
        let written = with_kind(policy.clone(), KIND_APP);
        assert_eq!(written.get(KIND_TAG).map(String::as_str), Some("app"));
        assert_eq!(without_provider_tags(written), policy);
        assert_eq!(without_provider_tags(policy.clone()), policy);
    }

    #[test]
    fn expand_and_flatten_round_trip() {
        let t = tags(&[("owner", "platform")]);
        assert_eq!(flatten_tags(expand_tags(&t).as_ref()), t);
        assert_eq!(expand_tags(&Tags::new()), None);
        assert_eq!(flatten_tags(None), Tags::new());
    }
}
