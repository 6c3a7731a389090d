variable "account_name" {
  description = "Short name of the account; prefixes the name of every app in it."
  type        = string
}

variable "account_id" {
  description = "The AWS account id the module's provider acts in."
  type        = string
}

variable "region" {
  description = "The region of the account's resources."
  type        = string
}

variable "parent" {
  description = "The policy_document of the app this account inherits from."
  type        = string
}

variable "policy" {
  description = "What this account changes in the inherited policy (same shape as backup_app.policy)."
  type        = any
  default     = null
}

variable "workloads" {
  description = "The account's workloads by name: the resources to protect and, optionally, tags that also select resources."
  type = map(object({
    resources      = list(string)
    selection_tags = optional(map(string))
  }))
}

variable "backup_role_name" {
  description = "The IAM role AWS Backup assumes in this account to back up its resources."
  type        = string
  default     = "service-role/AWSBackupDefaultServiceRole"
}
