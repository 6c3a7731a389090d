//! `backup_app`: a root or intermediate app holding policy and guardrails, realised by an AWS and
//! an Azure [`CloudPart`](crate::cloud::part::CloudPart) when its blocks ask for them.

mod air_gapped;
#[cfg(test)]
mod air_gapped_tests;
mod audit;
mod aws;
mod azure;
mod azure_destroy;
mod import;
pub(crate) mod list;
pub(crate) mod list_azure;
mod model;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use async_trait::async_trait;
use backup_policy::CloudAnchorsPatch;
use tfplugin::framework::{
    ApplyRequest, ApplyResponse, Attribute, Context, Diagnostics, ImportRequest, ImportResponse,
    PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
};
use tfvalue::Value;

use super::diagnostics::cloud_diagnostic;
use super::effective_policy::{evaluate, Evaluation};
use super::model::{decode_block, NodeRecord, NodeUpdate};
use super::parts::{self, destroy_part, read_part, Part};
use super::policy_node::{has_block, plan_policy_node};
use super::provider_data::{aws_backend, aws_context, azure_backend, ProviderData};
use super::state::{import_state, set_attr};
pub(crate) use aws::AppAwsPart;
#[cfg(test)]
pub(crate) use aws::AwsAnchorFor;
pub(crate) use azure::AppAzurePart;
pub(crate) use model::{AppAwsModel, AppAzureModel};
use schema::app_schema;

/// How diagnostics name this resource type.
const RESOURCE: &str = "backup_app";

/// The `backup_app` resource.
pub struct BackupApp;

/// Attributes computed from the cloud objects an app creates; null for a pure policy node.
const CLOUD_COMPUTED: &[&str] = &[
    "aws_vault_arn",
    "aws_plan_id",
    "aws_air_gapped_vault_arn",
    "azure_vault_id",
    "azure_policy_id",
    "audit_controls",
];

