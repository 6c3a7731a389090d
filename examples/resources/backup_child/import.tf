import {
  provider = backup.payments
  to       = backup_child.payments_prod
  id       = "payments-prod"
}
