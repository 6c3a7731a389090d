//! `backup_child`: a leaf app that adapts inherited policy and protects resources.

use std::collections::BTreeMap;

use async_trait::async_trait;
use backup_policy::CloudAnchorsPatch;
use tfplugin::framework::{
    validators, ApplyRequest, ApplyResponse, Attribute, Context, Diagnostics, ImportRequest,
    ImportResponse, PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
};
use tfvalue::{Type, Value};

use super::aws::{aws_context, backend, cloud_diagnostic, state_document, str_attr};
use super::azure::{azure_backend, azure_diagnostic};
use super::child_aws::{self, ChildAwsModel, Desired, Placement, Recorded};
use super::child_azure::{self, ChildAzureModel};
use super::cloud_schema::{child_aws_attribute, child_azure_attribute, object_name};
use super::effective_policy::Evaluation;
use super::node::{
    converge_policy_node, has_block, null_unknowns, plan_policy_node, settle_policy_document,
};
use super::policy_schema::policy_attribute;
use super::state::{import_state, set_attr};

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
    /// Creates or updates the child's AWS objects and fills in the state. A failure part-way saves
    /// what exists (a created child is then tainted and replaced by the next apply; an updated one
    /// gets a null `policy_document`, so the next plan converges it again).
    async fn converge_clouds(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        response: &mut ApplyResponse,
    ) {
        let diagnostics = &mut response.diagnostics;
        response.new_state = request.prior_state.clone();
        let name = str_attr(&request.config, "name")
            .unwrap_or_default()
            .to_string();
        let mut azure = None;
        if has_block(&request.config, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, diagnostics) else {
                return;
            };
            let Some(model) = ChildAzureModel::of(&request.config, diagnostics) else {
                return;
            };
            azure = Some((backend, model));
        }
        let mut aws = None;
        if has_block(&request.config, "aws") {
            let Some(context) = aws_context(ctx, RESOURCE, diagnostics) else {
                return;
            };
            let Some(model) = ChildAwsModel::of(&request.config, diagnostics) else {
                return;
            };
            aws = Some((context, model));
        }
        let mut state = request.planned_state.clone();
        let schema = child_schema();
        let Some(document) = settle_policy_document(
            schema,
            &request.config,
            &mut state,
            CloudAnchorsPatch::default(),
            diagnostics,
        ) else {
            return;
        };
        let mut failed = false;
        if let Some((context, model)) = aws {
            let placement = Placement::decide(&document, &context, &name, &model);
            let prior = Recorded::of(&request.prior_state);
            let force = matches!(request.config.get("force_destroy"), Some(Value::Bool(true)));
            let desired = Desired {
                child: &name,
                model: &model,
                placement: &placement,
                document: &document,
            };
            let result =
                child_aws::converge(&backend(ctx, &context), &desired, &prior, force, &mut state)
                    .await;
            if let Err(e) = result {
                diagnostics.push(cloud_diagnostic(RESOURCE, &name, &e));
                failed = true;
            }
        }
        if let (false, Some((backend, model))) = (failed, azure) {
            let prior = child_azure::Recorded::of(&*backend, &name, &request.prior_state);
            failed = child_azure::converge(
                &*backend,
                &name,
                &document,
                &model,
                &prior,
                &mut state,
                diagnostics,
            )
            .await
            .is_err();
        }
        null_unknowns(&mut state, CLOUD_COMPUTED);
        if failed && !request.prior_state.is_null() {
            set_attr(&mut state, "policy_document", Value::Null);
        }
        response.new_state = state;
    }

    /// Deletes the child's Azure objects as recorded in the prior state.
    async fn destroy_azure(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        response: &mut ApplyResponse,
    ) -> Result<(), ()> {
        let name = str_attr(&request.prior_state, "name").unwrap_or_default();
        let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
            return Err(());
        };
        let prior = child_azure::Recorded::of(&*backend, name, &request.prior_state);
        child_azure::destroy(&*backend, name, &prior, &mut response.diagnostics).await
    }

    /// Deletes the child's AWS objects as recorded in the prior state.
    async fn destroy_aws(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        response: &mut ApplyResponse,
    ) -> Result<(), ()> {
        let name = str_attr(&request.prior_state, "name").unwrap_or_default();
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            return Err(());
        };
        let force = matches!(
            request.prior_state.get("force_destroy"),
            Some(Value::Bool(true))
        );
        let prior = Recorded::of(&request.prior_state);
        child_aws::destroy(&backend(ctx, &context), name, &prior, force)
            .await
            .map_err(|e| {
                response
                    .diagnostics
                    .push(cloud_diagnostic(RESOURCE, name, &e))
            })
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
        if has_block(&request.config, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            let name = str_attr(&request.config, "name").unwrap_or_default();
            match &evaluation {
                Evaluation::Known(document) => child_azure::plan(
                    &*backend,
                    name,
                    document,
                    &request.config,
                    &mut response.planned_state,
                    &mut response.diagnostics,
                ),
                _ => {
                    for attribute in ["azure_policy_id", "azure_protected_item_ids"] {
                        set_attr(&mut response.planned_state, attribute, Value::unknown());
                    }
                }
            }
        }
        if !has_block(&request.config, "aws") {
            return;
        }
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            return;
        };
        let planned = &mut response.planned_state;
        let name = str_attr(&request.config, "name").unwrap_or_default();
        let model = ChildAwsModel::of(&request.config, &mut response.diagnostics);
        let (Evaluation::Known(document), Some(model)) = (&evaluation, model) else {
            for attribute in ["mode", "aws_plan_id", "aws_selection_id"] {
                set_attr(planned, attribute, Value::unknown());
            }
            return;
        };
        // The mode is known at plan time; ids stay as they are unless the placement moves.
        let placement = Placement::decide(document, &context, name, &model);
        set_attr(planned, "mode", Value::from(placement.mode()));
        let prior_placement = state_document(&request.prior_state)
            .zip(ChildAwsModel::of(
                &request.prior_state,
                &mut Diagnostics::default(),
            ))
            .map(|(doc, prior_model)| Placement::decide(&doc, &context, name, &prior_model));
        let same_plan = match (&placement, &prior_placement) {
            (Placement::Derived { .. }, Some(Placement::Derived { .. })) => true,
            (a @ Placement::Joined { .. }, Some(b)) => a == b,
            _ => false,
        };
        let plan_id = request
            .prior_state
            .get("aws_plan_id")
            .filter(|v| matches!(v, Value::String(_)));
        let plan_id = plan_id.filter(|_| same_plan).cloned();
        let same_selection = plan_id.is_some()
            && request.prior_state.get("aws").is_some_and(|p| {
                request.config.get("aws").is_some_and(|c| {
                    let pick = |v: &Value| {
                        ["resources", "selection_tags", "iam_role_arn"].map(|n| v.get(n).cloned())
                    };
                    pick(p) == pick(c)
                })
            });
        let selection_id = request
            .prior_state
            .get("aws_selection_id")
            .filter(|v| matches!(v, Value::String(_)) && same_selection)
            .cloned();
        set_attr(
            planned,
            "aws_plan_id",
            plan_id.unwrap_or_else(Value::unknown),
        );
        set_attr(
            planned,
            "aws_selection_id",
            selection_id.unwrap_or_else(Value::unknown),
        );
    }

    async fn create(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        if has_block(&request.config, "aws") || has_block(&request.config, "azure") {
            self.converge_clouds(ctx, request, response).await;
        } else {
            converge_policy_node(child_schema(), request, response, CLOUD_COMPUTED);
        }
    }

    async fn read(&self, ctx: &Context, request: &ReadRequest, response: &mut ReadResponse) {
        let mut state = request.current_state.clone();
        let name = str_attr(&state, "name").unwrap_or_default().to_string();
        if has_block(&state, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            if let Err(e) = child_azure::read(&*backend, &name, &mut state).await {
                response
                    .diagnostics
                    .push(azure_diagnostic(RESOURCE, &name, &e));
                return;
            }
            response.new_state = state.clone();
        }
        if !has_block(&state, "aws") {
            return;
        }
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            return;
        };
        match child_aws::read(&backend(ctx, &context), &context, &name, &mut state).await {
            Ok(true) => response.new_state = state,
            Ok(false) => response.new_state = Value::Null,
            Err(e) => response
                .diagnostics
                .push(cloud_diagnostic(RESOURCE, &name, &e)),
        }
    }

    async fn update(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        // A removed cloud block: its objects go first.
        if has_block(&request.prior_state, "azure")
            && !has_block(&request.config, "azure")
            && self.destroy_azure(ctx, request, response).await.is_err()
        {
            response.new_state = request.prior_state.clone();
            return;
        }
        if has_block(&request.prior_state, "aws")
            && !has_block(&request.config, "aws")
            && self.destroy_aws(ctx, request, response).await.is_err()
        {
            response.new_state = request.prior_state.clone();
            return;
        }
        if has_block(&request.config, "aws") || has_block(&request.config, "azure") {
            self.converge_clouds(ctx, request, response).await;
        } else {
            converge_policy_node(child_schema(), request, response, CLOUD_COMPUTED);
        }
    }

    async fn delete(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        if has_block(&request.prior_state, "azure")
            && self.destroy_azure(ctx, request, response).await.is_err()
        {
            response.new_state = request.prior_state.clone();
            return;
        }
        if has_block(&request.prior_state, "aws") {
            let _ = self.destroy_aws(ctx, request, response).await;
        }
    }

    async fn import(&self, _ctx: &Context, request: &ImportRequest, response: &mut ImportResponse) {
        match import_state(child_schema(), request) {
            Ok(state) => response.state = state,
            Err(d) => response.diagnostics.push(d),
        }
    }
}

