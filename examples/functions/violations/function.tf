variable "root_document" {
  type        = string
  description = "The root app's policy_document."
}

locals {
  team_policy = { name = "team", rules = { daily = { retention_days = 60 } } }
}

# Fails the plan, listing every broken rule, when the team's policy would not pass under the root.
check "team_policy" {
  assert {
    condition     = length(provider::backup::violations(var.root_document, local.team_policy)) == 0
    error_message = join("\n", provider::backup::violations(var.root_document, local.team_policy))
  }
}
