//! The Resource Guard of an app's vault (multi-user authorization): `azure.resource_guard_id` is
//! associated on apply (the vault's `VaultProxy`), read back for drift, and removed (unlocked,
//! then deleted, as Azure requires) when the configuration drops it or the app is destroyed; and
//! the plan-time check of `guardrails.require_resource_guard`.

use backup_policy::PolicyDocument;
use tfplugin::framework::validators::{self, Invalid};
use tfplugin::framework::{Attribute, Diagnostics};
use tfvalue::{AttributePath, Value};

use crate::cloud::azure::{AzureBackend, VaultRef};
use crate::cloud::CloudError;

/// `backup_app.azure.resource_guard_id`.
pub(crate) fn resource_guard_attribute() -> Attribute {
    Attribute::string("resource_guard_id")
        .optional()
        .validator(validators::check(
            "Must be the resource id of a Resource Guard: \
             `/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.DataProtection/resourceGuards/<name>`.",
            |value| match value.as_str() {
                Some(id) if !is_resource_guard_id(id) => {
                    Err(Invalid(format!("{id:?} is not a Resource Guard id")))
                }
                _ => Ok(()),
            },
        ))
        .description(
            "Resource id of the Resource Guard that protects the vault's critical operations (multi-user \
             authorization): apply associates the vault with it (its `VaultProxy`). Removing it, or destroying \
             the app, removes the association, which the guard itself protects: the caller needs the Backup MUA \
             Operator role on the guard.",
        )
}

/// Whether `id` is `/subscriptions/../resourceGroups/../providers/Microsoft.DataProtection/resourceGuards/<name>`.
fn is_resource_guard_id(id: &str) -> bool {
    let parts: Vec<&str> = id.trim_start_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["subscriptions", s, groups, g, "providers", ns, kind, name]
            if groups.eq_ignore_ascii_case("resourceGroups")
                && ns.eq_ignore_ascii_case("Microsoft.DataProtection")
                && kind.eq_ignore_ascii_case("resourceGuards")
                && [s, g, name].iter().all(|p| !p.is_empty())
    ) && id.starts_with('/')
}

/// `azure.resource_guard_id` of a configuration, plan or state value (`None`: unset or no block).
pub(crate) fn resource_guard_of(value: &Value) -> Option<&str> {
    value
        .get("azure")?
        .get("resource_guard_id")
        .and_then(Value::as_str)
}

/// Plan-time check: under `guardrails.require_resource_guard` an Azure vault needs
/// `azure.resource_guard_id` (unknown counts as set).
pub(crate) fn check_resource_guard(
    config: &Value,
    document: Option<&PolicyDocument>,
    diagnostics: &mut Diagnostics,
) {
    let Some(azure) = config.get("azure").filter(|a| !a.is_null()) else {
        return;
    };
    let Some(rule) = document.and_then(|d| d.guardrails().hardening.require_resource_guard.clone())
    else {
        return;
    };
    if rule.value && azure.get("resource_guard_id").is_none_or(Value::is_null) {
        diagnostics.error_at(
            AttributePath::attr("azure").attribute("resource_guard_id"),
            "Resource Guard required",
            format!(
                "guardrails.require_resource_guard = true set by app {:?} requires every vault to be associated \
                 with a Resource Guard (multi-user authorization): set azure.resource_guard_id.",
                rule.set_by
            ),
        );
    }
}

/// Associates the vault with `wanted` when it is not already (an association with another guard
/// is removed first); removes the association the previous configuration (`prior`) made when
/// `wanted` is unset.
pub(crate) async fn converge_resource_guard(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    wanted: Option<&str>,
    prior: Option<&str>,
) -> Result<(), CloudError> {
    match wanted {
        Some(guard) => {
            match backend.find_resource_guard(vault).await? {
                Some(found) if found.eq_ignore_ascii_case(guard) => return Ok(()),
                // Another guard: its association goes first (unlocked through that guard).
                Some(other) => backend.delete_resource_guard(vault, &other).await?,
                None => {}
            }
            backend.put_resource_guard(vault, guard).await
        }
        None if prior.is_some() => release_resource_guard(backend, vault, prior).await,
        None => Ok(()),
    }
}

