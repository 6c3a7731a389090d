output "vaults" {
  description = "The vaults whose access policies and notifications the tree manages."
  value = {
    "org-root" = backup_app.root.aws_vault_arn
    "payments" = backup_app.payments.aws_vault_arn
  }
}

output "ledger_mode" {
  description = "joined: the ledger inherits payments' access and alerts unchanged, so it uses its plan."
  value       = backup_child.ledger.mode
}
