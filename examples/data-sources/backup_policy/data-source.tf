# The root app lives in another workspace, which publishes its policy_document as an output.
data "terraform_remote_state" "org" {
  backend = "local"
  config = {
    path = "../org/terraform.tfstate"
  }
}

# Verified here: a document changed on the way fails the plan.
data "backup_policy" "root" {
  document     = data.terraform_remote_state.org.outputs.root_policy_document
  expected_app = "org-root"
}

resource "backup_app" "team" {
  name   = "team"
  parent = data.backup_policy.root.policy_document
  policy = { rules = { daily = { retention_days = 60 } } }
}