/// Whether the association `wanted` is missing or points at another guard.
pub(crate) async fn resource_guard_drifted(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    wanted: Option<&str>,
) -> Result<bool, CloudError> {
    let Some(guard) = wanted else {
        return Ok(false);
    };
    let found = backend.find_resource_guard(vault).await?;
    Ok(!found.is_some_and(|f| f.eq_ignore_ascii_case(guard)))
}

/// Removes the association the state recorded (`recorded`), whichever guard it now points at;
/// nothing is called when the state had none.
pub(crate) async fn release_resource_guard(
    backend: &dyn AzureBackend,
    vault: &VaultRef,
    recorded: Option<&str>,
) -> Result<(), CloudError> {
    if recorded.is_none() {
        return Ok(());
    }
    match backend.find_resource_guard(vault).await? {
        Some(found) => backend.delete_resource_guard(vault, &found).await,
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use backup_policy::hardening::HardeningGuardrailsPatch;
    use backup_policy::AppInput;
    use tfplugin::framework::Severity;

    use super::*;
    use crate::resources::fakes::{object, FakeAzure};

    const GUARD: &str =
        "/subscriptions/s/resourceGroups/rg-sec/providers/Microsoft.DataProtection/resourceGuards/guard";

    fn document(required: bool) -> PolicyDocument {
        let mut app = AppInput {
            name: "org-root".into(),
            ..Default::default()
        };
        app.guardrails.hardening = HardeningGuardrailsPatch {
            require_resource_guard: required.then_some(true),
            ..Default::default()
        };
        backup_policy::evaluate(None, &app).unwrap()
    }

    fn config(guard: Value) -> Value {
        object(&[(
            "azure",
            object(&[("vault_name", "v".into()), ("resource_guard_id", guard)]),
        )])
    }

    #[test]
    fn the_guardrail_needs_a_guard_on_every_vault() {
        let mut d = Diagnostics::default();
        check_resource_guard(&config(Value::Null), Some(&document(true)), &mut d);
        let found: Vec<_> = d.into_iter().collect();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].severity, Severity::Error);
        assert_eq!(
            found[0].path,
            Some(AttributePath::attr("azure").attribute("resource_guard_id"))
        );
        assert!(
            found[0]
                .detail
                .starts_with("guardrails.require_resource_guard = true set by app \"org-root\""),
            "{}",
            found[0].detail
        );
        for (value, doc) in [
            (config(GUARD.into()), document(true)),
            (config(Value::unknown()), document(true)),
            (config(Value::Null), document(false)),
        ] {
            let mut d = Diagnostics::default();
            check_resource_guard(&value, Some(&doc), &mut d);
            assert!(d.is_empty(), "{value:?}");
        }
    }

    #[test]
    fn only_resource_guard_ids_are_accepted() {
        assert!(is_resource_guard_id(GUARD));
        assert!(!is_resource_guard_id(
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v"
        ));
        assert!(!is_resource_guard_id("guard"));
    }

    #[tokio::test]
    async fn associated_repaired_and_released_only_when_recorded() {
        let azure = FakeAzure::new("s");
        let vault = VaultRef::new("rg", "v");
        converge_resource_guard(&*azure, &vault, Some(GUARD), None)
            .await
            .unwrap();
        assert_eq!(azure.world().resource_guards[&vault], GUARD);
        assert!(!resource_guard_drifted(&*azure, &vault, Some(GUARD))
            .await
            .unwrap());
        // Converging again changes nothing.
        converge_resource_guard(&*azure, &vault, Some(GUARD), Some(GUARD))
            .await
            .unwrap();
        let puts = azure
            .world()
            .calls
            .operations()
            .iter()
            .filter(|o| **o == "put_resource_guard")
            .count();
        assert_eq!(puts, 1);

        azure.world().resource_guards.remove(&vault);
        assert!(resource_guard_drifted(&*azure, &vault, Some(GUARD))
            .await
            .unwrap());
        converge_resource_guard(&*azure, &vault, Some(GUARD), Some(GUARD))
            .await
            .unwrap();
        assert!(azure.world().resource_guards.contains_key(&vault));

        // Without a record nothing is removed; with one, the association goes.
        release_resource_guard(&*azure, &vault, None).await.unwrap();
        assert!(azure.world().resource_guards.contains_key(&vault));
        converge_resource_guard(&*azure, &vault, None, Some(GUARD))
            .await
            .unwrap();
        assert!(azure.world().resource_guards.is_empty());
    }
}
