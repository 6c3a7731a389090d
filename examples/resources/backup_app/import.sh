# An app is imported by its name.
terraform import backup_app.root org-root

# An app on Azure is imported by its backup policy's resource id (the policy is named after the
# app); the vault is adopted from the id.
terraform import backup_app.root /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-org-root/backupPolicies/org-root
