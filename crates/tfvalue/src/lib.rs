//! Terraform's value model, as the plugin protocol carries it.
//!
//! Terraform speaks in typed values (the `cty` model): primitives, collections,
//! structural types and `dynamic`, any of which may be null or unknown. This
//! crate holds that model ([`Type`], [`Value`]), the paths that name a place
//! inside a value ([`AttributePath`]), and the two wire encodings Terraform uses
//! for `DynamicValue` (msgpack, and JSON on input).

mod path;
mod types;
mod value;

pub use path::{AttributePath, PathStep};
pub use types::Type;
pub use value::{NumberBound, Number, Refinements, Value};
