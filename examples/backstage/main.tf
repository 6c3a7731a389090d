# Backstage as the front door: the apps of a tree rendered as catalog entities, so teams see their
# app's backup policy where they look. Pure: no cloud is called, so this example applies as it is.
terraform {
  required_providers {
    backup = { source = "appofapps/backup" }
  }
}

provider "backup" {}

resource "backup_app" "root" {
  name = "org-root"
  policy = {
    rules = {
      daily   = { schedule = "cron(0 5 ? * * *)", retention_days = 35 }
      monthly = { schedule = "cron(0 5 1 * ? *)", retention_days = 365 }
    }
    tags = { owner = "group:platform" }
  }
  guardrails = { min_retention_days = 30 }
}

resource "backup_app" "payments" {
  name   = "payments"
  parent = backup_app.root.policy_document
  policy = {
    rules = { daily = { retention_days = 90 } }
    tags  = { owner = "group:payments" }
  }
}

resource "backup_app" "dev" {
  name   = "dev"
  parent = backup_app.root.policy_document
}

data "backup_backstage_catalog" "tree" {
  nodes = [backup_app.root, backup_app.payments, backup_app.dev]
}

# The whole catalog as one catalog-info.yaml text. With the hashicorp/local provider, write it for
# Backstage to pick up:
#
#   resource "local_file" "catalog" {
#     filename = "${path.module}/catalog-info.yaml"
#     content  = data.backup_backstage_catalog.tree.yaml
#   }
output "catalog_info_yaml" {
  value = data.backup_backstage_catalog.tree.yaml
}

# One document per app, by entity name (for one file per app: `for_each` over this map with
# `local_file`).
output "entities" {
  value = data.backup_backstage_catalog.tree.entities
}
