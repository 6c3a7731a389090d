//! Importing a `backup_app` on Azure by its backup policy's ARM id.

use tfplugin::framework::{null_object, Attribute, Diagnostic};
use tfvalue::Value;

use super::super::diagnostics::azure_diagnostic;
use super::super::state::set_attr;
use super::RESOURCE;
use crate::cloud::azure::{AzureBackend, VaultRef};
use crate::cloud::CloudError;

/// A `terraform import` id naming an app's Azure backup policy by its ARM id:
/// `/subscriptions/<s>/resourceGroups/<rg>/providers/Microsoft.RecoveryServices/vaults/<vault>/backupPolicies/<app>`
/// (the policy is named after the app). Segment names are matched without regard to case, as ARM does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PolicyImportId {
    /// The policy's subscription.
    pub(crate) subscription_id: String,
    /// The vault's resource group.
    pub(crate) resource_group: String,
    /// The vault holding the policy.
    pub(crate) vault_name: String,
    /// The app (the policy's name).
    pub(crate) app: String,
}

impl PolicyImportId {
    /// `None` when `id` is not shaped like a backup policy's ARM id (e.g. a plain app name).
    pub(crate) fn parse(id: &str) -> Option<PolicyImportId> {
        let parts: Vec<&str> = id.strip_prefix('/')?.split('/').collect();
        let [subscriptions, subscription_id, resource_groups, resource_group, providers, namespace, vaults, vault_name, backup_policies, app] =
            parts.as_slice()
        else {
            return None;
        };
        let keywords = [
            (subscriptions, "subscriptions"),
            (resource_groups, "resourceGroups"),
            (providers, "providers"),
            (namespace, "Microsoft.RecoveryServices"),
            (vaults, "vaults"),
            (backup_policies, "backupPolicies"),
        ];
        let values = [subscription_id, resource_group, vault_name, app];
        if keywords
            .iter()
            .all(|(got, want)| got.eq_ignore_ascii_case(want))
            && values.iter().all(|v| !v.is_empty())
        {
            Some(PolicyImportId {
                subscription_id: subscription_id.to_string(),
                resource_group: resource_group.to_string(),
                vault_name: vault_name.to_string(),
                app: app.to_string(),
            })
        } else {
            None
        }
    }
}

/// For `terraform import` by policy id: reads the vault and the policy and fills in the `azure`
/// block (as the vault reports it) and both ids. `policy_document` stays null, so the next plan
/// writes the configured policy in place.
pub(crate) async fn adopt(
    backend: &dyn AzureBackend,
    id: &PolicyImportId,
    azure_attribute: &Attribute,
    state: &mut Value,
) -> Result<(), Diagnostic> {
    let fail = |detail: String| Diagnostic::error("Cannot import the Azure backup policy", detail);
    if !id
        .subscription_id
        .eq_ignore_ascii_case(backend.subscription_id())
    {
        return Err(fail(format!(
            "The id names subscription {}, but this provider configuration uses subscription {}. \
             Import with the provider alias configured for that subscription (`-provider` is \
             chosen by the resource's `provider` argument).",
            id.subscription_id,
            backend.subscription_id()
        )));
    }
    let vault_ref = VaultRef::new(&id.resource_group, &id.vault_name);
    let cloud = |e: CloudError| azure_diagnostic(RESOURCE, &id.app, &e);
    let Some(vault) = backend.find_vault(&vault_ref).await.map_err(cloud)? else {
        return Err(fail(format!(
            "Recovery Services vault {} was not found in resource group {}.",
            id.vault_name, id.resource_group
        )));
    };
    let Some(policy) = backend
        .find_policy(&vault_ref, &id.app)
        .await
        .map_err(cloud)?
    else {
        return Err(fail(format!(
            "Vault {} has no backup policy named {}. A backup_app's policy is named after the app.",
            id.vault_name, id.app
        )));
    };
    let mut block = null_object(azure_attribute.children().unwrap_or_default());
    set_attr(
        &mut block,
        "resource_group",
        Value::from(id.resource_group.clone()),
    );
    set_attr(&mut block, "location", Value::from(vault.location.clone()));
    set_attr(&mut block, "vault_name", Value::from(id.vault_name.clone()));
    let reported = [
        (
            "storage_redundancy",
            vault.storage_redundancy.map(|v| v.as_str()),
        ),
        ("soft_delete", vault.soft_delete.map(|v| v.as_str())),
        ("immutability", vault.immutability.map(|v| v.as_str())),
    ];
    for (name, value) in reported {
        if let Some(value) = value {
            set_attr(&mut block, name, Value::from(value.to_string()));
        }
    }
    if let Some(enabled) = vault.cross_region_restore {
        set_attr(&mut block, "cross_region_restore", Value::Bool(enabled));
    }
    if let Some(encryption) = &vault.encryption {
        // The vault's customer-managed key, so the import plan has nothing to change.
        let identity = encryption
            .user_assigned_identity_id
            .clone()
            .map_or(Value::Null, Value::from);
        let key = Value::Object(
            [
                (
                    "key_uri".to_string(),
                    Value::from(encryption.key_uri.clone()),
                ),
                ("user_assigned_identity_id".to_string(), identity),
            ]
            .into(),
        );
        set_attr(&mut block, "encryption", key);
    }
    set_attr(state, "azure", block);
    set_attr(state, "azure_vault_id", Value::from(vault.id));
    set_attr(state, "azure_policy_id", Value::from(policy.id));
    Ok(())
}

