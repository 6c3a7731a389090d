//! Canonical JSON: compact, every object's keys sorted by code point; and its SHA-256.
//!
//! Written straight from a borrowed [`Value`] into any [`io::Write`], so hashing streams into the
//! hasher without building the string or a sorted copy of the value. Strings and numbers go
//! through `serde_json` itself, so escaping and number formatting are exactly `serde_json`'s.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// Writes `value` as canonical JSON.
pub(crate) fn write_value<W: Write>(out: &mut W, value: &Value) -> io::Result<()> {
    match value {
        Value::Null => out.write_all(b"null"),
        Value::Bool(true) => out.write_all(b"true"),
        Value::Bool(false) => out.write_all(b"false"),
        Value::Number(n) => write_scalar(out, n),
        Value::String(s) => write_scalar(out, s),
        Value::Array(items) => {
            out.write_all(b"[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_all(b",")?;
                }
                write_value(out, item)?;
            }
            out.write_all(b"]")
        }
        Value::Object(map) => write_object(out, map, None),
    }
}

/// Writes `map` as a canonical JSON object, leaving out the member `skip` if given.
pub(crate) fn write_object<W: Write>(
    out: &mut W,
    map: &Map<String, Value>,
    skip: Option<&str>,
) -> io::Result<()> {
    // Maps that came from BTreeMaps are already in order; only struct fields need sorting.
    let mut entries: Vec<(&String, &Value)> = map
        .iter()
        .filter(|(k, _)| Some(k.as_str()) != skip)
        .collect();
    if !entries.is_sorted_by(|a, b| a.0 <= b.0) {
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    }
    out.write_all(b"{")?;
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_scalar(out, key)?;
        out.write_all(b":")?;
        write_value(out, value)?;
    }
    out.write_all(b"}")
}

/// A string or number exactly as `serde_json` writes it.
pub(crate) fn write_scalar<W: Write, T: Serialize + ?Sized>(out: &mut W, v: &T) -> io::Result<()> {
    serde_json::to_writer(out, v).map_err(io::Error::other)
}

/// Canonical JSON of `value` as a string.
pub(crate) fn to_string(value: &Value) -> String {
    let mut out = Vec::with_capacity(256);
    write_value(&mut out, value).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Feeds everything written into a SHA-256.
pub(crate) struct HashWriter(Sha256);

impl HashWriter {
    pub(crate) fn new() -> Self {
        Self(Sha256::new())
    }

    /// The digest as `sha256:<lowercase hex>`.
    pub(crate) fn finish(self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let digest = self.0.finalize();
        let mut out = String::with_capacity(7 + 2 * digest.len());
        out.push_str("sha256:");
        for b in digest {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        out
    }
}

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `write` against a hasher and returns `sha256:<hex>` of what it wrote.
pub(crate) fn hash_of(write: impl FnOnce(&mut HashWriter) -> io::Result<()>) -> String {
    let mut hasher = HashWriter::new();
    write(&mut hasher).expect("hashing cannot fail");
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The original implementation: a key-sorted deep copy, serialized by `serde_json`.
    fn reference(value: &Value) -> String {
        fn sorted(value: &Value) -> Value {
            match value {
                Value::Object(map) => {
                    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                    entries.sort_by(|a, b| a.0.cmp(b.0));
                    Value::Object(
                        entries
                            .into_iter()
                            .map(|(k, v)| (k.clone(), sorted(v)))
                            .collect::<Map<_, _>>(),
                    )
                }
                Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
                other => other.clone(),
            }
        }
        serde_json::to_string(&sorted(value)).unwrap()
    }

    fn reference_hash(value: &Value) -> String {
        let digest = Sha256::digest(reference(value).as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    #[test]
    fn sorts_keys_and_is_compact() {
        let v = serde_json::json!({"b": 1, "a": {"d": [1, {"z": 0, "y": 1}], "c": null}});
        assert_eq!(
            to_string(&v),
            r#"{"a":{"c":null,"d":[1,{"y":1,"z":0}]},"b":1}"#
        );
        assert_eq!(hash_of(|h| write_value(h, &v)), reference_hash(&v));
    }

    #[test]
    fn skips_only_the_named_member() {
        let v = serde_json::json!({"hash": "x", "b": {"hash": 1}, "a": true});
        let Value::Object(map) = &v else {
            unreachable!()
        };
        let mut out = Vec::new();
        write_object(&mut out, map, Some("hash")).unwrap();
        assert_eq!(out, br#"{"a":true,"b":{"hash":1}}"#);
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((any::<String>(), inner), 0..6)
                    .prop_map(|entries| Value::Object(entries.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn matches_the_sorted_copy(value in json_value()) {
            prop_assert_eq!(to_string(&value), reference(&value));
            prop_assert_eq!(hash_of(|h| write_value(h, &value)), reference_hash(&value));
        }
    }
}
