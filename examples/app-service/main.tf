# App Service backups kept in the App Service's region. The root app requires it for the whole
# tree (`require_app_service_same_region`), so a plan whose storage account is in another region
# than the App Service fails, naming both regions; without the guardrail it would warn.
#
#   org-root (backup_app, vault rsv-org-root, guardrail: same region)
#   └── shop (backup_child)   an App Service, backed up to a blob container in its own region

terraform {
  required_version = ">= 1.0"
  required_providers {
    backup = {
      source = "appofapps/backup"
    }
  }
}

provider "backup" {
  azure = {
    subscription_id           = var.subscription_id
    resource_manager_endpoint = var.resource_manager_endpoint
  }
}

resource "backup_app" "root" {
  name = "org-root"

  policy = {
    rules = {
      daily = {
        schedule       = "cron(0 2 ? * * *)"
        retention_days = 30
      }
    }
  }

  guardrails = {
    # Every App Service backup below goes to a storage account in the App Service's region.
    require_app_service_same_region = true
  }

  azure = {
    resource_group = var.resource_group
    location       = var.location
    vault_name     = "rsv-org-root"
  }
}

resource "backup_child" "shop" {
  name   = "shop"
  parent = backup_app.root.policy_document

  azure = {
    app_service = {
      site_id = var.app_service_id
      # The account the backups go to: the plan reads its region (and checks that the SAS URL
      # below writes to it). Unset, the account is looked up by the SAS URL's account name.
      storage_account_id = var.storage_account_id
      # Write-only: sent to Azure, never stored in plan or state (Terraform 1.11 and later); never
      # quoted in diagnostics, which name the account instead.
      storage_account_url = var.backup_container_sas_url
    }
  }
}

output "shop_policy_document" {
  description = "The effective policy the App Service's backups follow (schedule and retention)."
  value       = jsondecode(backup_child.shop.policy_document)
}
