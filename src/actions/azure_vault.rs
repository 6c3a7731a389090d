//! What the Azure halves of the actions share: the provider configuration that reaches an app's
//! vault, or a diagnostic saying why it does not.

use std::sync::Arc;

use backup_policy::AzureAnchor;
use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::AttributePath;

use crate::cloud::azure::{AzureBackend, VaultRef};
use crate::resources::ProviderData;

/// The provider configuration's Azure backend when it acts in `vault`'s subscription; an error
/// otherwise. `why` says what the action calls Azure for (e.g. "backup_start_job with vm_ids").
pub(super) fn backend_for(
    vault: &AzureAnchor,
    why: &str,
    data: Option<&ProviderData>,
    diagnostics: &mut Diagnostics,
) -> Option<Arc<dyn AzureBackend>> {
    let Some(azure) = data.and_then(|d| d.azure.clone()) else {
        diagnostics.push(Diagnostic::error(
            "Provider has no Azure settings",
            format!(
                "{why} calls Azure Backup: give the action a provider configuration with an `azure` \
                 block (`provider = backup.<alias>` in the action block)."
            ),
        ));
        return None;
    };
    if !azure
        .subscription_id()
        .eq_ignore_ascii_case(&vault.subscription_id)
    {
        diagnostics.error_at(
            AttributePath::attr("policy_document"),
            "Vault in another subscription",
            format!(
                "The vault {} of app {:?} is in subscription {}, but this provider configuration acts in {}. \
                 Use the provider alias for the vault's subscription.",
                vault.vault_name,
                vault.app,
                vault.subscription_id,
                azure.subscription_id()
            ),
        );
        return None;
    }
    Some(azure)
}

/// The vault of an app's Azure anchor.
pub(super) fn vault_ref(vault: &AzureAnchor) -> VaultRef {
    VaultRef::new(&vault.resource_group, &vault.vault_name)
}
