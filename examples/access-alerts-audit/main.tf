# Access, alerts and audit trail from the inherited policy:
#
#   org-root          backup_app: who may read and administer backups, where failures are sent,
#   │                 where Azure vaults log to; guardrails no descendant can weaken
#   └── payments      backup_app with a vault of its own: adds a restore principal
#       └── ledger    backup_child joined to the payments plan
#
# Every vault gets an access policy generated from the effective access (admins alone may delete
# recovery points) and notifications to the SNS topic for job failures, copy failures and restores.

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
    region    = var.region
    endpoints = var.aws_endpoint == null ? null : { backup = var.aws_endpoint, sts = var.aws_endpoint }
  }
}

resource "backup_app" "root" {
  name = "org-root"
  policy = {
    rules = {
      daily = { schedule = "cron(0 5 ? * * *)", retention_days = 35 }
    }
    access = {
      readers = ["arn:aws:iam::${var.account_id}:role/BackupAuditors"]
      admins  = ["arn:aws:iam::${var.account_id}:role/BackupAdmins", var.admins_group_object_id]
    }
    alerts = {
      sns_topic_arn = "arn:aws:sns:${var.region}:${var.account_id}:backup-alerts"
    }
    audit_trail = {
      log_analytics_workspace_id = var.log_analytics_workspace_id
    }
  }
  guardrails = {
    protect_recovery_points = true
    require_alerts          = true
    allowed_principals = [
      "arn:aws:iam::${var.account_id}:role/BackupAuditors",
      "arn:aws:iam::${var.account_id}:role/BackupAdmins",
      "arn:aws:iam::${var.account_id}:role/PaymentsRestore",
      var.admins_group_object_id,
    ]
  }
  aws = { vault_name = "org-root" }
}

resource "backup_app" "payments" {
  name   = "payments"
  parent = backup_app.root.policy_document
  policy = {
    access = {
      restorers = ["arn:aws:iam::${var.account_id}:role/PaymentsRestore"]
    }
  }
  aws = { vault_name = "payments" }
}

resource "backup_child" "ledger" {
  name   = "payments-ledger"
  parent = backup_app.payments.policy_document
  aws = {
    resources    = ["arn:aws:dynamodb:${var.region}:${var.account_id}:table/ledger"]
    iam_role_arn = "arn:aws:iam::${var.account_id}:role/service-role/AWSBackupDefaultServiceRole"
  }
}
