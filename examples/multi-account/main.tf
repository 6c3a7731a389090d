# A multi-account AWS app-of-apps:
#
#   org-root            backup_app in the central account 111111111111: the organisation's policy,
#   │                   guardrails and the central vault every account copies into
#   ├── module.shared   account 111111111111 (the central account itself)
#   │   └── shared-<workload>    backup_child: joins org-root's plan (same account, same policy)
#   └── module.payments account 222222222222, reached with assume_role
#       └── payments-<workload>  backup_child: own plan and vault, copies to the central vault
#
# One module call per account; each gets the provider alias for its account.

terraform {
  required_version = ">= 1.0"
  required_providers {
    backup = {
      source = "appofapps/backup"
    }
  }
}

# --- one provider configuration per account ---------------------------------------------------------

# The central account: the credentials Terraform runs with.
provider "backup" {
  aws = {
    region    = var.region
    endpoints = local.endpoints
  }
}

# The payments account, through a role the central account may assume.
provider "backup" {
  alias = "payments"
  aws = {
    region = var.region
    assume_role = {
      role_arn     = "arn:aws:iam::${var.payments_account_id}:role/${var.assume_role_name}"
      session_name = "terraform-backup"
    }
    endpoints = local.endpoints
  }
}

locals {
  # Both clients go to one endpoint when one is given (an emulator); else AWS's own.
  endpoints = var.aws_endpoint == null ? null : {
    backup = var.aws_endpoint
    sts    = var.aws_endpoint
  }
}

# --- the root app: policy, guardrails, central vault ---------------------------------------------------

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
  }

  aws = {
    vault_name               = "org-central"
    iam_role_arn             = "arn:aws:iam::${var.central_account_id}:role/service-role/AWSBackupDefaultServiceRole"
    allow_copy_from_accounts = [var.payments_account_id]
  }
}

# --- one module call per account --------------------------------------------------------------------

module "shared" {
  source    = "./modules/account"
  providers = { backup = backup }

  account_name = "shared"
  account_id   = var.central_account_id
  region       = var.region
  parent       = backup_app.root.policy_document

  workloads = {
    wiki = {
      resources = ["arn:aws:dynamodb:${var.region}:${var.central_account_id}:table/wiki"]
    }
  }
}

module "payments" {
  source    = "./modules/account"
  providers = { backup = backup.payments }

  account_name = "payments"
  account_id   = var.payments_account_id
  region       = var.region
  parent       = backup_app.root.policy_document

  # Payments keeps its dailies longer than the organisation does.
  policy = {
    rules = { daily = { retention_days = 90 } }
  }

  workloads = {
    ledger = {
      resources      = ["arn:aws:dynamodb:${var.region}:${var.payments_account_id}:table/ledger"]
      selection_tags = { backup = "gold" }
    }
  }
}
