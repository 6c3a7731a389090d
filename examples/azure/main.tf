# An app-of-apps on Azure: the root app owns a Recovery Services vault and a VM backup policy;
# an environment level tightens the policy; children protect VMs and an App Service.
#
#   org-root (backup_app, vault rsv-org-root)
#   └── env-prod (backup_app, pure policy)
#       ├── web-vms (backup_child)       two VMs, protected with a derived policy (90-day dailies)
#       └── shop (backup_child)          an App Service, backed up to a storage container

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
    subscription_id = var.subscription_id
    # Authentication comes from the ARM_* environment variables (as for azurerm): a service
    # principal (ARM_CLIENT_ID, ARM_CLIENT_SECRET, ARM_TENANT_ID), OIDC, a managed identity, or
    # `use_cli = true` for the Azure CLI's login.
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
      weekly = {
        schedule       = "cron(0 3 ? * SUN *)"
        retention_days = 84
      }
    }
    tags = { owner = "platform" }
  }

  guardrails = {
    min_retention_days = 14
    locked             = ["tags.owner"]
  }

  azure = {
    resource_group       = var.resource_group
    location             = var.location
    vault_name           = "rsv-org-root"
    storage_redundancy   = "GeoRedundant"
    cross_region_restore = true
    soft_delete          = "Enabled"
    immutability         = "Unlocked"
  }
}

resource "backup_app" "prod" {
  name   = "env-prod"
  parent = backup_app.root.policy_document

  policy = {
    tags = { environment = "prod" }
  }
  guardrails = { min_retention_days = 30 }
}

resource "backup_child" "web_vms" {
  name   = "web-vms"
  parent = backup_app.prod.policy_document

  policy = {
    rules = { daily = { retention_days = 90 } }
  }

  azure = {
    vm_ids = var.vm_ids
  }
}

resource "backup_child" "shop" {
  name   = "shop"
  parent = backup_app.prod.policy_document

  azure = {
    app_service = {
      site_id = var.app_service_id
      # Write-only: sent to Azure, never stored in plan or state (Terraform 1.11 and later).
      storage_account_url = var.backup_container_sas_url
    }
  }
}

output "web_vms" {
  description = "The VMs' policy and protected items."
  value = {
    policy_id          = backup_child.web_vms.azure_policy_id
    protected_item_ids = backup_child.web_vms.azure_protected_item_ids
    rules              = jsondecode(backup_child.web_vms.policy_document)
  }
}
