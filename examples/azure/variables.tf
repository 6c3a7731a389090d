variable "subscription_id" {
  description = "The subscription of the vault and the protected resources; null: ARM_SUBSCRIPTION_ID."
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

variable "vm_ids" {
  description = "Resource ids of the virtual machines to protect."
  type        = list(string)
  default = [
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-1",
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-2",
  ]
}

variable "app_service_id" {
  description = "Resource id of the App Service to back up."
  type        = string
  default     = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-shop/providers/Microsoft.Web/sites/shop"
}

variable "backup_container_sas_url" {
  description = "SAS URL of the blob container the App Service's backups go to."
  type        = string
  sensitive   = true
  default     = "https://stshopbackup.blob.core.windows.net/backups?sv=placeholder"
}
