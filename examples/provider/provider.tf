terraform {
  required_providers {
    backup = {
      source  = "appofapps/backup"
      version = "~> 0.1"
    }
  }
}

# The organisation's central account: where the root app's vault and plan live.
provider "backup" {
  aws = {
    region = "eu-west-1" # else AWS_REGION / AWS_DEFAULT_REGION
  }
}

# Another account, reached by assuming a role from the central one's credentials.
provider "backup" {
  alias = "payments"

  aws = {
    region = "eu-west-1"
    assume_role = {
      role_arn     = "arn:aws:iam::222222222222:role/BackupAdmin"
      session_name = "terraform"
    }
  }
}

# Azure: the same ARM_* environment variables as azurerm work too.
provider "backup" {
  alias = "azure"

  azure = {
    subscription_id = "00000000-0000-0000-0000-000000000000"
    use_cli         = true
  }
}
