# An app is imported by its name.
terraform import backup_app.root org-root
