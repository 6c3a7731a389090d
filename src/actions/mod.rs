//! Actions (`terraform apply -invoke=action.TYPE.NAME`, Terraform 1.14+), one folder or file each.

mod aws_vault;
mod azure_vault;
mod backup_restore_test;
mod backup_start_job;

use std::sync::Arc;

use tfplugin::framework::Action;

pub use backup_restore_test::BackupRestoreTest;
pub use backup_start_job::BackupStartJob;

/// Every action the provider serves.
pub fn all() -> Vec<Arc<dyn Action>> {
    vec![Arc::new(BackupStartJob), Arc::new(BackupRestoreTest)]
}
