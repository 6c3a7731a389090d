//! Limits that keep hostile input from exhausting the stack.

/// How deeply values (and the JSON of types) may nest before decoding refuses them.
///
/// Keeps hostile input from exhausting the stack; real Terraform values are far shallower.
pub const MAX_DEPTH: usize = 64;
