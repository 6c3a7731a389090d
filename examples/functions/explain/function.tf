variable "team_document" {
  type        = string
  description = "The team app's policy_document."
}

# Where the team's daily retention comes from: its value, the app that set it, and the
# guardrails bounding it (e.g. "min_retention_days = 30 (set by org-root)").
output "daily_retention" {
  value = provider::backup::explain(var.team_document, "rules.daily.retention_days")
}
