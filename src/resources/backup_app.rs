//! `backup_app`: a root or intermediate app holding policy and guardrails.

use std::collections::BTreeMap;

use async_trait::async_trait;
use backup_policy::{AzureAnchor, CloudAnchorsPatch};
use tfplugin::framework::{
    validators, ApplyRequest, ApplyResponse, Attribute, Context, Diagnostics, ImportRequest,
    ImportResponse, PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
};
use tfvalue::{Type, Value};

use crate::cloud::azure::VaultRef;

use super::app_aws::{self, anchor, AppAwsModel, ReadOutcome};
use super::app_azure::{self, AppAzureModel};
use super::aws::{aws_context, backend, cloud_diagnostic, str_attr};
use super::azure::{azure_backend, azure_diagnostic, translate};
use super::cloud_schema::{app_aws_attribute, app_azure_attribute, object_name};
use super::effective_policy::{evaluate, Evaluation};
use super::node::{
    converge_policy_node, has_block, null_unknowns, plan_policy_node, settle_policy_document,
};
use super::policy_schema::policy_attribute;
use super::provider::ProviderData;
use super::state::{import_state, set_attr};

/// How diagnostics name this resource type.
const RESOURCE: &str = "backup_app";

/// The `backup_app` resource.
pub struct BackupApp;

/// Attributes computed from the cloud objects an app creates; null for a pure policy node.
const CLOUD_COMPUTED: &[&str] = &[
    "aws_vault_arn",
    "aws_plan_id",
    "azure_vault_id",
    "azure_policy_id",
];

