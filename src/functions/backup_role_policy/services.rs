//! What AWS Backup does with each kind of resource it protects, as IAM statements scoped to the
//! resources named: the actions of AWS's broad managed backup role policy for that service,
//! narrowed from `*` to the resources (and the snapshots AWS Backup names `awsbackup:*`) wherever
//! IAM lets the action be scoped.

use std::collections::BTreeSet;

/// A resource ARN taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Arn {
    /// The whole ARN as given.
    pub(super) text: String,
    /// `aws`, `aws-cn`, `aws-us-gov`.
    pub(super) partition: String,
    /// The region (may be `*`; empty for S3).
    pub(super) region: String,
    /// The account (may be `*`; empty for S3).
    pub(super) account: String,
    /// What kind of resource it is.
    pub(super) kind: Kind,
}

/// The kinds of resource the function knows, by service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    /// A DynamoDB table.
    DynamoDbTable,
    /// An EBS volume.
    EbsVolume,
    /// An EC2 instance (backed up as an AMI).
    Ec2Instance,
    /// An RDS DB instance.
    RdsInstance,
    /// An Aurora (RDS) cluster.
    RdsCluster,
    /// An EFS file system.
    EfsFileSystem,
    /// An S3 bucket.
    S3Bucket,
}

/// What the function accepts, for error messages.
pub(super) const SUPPORTED: &str = "DynamoDB tables (arn:aws:dynamodb:<region>:<account>:table/<name>), EBS volumes \
     (...:ec2:...:volume/<id>), EC2 instances (...:ec2:...:instance/<id>), RDS instances (...:rds:...:db:<name>), \
     Aurora clusters (...:rds:...:cluster:<name>), EFS file systems (...:elasticfilesystem:...:file-system/<id>) and \
     S3 buckets (arn:aws:s3:::<bucket>)";

impl Arn {
    /// Parses a resource ARN AWS Backup can protect; `None` for anything else.
    pub(super) fn parse(text: &str) -> Option<Arn> {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let ["arn", partition, service, region, account, resource] = parts.as_slice() else {
            return None;
        };
        let kind = match (*service, resource) {
            ("dynamodb", r) if r.starts_with("table/") => Kind::DynamoDbTable,
            ("ec2", r) if r.starts_with("volume/") => Kind::EbsVolume,
            ("ec2", r) if r.starts_with("instance/") => Kind::Ec2Instance,
            ("rds", r) if r.starts_with("db:") => Kind::RdsInstance,
            ("rds", r) if r.starts_with("cluster:") => Kind::RdsCluster,
            ("elasticfilesystem", r) if r.starts_with("file-system/") => Kind::EfsFileSystem,
            ("s3", r) if !r.is_empty() && !r.contains('/') => Kind::S3Bucket,
            _ => return None,
        };
        if partition.is_empty() || (kind != Kind::S3Bucket && region.is_empty()) {
            return None;
        }
        Some(Arn {
            text: text.to_string(),
            partition: partition.to_string(),
            region: region.to_string(),
            account: account.to_string(),
            kind,
        })
    }

    /// The service name as the policy's statements group it.
    pub(super) fn service(&self) -> &'static str {
        match self.kind {
            Kind::DynamoDbTable => "dynamodb",
            Kind::EbsVolume | Kind::Ec2Instance => "ec2",
            Kind::RdsInstance | Kind::RdsCluster => "rds",
            Kind::EfsFileSystem => "elasticfilesystem",
            Kind::S3Bucket => "s3",
        }
    }
}

/// One IAM statement before rendering: a stable id, the actions and the resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Statement {
    /// `Sid`: stable, so a diff of two renderings shows the real change.
    pub(super) sid: &'static str,
    /// Actions, sorted.
    pub(super) actions: BTreeSet<&'static str>,
    /// Resources, sorted; `*` for actions IAM cannot scope.
    pub(super) resources: BTreeSet<String>,
}

