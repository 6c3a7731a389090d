# One account of the tree: an account-level app (a pure policy node that holds what the account
# changes) and one child per workload, protecting its resources with the account's provider.

resource "backup_app" "account" {
  name   = var.account_name
  parent = var.parent
  policy = var.policy
}

resource "backup_child" "workload" {
  for_each = var.workloads

  name   = "${var.account_name}-${each.key}"
  parent = backup_app.account.policy_document

  aws = {
    resources      = each.value.resources
    selection_tags = each.value.selection_tags
    iam_role_arn   = "arn:aws:iam::${var.account_id}:role/${var.backup_role_name}"
  }
}
