# Apigee configuration backed up under the same inherited policy as everything else: the child
# exports the organization's API proxies (latest revision bundles) and environment configuration
# to a blob container on the policy's schedule, and keeps each export for the longest retention.
#
#   org-root (backup_app, pure policy: daily 35 days, monthly 365 days)
#   └── apigee-acme (backup_child)   exports organization "acme"
#
# The plan shows what will be exported (apigee_proxies, apigee_environments) and the scheduled job
# that keeps exporting between applies (apigee_export_job). The Apigee token comes from
# APIGEE_ACCESS_TOKEN; the container's SAS URL is write-only (never in plan or state).

terraform {
  required_version = ">= 1.11"
  required_providers {
    backup = {
      source = "appofapps/backup"
    }
  }
}

provider "backup" {
  apigee = {
    # null: https://apigee.googleapis.com (or APIGEE_ENDPOINT).
    endpoint = var.apigee_endpoint
  }
}

resource "backup_app" "root" {
  name = "org-root"
  policy = {
    rules = {
      daily   = { schedule = "cron(0 5 ? * * *)", retention_days = 35 }
      monthly = { schedule = "cron(0 5 1 * ? *)", retention_days = 365 }
    }
    tags = { owner = "platform" }
  }
}

resource "backup_child" "apigee" {
  name   = "apigee-${var.organization}"
  parent = backup_app.root.policy_document
  apigee = {
    organization  = var.organization
    environments  = var.environments
    container_url = var.container_url
  }
}

# Run this as a scheduled job (Kubernetes CronJob, Azure Container Apps job): see the guide.
output "export_job" {
  value = backup_child.apigee.apigee_export_job
}

output "exported_proxies" {
  value = backup_child.apigee.apigee_proxies
}

output "last_export" {
  value = backup_child.apigee.apigee_last_export
}
