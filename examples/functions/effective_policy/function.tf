variable "root_document" {
  type        = string
  description = "The root app's policy_document."
}

# The policy_document a team app would publish under the root, before it exists.
output "team_effective_policy" {
  value = provider::backup::effective_policy(var.root_document, {
    name  = "team"
    rules = { daily = { retention_days = 60 } }
  })
}
