//! `Value` as a serde type: passed through untouched by this crate's serde
//! bridge, and written or read as plain data by any other serde format.
//!
//! serde has no way to hand a concrete value through its generic visitor
//! interface, so the bridge uses a private newtype name as a signal and a
//! thread-local slot as the hand-over: when [`crate::from_value`] is asked for
//! that newtype it parks a clone of the raw value in the slot and the `Value`
//! visitor takes it out at once; [`crate::to_value`] does the mirror image.
//! The slot is only ever filled and emptied within one call on one thread.
//! (Like every such trick, it does not survive serde's buffering in
//! `#[serde(flatten)]` or untagged enums: there a `Value` field gets plain data.)

use std::cell::{Cell, RefCell};

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{self, Serialize, Serializer};

use crate::number::Number;
use crate::value::Value;

/// The newtype name that signals "the target is `tfvalue::Value`".
pub(super) const PASSTHROUGH_NAME: &str = "$tfvalue::private::Value";

thread_local! {
    static SLOT: RefCell<Option<Value>> = const { RefCell::new(None) };
    static CAPTURING: Cell<bool> = const { Cell::new(false) };
}

/// Empties the slot and lowers the flag when dropped, so nothing outlives one
/// hand-over, not even if a visitor panics.
struct Reset;

impl Drop for Reset {
    fn drop(&mut self) {
        CAPTURING.with(|c| c.set(false));
        SLOT.with(|slot| slot.borrow_mut().take());
    }
}

/// Runs `visit` (which ends up in the `Value` visitor) with `value` parked in the slot.
pub(super) fn hand_over<T, E>(value: Value, visit: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
    let _reset = Reset;
    SLOT.with(|slot| *slot.borrow_mut() = Some(value));
    visit()
}

/// Runs `serialize` (which ends up in `Value`'s `Serialize`) and returns the value it parked.
pub(super) fn capture<E>(serialize: impl FnOnce() -> Result<Value, E>) -> Result<Value, E> {
    let _reset = Reset;
    CAPTURING.with(|c| c.set(true));
    let produced = serialize()?;
    // Without a parked value, what the serializer produced is the answer.
    Ok(SLOT
        .with(|slot| slot.borrow_mut().take())
        .unwrap_or(produced))
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_newtype_struct(PASSTHROUGH_NAME, &Carrier(self))
    }
}

/// What `Value` hands to `serialize_newtype_struct`: parks itself for this
/// crate's serializer, or writes plain data for any other.
struct Carrier<'a>(&'a Value);

impl Serialize for Carrier<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if CAPTURING.with(|c| c.replace(false)) {
            SLOT.with(|slot| *slot.borrow_mut() = Some(self.0.clone()));
            serializer.serialize_unit()
        } else {
            Plain(self.0).serialize(serializer)
        }
    }
}

/// Plain data: null as none, numbers as integers or exact floats (else their
/// decimal text), collections as sequences and maps, types dropped. Unknown
/// values cannot be written this way.
struct Plain<'a>(&'a Value);

impl Serialize for Plain<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Null => serializer.serialize_none(),
            Value::Unknown(_) => Err(ser::Error::custom("value is not yet known")),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    serializer.serialize_i64(i)
                } else if let Some(u) = n.as_u64() {
                    serializer.serialize_u64(u)
                } else if let Some(f) = n.to_f64_exact() {
                    serializer.serialize_f64(f)
                } else {
                    serializer.serialize_str(n.as_str())
                }
            }
            Value::String(s) => serializer.serialize_str(s),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                serializer.collect_seq(items.iter().map(Plain))
            }
            Value::Map(entries) | Value::Object(entries) => {
                serializer.collect_map(entries.iter().map(|(k, v)| (k, Plain(v))))
            }
            Value::Dynamic(_, inner) => Plain(inner).serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_newtype_struct(PASSTHROUGH_NAME, ValueVisitor)
    }
}

/// Takes the parked value, or builds one from plain data (arrays as tuples and
/// maps as objects, the types Terraform infers for JSON).
struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a Terraform value")
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<Value, D::Error> {
        match SLOT.with(|slot| slot.borrow_mut().take()) {
            Some(value) => Ok(value),
            None => deserializer.deserialize_any(ValueVisitor),
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(Number::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(Number::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        Ok(Value::Number(Number::from(v)))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        Ok(Value::Number(Number::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::try_from(v).map(Value::Number).map_err(E::custom)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        Value::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Tuple(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = std::collections::BTreeMap::new();
        while let Some((key, value)) = map.next_entry::<String, Value>()? {
            entries.insert(key, value);
        }
        Ok(Value::Object(entries))
    }
}
