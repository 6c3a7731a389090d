//! What each operation does with a [`RecoveryPoints`] backend, apart from the protocol: plan a
//! create from the point as it is, adopt it, refresh it, change its lifecycle, forget or delete it.

use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::super::diagnostics::cloud_diagnostic;
use super::model::{
    created_epoch_seconds, fill, set_lifecycle, Described, LifecycleValue, PointRef,
};
use super::policy::{check_lifecycle, deletion_refused, document};
use super::RESOURCE;
use crate::cloud::recovery_points::RecoveryPoints;
use crate::cloud::{CloudError, LifecycleSpec};

/// The point as AWS has it now, with its tags; `None` when it is gone (or going).
pub(crate) async fn describe(
    backend: &dyn RecoveryPoints,
    point: &PointRef,
) -> Result<Option<Described>, CloudError> {
    let Some(info) = backend
        .find_recovery_point(&point.vault_name, &point.arn)
        .await?
    else {
        return Ok(None);
    };
    if info.is_gone() {
        return Ok(None);
    }
    let Some(tags) = backend.find_recovery_point_tags(&point.arn).await? else {
        return Ok(None);
    };
    Ok(Some(Described {
        info,
        tags,
        account_id: backend.account_id().to_owned(),
        region: backend.region().to_owned(),
    }))
}

/// The error for a point that does not exist, at `recovery_point_arn`.
fn not_found(point: &PointRef) -> Diagnostic {
    Diagnostic::error(
        "Recovery point not found",
        format!(
            "Vault {} holds no recovery point {} in this provider configuration's account and region. \
             backup_recovery_point adopts an existing point and never makes one: back the resource up first \
             (a backup plan, or the backup_start_job action), or use `terraform query` with the \
             backup_recovery_point list to find the points there are.",
            point.vault_name, point.arn
        ),
    )
    .at(AttributePath::attr("recovery_point_arn"))
}

fn cloud(point: &PointRef, e: &CloudError) -> Diagnostic {
    cloud_diagnostic(RESOURCE, &point.arn, e)
}

/// Whether `lifecycle` is allowed under `config`'s `policy_document` for a point made by `rule`;
/// false (with errors) when it, or the document, is refused.
fn check(
    config: &Value,
    lifecycle: &LifecycleSpec,
    rule: Option<&str>,
    diagnostics: &mut Diagnostics,
) -> bool {
    let doc = document(config, diagnostics);
    !diagnostics.has_errors() && check_lifecycle(lifecycle, doc.as_ref(), rule, diagnostics)
}

/// Plans a create: the point is described now, so every computed attribute is known in the plan
/// (and a missing point fails the plan). Left unknown while the point's ARN is.
pub(crate) async fn plan_create(
    backend: &dyn RecoveryPoints,
    config: &Value,
    planned: &mut Value,
    diagnostics: &mut Diagnostics,
) {
    let Some(point) = PointRef::of(config) else {
        return;
    };
    let described = match describe(backend, &point).await {
        Ok(Some(described)) => described,
        Ok(None) => return diagnostics.push(not_found(&point)),
        Err(e) => return diagnostics.push(cloud(&point, &e)),
    };
    let lifecycle = match LifecycleValue::of(config) {
        LifecycleValue::Unknown => None,
        LifecycleValue::Unset => Some(described.info.lifecycle),
        LifecycleValue::Known(wanted) => Some(wanted),
    };
    let rule = described.info.backup_rule_name.as_deref();
    if let Some(lifecycle) = &lifecycle {
        if !check(config, lifecycle, rule, diagnostics) {
            return;
        }
    }
    fill(planned, &described, &lifecycle.unwrap_or_default());
    if lifecycle.is_none() {
        for name in ["lifecycle", "delete_at", "move_to_cold_storage_at"] {
            super::super::state::set_attr(planned, name, Value::unknown());
        }
    }
}

/// Plans an update: the computed attributes stay, the dates follow the planned lifecycle.
pub(crate) fn plan_update(
    config: &Value,
    prior: &Value,
    planned: &mut Value,
    diagnostics: &mut Diagnostics,
) {
    for name in [
        "id",
        "account_id",
        "region",
        "resource_arn",
        "resource_type",
        "status",
        "creation_date",
        "backup_rule_name",
        "backup_size_bytes",
        "tags",
    ] {
        let value = prior.get(name).cloned().unwrap_or(Value::Null);
        super::super::state::set_attr(planned, name, value);
    }
    // Without a configured lifecycle the point keeps the one it has.
    let lifecycle = match (LifecycleValue::of(config), LifecycleValue::of(prior)) {
        (LifecycleValue::Known(wanted), _) => wanted,
        (LifecycleValue::Unset, LifecycleValue::Known(had)) => had,
        _ => return,
    };
    let rule = prior.get("backup_rule_name").and_then(Value::as_str);
    // Only a change is checked: an unchanged lifecycle was checked when it was set (or is the
    // point's own), and a refresh must not fail on a later, stricter document.
    let changed = LifecycleValue::of(prior) != LifecycleValue::Known(lifecycle);
    if changed && !check(config, &lifecycle, rule, diagnostics) {
        return;
    }
    if let Some(created) = created_epoch_seconds(prior) {
        set_lifecycle(planned, &lifecycle, created);
    }
}

