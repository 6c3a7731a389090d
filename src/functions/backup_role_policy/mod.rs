//! `backup_role_policy(resource_arns, vault_arn)`: the least-privilege IAM policy the role AWS
//! Backup assumes needs for exactly these resources and this vault, so a child's role does not
//! carry AWS's broad managed policy (every table, volume and bucket of the account).

mod services;

use serde_json::{json, Map, Value as Json};
use tfplugin::framework::{Function, FunctionError, Parameter, Signature};
use tfvalue::{Type, Value};

use services::{statements_for, Arn, Statement, SUPPORTED};

/// The `backup_role_policy` function.
pub struct BackupRolePolicy;

impl Function for BackupRolePolicy {
    fn name(&self) -> &'static str {
        "backup_role_policy"
    }

    fn signature(&self) -> Signature {
        Signature {
            parameters: vec![
                Parameter::new(
                    "resource_arns",
                    Type::list(Type::String),
                    "ARNs of the resources the role backs up and restores, e.g. a child's `aws.resources` \
                     (`*` wildcards as AWS Backup allows).",
                ),
                Parameter::new(
                    "vault_arn",
                    Type::String,
                    "ARN of the vault the recovery points go to, e.g. `backup_app.root.aws_vault_arn`.",
                ),
            ],
            return_type: Type::object([
                ("policy", Type::String),
                ("assume_role_policy", Type::String),
                ("services", Type::list(Type::String)),
            ]),
            summary: "The least-privilege IAM policy for an AWS Backup role".into(),
            description: "Renders the IAM policy document (JSON) the role AWS Backup assumes needs to back up and \
                          restore exactly `resource_arns` into `vault_arn`: per service, the actions of AWS's \
                          managed backup role policy, scoped to these resources and to the snapshots AWS Backup \
                          makes of them wherever IAM allows it (describe calls cannot be scoped and stay `*`). \
                          Also the trust policy that lets `backup.amazonaws.com` assume the role, and the services \
                          covered. Statement ids are stable and lists sorted, so the same input always renders \
                          the same document. Resources encrypted with a customer-managed KMS key also need that \
                          key's grants (`kms:CreateGrant`, `kms:Decrypt`, `kms:GenerateDataKey*`, \
                          `kms:DescribeKey`) in its key policy or another statement."
                .into(),
        }
    }

    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
        let mut arns = resource_arns(&arguments[0])?;
        // Statements in a fixed order whatever the order of the list, so plans show no reordering.
        arns.sort_by(|a, b| (a.kind, &a.text).cmp(&(b.kind, &b.text)));
        let vault = vault_arn(&arguments[1])?;
        let mut statements: Vec<Statement> = Vec::new();
        for arn in &arns {
            statements_for(arn, &mut statements);
        }
        let mut services: Vec<&str> = arns.iter().map(Arn::service).collect();
        services.sort_unstable();
        services.dedup();
        let mut rendered: Vec<Json> = statements.iter().map(render).collect();
        rendered.push(json!({
            "Sid": "BackupVault",
            "Effect": "Allow",
            "Action": ["backup:CopyIntoBackupVault", "backup:DescribeBackupVault"],
            "Resource": vault,
        }));
        // Selections by tag resolve through the Resource Groups Tagging API.
        rendered.push(json!({
            "Sid": "TagDiscovery",
            "Effect": "Allow",
            "Action": "tag:GetResources",
            "Resource": "*",
        }));
        let policy = json!({ "Version": "2012-10-17", "Statement": rendered });
        let trust = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "AwsBackupAssumesThisRole",
                "Effect": "Allow",
                "Principal": { "Service": "backup.amazonaws.com" },
                "Action": "sts:AssumeRole",
            }],
        });
        Ok(Value::Object(
            [
                ("policy".to_string(), Value::String(policy.to_string())),
                (
                    "assume_role_policy".to_string(),
                    Value::String(trust.to_string()),
                ),
                (
                    "services".to_string(),
                    Value::List(services.into_iter().map(Value::from).collect()),
                ),
            ]
            .into(),
        ))
    }
}

/// The resource ARNs, each one AWS Backup protects; an error names the first that is not.
fn resource_arns(value: &Value) -> Result<Vec<Arn>, FunctionError> {
    let Value::List(items) = value else {
        return Err(FunctionError::argument(0, "expected a list of ARNs"));
    };
    if items.is_empty() {
        return Err(FunctionError::argument(
            0,
            "the list is empty: name the resources the role backs up",
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let text = item.as_str().unwrap_or_default();
            Arn::parse(text).ok_or_else(|| {
                FunctionError::argument(
                    0,
                    format!("element {i} ({text:?}) is not an ARN of a resource this function knows; it knows {SUPPORTED}"),
                )
            })
        })
        .collect()
}

/// The vault ARN, checked for its shape.
fn vault_arn(value: &Value) -> Result<String, FunctionError> {
    let text = value.as_str().unwrap_or_default();
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "backup", region, account, vault]
            if !region.is_empty() && !account.is_empty() && vault.starts_with("backup-vault:") =>
        {
            Ok(text.to_string())
        }
        _ => Err(FunctionError::argument(
            1,
            format!("{text:?} is not a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)"),
        )),
    }
}

