# The root app: the organisation's backup policy, its guardrails, and the central vault that
# every account copies its recovery points into.
resource "backup_app" "root" {
  name = "org-root"

  policy = {
    rules = {
      daily = {
        schedule                  = "cron(0 5 ? * * *)"
        start_window_minutes      = 60
        completion_window_minutes = 180
        retention_days            = 35
        copy_to = [{
          vault_arn      = "arn:aws:backup:us-west-2:111111111111:backup-vault:dr"
          retention_days = 90
        }]
      }
      monthly = {
        schedule                = "cron(0 6 1 * ? *)"
        retention_days          = 365
        cold_storage_after_days = 30
      }
    }
    tags = { owner = "platform" }
  }

  guardrails = {
    min_retention_days = 30
    max_retention_days = 3650
    require_copy       = true
    locked             = ["rules.daily.schedule", "tags.owner"]
    allow_new_rules    = true
  }

  aws = {
    vault_name               = "org-root"
    iam_role_arn             = "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"
    allow_copy_from_accounts = ["222222222222"]
  }
}

# An intermediate app: a pure policy node (no aws or azure block) for the prod environment.
# It states only what it changes, and may only tighten the root's guardrails.
resource "backup_app" "prod" {
  name   = "env-prod"
  parent = backup_app.root.policy_document

  policy = {
    rules = { daily = { retention_days = 60 } }
    tags  = { environment = "prod" }
  }

  guardrails = {
    min_retention_days = 45
  }
}
