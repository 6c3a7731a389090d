//! Provider-defined functions (`provider::backup::<name>(...)`, Terraform 1.8+): pure and
//! deterministic, one file (or folder) per function.

mod app_argument;
mod backup_role_policy;
mod effective_policy;
mod explain;
#[cfg(test)]
mod test_values;
mod violations;

use std::sync::Arc;

use tfplugin::framework::Function;

pub use backup_role_policy::BackupRolePolicy;
pub use effective_policy::EffectivePolicy;
pub use explain::Explain;
pub use violations::Violations;

/// Every function the provider serves.
pub fn all() -> Vec<Arc<dyn Function>> {
    vec![
        Arc::new(BackupRolePolicy),
        Arc::new(EffectivePolicy),
        Arc::new(Explain),
        Arc::new(Violations),
    ]
}