fn render(statement: &Statement) -> Json {
    let mut out = Map::new();
    out.insert("Sid".into(), Json::from(statement.sid));
    out.insert("Effect".into(), Json::from("Allow"));
    out.insert(
        "Action".into(),
        Json::from(statement.actions.iter().copied().collect::<Vec<_>>()),
    );
    let resources: Vec<&str> = statement.resources.iter().map(String::as_str).collect();
    out.insert(
        "Resource".into(),
        match resources.as_slice() {
            [one] => Json::from(*one),
            many => Json::from(many.to_vec()),
        },
    );
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAULT: &str = "arn:aws:backup:eu-west-1:111111111111:backup-vault:org-root";
    const TABLE: &str = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders";
    const VOLUME: &str = "arn:aws:ec2:eu-west-1:111111111111:volume/vol-0abc";

    fn call(arns: &[&str], vault: &str) -> Result<Value, FunctionError> {
        let list = Value::List(arns.iter().map(|a| Value::from(*a)).collect());
        BackupRolePolicy.call(&[list, Value::from(vault)])
    }

    fn policy(result: &Value) -> Json {
        serde_json::from_str(result.get("policy").and_then(Value::as_str).unwrap()).unwrap()
    }

    fn statement<'a>(policy: &'a Json, sid: &str) -> &'a Json {
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("no {sid} in {policy:#}"))
    }

    #[test]
    fn a_table_gets_its_own_actions_scoped_to_it_and_its_backups() {
        let result = call(&[TABLE], VAULT).unwrap();
        let policy = policy(&result);
        let tables = statement(&policy, "DynamoDBTables");
        assert_eq!(tables["Resource"], TABLE);
        assert!(tables["Action"]
            .as_array()
            .unwrap()
            .contains(&Json::from("dynamodb:CreateBackup")));
        assert_eq!(
            statement(&policy, "DynamoDBBackups")["Resource"],
            format!("{TABLE}/backup/*")
        );
        assert_eq!(statement(&policy, "BackupVault")["Resource"], VAULT);
        // Nothing for services not asked for, and no wildcard on the table's actions.
        assert!(!policy.to_string().contains("ec2:"), "{policy:#}");
        assert_eq!(
            result.get("services"),
            Some(&Value::List(vec![Value::from("dynamodb")]))
        );
    }

    #[test]
    fn two_services_merge_by_statement_and_render_the_same_for_any_order() {
        let one = call(&[TABLE, VOLUME], VAULT).unwrap();
        let other = call(&[VOLUME, TABLE], VAULT).unwrap();
        assert_eq!(policy(&one), policy(&other));
        let policy = policy(&one);
        let snapshots = statement(&policy, "EBSSnapshots");
        assert_eq!(
            snapshots["Resource"],
            json!([VOLUME, "arn:aws:ec2:eu-west-1::snapshot/*"])
        );
        assert_eq!(statement(&policy, "EC2Describe")["Resource"], "*");
        let trust: Json = serde_json::from_str(
            one.get("assume_role_policy")
                .and_then(Value::as_str)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            trust["Statement"][0]["Principal"]["Service"],
            "backup.amazonaws.com"
        );
    }

    #[test]
    fn unknown_resources_and_bad_vaults_are_errors_naming_the_argument() {
        let error = call(&["arn:aws:sqs:eu-west-1:1:queue"], VAULT).unwrap_err();
        assert_eq!(error.argument, Some(0));
        assert!(error.text.contains("element 0"), "{}", error.text);
        assert!(error.text.contains("DynamoDB tables"), "{}", error.text);
        assert_eq!(call(&[], VAULT).unwrap_err().argument, Some(0));
        let error = call(&[TABLE], "arn:aws:s3:::bucket").unwrap_err();
        assert_eq!(error.argument, Some(1));
    }

    #[test]
    fn buckets_instances_clusters_and_file_systems_are_covered() {
        let arns = [
            "arn:aws:s3:::logs",
            "arn:aws:ec2:eu-west-1:111111111111:instance/i-1",
            "arn:aws:rds:eu-west-1:111111111111:cluster:ledger",
            "arn:aws:rds:eu-west-1:111111111111:db:orders",
            "arn:aws:elasticfilesystem:eu-west-1:111111111111:file-system/fs-1",
        ];
        let result = call(&arns, VAULT).unwrap();
        let policy = policy(&result);
        assert_eq!(
            statement(&policy, "S3Objects")["Resource"],
            "arn:aws:s3:::logs/*"
        );
        let rds = statement(&policy, "RDSSnapshots")["Action"].to_string();
        assert!(
            rds.contains("rds:CreateDBSnapshot") && rds.contains("rds:CreateDBClusterSnapshot")
        );
        assert_eq!(
            result.get("services"),
            Some(&Value::List(
                ["ec2", "elasticfilesystem", "rds", "s3"]
                    .map(Value::from)
                    .to_vec()
            ))
        );
    }
}
