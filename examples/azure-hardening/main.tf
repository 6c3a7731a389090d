# A hardened Azure vault, required for the whole tree by the root's guardrails: a CanNotDelete
# management lock, a customer-managed key, immutability that can only rise, and a Resource Guard
# (multi-user authorization). A descendant that drops any of them fails the plan, naming the
# guardrail and the app that set it.
#
#   org-root (backup_app, vault rsv-org-root: lock, key, immutability, Resource Guard)
#   └── web-vms (backup_child)   two VMs under the root's policy

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
    # Authentication comes from the ARM_* environment variables, as for azurerm.
    resource_manager_endpoint = var.resource_manager_endpoint
  }
}

resource "backup_app" "root" {
  name = "org-root"
  # The delete lock is respected on destroy: without force_destroy, destroy stops with an error.
  force_destroy = var.force_destroy

  policy = {
    rules = {
      daily = {
        schedule       = "cron(0 2 ? * * *)"
        retention_days = 35
      }
    }
    tags = { owner = "platform" }
  }

  guardrails = {
    min_retention_days     = 30
    require_delete_lock    = true
    require_encryption     = true
    min_immutability       = "Unlocked"
    require_resource_guard = true
  }

  azure = {
    resource_group     = var.resource_group
    location           = var.location
    vault_name         = "rsv-org-root"
    storage_redundancy = "GeoRedundant"
    soft_delete        = "Enabled"
    # One way: Disabled -> Unlocked -> Locked. Locked cannot be undone by anyone.
    immutability = "Unlocked"
    encryption = {
      key_uri                   = var.key_uri
      user_assigned_identity_id = var.key_identity_id
    }
    # Destructive operations on the vault (lowering soft delete, stopping protection with data
    # deletion, ...) need an approval through this guard, held by another team.
    resource_guard_id = var.resource_guard_id
  }
}

resource "backup_child" "web_vms" {
  name   = "web-vms"
  parent = backup_app.root.policy_document

  azure = {
    vm_ids = var.vm_ids
  }
}

output "vault" {
  description = "The hardened vault and the policy its VMs follow."
  value = {
    vault_id  = backup_app.root.azure_vault_id
    policy_id = backup_app.root.azure_policy_id
    vms       = backup_child.web_vms.azure_protected_item_ids
  }
}
