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
mod encode;
mod error;
mod json;
mod limits;
mod msgpack;
mod number;
mod path;
mod serde;
mod types;
mod value;
mod value_ops;

pub use self::serde::{from_value, to_value};
pub use convert::convert;
pub use error::{DecodeError, EncodeError};
pub use json::{decode_json, encode_json};
pub use limits::MAX_DEPTH;
pub use msgpack::{decode_msgpack, encode_msgpack};
pub use number::{NotFinite, Number};
pub use path::{AttributePath, PathStep};
pub use types::Type;
pub use value::{NumberBound, Refinements, Value};
