//! The hardening of an app's Recovery Services vault: the `CanNotDelete` management lock that
//! `guardrails.require_delete_lock` asks for (created or repaired on apply, read back for drift,
//! and respected on destroy), and the plan-time checks that immutability only rises and that a
//! customer-managed key, once on, stays on, both against the prior state and against the
//! guardrails in force (`min_immutability`, `require_encryption`).

use backup_policy::hardening::{immutability_rank, IMMUTABILITY_LEVELS};
use backup_policy::PolicyDocument;
use tfplugin::framework::Diagnostics;
use tfvalue::{AttributePath, Value};

use crate::cloud::azure::delete_lock::{CAN_NOT_DELETE, DELETE_LOCK_NAME};
use crate::cloud::azure::{AzureBackend, VaultRef};
use crate::cloud::{CloudError, ErrorKind};

/// Whether `document` asks for the delete lock.
fn lock_required(document: &PolicyDocument) -> bool {
    document.guardrails().hardening.require_delete_lock()
}

/// Creates or repairs the lock when the policy asks for it; removes the provider's lock when the
/// previous policy (`prior`) asked for it and this one does not.
pub(crate) async fn converge_delete_lock(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    document: &PolicyDocument,
    prior: Option<&PolicyDocument>,
) -> Result<(), CloudError> {
    let scope = backend.vault_id(vault);
    if lock_required(document) {
        if backend.find_delete_lock(&scope).await?.as_deref() != Some(CAN_NOT_DELETE) {
            backend.put_delete_lock(&scope).await?;
        }
    } else if prior.is_some_and(lock_required) {
        backend.delete_delete_lock(&scope).await?;
    }
    Ok(())
}

/// Whether the lock the policy asks for is missing or weakened (removed or set to `ReadOnly`
/// out of band counts too: it is not the lock the guardrail names).
pub(crate) async fn delete_lock_drifted(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    document: &PolicyDocument,
) -> Result<bool, CloudError> {
    if !lock_required(document) {
        return Ok(false);
    }
    let level = backend.find_delete_lock(&backend.vault_id(vault)).await?;
    Ok(level.as_deref() != Some(CAN_NOT_DELETE))
}

/// Before the vault is destroyed: when the state's policy (`prior`) asked for the lock and it is
/// there, fails naming the lock unless `force` (then the lock goes first, so the vault can be
/// deleted). Without the guardrail nothing is called.
pub(crate) async fn release_delete_lock(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    prior: Option<&PolicyDocument>,
    force: bool,
) -> Result<(), CloudError> {
    if !prior.is_some_and(lock_required) {
        return Ok(());
    }
    let scope = backend.vault_id(vault);
    if backend.find_delete_lock(&scope).await?.is_none() {
        return Ok(());
    }
    if !force {
        return Err(CloudError::new(
            ErrorKind::InvalidState,
            "deleting Recovery Services Vault",
            &vault.name,
            format!(
                "the vault carries the management lock {DELETE_LOCK_NAME:?} ({scope}/providers/Microsoft.Authorization/locks/\
                 {DELETE_LOCK_NAME}) that guardrails.require_delete_lock asks for, and a locked vault is not deleted: set \
                 force_destroy = true to remove the lock and then the vault"
            ),
        ));
    }
    tracing::info!(vault = %vault.name, lock = DELETE_LOCK_NAME, "force_destroy: removing the vault's delete lock first");
    backend.delete_delete_lock(&scope).await
}

/// `azure.immutability` of a configuration, plan or state value (`None`: unset or unknown).
fn immutability_of(value: &Value) -> Option<&str> {
    value
        .get("azure")
        .and_then(|a| a.get("immutability"))
        .and_then(Value::as_str)
}