#[cfg(test)]
mod encryption_tests {
    use super::*;
    use crate::cloud::azure::{PolicySpec, VaultEncryption, VaultSpec};
    use crate::resources::fakes::FakeAzure;

    #[tokio::test]
    async fn an_imported_vault_brings_its_customer_managed_key() {
        let azure = FakeAzure::new("00000000-0000-0000-0000-000000000001");
        let mut spec = VaultSpec::new("rg", "v", "westeurope");
        spec.encryption = Some(VaultEncryption {
            key_uri: "https://kv.vault.azure.net/keys/backup".into(),
            user_assigned_identity_id: Some("/subscriptions/s/uai".into()),
        });
        azure.ensure_vault(&spec).await.unwrap();
        let mut root = backup_policy::AppInput {
            name: "root".into(),
            ..Default::default()
        };
        root.policy.rules.insert(
            "daily".into(),
            backup_policy::RulePatch {
                schedule: Some("cron(0 5 ? * * *)".into()),
                retention_days: Some(35),
                ..Default::default()
            },
        );
        let document = backup_policy::evaluate(None, &root).unwrap();
        let schedule = crate::resources::diagnostics::translate(
            &document,
            &mut tfplugin::framework::Diagnostics::default(),
        )
        .unwrap();
        azure
            .ensure_policy(&PolicySpec {
                vault: VaultRef::new("rg", "v"),
                name: "root".into(),
                schedule,
                instant_rp_retention_days: None,
            })
            .await
            .unwrap();
        let id = PolicyImportId::parse(&format!(
            "{}/backupPolicies/root",
            azure.vault_id(&VaultRef::new("rg", "v"))
        ))
        .expect("a policy id");
        let mut state = Value::Object(Default::default());
        adopt(
            &*azure,
            &id,
            &super::super::schema::app_azure_attribute(),
            &mut state,
        )
        .await
        .unwrap();
        let encryption = state
            .get("azure")
            .and_then(|a| a.get("encryption"))
            .unwrap();
        assert_eq!(
            encryption.get("key_uri"),
            Some(&Value::from("https://kv.vault.azure.net/keys/backup"))
        );
        assert_eq!(
            encryption.get("user_assigned_identity_id"),
            Some(&Value::from("/subscriptions/s/uai"))
        );
    }
}
