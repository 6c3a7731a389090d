//! The converge, read and destroy skeleton over a resource's cloud parts, once for every resource.

use backup_policy::CloudAnchorsPatch;
use tfplugin::framework::{ApplyRequest, ApplyResponse, ReadResponse, Schema};
use tfvalue::Value;

use super::model::NodeUpdate;
use super::policy_node::{null_unknowns, settle_policy_document};
use super::state::set_attr;
use crate::cloud::part::{CloudPart, Presence};

/// A resource's part in one cloud, for one request.
pub(crate) type Part = Box<dyn CloudPart<Update = NodeUpdate>>;

/// Creates or updates a resource: settles its `policy_document` (with the parts' anchors), then
/// converges each part in order, stopping at the first that fails. A failure part-way saves what
/// exists (a created resource is then tainted: the next apply replaces it; an updated one gets a
/// null `policy_document`, so the next plan converges it again). Without parts this is a pure
/// policy node: the planned state, with what was unknown at plan time filled in.
///
/// The caller has set `response.new_state` to the prior state before looking the parts up.
pub(crate) async fn converge(
    schema: &Schema,
    request: &ApplyRequest,
    response: &mut ApplyResponse,
    parts: &[Part],
    cloud_computed: &[&str],
) {
    let diagnostics = &mut response.diagnostics;
    let mut anchors = CloudAnchorsPatch::default();
    for part in parts {
        part.anchor(&mut anchors);
    }
    let mut state = request.planned_state.clone();
    let Some(document) =
        settle_policy_document(schema, &request.config, &mut state, anchors, diagnostics)
    else {
        response.new_state = request.prior_state.clone();
        return;
    };
    let mut update = NodeUpdate::default();
    let mut failed = false;
    for part in parts {
        let converged = part
            .converge(&document, &request.prior_state, &mut update, diagnostics)
            .await;
        if converged.is_err() {
            failed = true;
            break;
        }
    }
    // What exists is recorded even when a step failed part-way.
    update.write(&mut state);
    null_unknowns(&mut state, cloud_computed);
    if failed && !request.prior_state.is_null() {
        set_attr(&mut state, "policy_document", Value::Null);
    }
    response.new_state = state;
}

/// Reads one part back into `state` and makes that the new state; false when reading stops: an
/// object is gone (the new state is null, so the next plan re-creates the resource) or the read
/// failed.
pub(crate) async fn read_part(
    part: &dyn CloudPart<Update = NodeUpdate>,
    state: &mut Value,
    response: &mut ReadResponse,
) -> bool {
    let mut update = NodeUpdate::default();
    match part
        .read(state, &mut update, &mut response.diagnostics)
        .await
    {
        Ok(Presence::Present) => {
            update.write(state);
            response.new_state = state.clone();
            true
        }
        Ok(Presence::Gone) => {
            response.new_state = Value::Null;
            false
        }
        Err(_) => false,
    }
}

/// Deletes one part's objects as the prior state records them; false (with the prior state kept)
/// when that failed.
pub(crate) async fn destroy_part(
    part: &dyn CloudPart<Update = NodeUpdate>,
    request: &ApplyRequest,
    response: &mut ApplyResponse,
) -> bool {
    if part
        .destroy(&request.prior_state, &mut response.diagnostics)
        .await
        .is_err()
    {
        response.new_state = request.prior_state.clone();
        return false;
    }
    true
}
