//! `backup_child`: a leaf app that adapts inherited policy and protects resources, through an AWS
//! and an Azure [`CloudPart`](crate::cloud::part::CloudPart) when its blocks ask for them.

mod apigee;
mod apigee_schema;
#[cfg(test)]
mod apigee_tests;
mod app_service_region;
mod aws;
mod aws_restore_testing;
mod azure;
pub(crate) mod list;
mod list_azure;
mod model;
mod placement;
mod schema;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use async_trait::async_trait;
use backup_policy::CloudAnchorsPatch;
use tfplugin::framework::{
    ApplyRequest, ApplyResponse, Attribute, Context, ImportRequest, ImportResponse, PlanRequest,
    PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
};
use tfvalue::Value;

use super::effective_policy::Evaluation;
use super::model::{decode_block, NodeRecord, NodeUpdate};
use super::parts::{self, destroy_part, read_part, Part};
use super::policy_node::{has_block, plan_policy_node};
use super::provider_data::{aws_backend, aws_context, azure_backend};
use super::state::import_state;
use crate::cloud::part::CloudPart;
pub(crate) use aws::ChildAwsPart;
pub(crate) use azure::{ChildAzurePart, Placement as AzurePlacement};
pub(crate) use model::{ChildAwsModel, ChildAzureModel};
pub(crate) use placement::Placement;
use schema::child_schema;

/// How diagnostics name this resource type.
const RESOURCE: &str = "backup_child";

/// The `backup_child` resource.
pub struct BackupChild;

/// Attributes computed from the cloud objects a child creates; null without a cloud block.
const CLOUD_COMPUTED: &[&str] = &[
    "mode",
    "aws_plan_id",
    "aws_selection_id",
    "azure_policy_id",
    "azure_protected_item_ids",
];

impl BackupChild {
    /// Creates or updates the child's AWS and Azure objects (or, without either block, the pure
    /// policy node) and fills in the state.
    async fn converge(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        let diagnostics = &mut response.diagnostics;
        response.new_state = request.prior_state.clone();
        let mut azure = None;
        if has_block(&request.config, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, diagnostics) else {
                return;
            };
            let Some(model) =
                decode_block::<ChildAzureModel>(&request.config, "azure", diagnostics)
            else {
                return;
            };
            azure = Some(ChildAzurePart::new(backend, &request.config, Some(model)));
        }
        let mut parts: Vec<Part> = Vec::new();
        if has_block(&request.config, "aws") {
            let Some(context) = aws_context(ctx, RESOURCE, diagnostics) else {
                return;
            };
            let Some(model) = decode_block::<ChildAwsModel>(&request.config, "aws", diagnostics)
            else {
                return;
            };
            let backend = aws_backend(ctx, &context);
            parts.push(Box::new(ChildAwsPart::new(
                backend,
                &request.config,
                Some(model),
            )));
        }
        // AWS first: a failed AWS step leaves Azure untouched.
        if let Some(azure) = azure {
            parts.push(Box::new(azure));
        }
        parts::converge(child_schema(), request, response, &parts, CLOUD_COMPUTED).await;
        apigee::apply(ctx, request, response).await;
    }

    /// Deletes the child's Azure objects as recorded in the prior state; false on failure.
    async fn destroy_azure(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        response: &mut ApplyResponse,
    ) -> bool {
        let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
            response.new_state = request.prior_state.clone();
            return false;
        };
        let part = ChildAzurePart::new(backend, &request.prior_state, None);
        destroy_part(&part, request, response).await
    }

    /// Deletes the child's AWS objects as recorded in the prior state; false on failure.
    async fn destroy_aws(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        response: &mut ApplyResponse,
    ) -> bool {
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            response.new_state = request.prior_state.clone();
            return false;
        };
        let part = ChildAwsPart::new(aws_backend(ctx, &context), &request.prior_state, None);
        destroy_part(&part, request, response).await
    }
}

#[async_trait]
impl Resource for BackupChild {
    fn type_name(&self) -> &'static str {
        "backup_child"
    }

    fn schema(&self) -> Schema {
        child_schema().clone()
    }

    fn identity_schema(&self) -> Option<Schema> {
        Some(Schema::new(
            "",
            vec![Attribute::string("name")
                .required()
                .description("The child's name.")],
        ))
    }

    fn identity(&self, state: &Value) -> Option<Value> {
        let name = state.get("name")?.clone();
        Some(Value::Object(BTreeMap::from([("name".to_string(), name)])))
    }

    async fn modify_plan(&self, ctx: &Context, request: &PlanRequest, response: &mut PlanResponse) {
        if request.is_destroy() {
            return;
        }
        let evaluation = plan_policy_node(
            child_schema(),
            request,
            response,
            CLOUD_COMPUTED,
            CloudAnchorsPatch::default(),
        );
        let document = match &evaluation {
            Evaluation::Known(document) => Some(&**document),
            _ => None,
        };
        apigee::plan(ctx, request, document, response).await;
        if has_block(&request.config, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            let part = ChildAzurePart::new(backend.clone(), &request.config, None);
            let mut update = NodeUpdate::default();
            part.plan(request, document, &mut update, &mut response.diagnostics);
            update.write(&mut response.planned_state);
            if let Some(check) = app_service_region::RegionCheck::of_config(&request.config) {
                let child = NodeRecord::of(&request.config).name().to_string();
                let diagnostics = &mut response.diagnostics;
                app_service_region::check_regions(&*backend, document, &check, &child, diagnostics)
                    .await;
            }
        }
        if !has_block(&request.config, "aws") {
            return;
        }
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            return;
        };
        let model =
            decode_block::<ChildAwsModel>(&request.config, "aws", &mut response.diagnostics);
        let part = ChildAwsPart::new(aws_backend(ctx, &context), &request.config, model);
        let mut update = NodeUpdate::default();
        part.plan(request, document, &mut update, &mut response.diagnostics);
        update.write(&mut response.planned_state);
    }

    async fn create(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        self.converge(ctx, request, response).await;
    }

    async fn read(&self, ctx: &Context, request: &ReadRequest, response: &mut ReadResponse) {
        let mut state = request.current_state.clone();
        if has_block(&state, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            let part = ChildAzurePart::new(backend, &state, None);
            if !read_part(&part, &mut state, response).await {
                return;
            }
        }
        if !has_block(&state, "aws") {
            return;
        }
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            return;
        };
        let part = ChildAwsPart::new(aws_backend(ctx, &context), &state, None);
        read_part(&part, &mut state, response).await;
    }

    async fn update(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        // A removed cloud block: its objects go first.
        if has_block(&request.prior_state, "azure")
            && !has_block(&request.config, "azure")
            && !self.destroy_azure(ctx, request, response).await
        {
            return;
        }
        if has_block(&request.prior_state, "aws")
            && !has_block(&request.config, "aws")
            && !self.destroy_aws(ctx, request, response).await
        {
            return;
        }
        self.converge(ctx, request, response).await;
    }

    async fn delete(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        if has_block(&request.prior_state, "azure")
            && !self.destroy_azure(ctx, request, response).await
        {
            return;
        }
        if has_block(&request.prior_state, "aws") {
            self.destroy_aws(ctx, request, response).await;
        }
    }

    async fn import(&self, _ctx: &Context, request: &ImportRequest, response: &mut ImportResponse) {
        match import_state(child_schema(), request) {
            Ok(state) => response.state = state,
            Err(d) => response.diagnostics.push(d),
        }
    }
}
