//! Provider-defined functions (Terraform 1.8+): `provider::NAME::FUNCTION(...)` in HCL.
//!
//! A function is pure: typed arguments in, a value or a [`FunctionError`] out. The framework
//! checks the argument count and nulls against the [`Signature`] before the function runs, so a
//! function only sees arguments of its declared types.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use tfvalue::{Type, Value};

/// One parameter of a function.
#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    /// Its name, shown in docs and errors.
    pub name: String,
    /// Its type (`dynamic` accepts any value and keeps its type).
    pub ty: Type,
    /// Whether `null` may be passed.
    pub allow_null: bool,
    /// Markdown description.
    pub description: String,
}

impl Parameter {
    /// A parameter that refuses null.
    pub fn new(name: &str, ty: Type, description: &str) -> Self {
        Self {
            name: name.to_string(),
            ty,
            allow_null: false,
            description: description.to_string(),
        }
    }

    /// Accepts `null` too.
    #[must_use]
    pub fn nullable(mut self) -> Self {
        self.allow_null = true;
        self
    }
}

/// What a function takes and returns, and its documentation.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    /// Positional parameters, in order.
    pub parameters: Vec<Parameter>,
    /// The type of the value returned.
    pub return_type: Type,
    /// One line.
    pub summary: String,
    /// Markdown description.
    pub description: String,
}

/// Why a call failed: a message, and the index of the argument at fault when there is one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionError {
    /// What is wrong and what would be valid.
    pub text: String,
    /// The zero-based index of the argument at fault.
    pub argument: Option<usize>,
}

impl FunctionError {
    /// An error caused by the argument at `index`.
    pub fn argument(index: usize, text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            argument: Some(index),
        }
    }

    /// An error not tied to one argument.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            argument: None,
        }
    }
}

impl fmt::Display for FunctionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.argument {
            Some(i) => write!(f, "argument {i}: {}", self.text),
            None => f.write_str(&self.text),
        }
    }
}

/// A provider-defined function.
pub trait Function: Send + Sync + 'static {
    /// The name used in `provider::NAME::<name>(...)`.
    fn name(&self) -> &'static str;

    /// Parameters, return type and documentation.
    fn signature(&self) -> Signature;

    /// Computes the result. `arguments` match the signature in number and type, and are null
    /// only where a parameter allows it.
    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError>;
}

/// The provider's functions by name, each with its signature computed once.
#[derive(Default)]
pub(crate) struct Functions {
    entries: BTreeMap<String, (Arc<dyn Function>, Signature)>,
}

impl Functions {
    /// Indexes the functions by name.
    pub(crate) fn new(functions: Vec<Arc<dyn Function>>) -> Self {
        let entries = functions
            .into_iter()
            .map(|f| {
                let signature = f.signature();
                (f.name().to_string(), (f, signature))
            })
            .collect();
        Self { entries }
    }

    /// Every function's name and signature, by name.
    pub(crate) fn signatures(&self) -> impl Iterator<Item = (&str, &Signature)> {
        self.entries.iter().map(|(n, (_, s))| (n.as_str(), s))
    }

    /// The signature of `name`, or an error naming the functions there are.
    pub(crate) fn signature(&self, name: &str) -> Result<&Signature, FunctionError> {
        self.entries.get(name).map(|(_, s)| s).ok_or_else(|| {
            let known: Vec<_> = self.entries.keys().map(String::as_str).collect();
            FunctionError::new(format!(
                "This provider has no function {name:?}; it has: {}.",
                known.join(", ")
            ))
        })
    }

    /// Checks the arguments against the signature, then calls the function.
    pub(crate) fn call(&self, name: &str, arguments: &[Value]) -> Result<Value, FunctionError> {
        let signature = self.signature(name)?;
        check_count(name, signature, arguments.len())?;
        for (index, (argument, parameter)) in
            arguments.iter().zip(&signature.parameters).enumerate()
        {
            if argument.is_null() && !parameter.allow_null {
                return Err(FunctionError::argument(
                    index,
                    format!("{} must not be null.", parameter.name),
                ));
            }
            if !argument.is_wholly_known() {
                // Terraform resolves unknown arguments itself (allow_unknown_values is false);
                // an unknown here is a client bug, not something to compute with.
                return Err(FunctionError::argument(
                    index,
                    format!("{} is not known yet.", parameter.name),
                ));
            }
        }
        let (function, _) = &self.entries[name];
        function.call(arguments)
    }
}

/// An error unless `count` arguments are what `name`'s signature takes.
pub(crate) fn check_count(
    name: &str,
    signature: &Signature,
    count: usize,
) -> Result<(), FunctionError> {
    if count == signature.parameters.len() {
        return Ok(());
    }
    Err(FunctionError::new(format!(
        "{name} takes {} arguments, {count} given.",
        signature.parameters.len()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Upper;

    impl Function for Upper {
        fn name(&self) -> &'static str {
            "upper"
        }
        fn signature(&self) -> Signature {
            Signature {
                parameters: vec![
                    Parameter::new("text", Type::String, "Text."),
                    Parameter::new("suffix", Type::String, "Appended.").nullable(),
                ],
                return_type: Type::String,
                summary: "Upper case.".into(),
                description: String::new(),
            }
        }
        fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError> {
            let text = arguments[0].as_str().unwrap_or_default();
            if text == "bad" {
                return Err(FunctionError::argument(0, "not that text"));
            }
            let suffix = arguments[1].as_str().unwrap_or_default();
            Ok(Value::String(format!("{}{suffix}", text.to_uppercase())))
        }
    }

    fn functions() -> Functions {
        Functions::new(vec![Arc::new(Upper)])
    }

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn calls_with_checked_arguments() {
        let f = functions();
        assert_eq!(f.call("upper", &[s("ab"), Value::Null]), Ok(s("AB")));
        assert_eq!(f.call("upper", &[s("ab"), s("!")]), Ok(s("AB!")));
        assert_eq!(f.signature("upper").unwrap().parameters.len(), 2);
        assert!(f.signature("lower").is_err());
        assert_eq!(f.signatures().count(), 1);
    }

    #[test]
    fn refuses_wrong_count_null_unknown_and_unknown_names() {
        let f = functions();
        let count = f.call("upper", &[s("ab")]).unwrap_err();
        assert_eq!(count.argument, None);
        assert!(count.text.contains("takes 2 arguments, 1 given"), "{count}");
        let null = f.call("upper", &[Value::Null, Value::Null]).unwrap_err();
        assert_eq!(null.argument, Some(0));
        let unknown = f
            .call("upper", &[Value::unknown(), Value::Null])
            .unwrap_err();
        assert_eq!(unknown.argument, Some(0));
        let missing = f.call("lower", &[]).unwrap_err();
        assert!(missing.text.contains("upper"), "{missing}");
    }

    #[test]
    fn function_errors_keep_their_argument() {
        let err = functions()
            .call("upper", &[s("bad"), Value::Null])
            .unwrap_err();
        assert_eq!(err, FunctionError::argument(0, "not that text"));
        assert_eq!(err.to_string(), "argument 0: not that text");
    }
}
