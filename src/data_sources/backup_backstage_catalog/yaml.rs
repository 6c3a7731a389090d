//! A small YAML emitter for catalog entities: block mappings and sequences, every string
//! double-quoted (JSON string syntax, which YAML reads as-is), so no value is ever mistaken for
//! a number, a boolean or a null.

use serde_json::Value;

/// `value` as a YAML document (no `---` line), ending with a newline.
pub(crate) fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    emit(value, 0, &mut out);
    out
}

fn emit(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, item) in map {
                out.push_str(&pad);
                out.push_str(&key_text(key));
                out.push(':');
                if is_block(item) {
                    out.push('\n');
                    emit(item, indent + 2, out);
                } else {
                    out.push(' ');
                    out.push_str(&inline(item));
                    out.push('\n');
                }
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                out.push_str(&pad);
                out.push_str("- ");
                out.push_str(&inline(item));
                out.push('\n');
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

/// Whether `value` is written as an indented block (a non-empty mapping or sequence).
fn is_block(value: &Value) -> bool {
    match value {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    }
}

/// A scalar, or a mapping or sequence in flow style (JSON, which YAML reads as flow style).
fn inline(value: &Value) -> String {
    value.to_string()
}

/// A mapping key: plain when it is a simple name (`backup.appofapps.io/lineage`), else quoted.
fn key_text(key: &str) -> String {
    let plain = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'));
    if plain {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn nested_mappings_sequences_and_quoted_scalars() {
        let doc = json!({
            "apiVersion": "backstage.io/v1alpha1",
            "metadata": {
                "name": "payments",
                "annotations": { "backup.appofapps.io/lineage": "org-root > payments", "odd key": "yes" },
                "tags": ["backup"],
                "labels": {},
            },
            "spec": { "dependsOn": [], "count": 3, "flag": true },
        });
        assert_eq!(
            to_yaml(&doc),
            "apiVersion: \"backstage.io/v1alpha1\"\n\
             metadata:\n  \
               name: \"payments\"\n  \
               annotations:\n    \
                 backup.appofapps.io/lineage: \"org-root > payments\"\n    \
                 \"odd key\": \"yes\"\n  \
               tags:\n    \
                 - \"backup\"\n  \
               labels: {}\n\
             spec:\n  \
               dependsOn: []\n  \
               count: 3\n  \
               flag: true\n"
        );
    }

    #[test]
    fn strings_that_look_like_other_scalars_stay_strings() {
        let yaml = to_yaml(&json!({ "a": "true", "b": "0123", "c": "line\nbreak: x" }));
        assert_eq!(yaml, "a: \"true\"\nb: \"0123\"\nc: \"line\\nbreak: x\"\n");
    }
}
