//! [`Value`] → JSON bytes, driven by the [`Type`].

use crate::encode::{encode, Sink};
use crate::error::EncodeError;
use crate::number::Number;
use crate::types::Type;
use crate::value::{Refinements, Value};

/// Encodes a wholly known `value` of type `ty` as Terraform's JSON.
///
/// Numbers keep their full text; a `dynamic` value becomes
/// `{"value": …, "type": …}`; optional attributes missing from an object are
/// written as `null`. An unknown value anywhere is an error, since JSON has no
/// way to say "unknown". The variant leniency of [`crate::encode_msgpack`]
/// applies here too.
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut sink = JsonSink { out: String::new() };
    encode(value, ty, &mut sink)?;
    Ok(sink.out.into_bytes())
}

/// JSON has no way to write an unknown value.
#[derive(Debug, thiserror::Error)]
#[error("value is not yet known, and JSON cannot express unknown values")]
pub(crate) struct UnknownInJson;

struct JsonSink {
    out: String,
}

impl Sink for JsonSink {
    type Error = UnknownInJson;

    fn expected(ty: &Type) -> String {
        format!("a {}", ty.kind_name())
    }

    const UNTYPED_NOTE: &'static str = "";

    fn null(&mut self) {
        self.out.push_str("null");
    }

    fn bool(&mut self, b: bool) {
        self.out.push_str(if b { "true" } else { "false" });
    }

    fn number(&mut self, n: &Number) -> Result<(), UnknownInJson> {
        self.out.push_str(n.as_str());
        Ok(())
    }

    fn string(&mut self, s: &str) -> Result<(), UnknownInJson> {
        // serde_json's string escaping is exactly JSON's; writing to a String cannot fail.
        self.out.push_str(&serde_json::Value::from(s).to_string());
        Ok(())
    }

    fn unknown(&mut self, _: &Refinements, _: &Type) -> Result<(), UnknownInJson> {
        Err(UnknownInJson)
    }

    fn begin_array(&mut self, _len: usize) -> Result<(), UnknownInJson> {
        self.out.push('[');
        Ok(())
    }

    fn element(&mut self, index: usize) {
        if index > 0 {
            self.out.push(',');
        }
    }

    fn end_array(&mut self) {
        self.out.push(']');
    }

    fn begin_map(&mut self, _len: usize) -> Result<(), UnknownInJson> {
        self.out.push('{');
        Ok(())
    }

    fn key(&mut self, index: usize, key: &str) -> Result<(), UnknownInJson> {
        self.element(index);
        self.string(key)?;
        self.out.push(':');
        Ok(())
    }

    fn end_map(&mut self) {
        self.out.push('}');
    }

    fn begin_dynamic(&mut self, _ty: &Type) -> Result<(), UnknownInJson> {
        self.out.push_str("{\"value\":");
        Ok(())
    }

    fn end_dynamic(&mut self, ty: &Type) {
        self.out.push_str(",\"type\":");
        self.out.push_str(&ty.to_json().to_string());
        self.out.push('}');
    }
}
