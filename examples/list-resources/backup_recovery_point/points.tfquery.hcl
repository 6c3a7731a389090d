# terraform query -generate-config-out=points.tf
list "backup_recovery_point" "release" {
  provider         = backup
  include_resource = true
  limit            = 10

  config {
    vault_name = "org-root"
    tags       = { commit = "4f2a9c1" }
  }
}