impl BackupApp {
    /// Creates or updates the app's AWS and Azure objects and fills in the state. A failure
    /// part-way saves what exists (a created app is then tainted: the next apply replaces it,
    /// deleting it first; an updated one gets a null `policy_document`, so the next plan converges
    /// it again).
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
        let mut anchors = CloudAnchorsPatch::default();
        let mut aws = None;
        if has_block(&request.config, "aws") {
            let Some(context) = aws_context(ctx, RESOURCE, diagnostics) else {
                return;
            };
            let Some(model) = AppAwsModel::of(&request.config, diagnostics) else {
                return;
            };
            anchors.aws = Some(anchor(&context, &name, &model.vault_name));
            aws = Some((context, model));
        }
        let mut azure = None;
        if has_block(&request.config, "azure") {
            let Some(backend) = azure_backend(ctx, RESOURCE, diagnostics) else {
                return;
            };
            let Some(model) = AppAzureModel::of(&request.config, diagnostics) else {
                return;
            };
            anchors.azure = Some(app_azure::anchor(&*backend, &name, &model));
            azure = Some((backend, model));
        }
        let mut state = request.planned_state.clone();
        let schema = app_schema();
        let Some(document) =
            settle_policy_document(schema, &request.config, &mut state, anchors, diagnostics)
        else {
            return;
        };
        let mut failed = false;
        if let Some((context, model)) = aws {
            let prior = AppAwsModel::of(&request.prior_state, &mut Diagnostics::default());
            let prior_plan_id = str_attr(&request.prior_state, "aws_plan_id");
            let backend = backend(ctx, &context);
            if let Err(e) = app_aws::converge(
                &backend,
                &name,
                &model,
                prior.as_ref(),
                prior_plan_id,
                &document,
                &mut state,
            )
            .await
            {
                diagnostics.push(cloud_diagnostic(RESOURCE, &name, &e));
                failed = true;
            }
        }
        if let (false, Some((backend, model))) = (failed, azure) {
            if let Err(problems) =
                app_azure::converge(&*backend, &name, &model, &document, &mut state).await
            {
                diagnostics.extend(problems);
                failed = true;
            }
        }
        null_unknowns(&mut state, CLOUD_COMPUTED);
        if failed && !request.prior_state.is_null() {
            set_attr(&mut state, "policy_document", Value::Null);
        }
        response.new_state = state;
    }

    /// Deletes the app's Azure policy and vault as recorded in the prior state.
    async fn destroy_azure(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        prior: &AppAzureModel,
        response: &mut ApplyResponse,
    ) -> Result<(), ()> {
        let name = str_attr(&request.prior_state, "name").unwrap_or_default();
        let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
            return Err(());
        };
        let force = force_destroy(&request.prior_state);
        app_azure::destroy(&*backend, name, prior, force)
            .await
            .map_err(|e| {
                response
                    .diagnostics
                    .push(azure_diagnostic(RESOURCE, name, &e))
            })
    }

    /// Deletes the app's AWS objects as recorded in the prior state.
    async fn destroy_aws(
        &self,
        ctx: &Context,
        request: &ApplyRequest,
        prior: &AppAwsModel,
        response: &mut ApplyResponse,
    ) -> Result<(), ()> {
        let name = str_attr(&request.prior_state, "name").unwrap_or_default();
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            return Err(());
        };
        let force = force_destroy(&request.prior_state);
        let plan_id = str_attr(&request.prior_state, "aws_plan_id");
        app_aws::destroy(&backend(ctx, &context), prior, plan_id, force)
            .await
            .map_err(|e| {
                response
                    .diagnostics
                    .push(cloud_diagnostic(RESOURCE, name, &e))
            })
    }

    fn guardrails_attribute() -> Attribute {
        Attribute::single_nested(
            "guardrails",
            vec![
                Attribute::number("min_retention_days")
                    .optional()
                    .validator(validators::int_between(1, 36500))
                    .description("No rule of this app or any descendant may keep recovery points for fewer days."),
                Attribute::number("max_retention_days")
                    .optional()
                    .validator(validators::int_between(1, 36500))
                    .description("No rule of this app or any descendant may keep recovery points for more days."),
                Attribute::bool("require_copy")
                    .optional()
                    .description("Every rule of every descendant must keep at least one `copy_to` entry."),
                Attribute::typed("locked", Type::list(Type::String)).optional().description(
                    "Policy fields descendants may not change, as `rules.<rule>.<field>`, `rules.<rule>` or \
                     `tags.<key>`. Each entry must name a field that exists in the effective policy.",
                ),
                Attribute::bool("allow_new_rules")
                    .optional()
                    .description("Whether descendants may add rules of their own. Once `false`, no descendant can turn it back on."),
            ],
        )
        .optional_nested()
        .description(
            "Limits for this app's descendants. They accumulate down the tree: a descendant can only tighten them.",
        )
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
        let aws = has_block(&request.config, "aws");
        let mut anchors = CloudAnchorsPatch::default();
        // The vault ARN is known at plan time: account and region come from the provider.
        let mut vault_arn = Value::unknown();
        if aws {
            let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            let vault_name = request
                .config
                .get("aws")
                .and_then(|a| a.get("vault_name"))
                .and_then(Value::as_str);
            if let (Some(vault_name), Some(name)) = (vault_name, str_attr(&request.config, "name"))
            {
                anchors.aws = Some(anchor(&context, name, vault_name));
                vault_arn = Value::from(context.vault_arn(vault_name));
            }
        }
        let azure = has_block(&request.config, "azure");
        let mut azure_ids = (Value::unknown(), Value::unknown());
        if azure {
            let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            let block = request.config.get("azure");
            let known = |field: &str| {
                block
                    .and_then(|a| a.get(field))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            };
            if let (Some(resource_group), Some(vault_name), Some(name)) = (
                known("resource_group"),
                known("vault_name"),
                str_attr(&request.config, "name"),
            ) {
                let vault = VaultRef::new(&resource_group, &vault_name);
                azure_ids = (
                    Value::from(backend.vault_id(&vault)),
                    Value::from(backend.policy_id(&vault, name)),
                );
                anchors.azure = Some(AzureAnchor {
                    app: name.to_string(),
                    subscription_id: backend.subscription_id().to_string(),
                    resource_group,
                    vault_name,
                    vault_id: backend.vault_id(&vault),
                    policy_name: name.to_string(),
                });
            }
        }
        let anchored = (!aws || anchors.aws.is_some()) && (!azure || anchors.azure.is_some());
        let evaluation = plan_policy_node(app_schema(), request, response, CLOUD_COMPUTED, anchors);
        if azure {
            // What Azure cannot express fails the plan, at the rule's path.
            if let Evaluation::Known(document) = &evaluation {
                translate(document, &mut response.diagnostics);
            }
            let planned = &mut response.planned_state;
            set_attr(planned, "azure_vault_id", azure_ids.0);
            set_attr(planned, "azure_policy_id", azure_ids.1);
        }
        if !anchored {
            set_attr(
                &mut response.planned_state,
                "policy_document",
                Value::unknown(),
            );
        }
        if aws {
            let planned = &mut response.planned_state;
            set_attr(planned, "aws_vault_arn", vault_arn);
            let plan_id = match request.prior_state.get("aws_plan_id") {
                Some(id @ Value::String(_)) => id.clone(),
                _ => Value::unknown(),
            };
            set_attr(planned, "aws_plan_id", plan_id);
        }
    }

    async fn create(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        if has_block(&request.config, "aws") || has_block(&request.config, "azure") {
            self.converge_clouds(ctx, request, response).await;
        } else {
            converge_policy_node(app_schema(), request, response, CLOUD_COMPUTED);
        }
    }

    async fn read(&self, ctx: &Context, request: &ReadRequest, response: &mut ReadResponse) {
        let mut state = request.current_state.clone();
        let name = str_attr(&state, "name").unwrap_or_default().to_string();
        if let Some(model) = AppAzureModel::of(&state, &mut response.diagnostics) {
            let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                return;
            };
            match app_azure::read(&*backend, &name, &model, &mut state).await {
                Ok(true) => {}
                Ok(false) => {
                    response.new_state = Value::Null;
                    return;
                }
                Err(e) => {
                    response
                        .diagnostics
                        .push(azure_diagnostic(RESOURCE, &name, &e));
                    return;
                }
            }
            if AppAwsModel::of(&state, &mut Diagnostics::default()).is_none() {
                response.new_state = state;
                return;
            }
        }
        let Some(model) = AppAwsModel::of(&state, &mut response.diagnostics) else {
            // A pure policy node has nothing remote to read: its state is its configuration. An
            // imported app (no policy_document yet) adopts the plan named after it, if any.
            let imported = state.get("policy_document").is_some_and(Value::is_null);
            let context = ctx
                .provider_data::<ProviderData>()
                .and_then(|d| d.aws.clone());
            if let (true, Some(context)) = (imported, context) {
                let schema = app_schema();
                let Some(aws_attribute) = schema.attribute("aws") else {
                    return;
                };
                let backend = backend(ctx, &context);
                match app_aws::adopt(&backend, &name, aws_attribute, &mut state).await {
                    Ok(_) => response.new_state = state,
                    Err(e) => response
                        .diagnostics
                        .push(cloud_diagnostic(RESOURCE, &name, &e)),
                }
            }
            return;
        };
        let Some(context) = aws_context(ctx, RESOURCE, &mut response.diagnostics) else {
            return;
        };
        let backend = backend(ctx, &context);
        match app_aws::read(&backend, &name, &model, &mut state).await {
            Ok(ReadOutcome::Gone) => response.new_state = Value::Null,
            Ok(ReadOutcome::Present) => response.new_state = state,
            Err(e) => response
                .diagnostics
                .push(cloud_diagnostic(RESOURCE, &name, &e)),
        }
    }

    async fn update(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        let quiet = &mut Diagnostics::default();
        // A removed (or moved) cloud block: its old objects go first.
        if let Some(prior) = AppAzureModel::of(&request.prior_state, quiet) {
            let moved = AppAzureModel::of(&request.config, quiet)
                .is_none_or(|now| now.vault() != prior.vault());
            if moved {
                if let Err(()) = self.destroy_azure(ctx, request, &prior, response).await {
                    response.new_state = request.prior_state.clone();
                    return;
                }
            }
        }
        if !has_block(&request.config, "aws") {
            if let Some(prior) = AppAwsModel::of(&request.prior_state, quiet) {
                if let Err(()) = self.destroy_aws(ctx, request, &prior, response).await {
                    response.new_state = request.prior_state.clone();
                    return;
                }
            }
        }
        if has_block(&request.config, "aws") || has_block(&request.config, "azure") {
            self.converge_clouds(ctx, request, response).await;
        } else {
            converge_policy_node(app_schema(), request, response, CLOUD_COMPUTED);
        }
    }

    async fn delete(&self, ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        if let Some(prior) = AppAzureModel::of(&request.prior_state, &mut Diagnostics::default()) {
            if let Err(()) = self.destroy_azure(ctx, request, &prior, response).await {
                response.new_state = request.prior_state.clone();
                return;
            }
        }
        if let Some(prior) = AppAwsModel::of(&request.prior_state, &mut Diagnostics::default()) {
            let _ = self.destroy_aws(ctx, request, &prior, response).await;
        }
    }

    async fn import(&self, ctx: &Context, request: &ImportRequest, response: &mut ImportResponse) {
        let mut state = match import_state(app_schema(), request) {
            Ok(state) => state,
            Err(d) => return response.diagnostics.push(d),
        };
        // An app on Azure is imported by its policy's ARM id: its name alone does not say which
        // vault holds it. (On AWS the name suffices: `read` finds the plan named after the app.)
        if request.identity.is_none() {
            if let Some(id) = app_azure::PolicyImportId::parse(&request.id) {
                let Some(backend) = azure_backend(ctx, RESOURCE, &mut response.diagnostics) else {
                    return;
                };
                let Some(azure_attribute) = app_schema().attribute("azure") else {
                    return;
                };
                set_attr(&mut state, "id", Value::from(id.app.clone()));
                set_attr(&mut state, "name", Value::from(id.app.clone()));
                if let Err(d) = app_azure::adopt(&*backend, &id, azure_attribute, &mut state).await
                {
                    return response.diagnostics.push(d);
                }
            }
        }
        response.state = state;
    }
}

