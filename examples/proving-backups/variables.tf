variable "region" {
  description = "The AWS region of the vault, plans and audit framework."
  type        = string
  default     = "eu-west-1"
}

variable "account_id" {
  description = "The account Terraform runs in (the table's and the role's)."
  type        = string
  default     = "111111111111"
}

variable "backup_role_name" {
  description = "The role AWS Backup assumes to back up and to restore (AWSBackupServiceRolePolicyForBackup and ...ForRestores)."
  type        = string
  default     = "backup"
}

variable "report_bucket" {
  description = "The S3 bucket the audit reports are delivered to."
  type        = string
  default     = "org-backup-audit-reports"
}

variable "commit_sha" {
  description = "Tagged on every recovery point, to find the recovery point of a commit."
  type        = string
  default     = "0000000"
}

variable "aws_endpoint" {
  description = "One endpoint URL for AWS Backup and STS, e.g. an emulator at http://127.0.0.1:4566; null for AWS."
  type        = string
  default     = null
}
