variable "region" {
  description = "The AWS region of the vaults and plans."
  type        = string
  default     = "eu-west-1"
}

variable "account_id" {
  description = "The account Terraform runs in (the principals and the SNS topic are in it)."
  type        = string
  default     = "111111111111"
}

variable "admins_group_object_id" {
  description = "Entra object id of the backup admins group (used by Azure vaults; AWS vaults ignore it)."
  type        = string
  default     = "0b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d"
}

variable "log_analytics_workspace_id" {
  description = "Log Analytics workspace Azure vaults send their backup logs to."
  type        = string
  default     = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ops/providers/Microsoft.OperationalInsights/workspaces/backup-audit"
}

variable "aws_endpoint" {
  description = "One endpoint URL for AWS Backup and STS, e.g. an emulator at http://127.0.0.1:4566; null for AWS."
  type        = string
  default     = null
}