impl BackupApp {
    /// Creates or updates the app's AWS and Azure objects (or, without either block, the pure
    /// policy node) and fills in the state.
    async fn converge(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        let diagnostics = &mut response.diagnostics;
        response.new_state = request.prior_state.clone();
        let mut parts: Vec<Part> = Vec::new();
        if has_block(&request.config, "aws") {
            let Some(context) = aws_context(ctx, RESOURCE, diagnostics) else {
                return;
            };
            let Some(model) = decode_block::<AppAwsModel>(&request.config, "aws", diagnostics)
            else {
                return;
            };
            let backend = aws_backend(ctx, &context);
            parts.push(Box::new(AppAwsPart::new(
                backend,
                &request.config,
                Some(model),
            )));
        }
        if has_block(&request.config, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, diagnostics) else {
                return;
            };
            let Some(model) = decode_block::<AppAzureModel>(&request.config, "azure", diagnostics)
            else {
                return;
            };
            parts.push(Box::new(AppAzurePart::new(
                backend,
                &request.config,
                Some(model),
            )));
        }
        parts::converge(app_schema(), request, response, &parts, CLOUD_COMPUTED).await;
    }

    /// Deletes the air-gapped vault the prior state has and the configuration renames or removes,
    /// before anything else changes; false (prior state kept) when refused.
    async fn retire_air_gapped(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        response: &mut ApplyResponse,
    ) -> bool {
        let quiet = &mut Diagnostics::default();
        let prior = decode_block::<AppAwsModel>(&request.prior_state, "aws", quiet);
        if prior.as_ref().is_none_or(|p| p.air_gapped_vault.is_none()) {
            return true;
        }
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            response.new_state = request.prior_state.clone();
            return false;
        };
        let config = decode_block::<AppAwsModel>(&request.config, "aws", quiet);
        let force = NodeRecord::of(&request.config).force_destroy();
        let backend = aws_backend(ctx, &context);
        let retired = air_gapped::retire(&*backend, prior.as_ref(), config.as_ref(), force).await;
        if let Err(e) = retired {
            let name = NodeRecord::of(&request.prior_state).name().to_string();
            response
                .diagnostics
                .push(cloud_diagnostic(RESOURCE, &name, &e));
            response.new_state = request.prior_state.clone();
            return false;
        }
        true
    }

    /// Deletes the app's Azure policy and vault as recorded in the prior state; false on failure.
    async fn destroy_azure(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        prior: AppAzureModel,
        response: &mut ApplyResponse,
    ) -> bool {
        let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
            response.new_state = request.prior_state.clone();
            return false;
        };
        let part = AppAzurePart::new(backend, &request.prior_state, Some(prior));
        destroy_part(&part, request, response).await
    }

    /// Deletes the app's AWS objects as recorded in the prior state; false on failure.
    async fn destroy_aws(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        prior: AppAwsModel,
        response: &mut ApplyResponse,
    ) -> bool {
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            response.new_state = request.prior_state.clone();
            return false;
        };
        let part = AppAwsPart::new(
            aws_backend(ctx, &context),
            &request.prior_state,
            Some(prior),
        );
        destroy_part(&part, request, response).await
    }

    /// The Azure policy of the app an import by identity names, found by its vault's tag; `None`
    /// without Azure settings or such a vault (the app is on AWS, or a pure policy node).
    async fn azure_import_id(
        &self,
        ctx: &Context,
        state: &Value,
    ) -> Result<Option<import::PolicyImportId>, tfplugin::framework::Diagnostic> {
        let data = ctx.provider_data::<ProviderData>();
        let (Some(azure), Some(name)) = (
            data.and_then(|d| d.azure.clone()),
            state.get("name").and_then(Value::as_str),
        ) else {
            return Ok(None);
        };
        list_azure::import_id_of(&*azure, name)
            .await
            .map_err(|e| super::diagnostics::azure_diagnostic(RESOURCE, name, &e))
    }

    /// A pure policy node has nothing remote to read: its state is its configuration. An
    /// imported app (no `policy_document` yet) adopts the AWS plan named after it, if any.
    async fn adopt_aws(&self, ctx: &Context, mut state: Value, response: &mut ReadResponse) {
        let record = NodeRecord::of(&state);
        let imported = record.policy_document.is_none();
        let context = ctx
            .provider_data::<ProviderData>()
            .and_then(|d| d.aws.clone());
        let (true, Some(context)) = (imported, context) else {
            return;
        };
        let Some(aws_attribute) = app_schema().attribute("aws") else {
            return;
        };
        let name = record.name().to_string();
        let backend = aws_backend(ctx, &context);
        match aws::adopt(&*backend, &name, aws_attribute, &mut state).await {
            Ok(_) => response.new_state = state,
            Err(e) => response
                .diagnostics
                .push(cloud_diagnostic(RESOURCE, &name, &e)),
        }
    }
}

