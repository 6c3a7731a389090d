# Proving backups, from the same policy tree that configures them:
#
#   org-root        backup_app: the organisation's rules and guardrails, its vault and plan, weekly
#   │               restore testing (a restore testing plan) and audit evidence (an Audit Manager
#   │               framework whose controls follow the guardrails, and a report plan to S3)
#   └── payments    backup_app: a policy node keeping restored tables 4 hours
#       └── orders  backup_child: its table joins org-root's plan and is restore tested there
#
# Every recovery point carries the commit it was configured from (recovery_point_tags).

terraform {
  required_version = ">= 1.0"
  required_providers {
    backup = {
      source = "appofapps/backup"
    }
  }
}

provider "backup" {
  aws = {
    region = var.region
    # One endpoint for AWS Backup and STS when one is given (an emulator); else AWS's own.
    endpoints = var.aws_endpoint == null ? null : {
      backup = var.aws_endpoint
      sts    = var.aws_endpoint
    }
  }
}

resource "backup_app" "root" {
  name = "org-root"

  policy = {
    rules = {
      daily = {
        schedule            = "cron(0 5 ? * * *)"
        retention_days      = 35
        recovery_point_tags = { commit = var.commit_sha }
      }
    }
    # Restore the latest recovery point of each protected table every Sunday.
    restore_testing = {
      schedule                = "cron(0 3 ? * SUN *)"
      protected_resource_type = "DynamoDB"
      validation_window_hours = 12
    }
  }

  guardrails = {
    min_retention_days                          = 30
    require_restore_testing                     = true
    restore_testing_max_interval_days           = 7
    restore_testing_max_validation_window_hours = 24
  }

  aws = {
    vault_name = "org-root"
  }

  audit = {
    report_bucket     = var.report_bucket
    report_key_prefix = "backup-audit"
  }
}

resource "backup_app" "payments" {
  name   = "payments"
  parent = backup_app.root.policy_document
  policy = {
    restore_testing = {
      validation_window_hours    = 4
      restore_metadata_overrides = { billingMode = "PAY_PER_REQUEST" }
    }
  }
}

resource "backup_child" "orders" {
  name   = "orders"
  parent = backup_app.payments.policy_document
  aws = {
    resources    = ["arn:aws:dynamodb:${var.region}:${var.account_id}:table/orders"]
    iam_role_arn = "arn:aws:iam::${var.account_id}:role/${var.backup_role_name}"
  }
}
