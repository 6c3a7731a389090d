//! Compliance of an app's or child's live cloud objects with its effective policy, from the
//! values Terraform holds for it (`backup_app.x` / `backup_child.x` as an object): which objects
//! it should have, read once each, and every difference with its attribute path. One module per
//! cloud; the `backup_compliance` data source calls them.

mod aws;
mod azure;

use tfvalue::Value;

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