#[async_trait]
impl Resource for BackupApp {
    fn type_name(&self) -> &'static str {
        "backup_app"
    }

    fn schema(&self) -> Schema {
        app_schema().clone()
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(Schema::new(
            "",
            vec![Attribute::string("name")
                .required()
                .description("The app's name.")],
        ))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        let name = state.get("name")?.clone();
        Some(Value::Object(BTreeMap::from([("name".to_string(), name)])))
    }

    async fn validate(&self, _ctx: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        // Parents are usually unknown at validate time; what can be checked without them, is.
        if config.get("parent").is_some_and(Value::is_null) {
            evaluate(
                app_schema(),
                config,
                CloudAnchorsPatch::default(),
                diagnostics,
            );
        }
    }

    async fn modify_plan(&self, ctx: &Context, request: &PlanRequest, response: &mut PlanResponse) {
        if request.is_destroy() {
            return;
        }
        let mut parts: Vec<Part> = Vec::new();
        if has_block(&request.config, "aws") {
            let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            let backend = aws_backend(ctx, &context);
            parts.push(Box::new(AppAwsPart::new(backend, &request.config, None)));
        }
        if has_block(&request.config, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            parts.push(Box::new(AppAzurePart::new(backend, &request.config, None)));
        }
        audit::check_config(&request.config, &mut response.diagnostics);
        let mut anchors = CloudAnchorsPatch::default();
        let mut anchored = true;
        for part in &parts {
            anchored &= part.anchor(&mut anchors);
        }
        let evaluation = plan_policy_node(app_schema(), request, response, CLOUD_COMPUTED, anchors);
        let document = match &evaluation {
            Evaluation::Known(document) => Some(&**document),
            _ => None,
        };
        let mut update = NodeUpdate::default();
        for part in &parts {
            part.plan(request, document, &mut update, &mut response.diagnostics);
        }
        update.write(&mut response.planned_state);
        if !anchored {
            set_attr(
                &mut response.planned_state,
                "policy_document",
                Value::unknown(),
            );
        }
    }

    async fn create(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        self.converge(ctx, request, response).await;
    }

    async fn read(&self, ctx: &Context, request: &ReadRequest, response: &mut ReadResponse) {
        let mut state = request.current_state.clone();
        if let Some(model) =
            decode_block::<AppAzureModel>(&state, "azure", &mut response.diagnostics)
        {
            let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            let part = AppAzurePart::new(backend, &state, Some(model));
            if !read_part(&part, &mut state, response).await {
                return;
            }
            let quiet = &mut Diagnostics::default();
            if decode_block::<AppAwsModel>(&state, "aws", quiet).is_none() {
                return;
            }
        }
        let Some(model) = decode_block::<AppAwsModel>(&state, "aws", &mut response.diagnostics)
        else {
            return self.adopt_aws(ctx, state, response).await;
        };
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            return;
        };
        let part = AppAwsPart::new(aws_backend(ctx, &context), &state, Some(model));
        read_part(&part, &mut state, response).await;
    }

    async fn update(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        let quiet = &mut Diagnostics::default();
        // A removed (or moved) cloud block: its old objects go first.
        if let Some(prior) = decode_block::<AppAzureModel>(&request.prior_state, "azure", quiet) {
            let moved = decode_block::<AppAzureModel>(&request.config, "azure", quiet)
                .is_none_or(|now| now.vault() != prior.vault());
            if moved && !self.destroy_azure(ctx, request, prior, response).await {
                return;
            }
        }
        if !self.retire_air_gapped(ctx, request, response).await {
            return;
        }
        if !has_block(&request.config, "aws") {
            if let Some(prior) = decode_block::<AppAwsModel>(&request.prior_state, "aws", quiet) {
                if !self.destroy_aws(ctx, request, prior, response).await {
                    return;
                }
            }
        }
        self.converge(ctx, request, response).await;
    }

    async fn delete(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        let quiet = &mut Diagnostics::default();
        if let Some(prior) = decode_block::<AppAzureModel>(&request.prior_state, "azure", quiet) {
            if !self.destroy_azure(ctx, request, prior, response).await {
                return;
            }
        }
        if let Some(prior) = decode_block::<AppAwsModel>(&request.prior_state, "aws", quiet) {
            self.destroy_aws(ctx, request, prior, response).await;
        }
    }

    async fn import(&self, ctx: &Context, request: &ImportRequest, response: &mut ImportResponse) {
        let mut state = match import_state(app_schema(), request) {
            Ok(state) => state,
            Err(d) => return response.diagnostics.push(d),
        };
        // An app on Azure is imported by its policy's ARM id: its name alone does not say which
        // vault holds it. (On AWS the name suffices: `read` finds the plan named after the app.)
        let by_id = match &request.identity {
            None => import::PolicyImportId::parse(&request.id),
            // By identity (the name): the vault an app tags with its name, when there is one.
            Some(_) => match self.azure_import_id(ctx, &state).await {
                Ok(id) => id,
                Err(d) => return response.diagnostics.push(d),
            },
        };
        {
            if let Some(id) = by_id {
                let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                    return;
                };
                let Some(azure_attribute) = app_schema().attribute("azure") else {
                    return;
                };
                set_attr(&mut state, "id", Value::from(id.app.clone()));
                set_attr(&mut state, "name", Value::from(id.app.clone()));
                if let Err(d) = import::adopt(&*backend, &id, azure_attribute, &mut state).await {
                    return response.diagnostics.push(d);
                }
            }
        }
        response.state = state;
    }
}
