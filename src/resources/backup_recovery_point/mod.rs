//! `backup_recovery_point`: a read-mostly resource adopting an existing AWS Backup recovery point
//! (never making one), so it can be kept longer within the app's policy, audited, and found with
//! `terraform query` (the list in `list.rs`).

pub(crate) mod list;
mod model;
mod ops;
mod policy;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use tfplugin::framework::{
    ApplyRequest, ApplyResponse, Context, Diagnostic, Diagnostics, ImportRequest, ImportResponse,
    PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
};
use tfvalue::{AttributePath, Value};

use super::diagnostics::cloud_diagnostic;
use super::provider_data::ProviderData;
use super::state::set_attr;
use crate::cloud::aws::AwsBackend;
use crate::cloud::recovery_points::RecoveryPoints;
use model::{bare_state, PointRef};
pub(crate) use schema::point_schema;

/// How diagnostics name this resource type.
const RESOURCE: &str = "backup_recovery_point";

/// The `backup_recovery_point` resource.
pub struct BackupRecoveryPoint;

/// AWS Backup of the resource's provider configuration, stopping when Terraform stops the
/// provider; an error naming the missing `aws` block otherwise.
fn backend(ctx: &Context, diagnostics: &mut Diagnostics) -> Option<Arc<dyn RecoveryPoints>> {
    let context = ctx
        .provider_data::<ProviderData>()
        .and_then(|data| data.aws.clone());
    let Some(context) = context else {
        if !diagnostics.has_errors() {
            diagnostics.push(Diagnostic::error(
                "Provider has no AWS settings",
                "backup_recovery_point reads AWS Backup, but the provider configuration it uses has no AWS \
                 settings. Add `aws = { region = \"...\" }` to the provider block (or to the alias the resource \
                 names with `provider = backup.<alias>`).",
            ));
        }
        return None;
    };
    Some(Arc::new(
        AwsBackend::new(&context).with_cancel(ctx.cancel.clone()),
    ))
}

/// Seconds since the epoch now.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

#[async_trait]
impl Resource for BackupRecoveryPoint {
    fn type_name(&self) -> &'static str {
        RESOURCE
    }

    fn schema(&self) -> Schema {
        point_schema().clone()
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(schema::identity_schema())
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        let field = |name: &str| {
            (
                name.to_string(),
                state.get(name).cloned().unwrap_or(Value::Null),
            )
        };
        Some(Value::Object(BTreeMap::from([
            field("vault_name"),
            field("recovery_point_arn"),
            field("account_id"),
            field("region"),
        ])))
    }

    async fn modify_plan(&self, ctx: &Context, request: &PlanRequest, response: &mut PlanResponse) {
        if request.is_destroy() {
            return;
        }
        let diagnostics = &mut response.diagnostics;
        if request.is_create() {
            if let Some(backend) = backend(ctx, diagnostics) {
                ops::plan_create(
                    &*backend,
                    &request.config,
                    &mut response.planned_state,
                    diagnostics,
                )
                .await;
            }
        } else {
            ops::plan_update(
                &request.config,
                &request.prior_state,
                &mut response.planned_state,
                diagnostics,
            );
        }
    }

    async fn create(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        let Some(backend) = backend(ctx, &mut response.diagnostics) else {
            return;
        };
        if let Some(state) =
            ops::adopt(&*backend, &request.planned_state, &mut response.diagnostics).await
        {
            response.new_state = state;
        }
    }

    async fn read(&self, ctx: &Context, request: &ReadRequest, response: &mut ReadResponse) {
        response.new_state = request.current_state.clone();
        let Some(backend) = backend(ctx, &mut response.diagnostics) else {
            return;
        };
        // Another account or region would not find the point and drop it from the state.
        if let Err(d) = same_place(&*backend, &request.current_state) {
            return response.diagnostics.push(d);
        }
        match ops::refresh(&*backend, &request.current_state).await {
            Ok(Some(state)) => response.new_state = state,
            Ok(None) => response.new_state = Value::Null,
            Err((point, e)) => response
                .diagnostics
                .push(cloud_diagnostic(RESOURCE, &point.arn, &e)),
        }
    }

    async fn update(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        response.new_state = request.prior_state.clone();
        let Some(backend) = backend(ctx, &mut response.diagnostics) else {
            return;
        };
        if let Some(state) = ops::update(
            &*backend,
            &request.prior_state,
            &request.planned_state,
            &mut response.diagnostics,
        )
        .await
        {
            response.new_state = state;
        }
    }

    async fn delete(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        response.new_state = request.prior_state.clone();
        let deletes = request.prior_state.get("delete_on_destroy") == Some(&Value::Bool(true));
        let backend = match deletes {
            true => match backend(ctx, &mut response.diagnostics) {
                Some(backend) => Some(backend),
                None => return,
            },
            false => None,
        };
        let done = match backend {
            Some(backend) => {
                ops::destroy(
                    &*backend,
                    &request.prior_state,
                    now(),
                    &mut response.diagnostics,
                )
                .await
            }
            None => ops::forget(&request.prior_state, &mut response.diagnostics),
        };
        if done {
            response.new_state = Value::Null;
        }
    }

    async fn import(&self, ctx: &Context, request: &ImportRequest, response: &mut ImportResponse) {
        let point = match &request.identity {
            Some(identity) => from_identity(ctx, identity),
            None => from_import_id(&request.id),
        };
        let point = match point {
            Ok(point) => point,
            Err(d) => return response.diagnostics.push(d),
        };
        response.state = bare_state(&point);
        // The identity Terraform records at import is the one every later read returns.
        if let Some(aws) = ctx
            .provider_data::<ProviderData>()
            .and_then(|d| d.aws.as_ref())
        {
            let state = &mut response.state;
            set_attr(
                state,
                "account_id",
                Value::from(aws.account_id().to_owned()),
            );
            set_attr(state, "region", Value::from(aws.region().to_owned()));
        }
    }
}

