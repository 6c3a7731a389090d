import {
  to = backup_app.root
  id = "org-root"
}
