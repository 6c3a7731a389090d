# A child is imported by its name, with the provider (alias) of its account.
terraform import backup_child.payments_prod payments-prod
