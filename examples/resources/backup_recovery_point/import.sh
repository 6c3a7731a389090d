# A recovery point is imported by its vault and ARN, separated by a comma.
terraform import backup_recovery_point.release 'org-root,arn:aws:backup:eu-west-1:111111111111:recovery-point:1EB3B5E7-9EB0-435A-A80B-108B488B0D45'