/// Adds `actions` on `resources` under `sid`, merging with a statement of the same id.
fn grant(
    out: &mut Vec<Statement>,
    sid: &'static str,
    actions: &[&'static str],
    resources: &[String],
) {
    match out.iter_mut().find(|s| s.sid == sid) {
        Some(found) => {
            found.actions.extend(actions.iter().copied());
            found.resources.extend(resources.iter().cloned());
        }
        None => out.push(Statement {
            sid,
            actions: actions.iter().copied().collect(),
            resources: resources.iter().cloned().collect(),
        }),
    }
}

/// The statements AWS Backup needs to back up and restore `arn`.
pub(super) fn statements_for(arn: &Arn, out: &mut Vec<Statement>) {
    let (p, r, a) = (&arn.partition, &arn.region, &arn.account);
    let any = || vec!["*".to_string()];
    let this = || vec![arn.text.clone()];
    match arn.kind {
        Kind::DynamoDbTable => {
            grant(
                out,
                "DynamoDBTables",
                &[
                    "dynamodb:CreateBackup",
                    "dynamodb:DescribeTable",
                    "dynamodb:ListTagsOfResource",
                    "dynamodb:StartAwsBackupJob",
                ],
                &this(),
            );
            grant(
                out,
                "DynamoDBBackups",
                &["dynamodb:DeleteBackup", "dynamodb:DescribeBackup"],
                &[format!("{}/backup/*", arn.text)],
            );
        }
        Kind::EbsVolume => {
            let snapshots = format!("arn:{p}:ec2:{r}::snapshot/*");
            grant(
                out,
                "EBSSnapshots",
                &["ec2:CreateSnapshot"],
                &[arn.text.clone(), snapshots.clone()],
            );
            grant(
                out,
                "EC2BackupArtifacts",
                &["ec2:CreateTags", "ec2:DeleteSnapshot"],
                &[snapshots],
            );
            grant(
                out,
                "EC2Describe",
                &[
                    "ec2:DescribeSnapshots",
                    "ec2:DescribeTags",
                    "ec2:DescribeVolumes",
                ],
                &any(),
            );
        }
        Kind::Ec2Instance => {
            let images = format!("arn:{p}:ec2:{r}::image/*");
            let snapshots = format!("arn:{p}:ec2:{r}::snapshot/*");
            grant(
                out,
                "EC2Images",
                &["ec2:CreateImage"],
                &[arn.text.clone(), images.clone(), snapshots.clone()],
            );
            grant(
                out,
                "EC2BackupArtifacts",
                &[
                    "ec2:CreateTags",
                    "ec2:DeleteSnapshot",
                    "ec2:DeregisterImage",
                ],
                &[images, snapshots],
            );
            grant(
                out,
                "EC2Describe",
                &[
                    "ec2:DescribeImages",
                    "ec2:DescribeInstances",
                    "ec2:DescribeSnapshots",
                    "ec2:DescribeTags",
                ],
                &any(),
            );
        }
        Kind::RdsInstance | Kind::RdsCluster => {
            let (create, snapshot) = if arn.kind == Kind::RdsInstance {
                (
                    "rds:CreateDBSnapshot",
                    format!("arn:{p}:rds:{r}:{a}:snapshot:awsbackup:*"),
                )
            } else {
                (
                    "rds:CreateDBClusterSnapshot",
                    format!("arn:{p}:rds:{r}:{a}:cluster-snapshot:awsbackup:*"),
                )
            };
            grant(
                out,
                "RDSSnapshots",
                &[create, "rds:AddTagsToResource", "rds:ListTagsForResource"],
                &[arn.text.clone(), snapshot.clone()],
            );
            grant(
                out,
                "RDSBackupArtifacts",
                &[
                    "rds:DeleteDBClusterSnapshot",
                    "rds:DeleteDBSnapshot",
                    "rds:ModifyDBClusterSnapshotAttribute",
                    "rds:ModifyDBSnapshotAttribute",
                ],
                &[snapshot],
            );
            grant(
                out,
                "RDSDescribe",
                &[
                    "rds:DescribeDBClusterSnapshots",
                    "rds:DescribeDBClusters",
                    "rds:DescribeDBInstances",
                    "rds:DescribeDBSnapshots",
                ],
                &any(),
            );
        }
        Kind::EfsFileSystem => grant(
            out,
            "EFSFileSystems",
            &["elasticfilesystem:Backup", "elasticfilesystem:DescribeTags"],
            &this(),
        ),
        Kind::S3Bucket => {
            grant(
                out,
                "S3Buckets",
                &[
                    "s3:GetBucketAcl",
                    "s3:GetBucketLocation",
                    "s3:GetBucketNotification",
                    "s3:GetBucketTagging",
                    "s3:GetBucketVersioning",
                    "s3:GetInventoryConfiguration",
                    "s3:ListBucket",
                    "s3:ListBucketVersions",
                    "s3:PutBucketNotification",
                    "s3:PutInventoryConfiguration",
                ],
                &this(),
            );
            grant(
                out,
                "S3Objects",
                &[
                    "s3:GetObject",
                    "s3:GetObjectAcl",
                    "s3:GetObjectTagging",
                    "s3:GetObjectVersion",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionTagging",
                ],
                &[format!("{}/*", arn.text)],
            );
            // Continuous S3 backups follow changes through an EventBridge rule AWS Backup manages.
            grant(
                out,
                "S3ChangeEvents",
                &[
                    "events:DeleteRule",
                    "events:DescribeRule",
                    "events:DisableRule",
                    "events:EnableRule",
                    "events:ListTargetsByRule",
                    "events:PutRule",
                    "events:PutTargets",
                    "events:RemoveTargets",
                ],
                &[format!("arn:{p}:events:*:*:rule/AwsBackupManagedRule*")],
            );
            grant(
                out,
                "S3Metrics",
                &["cloudwatch:GetMetricData", "events:ListRules"],
                &any(),
            );
        }
    }
}
