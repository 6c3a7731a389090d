# A three-level tree of pure policy apps: no cloud calls, just inheritance.
# root (organisation) -> prod (environment) -> payments (team)

terraform {
  required_providers {
    backup = {
      source = "appofapps/backup"
    }
  }
}

provider "backup" {}

variable "commit_sha" {
  type    = string
  default = "0000000"
}

resource "backup_app" "root" {
  name = "org-root"

  policy = {
    rules = {
      daily = {
        schedule                  = "cron(0 5 ? * * *)"
        start_window_minutes      = 60
        completion_window_minutes = 180
        retention_days            = 35
        recovery_point_tags       = { commit = var.commit_sha }
      }
      monthly = {
        schedule       = "cron(0 6 1 * ? *)"
        retention_days = 365
      }
    }
    tags = { owner = "platform" }
  }

  guardrails = {
    min_retention_days = 30
    max_retention_days = 3650
    locked             = ["rules.daily.schedule", "tags.owner"]
    allow_new_rules    = true
  }
}

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

resource "backup_child" "payments" {
  name   = "payments-prod"
  parent = backup_app.prod.policy_document

  policy = {
    rules = { daily = { retention_days = 90 } }
  }
}

output "payments_effective_policy" {
  value = jsondecode(backup_child.payments.policy_document)
}
