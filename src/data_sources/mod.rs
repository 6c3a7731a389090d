//! Data sources: read-only views Terraform evaluates at plan time, one file each.

mod backup_backstage_catalog;
mod backup_compliance;
mod backup_policy;

use std::sync::Arc;

use tfplugin::framework::DataSource;

pub use backup_backstage_catalog::BackupBackstageCatalog;
pub use backup_compliance::BackupCompliance;
pub use backup_policy::BackupPolicy;

/// Every data source the provider serves.
pub fn all() -> Vec<Arc<dyn DataSource>> {
    vec![
        Arc::new(BackupPolicy),
        Arc::new(BackupCompliance),
        Arc::new(BackupBackstageCatalog),
    ]
}
