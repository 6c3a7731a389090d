variable "region" {
  description = "The AWS region of every account's vault and plan."
  type        = string
  default     = "eu-west-1"
}

variable "central_account_id" {
  description = "The account holding the root app and the central vault (the credentials Terraform runs with)."
  type        = string
  default     = "111111111111"
}

variable "payments_account_id" {
  description = "The payments account, reached by assuming var.assume_role_name in it."
  type        = string
  default     = "222222222222"
}

variable "assume_role_name" {
  description = "The role Terraform assumes in member accounts."
  type        = string
  default     = "BackupAdmin"
}

variable "aws_endpoint" {
  description = "One endpoint URL for AWS Backup and STS, e.g. an emulator at http://127.0.0.1:4566; null for AWS."
  type        = string
  default     = null
}

variable "commit_sha" {
  description = "Tagged on every recovery point, to tell which configuration made it."
  type        = string
  default     = "0000000"
}
