//! Reading `terraform show -json` state documents: resources, their addresses and values.

use serde_json::Value;

/// The root-module resources of a `terraform show -json` document, with child modules' too.
pub(crate) fn state_resources(state: &Value) -> Vec<&Value> {
    fn collect<'a>(module: &'a Value, out: &mut Vec<&'a Value>) {
        if let Some(resources) = module["resources"].as_array() {
            out.extend(resources);
        }
        for child in module["child_modules"].as_array().into_iter().flatten() {
            collect(child, out);
        }
    }
    let mut out = Vec::new();
    collect(&state["values"]["root_module"], &mut out);
    out
}

/// The addresses of every resource in the state, e.g. `backup_app.root`.
pub(crate) fn state_addresses(state: &Value) -> Vec<String> {
    state_resources(state)
        .into_iter()
        .filter_map(|r| r["address"].as_str().map(str::to_owned))
        .collect()
}

/// The attribute values of the resource at `address`; panics, listing what is there, if absent.
#[track_caller]
pub(crate) fn resource_values<'a>(state: &'a Value, address: &str) -> &'a Value {
    state_resources(state)
        .into_iter()
        .find(|r| r["address"] == address)
        .map(|r| &r["values"])
        .unwrap_or_else(|| {
            panic!(
                "{address} is not in the state; it holds {:?}",
                state_addresses(state)
            )
        })
}
