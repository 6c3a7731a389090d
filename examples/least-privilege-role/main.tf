# A child's backup role with only what AWS Backup needs for the child's own resources, instead of
# AWS's managed policy (every table, volume and bucket in the account): rendered by the provider
# function backup_role_policy and created with hashicorp/aws.

terraform {
  required_version = ">= 1.8"
  required_providers {
    backup = { source = "appofapps/backup" }
    aws    = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

variable "aws_endpoint" {
  type        = string
  default     = null
  description = "An AWS emulator's URL for Backup, IAM and STS; null: real AWS."
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "account_id" {
  type        = string
  default     = "111111111111"
  description = "The account the tables live in."
}

provider "backup" {
  aws = {
    region    = var.region
    endpoints = var.aws_endpoint == null ? null : { backup = var.aws_endpoint, sts = var.aws_endpoint }
  }
}

provider "aws" {
  region = var.region
  # An emulator answers neither the credential check nor the metadata service.
  skip_credentials_validation = var.aws_endpoint != null
  skip_requesting_account_id  = var.aws_endpoint != null
  skip_metadata_api_check     = var.aws_endpoint != null
  endpoints {
    iam = var.aws_endpoint
    sts = var.aws_endpoint
  }
}

locals {
  # The child's resources: the role and the selection name the same list.
  orders_tables = [
    "arn:aws:dynamodb:${var.region}:${var.account_id}:table/orders",
    "arn:aws:dynamodb:${var.region}:${var.account_id}:table/order-events",
  ]
  orders_role = provider::backup::backup_role_policy(local.orders_tables, backup_app.root.aws_vault_arn)
}

resource "backup_app" "root" {
  name   = "org-root"
  policy = { rules = { daily = { schedule = "cron(0 5 ? * * *)", retention_days = 35 } } }
  aws    = { vault_name = "org-root" }
}

resource "aws_iam_role" "orders_backup" {
  name               = "orders-backup"
  assume_role_policy = local.orders_role.assume_role_policy
}

resource "aws_iam_role_policy" "orders_backup" {
  name   = "least-privilege-backup"
  role   = aws_iam_role.orders_backup.id
  policy = local.orders_role.policy
}

resource "backup_child" "orders" {
  name   = "orders"
  parent = backup_app.root.policy_document
  aws = {
    resources    = local.orders_tables
    iam_role_arn = aws_iam_role.orders_backup.arn
  }
}

output "orders_role_policy" {
  value = local.orders_role.policy
}

output "orders_role_arn" {
  value = aws_iam_role.orders_backup.arn
}
