//! Small helpers for building and editing resource state values.

use tfplugin::framework::{null_object, Diagnostic, ImportRequest, Schema};
use tfvalue::Value;

/// Sets a top-level attribute of an object value (no-op on non-objects).
pub(crate) fn set_attr(state: &mut Value, name: &str, value: Value) {
    if let Value::Object(map) = state {
        map.insert(name.to_string(), value);
    }
}

/// The state an import starts from: every attribute null but `id` and `name`, defaults applied.
///
/// The import id is the app's name; `read` fills in the rest where a cloud holds it.
pub(crate) fn import_state(schema: &Schema, request: &ImportRequest) -> Result<Value, Diagnostic> {
    let name = match &request.identity {
        Some(identity) => identity
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        None => request.id.clone(),
    };
    if name.is_empty() {
        return Err(Diagnostic::error(
            "Missing import id",
            "Import an app by its name, e.g. `terraform import backup_app.root org-root`.",
        ));
    }
    let mut state = null_object(&schema.attributes);
    set_attr(&mut state, "id", Value::from(name.clone()));
    set_attr(&mut state, "name", Value::from(name));
    for attribute in &schema.attributes {
        if let Some(default) = &attribute.default {
            set_attr(&mut state, &attribute.name, default.clone());
        }
    }
    Ok(state)
}

/// Sets `name` inside the object attribute `block` of `state` (no-op when the block is null).
pub(crate) fn set_nested_attr(state: &mut Value, block: &str, name: &str, value: Value) {
    if let Value::Object(map) = state {
        if let Some(inner) = map.get_mut(block) {
            set_attr(inner, name, value);
        }
    }
}
