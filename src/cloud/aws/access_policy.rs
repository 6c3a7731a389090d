//! The vault access policy generated from the effective `access` (issue 18): the
//! copy-from-accounts statement of `allow_copy_from_accounts` plus one statement per role, each
//! with a stable `Sid`, so a plan shows exactly what changes and a rewritten document (AWS turns a
//! one-element list into a string) compares equal.

use backup_policy::PolicyDocument;
use serde_json::{json, Value};

use super::vault::{
    delete_vault_access_policy, expand_access_policy, flatten_access_policy, OP_PUT_POLICY,
    OP_READ_POLICY,
};
use super::AwsBackend;
use crate::cloud::error::GoneIsNone;
use crate::cloud::{BackupBackend, CloudError, VaultAccessSpec};

/// `Sid` of the statement letting the readers see the vault and its recovery points.
const READERS_SID: &str = "BackupProviderReaders";
/// `Sid` of the statement letting the restorers restore.
const RESTORERS_SID: &str = "BackupProviderRestorers";
/// `Sid` of the statement letting the admins delete recovery points and change their lifecycle.
const ADMINS_SID: &str = "BackupProviderAdmins";
/// `Sid` of the statement denying those changes to everyone but the admins.
const PROTECT_SID: &str = "BackupProviderProtectRecoveryPoints";

/// What readers may do on the vault's resources.
const READ_ACTIONS: [&str; 4] = [
    "backup:DescribeBackupVault",
    "backup:ListRecoveryPointsByBackupVault",
    "backup:DescribeRecoveryPoint",
    "backup:GetRecoveryPointRestoreMetadata",
];
/// What only admins may do once recovery points are protected.
const GUARDED_ACTIONS: [&str; 2] = [
    "backup:DeleteRecoveryPoint",
    "backup:UpdateRecoveryPointLifecycle",
];

/// The access policy realising `document`'s effective access (its AWS principals) and guardrails,
/// with the copy statement for `copy_from_accounts`.
pub fn vault_access_spec(
    document: &PolicyDocument,
    copy_from_accounts: &[String],
) -> VaultAccessSpec {
    let mut accounts = copy_from_accounts.to_vec();
    accounts.sort();
    accounts.dedup();
    let access = document.governance().access.as_ref();
    let principals = |role: &str| access.map(|a| a.aws_principals(role)).unwrap_or_default();
    VaultAccessSpec {
        copy_from_accounts: accounts,
        readers: principals("readers"),
        restorers: principals("restorers"),
        admins: principals("admins"),
        protect_recovery_points: document.guardrails().access.protect_recovery_points(),
    }
}

/// Whether two specs differ in their access statements (the copy statement aside).
pub fn access_statements_differ(a: &VaultAccessSpec, b: &VaultAccessSpec) -> bool {
    let strip = |s: &VaultAccessSpec| VaultAccessSpec {
        copy_from_accounts: Vec::new(),
        ..s.clone()
    };
    strip(a) != strip(b)
}

/// Brings the vault's access policy to `desired` (1 read, and 1 write when it differs).
pub async fn converge_vault_access(
    backend: &dyn BackupBackend,
    vault: &str,
    desired: &VaultAccessSpec,
) -> Result<(), CloudError> {
    let remote = backend.find_vault_access(vault).await?;
    if remote.unwrap_or_default() != *desired {
        backend.put_vault_access(vault, desired).await?;
    }
    Ok(())
}

/// The policy document for `spec`: statements in a fixed order, principals sorted.
fn expand_vault_access(partition: &str, vault_arn: &str, spec: &VaultAccessSpec) -> String {
    let mut statements = Vec::new();
    if !spec.copy_from_accounts.is_empty() {
        let copy: Value = serde_json::from_str(&expand_access_policy(
            partition,
            vault_arn,
            &spec.copy_from_accounts,
        ))
        .expect("the copy policy is JSON");
        statements.extend(copy["Statement"].as_array().cloned().unwrap_or_default());
    }
    let allow = |sid: &str, principals: &[String], actions: Vec<&str>| {
        json!({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": { "AWS": principals },
            "Action": actions,
            "Resource": "*",
        })
    };
    if !spec.readers.is_empty() {
        statements.push(allow(READERS_SID, &spec.readers, READ_ACTIONS.to_vec()));
    }
    if !spec.restorers.is_empty() {
        let mut actions = READ_ACTIONS.to_vec();
        actions.push("backup:StartRestoreJob");
        statements.push(allow(RESTORERS_SID, &spec.restorers, actions));
    }
    if !spec.admins.is_empty() {
        let mut actions = READ_ACTIONS.to_vec();
        actions.push("backup:StartRestoreJob");
        actions.extend(GUARDED_ACTIONS);
        statements.push(allow(ADMINS_SID, &spec.admins, actions));
    }
    if spec.protect_recovery_points {
        let mut deny = json!({
            "Sid": PROTECT_SID,
            "Effect": "Deny",
            "Principal": { "AWS": "*" },
            "Action": GUARDED_ACTIONS,
            "Resource": "*",
        });
        if !spec.admins.is_empty() {
            deny["Condition"] = json!({ "ArnNotLike": { "aws:PrincipalArn": spec.admins } });
        }
        statements.push(deny);
    }
    json!({ "Version": "2012-10-17", "Statement": statements }).to_string()
}

