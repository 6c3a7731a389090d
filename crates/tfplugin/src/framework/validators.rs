//! Reusable attribute validators.

use tfvalue::{AttributePath, Value};

use super::diagnostics::Diagnostics;
use super::schema::Validator;

/// What is wrong with a value, in a few words (`"\"x y\" is not a valid name"`); the diagnostic
/// adds the validator's description of what would be valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A validator from a description and a check returning what is wrong.
pub struct Check<F> {
    description: String,
    check: F,
}

/// Builds a validator from a Markdown description and a function that explains a bad value.
pub fn check<F>(description: &str, check: F) -> Check<F>
where
    F: Fn(&Value) -> Result<(), Invalid> + Send + Sync,
{
    Check {
        description: description.to_string(),
        check,
    }
}

impl<F> Validator for Check<F>
where
    F: Fn(&Value) -> Result<(), Invalid> + Send + Sync,
{
    fn description(&self) -> String {
        self.description.clone()
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        if let Err(problem) = (self.check)(value) {
            diagnostics.error_at(
                path.clone(),
                "Invalid attribute value",
                format!("{problem}. {}", self.description),
            );
        }
    }
}

/// A whole number in `min..=max`.
pub fn int_between(min: i64, max: i64) -> impl Validator {
    check(
        &format!("Must be a whole number from {min} to {max}."),
        move |v| match v {
            Value::Number(n) => match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Ok(()),
                _ => Err(Invalid(format!("{n} is not allowed"))),
            },
            _ => Err(Invalid("not a number".to_string())),
        },
    )
}

/// One of the given strings.
pub fn one_of(allowed: &'static [&'static str]) -> impl Validator {
    let list = allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    check(&format!("Must be one of {list}."), move |v| {
        match v.as_str() {
            Some(s) if allowed.contains(&s) => Ok(()),
            Some(s) => Err(Invalid(format!("{s:?} is not allowed"))),
            None => Err(Invalid("not a string".to_string())),
        }
    })
}

/// A string of `min..=max` characters.
pub fn string_length(min: usize, max: usize) -> impl Validator {
    check(
        &format!("Must be {min} to {max} characters long."),
        move |v| match v.as_str() {
            Some(s) if (min..=max).contains(&s.chars().count()) => Ok(()),
            Some(s) => Err(Invalid(format!(
                "{s:?} has {} characters",
                s.chars().count()
            ))),
            None => Err(Invalid("not a string".to_string())),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int_between_reports_path_and_range() {
        let mut d = Diagnostics::new();
        let path = AttributePath::attr("retention_days");
        int_between(1, 10).validate(&path, &Value::from(0), &mut d);
        int_between(1, 10).validate(&path, &Value::from(5), &mut d);
        let all: Vec<_> = d.into_vec();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].path.as_ref(), Some(&path));
        assert!(all[0].detail.contains("from 1 to 10"));
    }

    #[test]
    fn one_of_lists_choices() {
        let mut d = Diagnostics::new();
        one_of(&["A", "B"]).validate(&AttributePath::attr("x"), &Value::from("C"), &mut d);
        assert!(d.iter().next().unwrap().detail.contains("`A`, `B`"));
    }
}
