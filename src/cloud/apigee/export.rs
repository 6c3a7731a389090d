//! The export procedure over [`ApigeeBackend`] and [`BlobContainer`]: what an organization holds
//! ([`snapshot`], at plan), and one export with its pruning ([`export`], at apply and in the
//! `export-apigee` command).
//!
//! An export is `apigee/<org>/<stamp>/` in the container: `proxies/<api>/revision-<rev>.zip`,
//! `environments/<env>/deployedConfig.json`, and `manifest.json` (written last, so an export with
//! a manifest is complete) listing every file with its SHA-256.

use std::collections::BTreeMap;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::schedule::{export_stamp, parse_stamp, rfc3339};
use super::{ApigeeBackend, BlobContainer, ManifestTags};
use crate::cloud::error::{CloudError, ErrorKind};

/// The `format` of every manifest this version writes.
pub const MANIFEST_FORMAT: &str = "apigee-export/1";

/// What an organization holds now: what an export made now would contain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OrganizationSnapshot {
    /// Each API proxy's latest revision, by proxy name.
    pub proxies: BTreeMap<String, String>,
    /// The environments exported, sorted.
    pub environments: Vec<String>,
}

/// Reads what an export of `org` would hold: its proxies' latest revisions, and `environments`
/// (default: all of them). A named environment the organization lacks is an
/// [`ErrorKind::NotFound`] error naming it.
pub async fn snapshot(
    api: &dyn ApigeeBackend,
    org: &str,
    environments: Option<&[String]>,
) -> Result<OrganizationSnapshot, CloudError> {
    api.check_organization(org).await?;
    let existing = api.list_environments(org).await?;
    let mut chosen = match environments {
        Some(names) => {
            for name in names {
                if !existing.contains(name) {
                    return Err(CloudError::new(
                        ErrorKind::NotFound,
                        "reading Apigee environment",
                        name.clone(),
                        format!(
                            "organization {org:?} has no environment {name:?} (it has: {})",
                            existing.join(", ")
                        ),
                    ));
                }
            }
            names.to_vec()
        }
        None => existing,
    };
    chosen.sort();
    chosen.dedup();
    let mut proxies = BTreeMap::new();
    for name in api.list_proxies(org).await? {
        let revision = api.latest_revision(org, &name).await?;
        proxies.insert(name, revision);
    }
    Ok(OrganizationSnapshot {
        proxies,
        environments: chosen,
    })
}

/// One export to make.
#[derive(Debug, Clone)]
pub struct ExportSpec {
    /// The Apigee organization.
    pub organization: String,
    /// What to export (from [`snapshot`]; the plan's, at apply).
    pub content: OrganizationSnapshot,
    /// Days exports are kept; older ones are deleted after this one is written.
    pub retention_days: i64,
    /// The job's cron schedule (recorded in the manifest).
    pub schedule: String,
    /// The hash of the effective policy the export follows.
    pub policy_hash: String,
    /// Recovery-point tags (the policy's tags, the rule's, the caller's such as a commit).
    pub tags: ManifestTags,
    /// Now, in milliseconds since the epoch (the export's name).
    pub now_millis: i64,
}

/// A file of an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExportedFile {
    /// Path under the export's prefix.
    pub path: String,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: usize,
}

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportReport {
    /// `apigee/<org>/<stamp>/`: where it was written.
    pub prefix: String,
    /// The files written (the manifest excluded).
    pub files: Vec<ExportedFile>,
    /// Prefixes of the older exports deleted.
    pub pruned: Vec<String>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    format: &'a str,
    organization: &'a str,
    created_at: String,
    prefix: &'a str,
    policy_hash: &'a str,
    schedule: &'a str,
    retention_days: i64,
    tags: &'a ManifestTags,
    files: &'a [ExportedFile],
}

fn hex_sha256(content: &[u8]) -> String {
    Sha256::digest(content)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes one export of `spec` to `container`, then deletes the exports of the same organization
/// older than the retention (never the one just written; names that are not export stamps are
/// left alone).
pub async fn export(
    api: &dyn ApigeeBackend,
    container: &dyn BlobContainer,
    spec: &ExportSpec,
) -> Result<ExportReport, CloudError> {
    let org = &spec.organization;
    let stamp = export_stamp(spec.now_millis);
    let root = format!("apigee/{org}/");
    let prefix = format!("{root}{stamp}/");
    let mut files = Vec::new();
    for (name, revision) in &spec.content.proxies {
        let bundle = api.proxy_bundle(org, name, revision).await?;
        let path = format!("proxies/{name}/revision-{revision}.zip");
        files.push(write(container, &prefix, path, bundle, "application/zip").await?);
    }
    for env in &spec.content.environments {
        let config = api.environment_config(org, env).await?;
        let path = format!("environments/{env}/deployedConfig.json");
        files.push(write(container, &prefix, path, config, "application/json").await?);
    }
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        organization: org,
        created_at: rfc3339(spec.now_millis),
        prefix: &prefix,
        policy_hash: &spec.policy_hash,
        schedule: &spec.schedule,
        retention_days: spec.retention_days,
        tags: &spec.tags,
        files: &files,
    };
    let body = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    container
        .put(&format!("{prefix}manifest.json"), body, "application/json")
        .await?;
    let pruned = prune(container, &root, &stamp, spec).await?;
    Ok(ExportReport {
        prefix,
        files,
        pruned,
    })
}

async fn write(
    container: &dyn BlobContainer,
    prefix: &str,
    path: String,
    content: Vec<u8>,
    content_type: &str,
) -> Result<ExportedFile, CloudError> {
    let file = ExportedFile {
        sha256: hex_sha256(&content),
        bytes: content.len(),
        path,
    };
    container
        .put(&format!("{prefix}{}", file.path), content, content_type)
        .await?;
    Ok(file)
}

/// Deletes the exports under `root` made more than the retention before now, manifest first (an
/// export without its manifest is incomplete, and the next run finishes deleting it).
async fn prune(
    container: &dyn BlobContainer,
    root: &str,
    current: &str,
    spec: &ExportSpec,
) -> Result<Vec<String>, CloudError> {
    let cutoff = spec
        .now_millis
        .saturating_sub(spec.retention_days.saturating_mul(86_400_000));
    let mut by_export: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in container.list(root).await? {
        let Some(stamp) = name[root.len()..].split('/').next() else {
            continue;
        };
        if stamp == current || parse_stamp(stamp).is_none_or(|made| made >= cutoff) {
            continue;
        }
        by_export.entry(stamp.to_owned()).or_default().push(name);
    }
    let mut pruned = Vec::new();
    for (stamp, mut names) in by_export {
        names.sort_by_key(|n| !n.ends_with("/manifest.json"));
        for name in names {
            container.delete(&name).await?;
        }
        pruned.push(format!("{root}{stamp}/"));
    }
    Ok(pruned)
}
