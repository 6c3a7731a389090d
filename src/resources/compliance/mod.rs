//! Compliance of an app's or child's live cloud objects with its effective policy, from the
//! values Terraform holds for it (`backup_app.x` / `backup_child.x` as an object): which objects
//! it should have, read once each, and every difference with its attribute path. One module per
//! cloud; the `backup_compliance` data source calls them.

mod aws;
mod azure;

use tfplugin::framework::Diagnostic;
use tfvalue::Value;

use crate::cloud::finding::Finding;

pub(crate) use aws::aws_findings;
pub(crate) use azure::azure_findings;

/// What a node is, told apart by the attributes only a child has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NodeKind {
    /// A `backup_app`.
    App,
    /// A `backup_child`.
    Child,
}

impl NodeKind {
    /// The kind of `node` (an app or child object as Terraform evaluates it).
    pub(crate) fn of(node: &Value) -> NodeKind {
        if node.get("aws_selection_id").is_some() {
            NodeKind::Child
        } else {
            NodeKind::App
        }
    }
}

/// The warning a refresh gives when a node's live backups drifted from its effective policy in a
/// way the plan shows only as a new `policy_document`: each difference at its path, so the person
/// approving the plan sees what it puts back.
pub(crate) fn drift_warning(resource: &str, name: &str, findings: &[Finding]) -> Diagnostic {
    let lines: Vec<String> = findings
        .iter()
        .map(|f| format!("  {}: policy {}, found {}", f.path, f.expected, f.actual))
        .collect();
    // The name is in the summary: Terraform folds warnings of one summary into the first.
    Diagnostic::warning(
        format!("Backups of {resource} {name:?} drifted from the policy"),
        format!(
            "They were changed outside Terraform; this plan puts them back:\n{}",
            lines.join("\n")
        ),
    )
}
