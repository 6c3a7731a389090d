//! The serde bridge between [`Value`](crate::Value) and Rust types.
//!
//! Dependencies point one way: `place` (one place in a value and its scalar
//! readers) <- `de_access` (containers) <- `de` (the deserializer);
//! `ser_key` (map keys) <- `ser` (the serializer); both sides use
//! `passthrough`, which lets a [`Value`](crate::Value) field cross untouched.

mod de;
mod de_access;
mod passthrough;
mod place;
mod ser;
mod ser_key;

pub use de::from_value;
pub use ser::to_value;
