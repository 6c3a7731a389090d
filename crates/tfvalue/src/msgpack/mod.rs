//! Terraform's msgpack encoding of `DynamicValue`.
//!
//! The shape of the bytes follows the type: primitives as msgpack scalars, lists,
//! sets and tuples as arrays, maps and objects as maps, `dynamic` as a
//! `[type JSON, value]` pair, null as nil and unknown as an extension value.

mod decode;
mod encode;
mod read;
mod write;

pub use decode::decode_msgpack;
pub use encode::encode_msgpack;

#[cfg(test)]
mod tests;