/// Reads a policy back into a spec: our statements by `Sid`, in either spelling AWS may use
/// (a string or a list of principals). Statements of other `Sid`s are ignored.
fn flatten_vault_access(policy: &str) -> VaultAccessSpec {
    let statements = match serde_json::from_str::<Value>(policy) {
        Ok(doc) => match &doc["Statement"] {
            Value::Array(list) => list.clone(),
            one @ Value::Object(_) => vec![one.clone()],
            _ => Vec::new(),
        },
        Err(_) => Vec::new(),
    };
    let principals = |sid: &str| {
        let mut out: Vec<String> = statements
            .iter()
            .filter(|s| s["Sid"] == sid && s["Effect"] == "Allow")
            .flat_map(|s| strings(&s["Principal"]["AWS"]))
            .collect();
        out.sort();
        out.dedup();
        out
    };
    VaultAccessSpec {
        copy_from_accounts: flatten_access_policy(policy),
        readers: principals(READERS_SID),
        restorers: principals(RESTORERS_SID),
        admins: principals(ADMINS_SID),
        protect_recovery_points: statements
            .iter()
            .any(|s| s["Sid"] == PROTECT_SID && s["Effect"] == "Deny"),
    }
}

/// A string or a list of strings.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// `PutBackupVaultAccessPolicy` with the whole policy (1 call); an empty spec deletes it.
pub(super) async fn put_vault_access(
    backend: &AwsBackend,
    name: &str,
    spec: &VaultAccessSpec,
) -> Result<(), CloudError> {
    if spec.is_empty() {
        return delete_vault_access_policy(backend, name).await;
    }
    let policy = expand_vault_access(&backend.partition, &backend.vault_arn(name), spec);
    backend
        .send(OP_PUT_POLICY, name, || {
            backend
                .client
                .put_backup_vault_access_policy()
                .backup_vault_name(name)
                .policy(&policy)
                .send()
        })
        .await
        .map(drop)
}

/// `GetBackupVaultAccessPolicy` (1 call) as a spec, `None` without a policy.
pub(super) async fn find_vault_access(
    backend: &AwsBackend,
    name: &str,
) -> Result<Option<VaultAccessSpec>, CloudError> {
    let found = backend
        .send(OP_READ_POLICY, name, || {
            backend
                .client
                .get_backup_vault_access_policy()
                .backup_vault_name(name)
                .send()
        })
        .await
        .none_if_not_found()?;
    Ok(found.map(|out| flatten_vault_access(out.policy().unwrap_or_default())))
}

#[cfg(test)]
mod tests {
    use super::super::vault::COPY_STATEMENT_SID;
    use super::*;

    const VAULT: &str = "arn:aws:backup:eu-west-1:111111111111:backup-vault:root";

    fn spec() -> VaultAccessSpec {
        VaultAccessSpec {
            copy_from_accounts: vec!["222222222222".into()],
            readers: vec!["arn:aws:iam::111111111111:role/audit".into()],
            restorers: vec![
                "arn:aws:iam::111111111111:role/a".into(),
                "arn:aws:iam::111111111111:role/b".into(),
            ],
            admins: vec!["arn:aws:iam::111111111111:role/admin".into()],
            protect_recovery_points: true,
        }
    }

    #[test]
    fn round_trips_with_stable_sids() {
        let doc = expand_vault_access("aws", VAULT, &spec());
        assert_eq!(flatten_vault_access(&doc), spec());
        let value: Value = serde_json::from_str(&doc).unwrap();
        let sids: Vec<&str> = value["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["Sid"].as_str().unwrap())
            .collect();
        assert_eq!(
            sids,
            [
                COPY_STATEMENT_SID,
                READERS_SID,
                RESTORERS_SID,
                ADMINS_SID,
                PROTECT_SID
            ]
        );
        let deny = &value["Statement"][4];
        assert_eq!(
            deny["Condition"]["ArnNotLike"]["aws:PrincipalArn"][0],
            "arn:aws:iam::111111111111:role/admin"
        );
        assert_eq!(expand_vault_access("aws", VAULT, &spec()), doc, "stable");
    }

    #[test]
    fn reads_aws_rewrites_and_ignores_foreign_statements() {
        let rewritten = json!({ "Statement": [
            { "Sid": READERS_SID, "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::111111111111:role/audit" } },
            { "Sid": "SomeoneElse", "Effect": "Allow", "Principal": { "AWS": "arn:aws:iam::999999999999:root" } },
        ]});
        let spec = flatten_vault_access(&rewritten.to_string());
        assert_eq!(spec.readers, ["arn:aws:iam::111111111111:role/audit"]);
        assert!(spec.restorers.is_empty() && !spec.protect_recovery_points);
        assert_eq!(flatten_vault_access("not json"), VaultAccessSpec::default());
    }

    #[test]
    fn protection_without_admins_denies_everyone() {
        let spec = VaultAccessSpec {
            protect_recovery_points: true,
            ..Default::default()
        };
        let value: Value = serde_json::from_str(&expand_vault_access("aws", VAULT, &spec)).unwrap();
        assert_eq!(value["Statement"].as_array().unwrap().len(), 1);
        assert!(value["Statement"][0].get("Condition").is_none());
        assert!(spec.has_access_statements() && !spec.is_empty());
        assert!(!access_statements_differ(
            &spec,
            &VaultAccessSpec {
                copy_from_accounts: vec!["1".into()],
                ..spec.clone()
            }
        ));
    }
}
