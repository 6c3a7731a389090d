terraform {
  required_version = ">= 1.0"
  required_providers {
    backup = {
      source = "appofapps/backup"
    }
  }
}
