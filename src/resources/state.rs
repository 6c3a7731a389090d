//! Small helpers for building and editing resource state values.

use tfplugin::framework::{null_object, Diagnostic, Diagnostics, ImportRequest, Schema};
use tfvalue::{AttributePath, Value};

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

/// Reports, at their paths, cloud blocks this build cannot realise yet; true if any.
pub(crate) fn reject_unimplemented_clouds(config: &Value, diagnostics: &mut Diagnostics) -> bool {
    let mut rejected = false;
    // AWS is realised by the resources themselves; Azure's backend is not released yet.
    for cloud in ["azure"] {
        if config.get(cloud).is_some_and(|v| !v.is_null()) {
            diagnostics.push(
                Diagnostic::error(
                    format!("The {cloud} block is not supported yet"),
                    format!(
                        "This build of the provider realises pure policy apps only; its {cloud} backend is not \
                         released yet. Remove the {cloud} block or use a newer provider version."
                    ),
                )
                .at(AttributePath::attr(cloud)),
            );
            rejected = true;
        }
    }
    rejected
}

/// Sets `name` inside the object attribute `block` of `state` (no-op when the block is null).
pub(crate) fn set_nested_attr(state: &mut Value, block: &str, name: &str, value: Value) {
    if let Value::Object(map) = state {
        if let Some(inner) = map.get_mut(block) {
            set_attr(inner, name, value);
        }
    }
}
