output "apps" {
  description = "The account's apps by name: lineage, mode (joined or derived), AWS ids and effective rules."
  value = merge(
    {
      (backup_app.account.name) = {
        policy = jsondecode(backup_app.account.policy_document)
      }
    },
    {
      for child in backup_child.workload : child.name => {
        mode         = child.mode
        plan_id      = child.aws_plan_id
        selection_id = child.aws_selection_id
        policy       = jsondecode(child.policy_document)
      }
    },
  )
}
