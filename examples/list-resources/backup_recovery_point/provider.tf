# The list runs in the account and region of the provider configuration it names.
provider "backup" {
  aws = {
    region = "eu-west-1"
  }
}
