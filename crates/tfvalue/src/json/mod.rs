//! Terraform's JSON encoding of `DynamicValue` and of stored state.

mod decode;
mod encode;
pub(crate) mod tree;

pub use decode::decode_json;
pub use encode::encode_json;

#[cfg(test)]
mod tests;
