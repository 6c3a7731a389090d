# The payments account, reached by assuming a role.
provider "backup" {
  alias = "payments"
  aws = {
    region      = "eu-west-1"
    assume_role = { role_arn = "arn:aws:iam::222222222222:role/BackupAdmin" }
  }
}

resource "backup_app" "prod" {
  name = "env-prod"

  policy = {
    rules = {
      daily = { schedule = "cron(0 5 ? * * *)", retention_days = 60 }
    }
  }

  guardrails = { min_retention_days = 45 }

  aws = {
    vault_name               = "env-prod"
    allow_copy_from_accounts = ["222222222222"]
  }
}

# A leaf app in another account (the provider alias assumes a role there). It keeps its daily
# recovery points 90 days instead of 60 and protects a DynamoDB table and every resource tagged
# backup = gold. Its rules also copy each recovery point to env-prod's vault.
resource "backup_child" "payments_prod" {
  provider = backup.payments

  name   = "payments-prod"
  parent = backup_app.prod.policy_document

  policy = {
    rules = { daily = { retention_days = 90 } }
  }

  aws = {
    resources      = ["arn:aws:dynamodb:eu-west-1:222222222222:table/payments"]
    selection_tags = { backup = "gold" }
    iam_role_arn   = "arn:aws:iam::222222222222:role/service-role/AWSBackupDefaultServiceRole"
  }
}
