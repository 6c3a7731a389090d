//! A vault's customer-managed key (`VaultPropertiesEncryption`) and the identity reading it
//! (`IdentityData`), with their conversion from and to [`VaultEncryption`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::cloud::azure::backend::VaultEncryption;

/// `IdentityData`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdentityData {
    /// `SystemAssigned`, `UserAssigned`, `SystemAssigned, UserAssigned` or `None`.
    #[serde(rename = "type", default)]
    pub(crate) kind: Option<String>,
    /// User-assigned identities by resource id (values are ARM's `UserIdentity`, read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_assigned_identities: Option<BTreeMap<String, Value>>,
}

/// `VaultPropertiesEncryption`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Encryption {
    /// `CmkKeyVaultProperties`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) key_vault_properties: Option<KeyVaultProperties>,
    /// `CmkKekIdentity`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) kek_identity: Option<KekIdentity>,
}

/// `CmkKeyVaultProperties`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KeyVaultProperties {
    /// The key's URI.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) key_uri: Option<String>,
}

/// `CmkKekIdentity`: exactly one of the two is set.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct KekIdentity {
    /// The vault's system-assigned identity reads the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) use_system_assigned_identity: Option<bool>,
    /// The resource id of the user-assigned identity reading the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) user_assigned_identity: Option<String>,
}

/// The identity and encryption bodies realising `encryption`.
pub(crate) fn expand(encryption: &VaultEncryption) -> (IdentityData, Encryption) {
    let identity = match &encryption.user_assigned_identity_id {
        Some(id) => IdentityData {
            kind: Some("UserAssigned".into()),
            user_assigned_identities: Some(BTreeMap::from([(id.clone(), json!({}))])),
        },
        None => IdentityData {
            kind: Some("SystemAssigned".into()),
            user_assigned_identities: None,
        },
    };
    let kek = match &encryption.user_assigned_identity_id {
        Some(id) => KekIdentity {
            use_system_assigned_identity: None,
            user_assigned_identity: Some(id.clone()),
        },
        None => KekIdentity {
            use_system_assigned_identity: Some(true),
            user_assigned_identity: None,
        },
    };
    let body = Encryption {
        key_vault_properties: Some(KeyVaultProperties {
            key_uri: Some(encryption.key_uri.clone()),
        }),
        kek_identity: Some(kek),
    };
    (identity, body)
}

/// The encryption an answer reports, `None` without a key URI.
pub(crate) fn flatten(encryption: Option<Encryption>) -> Option<VaultEncryption> {
    let encryption = encryption?;
    let key_uri = encryption.key_vault_properties?.key_uri?;
    let kek = encryption.kek_identity.unwrap_or_default();
    Some(VaultEncryption {
        key_uri,
        user_assigned_identity_id: kek
            .user_assigned_identity
            .filter(|_| kek.use_system_assigned_identity != Some(true)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_and_system_assigned_identities_round_trip() {
        for identity in [None, Some("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/backup".to_string())] {
            let wanted = VaultEncryption {
                key_uri: "https://kv.vault.azure.net/keys/backup".into(),
                user_assigned_identity_id: identity.clone(),
            };
            let (id, body) = expand(&wanted);
            let sent = serde_json::to_value(&body).unwrap();
            assert_eq!(sent["keyVaultProperties"]["keyUri"], wanted.key_uri.as_str());
            match &identity {
                Some(uai) => {
                    assert_eq!(id.kind.as_deref(), Some("UserAssigned"));
                    assert_eq!(sent["kekIdentity"], json!({ "userAssignedIdentity": uai }));
                }
                None => {
                    assert_eq!(id.kind.as_deref(), Some("SystemAssigned"));
                    assert_eq!(sent["kekIdentity"], json!({ "useSystemAssignedIdentity": true }));
                }
            }
            assert_eq!(flatten(Some(body)), Some(wanted));
        }
        assert_eq!(flatten(None), None);
        assert_eq!(flatten(Some(Encryption::default())), None);
    }
}
