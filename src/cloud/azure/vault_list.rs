//! The vaults of the subscription (`Vaults_ListBySubscriptionId`, pageable) and the tag that marks
//! the ones a `backup_app` made, so `terraform query` (and an import by identity) can find an app's
//! vault by the app's name alone.

use super::arm::{ArmClient, Subject, VAULTS_API_VERSION};
use super::backend::{AzureTags, VaultRef, VaultState};
use super::bodies::vault::Vault;
use super::vault::flatten;
use crate::cloud::error::CloudError;

/// The tag a `backup_app` puts on its vault, valued with the app's name.
pub const APP_TAG: &str = "backup:app";

/// `tags` with [`APP_TAG`] naming `app`.
pub fn with_app_tag(mut tags: AzureTags, app: &str) -> AzureTags {
    tags.insert(APP_TAG.to_owned(), app.to_owned());
    tags
}

/// `tags` without the provider's own ([`APP_TAG`]): what the policy's `tags` say.
pub fn without_app_tag(tags: &AzureTags) -> AzureTags {
    let mut tags = tags.clone();
    tags.remove(APP_TAG);
    tags
}

/// Every vault of the subscription, following `nextLink`.
pub(super) async fn list_vaults(arm: &ArmClient) -> Result<Vec<VaultState>, CloudError> {
    let subject = Subject {
        operation: "listing Recovery Services Vaults",
        name: arm.subscription_id(),
    };
    let mut next = Some(format!(
        "/subscriptions/{}/providers/Microsoft.RecoveryServices/vaults",
        arm.subscription_id()
    ));
    let mut vaults = Vec::new();
    while let Some(page) = next.take() {
        let Some(body) = arm.get(&page, VAULTS_API_VERSION, subject).await? else {
            break;
        };
        for item in body["value"].as_array().into_iter().flatten() {
            let Some(vault) = item["id"]
                .as_str()
                .and_then(|id| VaultRef::from_id(id).ok())
            else {
                continue;
            };
            if let Ok(parsed) = serde_json::from_value::<Vault>(item.clone()) {
                vaults.push(flatten(&vault, parsed));
            }
        }
        next = body["nextLink"].as_str().map(str::to_owned);
    }
    Ok(vaults)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_tag_is_added_and_taken_off() {
        let tags = AzureTags::from([("owner".to_owned(), "platform".to_owned())]);
        let tagged = with_app_tag(tags.clone(), "org-root");
        assert_eq!(tagged[APP_TAG], "org-root");
        assert_eq!(without_app_tag(&tagged), tags);
    }
}
