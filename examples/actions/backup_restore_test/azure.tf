variable "vm1_document" {
  type        = string
  description = "The policy_document of the child that protects vm1 (azure.vm_ids)."
}

# terraform apply -invoke=action.backup_restore_test.vm1
# Then delete the scratch resource group, as the action's warning says.
action "backup_restore_test" "vm1" {
  config {
    policy_document          = var.vm1_document
    vm_id                    = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/vm1"
    target_resource_group_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-restore-test"
    storage_account_id       = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-restore-test/providers/Microsoft.Storage/storageAccounts/restorestaging"
    location                 = "westeurope"
    timeout_minutes          = 240
  }
}
