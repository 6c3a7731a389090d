//! Terraform's JSON encoding of `DynamicValue` and of stored state, and the
//! JSON form of types (which the msgpack codec also uses for `dynamic` values).

mod decode;
mod encode;
pub(crate) mod tree;
mod types;

pub use decode::decode_json;
pub use encode::encode_json;
pub(crate) use types::type_from_tree;

#[cfg(test)]
mod tests;
