//! Attribute paths: where in a value a diagnostic points.

use std::fmt;

/// One step of an [`AttributePath`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathStep {
    /// An object attribute, e.g. `.policy`.
    Attribute(String),
    /// A map key, e.g. `["daily"]`.
    Key(String),
    /// A list or tuple index, e.g. `[0]`.
    Index(i64),
}

/// A path from the root of a resource's value to one place inside it.
///
/// Displayed the way Terraform users write it: `policy.rules["daily"].copy_to[0]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath {
    steps: Vec<PathStep>,
}

impl AttributePath {
    /// The empty path: the whole value.
    pub fn root() -> Self {
        Self::default()
    }

    /// A path of one attribute step.
    pub fn attr(name: impl Into<String>) -> Self {
        Self::root().attribute(name)
    }

    /// This path extended by an attribute step.
    #[must_use]
    pub fn attribute(mut self, name: impl Into<String>) -> Self {
        self.steps.push(PathStep::Attribute(name.into()));
        self
    }

    /// This path extended by a map key step.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.steps.push(PathStep::Key(key.into()));
        self
    }

    /// This path extended by a list index step.
    #[must_use]
    pub fn index(mut self, index: i64) -> Self {
        self.steps.push(PathStep::Index(index));
        self
    }

    /// This path extended by one step.
    #[must_use]
    pub fn step(mut self, step: PathStep) -> Self {
        self.steps.push(step);
        self
    }

    /// Appends a step in place.
    pub fn push(&mut self, step: PathStep) {
        self.steps.push(step);
    }

    /// Removes the last step, if any.
    pub fn pop(&mut self) -> Option<PathStep> {
        self.steps.pop()
    }

    /// The steps, root first.
    pub fn steps(&self) -> &[PathStep] {
        &self.steps
    }

    /// Whether this is the empty path.
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// Whether `self` starts with every step of `prefix`.
    pub fn starts_with(&self, prefix: &AttributePath) -> bool {
        self.steps.starts_with(&prefix.steps)
    }

    /// This path followed by all steps of `tail`.
    #[must_use]
    pub fn join(mut self, tail: &AttributePath) -> Self {
        self.steps.extend(tail.steps.iter().cloned());
        self
    }
}

impl From<Vec<PathStep>> for AttributePath {
    fn from(steps: Vec<PathStep>) -> Self {
        Self { steps }
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                PathStep::Attribute(name) if i == 0 => write!(f, "{name}")?,
                PathStep::Attribute(name) => write!(f, ".{name}")?,
                PathStep::Key(key) => write!(f, "[{key:?}]")?,
                PathStep::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_hcl() {
        let path = AttributePath::attr("policy")
            .attribute("rules")
            .key("daily")
            .attribute("copy_to")
            .index(0);
        assert_eq!(path.to_string(), r#"policy.rules["daily"].copy_to[0]"#);
        assert_eq!(AttributePath::root().to_string(), "");
    }
}
