resource "backup_app" "root" {
  name   = "org-root"
  policy = { rules = { daily = { schedule = "cron(0 5 ? * * *)", retention_days = 35 } } }
  aws    = { vault_name = "org-root", vault_lock = { min_retention_days = 7 } }
}

resource "backup_child" "dev" {
  name   = "dev"
  parent = backup_app.root.policy_document
  aws = {
    resources    = ["arn:aws:dynamodb:eu-west-1:111111111111:table/dev"]
    iam_role_arn = "arn:aws:iam::111111111111:role/backup"
  }
}

# The drift report over the app and its child (same provider configuration). The check block
# turns a finding into a warning in `terraform plan -refresh=false`.
data "backup_compliance" "tree" {
  nodes = [backup_app.root, backup_child.dev]
}

check "backups_match_policy" {
  assert {
    condition     = data.backup_compliance.tree.compliant
    error_message = "Backups drifted from policy: ${jsonencode(data.backup_compliance.tree.findings)}"
  }
}

output "backup_findings" {
  value = data.backup_compliance.tree.findings
}
