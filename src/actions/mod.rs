//! Actions (`terraform apply -invoke=action.TYPE.NAME`, Terraform 1.14+), one folder or file each.

mod aws_vault;
mod azure_vault;
mod backup_restore_test;
mod backup_start_job;

use std::sync::Arc;

use tfplugin::framework::Action;

pub use backup_restore_test::BackupRestoreTest;
pub use backup_start_job::BackupStartJob;

/// An action's configuration as Terraform sends it: every attribute null but those in `set`.
#[cfg(test)]
fn test_config(action: &dyn Action, set: Vec<(&str, tfvalue::Value)>) -> tfvalue::Value {
    let mut config = tfplugin::framework::null_object(&action.schema().attributes);
    if let tfvalue::Value::Object(members) = &mut config {
        members.extend(set.into_iter().map(|(k, v)| (k.to_owned(), v)));
    }
    config
}

/// Every action the provider serves.
pub fn all() -> Vec<Arc<dyn Action>> {
    vec![Arc::new(BackupStartJob), Arc::new(BackupRestoreTest)]
}
