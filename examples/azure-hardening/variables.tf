variable "subscription_id" {
  description = "The subscription of the vault and the protected VMs; null: ARM_SUBSCRIPTION_ID."
  type        = string
  default     = null
}

variable "resource_manager_endpoint" {
  description = "Azure Resource Manager endpoint; null for the public cloud."
  type        = string
  default     = null
}

variable "resource_group" {
  description = "The resource group that holds the Recovery Services vault."
  type        = string
  default     = "rg-backup"
}

variable "location" {
  description = "The vault's region."
  type        = string
  default     = "westeurope"
}

variable "key_uri" {
  description = "Key Vault key (URI) that encrypts the vault's backup data."
  type        = string
  default     = "https://kv-backup.vault.azure.net/keys/backup"
}

variable "key_identity_id" {
  description = "User-assigned managed identity allowed to use the key."
  type        = string
  default     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-backup/providers/Microsoft.ManagedIdentity/userAssignedIdentities/backup"
}

variable "resource_guard_id" {
  description = "Resource Guard (Microsoft.DataProtection/resourceGuards) that authorizes destructive vault operations."
  type        = string
  default     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-security/providers/Microsoft.DataProtection/resourceGuards/backup-guard"
}

variable "vm_ids" {
  description = "Resource ids of the virtual machines to protect."
  type        = list(string)
  default = [
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-1",
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-2",
  ]
}

variable "force_destroy" {
  description = "Whether destroy removes the delete lock and the vault; false: destroy stops at the lock."
  type        = bool
  default     = false
}
