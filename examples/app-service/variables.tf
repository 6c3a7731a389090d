variable "subscription_id" {
  description = "The subscription of the vault, the App Service and its storage account; null: ARM_SUBSCRIPTION_ID."
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

variable "app_service_id" {
  description = "Resource id of the App Service to back up."
  type        = string
  default     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop"
}

variable "storage_account_id" {
  description = "Resource id of the storage account receiving the backups, in the App Service's region."
  type        = string
  default     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop/providers/Microsoft.Storage/storageAccounts/stshopbackup"
}

variable "backup_container_sas_url" {
  description = "SAS URL of the blob container (in the account above) the App Service's backups go to."
  type        = string
  sensitive   = true
  default     = "https://stshopbackup.blob.core.windows.net/backups?sv=placeholder"
}
