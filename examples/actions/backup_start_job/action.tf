variable "commit_sha" {
  type        = string
  description = "The commit being deployed."
}

variable "orders_document" {
  type        = string
  description = "The policy_document of the app or child that owns the table."
}

# terraform apply -invoke=action.backup_start_job.before_migration
action "backup_start_job" "before_migration" {
  config {
    policy_document = var.orders_document
    resource_arn    = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders"
    iam_role_arn    = "arn:aws:iam::111111111111:role/backup"
    tags            = { commit = var.commit_sha }
    retention_days  = 90
    wait            = true
    timeout_minutes = 120
  }
}
