//! Plan and apply steps shared by `backup_app` and `backup_child` as policy nodes.

use backup_policy::CloudAnchorsPatch;
use tfplugin::framework::{ApplyRequest, ApplyResponse, PlanRequest, PlanResponse, Schema};
use tfvalue::Value;

use super::effective_policy::{evaluate, Evaluation};
use super::state::{reject_unimplemented_clouds, set_attr};

/// Plans `id` and `policy_document`, and nulls cloud-computed attributes when no cloud block is set,
/// so a pure policy node's plan has no "known after apply" at all.
pub(crate) fn plan_policy_node(
    schema: &Schema,
    request: &PlanRequest,
    response: &mut PlanResponse,
    cloud_computed: &[&str],
) {
    if request.is_destroy() {
        return;
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
    let evaluation = evaluate(
        schema,
        &request.config,
        CloudAnchorsPatch::default(),
        &mut response.diagnostics,
    );
    set_attr(planned, "policy_document", evaluation.document_value());
    if !has_cloud_block(&request.config) {
        for name in cloud_computed {
            set_attr(planned, name, Value::Null);
        }
    }
}

/// Whether the configuration has an `aws` or `azure` block.
pub(crate) fn has_cloud_block(config: &Value) -> bool {
    ["aws", "azure"]
        .iter()
        .any(|c| config.get(c).is_some_and(|v| !v.is_null()))
}

/// Creates or updates a policy node: the planned state, with what was unknown at plan time filled in.
pub(crate) fn converge_policy_node(
    schema: &Schema,
    request: &ApplyRequest,
    response: &mut ApplyResponse,
    cloud_computed: &[&str],
) {
    if reject_unimplemented_clouds(&request.config, &mut response.diagnostics) {
        response.new_state = request.prior_state.clone();
        return;
    }
    let mut state = request.planned_state.clone();
    if state.get("policy_document").is_some_and(Value::is_unknown) {
        let evaluation = evaluate(
            schema,
            &request.config,
            CloudAnchorsPatch::default(),
            &mut response.diagnostics,
        );
        if !matches!(evaluation, Evaluation::Known(_)) {
            response.new_state = request.prior_state.clone();
            return;
        }
        set_attr(&mut state, "policy_document", evaluation.document_value());
    }
    for name in cloud_computed {
        if state.get(name).is_some_and(Value::is_unknown) {
            set_attr(&mut state, name, Value::Null);
        }
    }
    response.new_state = state;
}