/// Plan-time checks of `azure.immutability`: never lower than the prior state's (Disabled ->
/// Unlocked -> Locked, never back) nor than `guardrails.min_immutability` in force.
pub(crate) fn check_immutability(
    config: &Value,
    prior_state: &Value,
    document: Option<&PolicyDocument>,
    diagnostics: &mut Diagnostics,
) {
    if config.get("azure").is_none_or(Value::is_null) {
        return;
    }
    let path = AttributePath::attr("azure").attribute("immutability");
    let wanted = immutability_of(config);
    let rank = wanted.and_then(immutability_rank).unwrap_or(0);
    let shown = wanted.unwrap_or("unset (Disabled)");
    let order = IMMUTABILITY_LEVELS.join(" -> ");
    if let Some(before) = immutability_of(prior_state) {
        if immutability_rank(before).unwrap_or(0) > rank {
            diagnostics.error_at(
                path.clone(),
                "Immutability lowered",
                format!(
                    "azure.immutability {shown} would lower the vault's immutability from {before}; it only rises \
                     ({order}), so keep {before} or raise it."
                ),
            );
        }
    }
    if let Some(min) = document.and_then(|d| d.guardrails().hardening.min_immutability.as_ref()) {
        if immutability_rank(&min.value).unwrap_or(0) > rank {
            diagnostics.error_at(
                path,
                "Immutability below guardrail",
                format!(
                    "azure.immutability {shown} is below guardrails.min_immutability = {:?} set by app {:?}; use \
                     {:?} or stronger ({order}).",
                    min.value, min.set_by, min.value
                ),
            );
        }
    }
}

/// Whether `value`'s `azure.encryption` is set (unknown counts as set: it is in the config).
fn has_encryption(value: &Value) -> bool {
    value
        .get("azure")
        .and_then(|a| a.get("encryption"))
        .is_some_and(|e| !e.is_null())
}

