variable "orders_document" {
  type        = string
  description = "The policy_document of the app or child that owns the table."
}

# terraform apply -invoke=action.backup_restore_test.orders
action "backup_restore_test" "orders" {
  config {
    policy_document  = var.orders_document
    resource_arn     = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders"
    iam_role_arn     = "arn:aws:iam::111111111111:role/backup-restore"
    restore_metadata = { encryptionType = "Default" }
    timeout_minutes  = 120
  }
}

# Prove the latest backup restores before each migration.
resource "terraform_data" "migration" {
  input = "v2"
  lifecycle {
    action_trigger {
      events  = [before_create, before_update]
      actions = [action.backup_restore_test.orders]
    }
  }
}
