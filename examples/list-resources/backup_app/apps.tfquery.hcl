# terraform query -generate-config-out=apps.tf
list "backup_app" "platform" {
  provider         = backup
  include_resource = true
  limit            = 50

  config {
    name_prefix = "platform-"
  }
}