/// Built once: Terraform asks for the schema once, but plan and apply consult it per resource.
fn child_schema() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::new(
            "A leaf app: inherits the effective policy of its `parent`, adapts it within the ancestors' \
             guardrails, and protects resources with it in any account, region or subscription the provider \
             alias reaches.",
            vec![
                Attribute::string("id").computed().use_state_for_unknown().description("The child's name."),
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(validators::string_length(1, 50))
                    .validator(object_name())
                    .description("Unique name of the child; names its selection, plan and vault. Changing it replaces the child."),
                Attribute::string("parent")
                    .required()
                    .description("The parent app's `policy_document` (`backup_app.<name>.policy_document`)."),
                policy_attribute(true),
                child_aws_attribute(),
                child_azure_attribute(),
                Attribute::bool("force_destroy").default_value(false).description(
                    "Whether destroying the child may delete its own vault while it holds recovery points. Default `false`.",
                ),
                Attribute::string("policy_document")
                    .computed()
                    .description("The child's effective policy as canonical JSON (same format as `backup_app.policy_document`)."),
                Attribute::string("mode").computed().description(
                    "`joined` when the child's resources join the nearest AWS-backed ancestor's plan (same account, \
                     region and effective policy), `derived` when the child has its own plan; null without `aws`.",
                ),
                Attribute::string("aws_plan_id").computed().description("Id of the AWS backup plan the child's selection belongs to."),
                Attribute::string("aws_selection_id").computed().description("Id of the child's AWS backup selection."),
                Attribute::string("azure_policy_id").computed().description("Resource id of the Azure backup policy protecting the child's VMs."),
                Attribute::typed("azure_protected_item_ids", Type::list(Type::String))
                    .computed()
                    .description("Resource ids of the Azure protected items, one per VM."),
            ],
        )
    })
}