/// Whether the app's state allows destroy to delete recovery points (`force_destroy = true`).
fn force_destroy(state: &Value) -> bool {
    matches!(state.get("force_destroy"), Some(Value::Bool(true)))
}

/// Built once: Terraform asks for the schema once, but plan and apply consult it per resource.
fn app_schema() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::new(
            "A root or intermediate app of the backup tree. It holds the organisation's (or an environment's) \
             backup policy and guardrails; children name it through `parent = backup_app.<name>.policy_document`. \
             With an `aws` or `azure` block it also owns a vault and a plan or policy there; without, it is a pure \
             policy node that calls no cloud API.",
            vec![
                Attribute::string("id")
                    .computed()
                    .use_state_for_unknown()
                    .description("The app's name."),
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(validators::string_length(1, 50))
                    .validator(object_name())
                    .description("Unique name of the app; names its cloud objects. Changing it replaces the app."),
                Attribute::string("parent").optional().description(
                    "The parent app's `policy_document`, or null for a root app. With a parent, `policy` holds only \
                     what this app changes and `guardrails` may only tighten.",
                ),
                policy_attribute(false),
                BackupApp::guardrails_attribute(),
                app_aws_attribute(),
                app_azure_attribute(),
                Attribute::bool("force_destroy").default_value(false).description(
                    "Whether destroying the app may delete vaults that still hold recovery points. Default `false`: \
                     destroy fails and says why. On AWS `true` deletes the vault's recovery points; on Azure it purges \
                     the vault's soft-deleted items (turning soft delete off first), which fails for `AlwaysON`.",
                ),
                Attribute::string("policy_document").computed().description(
                    "The effective policy after inheritance, as canonical JSON: rules, tags, accumulated \
                     guardrails, lineage, provenance of every value and a content hash. Known at plan time whenever \
                     its inputs are. Pass it to children as their `parent`.",
                ),
                Attribute::string("aws_vault_arn").computed().description("ARN of the app's AWS backup vault; null without `aws`."),
                Attribute::string("aws_plan_id").computed().description("Id of the app's AWS backup plan; null without `aws`."),
                Attribute::string("azure_vault_id").computed().description("Resource id of the app's Recovery Services vault; null without `azure`."),
                Attribute::string("azure_policy_id").computed().description("Resource id of the app's Azure backup policy; null without `azure`."),
            ],
        )
    })
}
