//! The `backup_child` list on Azure: the derived children in the vaults of the apps this provider
//! manages (vaults tagged `backup:app`). A derived child's VMs are protected items under a policy
//! named after the child; a joined child's are under its app's policy, and nothing in Azure
//! records its name, so joined children are not listed (import them by name).

use std::collections::BTreeMap;

use tfplugin::framework::{null_object, Attribute, Diagnostics, ListRequest, ListResults};
use tfvalue::Value;

use super::super::backup_app::list::listed_by_name;
use super::super::backup_app::list_azure::app_vaults;
use super::super::diagnostics::azure_diagnostic;
use super::super::state::set_attr;
use super::placement::DERIVED;
use super::schema::child_schema;
use super::RESOURCE;
use crate::cloud::azure::{AzureBackend, ProtectedVmState, VaultRef};

/// Lists the derived children of `backend` whose name starts with `prefix` into `results`; an
/// error ends the list with its diagnostic.
pub(super) async fn list_children(
    backend: &dyn AzureBackend,
    prefix: &str,
    request: &ListRequest,
    results: &mut ListResults,
) {
    let apps = match app_vaults(backend).await {
        Ok(apps) => apps,
        Err(e) => {
            let _ = results.diagnostics(Diagnostics::from(azure_diagnostic(RESOURCE, "", &e)));
            return;
        }
    };
    for (app, vault) in apps {
        if results.is_done() {
            return;
        }
        let vault = VaultRef::new(&vault.resource_group, &vault.name);
        let items = match backend.list_protected_vms(&vault).await {
            Ok(items) => items,
            Err(e) => {
                let _ =
                    results.diagnostics(Diagnostics::from(azure_diagnostic(RESOURCE, &app, &e)));
                return;
            }
        };
        for (child, (policy_id, items)) in derived_children(&app, items) {
            if !child.starts_with(prefix) {
                continue;
            }
            let state = request
                .include_resource_object
                .then(|| child_state(&child, &policy_id, &items));
            if results.push(listed_by_name(child, state)).is_break() {
                return;
            }
        }
    }
}

/// The protected (not soft-deleted) items of app `app`'s vault under a policy other than the
/// app's own, by that policy's name (the derived child's): its id and the items.
fn derived_children(
    app: &str,
    items: Vec<ProtectedVmState>,
) -> BTreeMap<String, (String, Vec<ProtectedVmState>)> {
    let mut children: BTreeMap<String, (String, Vec<ProtectedVmState>)> = BTreeMap::new();
    for item in items.into_iter().filter(|i| !i.soft_deleted) {
        let Some(policy_id) = item.policy_id.clone() else {
            continue;
        };
        let name = policy_id.rsplit('/').next().unwrap_or_default().to_owned();
        if name.is_empty() || name.eq_ignore_ascii_case(app) {
            continue;
        }
        children
            .entry(name)
            .or_insert_with(|| (policy_id, Vec::new()))
            .1
            .push(item);
    }
    children
}

/// The child's state: its VMs, policy and items; `parent` and `policy` (what it changes) are
/// not known to Azure and left null for the user to set.
fn child_state(name: &str, policy_id: &str, items: &[ProtectedVmState]) -> Value {
    let schema = child_schema();
    let mut state = null_object(&schema.attributes);
    set_attr(&mut state, "id", Value::from(name.to_owned()));
    set_attr(&mut state, "name", Value::from(name.to_owned()));
    set_attr(&mut state, "force_destroy", Value::Bool(false));
    set_attr(&mut state, "mode", Value::from(DERIVED));
    set_attr(
        &mut state,
        "azure_policy_id",
        Value::from(policy_id.to_owned()),
    );
    let mut items: Vec<&ProtectedVmState> = items.iter().collect();
    items.sort_by(|a, b| a.vm_id.cmp(&b.vm_id));
    let ids = items.iter().map(|i| Value::from(i.id.clone())).collect();
    set_attr(&mut state, "azure_protected_item_ids", Value::List(ids));
    let children = schema
        .attribute("azure")
        .and_then(Attribute::children)
        .unwrap_or_default();
    let mut azure = null_object(children);
    let vms = items.iter().map(|i| Value::from(i.vm_id.clone())).collect();
    set_attr(&mut azure, "vm_ids", Value::List(vms));
    set_attr(&mut state, "azure", azure);
    state
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(vm: &str, policy: Option<&str>, soft_deleted: bool) -> ProtectedVmState {
        ProtectedVmState {
            id: format!("item-{vm}"),
            vm_id: format!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/{vm}"),
            policy_id: policy.map(|p| format!("/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv/backupPolicies/{p}")),
            protection_state: None,
            soft_deleted,
            purge_at: None,
        }
    }

    #[test]
    fn derived_children_are_the_policies_besides_the_apps() {
        let items = vec![
            item("vm1", Some("org-root"), false),
            item("vm3", Some("vm2"), false),
            item("vm2", Some("vm2"), false),
            item("vm4", Some("gone"), true),
            item("vm5", None, false),
        ];
        let children = derived_children("org-root", items);
        assert_eq!(children.keys().collect::<Vec<_>>(), ["vm2"]);
        let (policy_id, items) = &children["vm2"];
        assert!(policy_id.ends_with("/backupPolicies/vm2"));
        let state = child_state("vm2", policy_id, items);
        let vms = state.get("azure").and_then(|a| a.get("vm_ids")).cloned();
        let Some(Value::List(vms)) = vms else {
            panic!("vm_ids: {state:?}")
        };
        assert_eq!(vms.len(), 2);
        assert!(vms[0].as_str().unwrap().ends_with("/vm2"));
        assert_eq!(state.get("mode"), Some(&Value::from(DERIVED)));
    }
}
