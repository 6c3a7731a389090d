import {
  to = backup_recovery_point.release
  identity = {
    vault_name         = "org-root"
    recovery_point_arn = "arn:aws:backup:eu-west-1:111111111111:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45"
  }
}
