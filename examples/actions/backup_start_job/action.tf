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

variable "vms_document" {
  type        = string
  description = "The policy_document of a child whose VMs are protected on Azure."
}

variable "vm_ids" {
  type        = list(string)
  description = "The child's protected VMs, e.g. backup_child.web.azure.vm_ids."
}

# Azure: one on-demand backup of each protected VM; a retried invoke adopts the jobs it started.
action "backup_start_job" "vms_before_migration" {
  config {
    policy_document = var.vms_document
    vm_ids          = var.vm_ids
    tags            = { commit = var.commit_sha }
    retention_days  = 30
    wait            = true
  }
}
