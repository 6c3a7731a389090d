//! Provider-defined functions (`provider::backup::<name>(...)`, Terraform 1.8+): pure and
//! deterministic views of the policy core, one file per function.

mod app_argument;
mod effective_policy;
mod explain;
#[cfg(test)]
mod test_values;
mod violations;

use std::sync::Arc;

use tfplugin::framework::Function;

pub use effective_policy::EffectivePolicy;
pub use explain::Explain;
pub use violations::Violations;

/// Every function the provider serves.
pub fn all() -> Vec<Arc<dyn Function>> {
    vec![
        Arc::new(EffectivePolicy),
        Arc::new(Explain),
        Arc::new(Violations),
    ]
}
