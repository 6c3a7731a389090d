//! `backup_app`: a root or intermediate app holding policy and guardrails.

use std::collections::BTreeMap;

use async_trait::async_trait;
use backup_policy::CloudAnchorsPatch;
use tfplugin::framework::{
    validators, ApplyRequest, ApplyResponse, Attribute, Context, Diagnostics, ImportRequest,
    ImportResponse, PlanRequest, PlanResponse, ReadRequest, ReadResponse, Resource, Schema,
};
use tfvalue::{Type, Value};

use super::cloud_schema::{app_aws_attribute, app_azure_attribute};
use super::effective_policy::evaluate;
use super::node::{converge_policy_node, plan_policy_node};
use super::policy_schema::policy_attribute;
use super::state::import_state;

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
                    .description("Unique name of the app; names its cloud objects. Changing it replaces the app."),
                Attribute::string("parent").optional().description(
                    "The parent app's `policy_document`, or null for a root app. With a parent, `policy` holds only \
                     what this app changes and `guardrails` may only tighten.",
                ),
                policy_attribute(false),
                Self::guardrails_attribute(),
                app_aws_attribute(),
                app_azure_attribute(),
                Attribute::bool("force_destroy").default_value(false).description(
                    "Whether destroying the app may delete vaults that still hold recovery points. Default `false`: \
                     destroy fails and says why.",
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
                &self.schema(),
                config,
                CloudAnchorsPatch::default(),
                diagnostics,
            );
        }
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

    async fn read(&self, _ctx: &Context, _request: &ReadRequest, _response: &mut ReadResponse) {
        // A pure policy node has nothing remote to read: its state is its configuration.
    }

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
