resource "backup_app" "root" {
  name = "org-root"
  policy = {
    rules = { daily = { schedule = "cron(0 5 ? * * *)", retention_days = 35 } }
    tags  = { owner = "group:platform" }
  }
}

resource "backup_app" "payments" {
  name   = "payments"
  parent = backup_app.root.policy_document
  policy = { rules = { daily = { retention_days = 90 } }, tags = { owner = "group:payments" } }
}

# One Backstage entity per app: a Component, owned by the app's `owner` tag, a subcomponent of
# its parent, annotated with its lineage, effective policy hash and vault.
data "backup_backstage_catalog" "tree" {
  nodes = [backup_app.root, backup_app.payments]
}

output "catalog_info_yaml" {
  value = data.backup_backstage_catalog.tree.yaml
}
