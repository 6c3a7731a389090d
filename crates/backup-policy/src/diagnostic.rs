//! Diagnostics: what is wrong, and where in the resource's configuration.

use std::fmt;

use tfvalue::AttributePath;

/// One problem with an app's policy, pointing at the attribute to fix.
///
/// Paths are relative to the resource's root and match its schema, e.g.
/// `policy.rules["daily"].retention_days` or `guardrails.locked[1]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyDiagnostic {
    /// Where the problem is.
    pub path: AttributePath,
    /// A short title, e.g. "Retention below guardrail".
    pub summary: String,
    /// The full explanation, naming the rule and the apps involved.
    pub detail: String,
}

impl PolicyDiagnostic {
    /// A diagnostic at `path`.
    pub fn new(path: AttributePath, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            path,
            summary: summary.into(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for PolicyDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.path, self.summary, self.detail)
    }
}

impl std::error::Error for PolicyDiagnostic {}

/// Builders for the attribute paths diagnostics use, spelled like the resource schema.
pub mod paths {
    use tfvalue::AttributePath;

    /// `parent`.
    pub fn parent() -> AttributePath {
        AttributePath::attr("parent")
    }

    /// `name`.
    pub fn name() -> AttributePath {
        AttributePath::attr("name")
    }

    /// `policy.rules["<rule>"]`.
    pub fn rule(rule: &str) -> AttributePath {
        AttributePath::attr("policy").attribute("rules").key(rule)
    }

    /// `policy.rules["<rule>"].<field>`.
    pub fn rule_field(name: &str, field: &str) -> AttributePath {
        rule(name).attribute(field)
    }

    /// `policy.rules["<rule>"].copy_to[<index>]`.
    pub fn copy(rule: &str, index: usize) -> AttributePath {
        rule_field(rule, "copy_to").index(index as i64)
    }

    /// `policy.rules["<rule>"].copy_to[<index>].<field>`.
    pub fn copy_field(rule: &str, index: usize, field: &str) -> AttributePath {
        copy(rule, index).attribute(field)
    }

    /// `policy.rules["<rule>"].recovery_point_tags["<key>"]`.
    pub fn recovery_point_tag(rule: &str, key: &str) -> AttributePath {
        rule_field(rule, "recovery_point_tags").key(key)
    }

    /// `policy.tags["<key>"]`.
    pub fn tag(key: &str) -> AttributePath {
        AttributePath::attr("policy").attribute("tags").key(key)
    }

    /// `guardrails.<field>`.
    pub fn guardrail(field: &str) -> AttributePath {
        AttributePath::attr("guardrails").attribute(field)
    }

    /// `guardrails.locked[<index>]`.
    pub fn locked(index: usize) -> AttributePath {
        guardrail("locked").index(index as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_the_schema() {
        assert_eq!(
            paths::rule_field("daily", "retention_days"),
            AttributePath::attr("policy")
                .attribute("rules")
                .key("daily")
                .attribute("retention_days")
        );
        assert_eq!(
            paths::copy_field("daily", 0, "vault_arn").to_string(),
            r#"policy.rules["daily"].copy_to[0].vault_arn"#
        );
        assert_eq!(paths::tag("owner").to_string(), r#"policy.tags["owner"]"#);
        assert_eq!(paths::locked(1).to_string(), "guardrails.locked[1]");
        assert_eq!(
            paths::guardrail("min_retention_days").to_string(),
            "guardrails.min_retention_days"
        );
        assert_eq!(paths::parent().to_string(), "parent");
    }

    #[test]
    fn displays_path_summary_and_detail() {
        let d = PolicyDiagnostic::new(paths::parent(), "Invalid parent", "not JSON");
        assert_eq!(d.to_string(), "parent: Invalid parent: not JSON");
    }
}
