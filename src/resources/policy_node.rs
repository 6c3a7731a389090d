//! Plan and apply steps shared by `backup_app` and `backup_child` as policy nodes.

use backup_policy::{CloudAnchorsPatch, PolicyDocument};
use tfplugin::framework::{Diagnostics, PlanRequest, PlanResponse, Schema};
use tfvalue::Value;

use super::effective_policy::{evaluate, Evaluation};
use super::model::NodeRecord;
use super::state::set_attr;

/// Plans `id` and `policy_document` (with the app's own cloud anchors), and nulls the computed
/// attributes of every cloud whose block is not set, so a pure policy node's plan has no "known
/// after apply" at all. Returns the evaluation.
pub(crate) fn plan_policy_node(
    schema: &Schema,
    request: &PlanRequest,
    response: &mut PlanResponse,
    cloud_computed: &[&str],
    anchors: CloudAnchorsPatch,
) -> Evaluation {
    if request.is_destroy() {
        return Evaluation::Unknown;
    }
    let planned = &mut response.planned_state;
    set_attr(
        planned,
        "id",
        request
            .config
            .get("name")
            .cloned()
            .unwrap_or_else(Value::unknown),
    );
    let evaluation = evaluate(schema, &request.config, anchors, &mut response.diagnostics);
    set_attr(planned, "policy_document", evaluation.document_value());
    for name in cloud_computed {
        if !has_block(&request.config, cloud_of(name)) {
            set_attr(planned, name, Value::Null);
        }
    }
    evaluation
}

/// The cloud block a computed attribute belongs to (`mode` is the AWS placement).
fn cloud_of(attribute: &str) -> &'static str {
    if attribute.starts_with("azure") {
        "azure"
    } else {
        "aws"
    }
}

/// Whether the value has a non-null attribute `name` (e.g. an `aws` block).
pub(crate) fn has_block(config: &Value, name: &str) -> bool {
    config.get(name).is_some_and(|v| !v.is_null())
}

/// Makes `state.policy_document` known (evaluating the configuration when the plan could not) and
/// returns it parsed; `None` with diagnostics when the configuration is invalid.
pub(crate) fn settle_policy_document(
    schema: &Schema,
    config: &Value,
    state: &mut Value,
    anchors: CloudAnchorsPatch,
    diagnostics: &mut Diagnostics,
) -> Option<PolicyDocument> {
    if let Some(document) = NodeRecord::of(state).document() {
        return Some(document);
    }
    match evaluate(schema, config, anchors, diagnostics) {
        Evaluation::Known(document) => {
            set_attr(state, "policy_document", Value::String(document.to_json()));
            Some(*document)
        }
        _ => None,
    }
}

/// Sets the listed attributes that are still unknown to null: what apply did not produce.
pub(crate) fn null_unknowns(state: &mut Value, names: &[&str]) {
    for name in names {
        if state.get(name).is_some_and(Value::is_unknown) {
            set_attr(state, name, Value::Null);
        }
    }
}
