variable "vault_arn" {
  type        = string
  description = "The vault the recovery points go to, e.g. backup_app.root.aws_vault_arn."
}

locals {
  role = provider::backup::backup_role_policy(
    ["arn:aws:dynamodb:eu-west-1:111111111111:table/orders"],
    var.vault_arn,
  )
}

# The policy for the role (aws_iam_role_policy.policy) and its trust policy
# (aws_iam_role.assume_role_policy): see examples/least-privilege-role for both applied.
output "backup_role_policy" {
  value = local.role.policy
}

output "backup_role_trust_policy" {
  value = local.role.assume_role_policy
}