/// Whether `state` was recorded in the backend's account and region (or records none); an error
/// naming both otherwise.
fn same_place(backend: &dyn RecoveryPoints, state: &Value) -> Result<(), Diagnostic> {
    let recorded = |name: &str| state.get(name).and_then(Value::as_str).map(str::to_owned);
    for (name, have) in [
        ("account_id", backend.account_id()),
        ("region", backend.region()),
    ] {
        if let Some(recorded) = recorded(name).filter(|r| r != have) {
            return Err(Diagnostic::error(
                "Recovery point in another account or region",
                format!(
                    "The state records the point in {name} {recorded}, but the resource's provider \
                     configuration now acts in {have}. Give the resource the provider alias of the point's \
                     account and region (`provider = backup.<alias>`)."
                ),
            ));
        }
    }
    Ok(())
}

/// The point an `import` block's `identity` names; its account and region, when given, must be
/// the provider configuration's.
fn from_identity(ctx: &Context, identity: &Value) -> Result<PointRef, Diagnostic> {
    let point = PointRef::of(identity).ok_or_else(|| {
        Diagnostic::error(
            "Incomplete identity",
            "Import a recovery point by identity = { vault_name = \"...\", recovery_point_arn = \"...\" }.",
        )
    })?;
    let aws = ctx
        .provider_data::<ProviderData>()
        .and_then(|d| d.aws.clone());
    for (name, have) in [
        (
            "account_id",
            aws.as_ref().map(|a| a.account_id().to_owned()),
        ),
        ("region", aws.as_ref().map(|a| a.region().to_owned())),
    ] {
        let wanted = identity.get(name).and_then(Value::as_str);
        if let (Some(wanted), Some(have)) = (wanted, have) {
            if wanted != have {
                return Err(Diagnostic::error(
                    "Recovery point in another account or region",
                    format!(
                        "The identity's {name} is {wanted}, but this provider configuration acts in {have}. \
                         Import with the provider alias for the point's account and region."
                    ),
                )
                .at(AttributePath::attr(name)));
            }
        }
    }
    Ok(point)
}

/// The point a `terraform import` id names: `<vault_name>,<recovery_point_arn>`.
fn from_import_id(id: &str) -> Result<PointRef, Diagnostic> {
    match id.split_once(',') {
        Some((vault, arn)) if !vault.is_empty() && arn.starts_with("arn:") => Ok(PointRef {
            vault_name: vault.to_owned(),
            arn: arn.to_owned(),
        }),
        _ => Err(Diagnostic::error(
            "Invalid import id",
            format!(
                "{id:?} does not name a recovery point. Import one as `<vault_name>,<recovery_point_arn>`, e.g. \
                 `terraform import backup_recovery_point.release org-root-vault,arn:aws:backup:eu-west-1:111111111111:recovery-point:1EB3B5E7`."
            ),
        )),
    }
}
