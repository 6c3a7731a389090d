//! One place in a [`Value`] being read through serde: the value, its path, and
//! the readers of scalars that every part of the deserializer shares.

use std::fmt;

use crate::error::DecodeError;
use crate::number::Number;
use crate::path::{AttributePath, PathStep};
use crate::value::Value;

/// A serde deserializer over one place in a [`Value`].
pub(super) struct ValueDeserializer<'de> {
    pub(super) value: &'de Value,
    pub(super) path: AttributePath,
}

impl<'de> ValueDeserializer<'de> {
    pub(super) fn error(&self, message: impl Into<String>) -> DecodeError {
        DecodeError::new(self.path.clone(), message)
    }

    /// The value with `Dynamic` wrappers removed, or an error if it is unknown.
    pub(super) fn known(&self) -> Result<&'de Value, DecodeError> {
        let mut value = self.value;
        while let Value::Dynamic(_, inner) = value {
            value = inner;
        }
        match value {
            Value::Unknown(_) => Err(self.error("value is not yet known")),
            known => Ok(known),
        }
    }

    pub(super) fn mismatch(&self, expected: &str, found: &Value) -> DecodeError {
        self.error(format!("expected {expected}, found {}", found.describe()))
    }

    fn number(&self) -> Result<&'de Number, DecodeError> {
        match self.known()? {
            Value::Number(n) => Ok(n),
            other => Err(self.mismatch("a number", other)),
        }
    }

    /// The number as an integer of type `T`, range-checked.
    pub(super) fn integer<T: TryFrom<i128> + fmt::Display + Bounded>(
        &self,
    ) -> Result<T, DecodeError> {
        let n = self.number()?;
        if !n.is_integer() {
            return Err(self.error(format!("expected a whole number, found {n}")));
        }
        let out_of_range = || {
            self.error(format!(
                "{n} is out of range; expected {} to {}",
                T::MIN,
                T::MAX
            ))
        };
        let wide = match n.as_i128() {
            Some(i) => i,
            // Only u128 goes beyond i128.
            None => {
                return T::from_u128(n.as_u128().ok_or_else(out_of_range)?).ok_or_else(out_of_range)
            }
        };
        T::try_from(wide).map_err(|_| out_of_range())
    }

    pub(super) fn float(&self) -> Result<f64, DecodeError> {
        let n = self.number()?;
        n.as_f64()
            .ok_or_else(|| self.error(format!("{n} is beyond the range of a 64-bit float")))
    }

    pub(super) fn child(&self, value: &'de Value, step: PathStep) -> ValueDeserializer<'de> {
        ValueDeserializer {
            value,
            path: self.path.clone().step(step),
        }
    }
}

/// Integer targets' limits, for range messages and the `u128` corner.
pub(super) trait Bounded: Sized {
    const MIN: Self;
    const MAX: Self;
    fn from_u128(value: u128) -> Option<Self>;
}

macro_rules! bounded {
    ($($t:ty),*) => {$(
        impl Bounded for $t {
            const MIN: Self = <$t>::MIN;
            const MAX: Self = <$t>::MAX;
            fn from_u128(value: u128) -> Option<Self> {
                <$t>::try_from(value).ok()
            }
        }
    )*};
}
bounded!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);
