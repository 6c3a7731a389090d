//! Terraform's value model, as the plugin protocol carries it.
//!
//! Terraform speaks in typed values (the `cty` model): primitives, collections,
//! structural types and `dynamic`, any of which may be null or unknown. This
//! crate holds that model ([`Type`], [`Value`]), the paths that name a place
//! inside a value ([`AttributePath`]), the two wire encodings Terraform uses
//! for `DynamicValue` ([`decode_msgpack`]/[`encode_msgpack`], and
//! [`decode_json`]/[`encode_json`]), the JSON form of types
//! ([`Type::to_json`]/[`Type::from_json`]), and a serde bridge between values
//! and Rust structs ([`from_value`]/[`to_value`]).
//!
//! Values carry no marks: Terraform never sends marks (sensitivity and the like)
//! in a `DynamicValue`. Sensitivity is a property of the schema, not of values.

#![warn(missing_docs)]

mod convert;
mod error;
mod json;
mod msgpack;
mod number;
mod path;
mod serde_de;
mod serde_de_access;
mod serde_passthrough;
mod serde_ser;
mod serde_ser_key;
mod type_json;
mod types;
mod value;
mod value_ops;

pub use convert::convert;
pub use error::{DecodeError, EncodeError};
pub use json::{decode_json, encode_json};
pub use msgpack::{decode_msgpack, encode_msgpack};
pub use number::Number;
pub use path::{AttributePath, PathStep};
pub use serde_de::from_value;
pub use serde_ser::to_value;
pub use types::Type;
pub use value::{NumberBound, Refinements, Value};

/// How deeply values (and the JSON of types) may nest before decoding refuses them.
///
/// Keeps hostile input from exhausting the stack; real Terraform values are far shallower.
pub const MAX_DEPTH: usize = 64;
