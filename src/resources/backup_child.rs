//! `backup_child`: a leaf app that adapts inherited policy and protects resources.

use std::collections::BTreeMap;

use async_trait::async_trait;
use tfplugin::framework::{
    validators, ApplyRequest, ApplyResponse, Attribute, Context, ImportRequest, ImportResponse,
    PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
};
use tfvalue::{Type, Value};

use super::cloud_schema::{child_aws_attribute, child_azure_attribute};
use super::node::{converge_policy_node, plan_policy_node};
use super::policy_schema::policy_attribute;
use super::state::import_state;

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

#[async_trait]
impl Resource for BackupChild {
    fn type_name(&self) -> &'static str {
        "backup_child"
    }

    fn schema(&self) -> Schema {
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

    async fn modify_plan(
        &self,
        _ctx: &Context,
        request: &PlanRequest,
        response: &mut PlanResponse,
    ) {
        plan_policy_node(&self.schema(), request, response, CLOUD_COMPUTED);
    }

    async fn create(&self, _ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        converge_policy_node(&self.schema(), request, response, CLOUD_COMPUTED);
    }

    async fn read(&self, _ctx: &Context, _request: &ReadRequest, _response: &mut ReadResponse) {}

    async fn update(&self, _ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        converge_policy_node(&self.schema(), request, response, CLOUD_COMPUTED);
    }

    async fn delete(&self, _ctx: &Context, _request: &ApplyRequest, _response: &mut ApplyResponse) {
    }

    async fn import(&self, _ctx: &Context, request: &ImportRequest, response: &mut ImportResponse) {
        match import_state(&self.schema(), request) {
            Ok(state) => response.state = state,
            Err(d) => response.diagnostics.push(d),
        }
    }
}
