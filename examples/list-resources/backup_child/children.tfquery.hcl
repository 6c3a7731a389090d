# terraform query -generate-config-out=children.tf
# then set each generated block's parent, e.g. parent = backup_app.platform.policy_document
list "backup_child" "orders" {
  provider         = backup
  include_resource = true

  config {
    name_prefix = "orders-"
  }
}