/// Plan-time checks of `azure.encryption`: once the state has a customer-managed key it cannot
/// be removed, and `guardrails.require_encryption` asks for one.
pub(crate) fn check_encryption(
    config: &Value,
    prior_state: &Value,
    document: Option<&PolicyDocument>,
    diagnostics: &mut Diagnostics,
) {
    if config.get("azure").is_none_or(Value::is_null) || has_encryption(config) {
        return;
    }
    let path = AttributePath::attr("azure").attribute("encryption");
    if has_encryption(prior_state) {
        diagnostics.error_at(
            path.clone(),
            "Encryption turned off",
            "the vault is encrypted with a customer-managed key, and Azure does not turn customer-managed keys \
             off: keep azure.encryption (its key or identity may change).",
        );
    }
    if let Some(s) = document.and_then(|d| d.guardrails().hardening.require_encryption.as_ref()) {
        if s.value {
            diagnostics.error_at(
                path,
                "Encryption required by guardrail",
                format!(
                    "guardrails.require_encryption = true set by app {:?} asks every vault below it for a \
                     customer-managed key: set azure.encryption (key_uri, and user_assigned_identity_id unless the \
                     vault's system-assigned identity reads the key).",
                    s.set_by
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use backup_policy::hardening::HardeningGuardrailsPatch;
    use backup_policy::AppInput;

    use super::*;
    use crate::resources::fakes::FakeAzure;

    fn document(lock: bool, min: Option<&str>) -> PolicyDocument {
        let mut app = AppInput {
            name: "root".into(),
            ..Default::default()
        };
        app.guardrails.hardening = HardeningGuardrailsPatch {
            require_delete_lock: Some(lock),
            min_immutability: min.map(str::to_string),
            ..Default::default()
        };
        backup_policy::evaluate(None, &app).unwrap()
    }

    #[tokio::test]
    async fn the_lock_is_created_repaired_read_back_and_respected_on_destroy() {
        let azure = FakeAzure::new("00000000-0000-0000-0000-000000000001");
        let vault = VaultRef::new("rg", "v");
        let scope = azure.vault_id(&vault).to_lowercase();
        let locked = document(true, None);
        converge_delete_lock(&*azure, &vault, &locked, None)
            .await
            .unwrap();
        assert_eq!(azure.world().delete_locks[&scope], CAN_NOT_DELETE);
        assert!(!delete_lock_drifted(&*azure, &vault, &locked).await.unwrap());

        // Weakened out of band: drift, and one converge puts it back.
        azure
            .world()
            .delete_locks
            .insert(scope.clone(), "ReadOnly".into());
        assert!(delete_lock_drifted(&*azure, &vault, &locked).await.unwrap());
        converge_delete_lock(&*azure, &vault, &locked, Some(&locked))
            .await
            .unwrap();
        assert_eq!(azure.world().delete_locks[&scope], CAN_NOT_DELETE);

        // Destroy without force names the lock and removes nothing.
        let err = release_delete_lock(&*azure, &vault, Some(&locked), false)
            .await
            .unwrap_err();
        assert!(err.message().contains(DELETE_LOCK_NAME), "{err}");
        assert!(err.message().contains("force_destroy = true"), "{err}");
        assert!(azure.world().delete_locks.contains_key(&scope));
        release_delete_lock(&*azure, &vault, Some(&locked), true)
            .await
            .unwrap();
        assert!(azure.world().delete_locks.is_empty());
    }

    #[tokio::test]
    async fn a_policy_without_the_guardrail_calls_nothing_and_drops_the_lock_it_had() {
        let azure = FakeAzure::new("00000000-0000-0000-0000-000000000001");
        let vault = VaultRef::new("rg", "v");
        let plain = document(false, None);
        converge_delete_lock(&*azure, &vault, &plain, None)
            .await
            .unwrap();
        assert!(!delete_lock_drifted(&*azure, &vault, &plain).await.unwrap());
        assert!(azure.world().calls.log.is_empty());
        let locked = document(true, None);
        converge_delete_lock(&*azure, &vault, &locked, None)
            .await
            .unwrap();
        converge_delete_lock(&*azure, &vault, &plain, Some(&locked))
            .await
            .unwrap();
        assert!(azure.world().delete_locks.is_empty());
        // Without the guardrail in the state's policy, destroy looks for no lock.
        azure.world().calls.log.clear();
        release_delete_lock(&*azure, &vault, Some(&plain), false)
            .await
            .unwrap();
        assert!(azure.world().calls.log.is_empty());
    }

    fn with_immutability(level: Option<&str>) -> Value {
        let azure = Value::Object(
            [(
                "immutability".to_string(),
                level.map_or(Value::Null, Value::from),
            )]
            .into(),
        );
        Value::Object([("azure".to_string(), azure)].into())
    }

    #[test]
    fn immutability_only_rises_and_respects_the_guardrail() {
        let check =
            |config: Option<&str>, prior: Option<&str>, document: Option<&PolicyDocument>| {
                let mut d = Diagnostics::default();
                check_immutability(
                    &with_immutability(config),
                    &prior.map_or(Value::Null, |p| with_immutability(Some(p))),
                    document,
                    &mut d,
                );
                d.into_iter()
                    .map(|d| format!("{}: {}", d.summary, d.detail))
                    .collect::<Vec<_>>()
            };
        assert!(check(Some("Unlocked"), Some("Disabled"), None).is_empty());
        assert!(check(Some("Locked"), Some("Unlocked"), None).is_empty());
        let lowered = check(Some("Unlocked"), Some("Locked"), None);
        assert_eq!(lowered.len(), 1, "{lowered:?}");
        assert!(lowered[0].starts_with("Immutability lowered"));
        assert!(lowered[0].contains("from Locked"));
        assert_eq!(check(None, Some("Unlocked"), None).len(), 1);

        let guarded = document(false, Some("Unlocked"));
        let below = check(Some("Disabled"), None, Some(&guarded));
        assert_eq!(below.len(), 1, "{below:?}");
        assert!(below[0].contains("set by app \"root\""), "{below:?}");
        assert!(check(Some("Locked"), None, Some(&guarded)).is_empty());
    }

    fn with_encryption(on: bool) -> Value {
        let encryption = if on {
            Value::Object([("key_uri".to_string(), Value::from("https://kv/keys/k"))].into())
        } else {
            Value::Null
        };
        let azure = Value::Object([("encryption".to_string(), encryption)].into());
        Value::Object([("azure".to_string(), azure)].into())
    }

    #[test]
    fn a_customer_managed_key_stays_on_and_the_guardrail_asks_for_one() {
        let check = |config: bool, prior: Option<bool>, document: Option<&PolicyDocument>| {
            let mut d = Diagnostics::default();
            check_encryption(
                &with_encryption(config),
                &prior.map_or(Value::Null, with_encryption),
                document,
                &mut d,
            );
            d.into_iter().map(|d| d.summary).collect::<Vec<_>>()
        };
        assert!(check(true, Some(false), None).is_empty());
        assert!(check(false, Some(false), None).is_empty());
        assert_eq!(check(false, Some(true), None), ["Encryption turned off"]);
        let mut app = AppInput {
            name: "root".into(),
            ..Default::default()
        };
        app.guardrails.hardening.require_encryption = Some(true);
        let guarded = backup_policy::evaluate(None, &app).unwrap();
        assert_eq!(
            check(false, None, Some(&guarded)),
            ["Encryption required by guardrail"]
        );
        assert!(check(true, None, Some(&guarded)).is_empty());
    }
}
