output "audit_controls" {
  description = "The audit framework's controls, derived from org-root's guardrails."
  value       = backup_app.root.audit_controls
}

output "restore_testing" {
  description = "The restore testing each app and child ends up with (from its policy_document)."
  value = {
    for app in [backup_app.root, backup_app.payments, backup_child.orders] :
    app.name => jsondecode(app.policy_document).restore_testing
  }
}
