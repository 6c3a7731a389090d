provider "backup" {
  aws = {
    region = "eu-west-1"
  }
}

variable "release_recovery_point_arn" {
  description = "The recovery point of the release's backup (found with `terraform query`)."
  type        = string
}

resource "backup_app" "root" {
  name = "org-root"

  policy = {
    rules = {
      daily = { schedule = "cron(0 5 ? * * *)", retention_days = 35 }
    }
  }

  guardrails = { min_retention_days = 30 }

  aws = { vault_name = "org-root" }
}

# Keep the backup taken before a release for a year. The lifecycle may only be tightened: a
# retention below the app's min_retention_days (or the retention of the rule that made the point)
# fails the plan. Destroying the resource forgets the point and leaves it in the vault.
resource "backup_recovery_point" "release" {
  vault_name         = "org-root"
  recovery_point_arn = var.release_recovery_point_arn
  policy_document    = backup_app.root.policy_document

  lifecycle = { delete_after_days = 365 }
}
