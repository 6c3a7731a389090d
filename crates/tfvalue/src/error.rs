//! Errors of the codecs and of the serde bridge, each pointing at an attribute path.

use std::fmt;

use crate::path::AttributePath;

/// A value could not be read: the bytes (or the [`crate::Value`]) do not fit the type.
///
/// Carries the path of the offending place and a plain message saying what was
/// found and what would have been valid. `Display` prints `path: message`
/// (just the message at the root).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", located(&self.path, &self.message))]
pub struct DecodeError {
    path: AttributePath,
    message: String,
    /// Whether `path` is final; serde errors start unplaced and are placed on the way out.
    placed: bool,
    /// For serde's "missing field": the attribute to append to the path when placing.
    attribute: Option<String>,
}

/// A value could not be written: it does not fit the type it is written with.
///
/// Carries the path of the offending place and a plain message; `Display`
/// prints `path: message` (just the message at the root).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", located(&self.path, &self.message))]
pub struct EncodeError {
    path: AttributePath,
    message: String,
    placed: bool,
    attribute: Option<String>,
}

fn located(path: &AttributePath, message: &str) -> String {
    if path.is_root() {
        message.to_string()
    } else {
        format!("{path}: {message}")
    }
}

macro_rules! error_common {
    ($name:ident) => {
        impl $name {
            /// An error at `path`.
            pub fn new(path: AttributePath, message: impl Into<String>) -> Self {
                Self {
                    path,
                    message: message.into(),
                    placed: true,
                    attribute: None,
                }
            }

            /// Where the problem is, relative to the value that was being converted.
            pub fn path(&self) -> &AttributePath {
                &self.path
            }

            /// What is wrong, without the path.
            pub fn message(&self) -> &str {
                &self.message
            }

            /// An error whose place is not known yet (serde's `custom`).
            pub(crate) fn unplaced(message: impl Into<String>) -> Self {
                Self {
                    path: AttributePath::root(),
                    message: message.into(),
                    placed: false,
                    attribute: None,
                }
            }

            /// Puts an unplaced error at `path`; an already placed one keeps its path.
            pub(crate) fn placed_at(mut self, path: &AttributePath) -> Self {
                if !self.placed {
                    self.path = match self.attribute.take() {
                        Some(name) => path.clone().attribute(name),
                        None => path.clone(),
                    };
                    self.placed = true;
                }
                self
            }
        }
    };
}

error_common!(DecodeError);
error_common!(EncodeError);

impl serde::de::Error for DecodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DecodeError::unplaced(msg.to_string())
    }

    fn missing_field(field: &'static str) -> Self {
        let mut error =
            DecodeError::unplaced("attribute is required, but the object has no such attribute");
        error.attribute = Some(field.to_string());
        error
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        DecodeError::unplaced(format!(
            "unexpected attribute \"{field}\"; expected one of: {}",
            expected.join(", ")
        ))
    }
}

impl serde::ser::Error for EncodeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        EncodeError::unplaced(msg.to_string())
    }
}

/// A short description of a list of names for messages: `"a", "b", "c"`, cut after a few.
pub(crate) fn name_list<'a>(names: impl IntoIterator<Item = &'a String>) -> String {
    const SHOWN: usize = 8;
    let names: Vec<&String> = names.into_iter().collect();
    if names.is_empty() {
        return "none".to_string();
    }
    let mut out: Vec<String> = names.iter().take(SHOWN).map(|n| format!("{n:?}")).collect();
    if names.len() > SHOWN {
        out.push(format!("and {} more", names.len() - SHOWN));
    }
    out.join(", ")
}