/// Adopts the point `planned` names: sets its lifecycle when the plan changes it, and returns the
/// state; `None` with an error when it is missing or a call fails.
pub(crate) async fn adopt(
    backend: &dyn RecoveryPoints,
    planned: &Value,
    diagnostics: &mut Diagnostics,
) -> Option<Value> {
    let point = PointRef::of(planned)?;
    let described = match describe(backend, &point).await {
        Ok(Some(described)) => described,
        Ok(None) => {
            diagnostics.push(not_found(&point));
            return None;
        }
        Err(e) => {
            diagnostics.push(cloud(&point, &e));
            return None;
        }
    };
    let lifecycle = match LifecycleValue::of(planned) {
        LifecycleValue::Known(wanted) => wanted,
        _ => described.info.lifecycle,
    };
    if lifecycle != described.info.lifecycle {
        if let Err(e) = backend
            .update_recovery_point_lifecycle(&point.vault_name, &point.arn, &lifecycle)
            .await
        {
            diagnostics.push(cloud(&point, &e));
            return None;
        }
    }
    let mut state = planned.clone();
    fill(&mut state, &described, &lifecycle);
    Some(state)
}

/// Refreshes `state` from AWS; `Ok(None)` when the point is gone.
pub(crate) async fn refresh(
    backend: &dyn RecoveryPoints,
    state: &Value,
) -> Result<Option<Value>, (PointRef, CloudError)> {
    let Some(point) = PointRef::of(state) else {
        return Ok(Some(state.clone()));
    };
    match describe(backend, &point).await {
        Ok(Some(described)) => {
            let mut state = state.clone();
            let lifecycle = described.info.lifecycle;
            fill(&mut state, &described, &lifecycle);
            Ok(Some(state))
        }
        Ok(None) => Ok(None),
        Err(e) => Err((point, e)),
    }
}

/// Applies an update: a changed lifecycle is set on the point; the state is the plan.
pub(crate) async fn update(
    backend: &dyn RecoveryPoints,
    prior: &Value,
    planned: &Value,
    diagnostics: &mut Diagnostics,
) -> Option<Value> {
    let point = PointRef::of(planned)?;
    if let LifecycleValue::Known(wanted) = LifecycleValue::of(planned) {
        if LifecycleValue::of(prior) != LifecycleValue::Known(wanted) {
            if let Err(e) = backend
                .update_recovery_point_lifecycle(&point.vault_name, &point.arn, &wanted)
                .await
            {
                diagnostics.push(cloud(&point, &e));
                return None;
            }
        }
    }
    Some(planned.clone())
}

/// Destroys the resource without deleting the point: a warning says it is kept.
pub(crate) fn forget(prior: &Value, diagnostics: &mut Diagnostics) -> bool {
    if let Some(point) = PointRef::of(prior) {
        diagnostics.push(Diagnostic::warning(
            "Recovery point kept",
            format!(
                "backup_recovery_point forgets recovery point {} and leaves it in vault {}, where its lifecycle \
                 deletes it. Set delete_on_destroy = true (and apply) before destroying to delete it instead.",
                point.arn, point.vault_name
            ),
        ));
    }
    true
}

/// Destroys the resource with `delete_on_destroy`: deletes the point unless the vault lock or
/// the document's guardrail still keeps it. False on failure.
pub(crate) async fn destroy(
    backend: &dyn RecoveryPoints,
    prior: &Value,
    now: i64,
    diagnostics: &mut Diagnostics,
) -> bool {
    let Some(point) = PointRef::of(prior) else {
        return true;
    };
    let lock = match backend.find_vault_lock(&point.vault_name).await {
        Ok(lock) => lock,
        Err(e) => {
            diagnostics.push(cloud(&point, &e));
            return false;
        }
    };
    let doc = document(prior, &mut Diagnostics::new());
    let created = created_epoch_seconds(prior).unwrap_or(now);
    if let Some(reason) = deletion_refused(created, now, lock.as_ref(), doc.as_ref()) {
        diagnostics.push(
            Diagnostic::error(
                "Recovery point cannot be deleted yet",
                format!(
                    "{reason} Keep it (set delete_on_destroy = false and apply, then destroy) or wait until it \
                     is old enough."
                ),
            )
            .at(AttributePath::attr("delete_on_destroy")),
        );
        return false;
    }
    match backend
        .delete_recovery_point(&point.vault_name, &point.arn)
        .await
    {
        Ok(()) => true,
        Err(e) => {
            diagnostics.push(cloud(&point, &e));
            false
        }
    }
}
