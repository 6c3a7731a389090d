# A multi-level app-of-apps tree of pure policy nodes: no cloud account needed.
#
#   org-root (backup_app)            the organisation's rules and guardrails
#   ├── env-prod (backup_app)        prod keeps longer and may not drop below 45 days
#   │   ├── payments-prod (child)    keeps dailies 90 days, adds an hourly rule
#   │   └── search-prod (child)      inherits prod unchanged
#   └── env-dev (backup_app)         dev keeps dailies only 30 days
#       └── payments-dev (child)
#
# `terraform apply`, then `terraform output effective_policies` shows what each app really gets.

terraform {
  required_version = ">= 1.0"
  required_providers {
    backup = {
      source = "appofapps/backup"
    }
  }
}

provider "backup" {}

variable "commit_sha" {
  description = "Tagged on every recovery point, to tell which configuration made it."
  type        = string
  default     = "0000000"
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
    locked             = ["rules.daily.schedule", "tags.owner"]
    allow_new_rules    = true
  }
}

# --- environments ----------------------------------------------------------------------------------

resource "backup_app" "prod" {
  name   = "env-prod"
  parent = backup_app.root.policy_document

  policy = {
    rules = { daily = { retention_days = 60 } }
    tags  = { environment = "prod" }
  }

  guardrails = {
    min_retention_days = 45 # tighter than the root's 30: prod teams cannot go below
  }
}

resource "backup_app" "dev" {
  name   = "env-dev"
  parent = backup_app.root.policy_document

  policy = {
    rules = { daily = { retention_days = 30 } }
    tags  = { environment = "dev" }
  }
}

# --- teams -----------------------------------------------------------------------------------------

resource "backup_child" "payments_prod" {
  name   = "payments-prod"
  parent = backup_app.prod.policy_document

  policy = {
    rules = {
      daily  = { retention_days = 90 }
      hourly = { schedule = "cron(0 * ? * * *)", retention_days = 45 }
    }
    tags = { team = "payments" }
  }
}

resource "backup_child" "search_prod" {
  name   = "search-prod"
  parent = backup_app.prod.policy_document
}

resource "backup_child" "payments_dev" {
  name   = "payments-dev"
  parent = backup_app.dev.policy_document
  policy = { tags = { team = "payments" } }
}

output "effective_policies" {
  description = "Each child's effective policy: its lineage and every rule's schedule, retention and copies."
  value = {
    for child in [backup_child.payments_prod, backup_child.search_prod, backup_child.payments_dev] :
    child.name => jsondecode(child.policy_document)
  }
}
