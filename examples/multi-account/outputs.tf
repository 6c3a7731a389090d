output "tree" {
  description = "Every app of the tree: its lineage, mode and effective rules."
  value = merge(
    {
      (backup_app.root.name) = {
        vault_arn = backup_app.root.aws_vault_arn
        plan_id   = backup_app.root.aws_plan_id
        policy    = jsondecode(backup_app.root.policy_document)
      }
    },
    module.shared.apps,
    module.payments.apps,
  )
}
