//! Vault settings weakened out of band: what the app's read and the drift report compare.

use super::backend::{ImmutabilityState, SoftDeleteState, VaultSpec, VaultState};

/// A vault setting weaker than its spec asks for (found out of band): soft delete turned off,
/// immutability turned down. Stronger than asked is no drift: both settings only tighten.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeakerSetting {
    /// The `azure` block's attribute, e.g. `soft_delete`.
    pub attribute: &'static str,
    /// What the spec asks for.
    pub wanted: &'static str,
    /// What the vault has (`Disabled` when Azure reports nothing).
    pub found: &'static str,
}

impl VaultSpec {
    /// The settings this spec sets that `vault` has weaker.
    pub fn weaker_in(&self, vault: &VaultState) -> Vec<WeakerSetting> {
        let soft_rank = |s: Option<SoftDeleteState>| match s {
            None | Some(SoftDeleteState::Disabled) => 0,
            Some(SoftDeleteState::Enabled) => 1,
            Some(SoftDeleteState::AlwaysOn) => 2,
        };
        let immutable_rank = |s: Option<ImmutabilityState>| match s {
            None | Some(ImmutabilityState::Disabled) => 0,
            Some(ImmutabilityState::Unlocked) => 1,
            Some(ImmutabilityState::Locked) => 2,
        };
        let mut weaker = Vec::new();
        if let Some(wanted) = self.soft_delete {
            if soft_rank(vault.soft_delete) < soft_rank(Some(wanted)) {
                weaker.push(WeakerSetting {
                    attribute: "soft_delete",
                    wanted: wanted.as_str(),
                    found: vault.soft_delete.map_or("Disabled", |s| s.as_str()),
                });
            }
        }
        if let Some(wanted) = self.immutability {
            if immutable_rank(vault.immutability) < immutable_rank(Some(wanted)) {
                weaker.push(WeakerSetting {
                    attribute: "immutability",
                    wanted: wanted.as_str(),
                    found: vault.immutability.map_or("Disabled", |s| s.as_str()),
                });
            }
        }
        if let Some(wanted) = &self.encryption {
            if vault.encryption.as_ref() != Some(wanted) {
                weaker.push(WeakerSetting {
                    attribute: "encryption",
                    wanted: "the configured customer-managed key",
                    found: if vault.encryption.is_some() {
                        "another key or identity"
                    } else {
                        "platform-managed keys"
                    },
                });
            }
        }
        weaker
    }
}
