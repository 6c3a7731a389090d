//! The `backup_child` list resource, for `terraform query`: the children this provider manages on
//! AWS in the provider configuration's account and region. A joined child is a selection (named
//! after it) in an app's plan; a derived child has its own plan, tagged `backup:kind = child`,
//! holding a selection of its name. Each is listed with its identity and (when asked) a state
//! rebuilt from its selection; its `parent` is not known to AWS and is left for the user to wire.

use async_trait::async_trait;
use tfplugin::framework::{
    null_object, Attribute, Context, ListRequest, ListResource, ListResults, Schema,
};
use tfvalue::Value;

use super::super::backup_app::list::{fail as fail_list, list_backend, listed_by_name, string_map};
use super::super::provider_data::ProviderData;
use super::super::state::set_attr;
use super::placement::{DERIVED, JOINED};
use super::schema::child_schema;
use super::RESOURCE;
use crate::cloud::aws::{KIND_APP, KIND_CHILD};
use crate::cloud::{BackupBackend, CloudError, PlanSummary, Selection};

/// The `backup_child` list resource.
pub(crate) struct BackupChildList;

#[async_trait]
impl ListResource for BackupChildList {
    fn type_name(&self) -> &'static str {
        RESOURCE
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Finds the `backup_child`ren this provider manages in the account and region (AWS) or subscription \
             (Azure) of the list's provider configuration. AWS: joined children, the selections in apps' plans \
             (tagged `backup:kind = app`), and derived children, the selection in each plan tagged `backup:kind = \
             child`; with `include_resource = true` the state is rebuilt from the selection: the resources, \
             selection tags and IAM role, and a derived child's vault. Azure: derived children, the policies \
             besides the app's own in the vaults tagged `backup:app`, with the VMs protected under them; a \
             joined child's VMs are protected under its app's policy and Azure records no child name, so joined \
             children on Azure are not listed (import them by name). Each result carries the child's identity \
             (`name`). Neither cloud knows a child's `parent`, nor what a derived child's `policy` changes: the \
             generated block leaves both null; set them before planning.",
            vec![Attribute::string("name_prefix")
                .optional()
                .description("Only children whose name starts with this prefix.")],
        )
    }

    async fn list(&self, ctx: &Context, request: &ListRequest, results: &mut ListResults) {
        let data = ctx.provider_data::<ProviderData>();
        let azure = data.and_then(|d| d.azure.clone());
        // AWS when configured (or when nothing is, to say so); then Azure.
        if azure.is_none() || data.is_some_and(|d| d.aws.is_some()) {
            if let Some(backend) = list_backend(ctx, RESOURCE, results) {
                list_children(&*backend, request, results).await;
            }
        }
        if let Some(azure) = azure.filter(|_| !results.is_done()) {
            let prefix = request.config.get("name_prefix").and_then(Value::as_str);
            let prefix = prefix.unwrap_or_default().to_string();
            super::list_azure::list_children(&*azure, &prefix, request, results).await;
        }
    }
}

/// Lists the children of `backend` into `results`; a cloud error ends the list with its diagnostic.
async fn list_children(
    backend: &dyn BackupBackend,
    request: &ListRequest,
    results: &mut ListResults,
) {
    let prefix = request
        .config
        .get("name_prefix")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    for (kind, mode) in [(KIND_APP, JOINED), (KIND_CHILD, DERIVED)] {
        let plans = match backend.list_plans_of_kind(kind, usize::MAX).await {
            Ok(plans) => plans,
            Err(e) => return fail_list(results, RESOURCE, "", &e),
        };
        for plan in plans {
            if results.is_done() {
                return;
            }
            let selections = match children_of(backend, &plan, mode).await {
                Ok(selections) => selections,
                Err(e) => return fail_list(results, RESOURCE, &plan.name, &e),
            };
            for selection in selections {
                let name = selection.spec.name.clone();
                if !name.starts_with(&prefix) {
                    continue;
                }
                let state = request
                    .include_resource_object
                    .then(|| child_state(backend, &plan, mode, &selection));
                let state = match state {
                    Some(pending) => match pending.await {
                        Ok(state) => Some(state),
                        Err(e) => return fail_list(results, RESOURCE, &name, &e),
                    },
                    None => None,
                };
                if results.push(listed_by_name(name, state)).is_break() {
                    return;
                }
            }
        }
    }
}

/// The children's selections in `plan`: every selection of an app's plan (an app selects nothing
/// itself), the one named after a derived child's plan.
async fn children_of(
    backend: &dyn BackupBackend,
    plan: &PlanSummary,
    mode: &str,
) -> Result<Vec<Selection>, CloudError> {
    let plan_id = &plan.state.plan_id;
    let mut selections = Vec::new();
    for id in backend.list_selection_ids(plan_id).await? {
        if let Some(selection) = backend.find_selection(plan_id, &id).await? {
            if mode == JOINED || selection.spec.name == plan.name {
                selections.push(selection);
            }
        }
    }
    selections.sort_by(|a, b| a.spec.name.cmp(&b.spec.name));
    Ok(selections)
}

/// The child's state as an import would leave it after its first apply, without `parent` and
/// `policy` (AWS does not know them).
async fn child_state(
    backend: &dyn BackupBackend,
    plan: &PlanSummary,
    mode: &str,
    selection: &Selection,
) -> Result<Value, CloudError> {
    let spec = &selection.spec;
    let schema = child_schema();
    let mut state = null_object(&schema.attributes);
    set_attr(&mut state, "id", Value::from(spec.name.clone()));
    set_attr(&mut state, "name", Value::from(spec.name.clone()));
    set_attr(&mut state, "force_destroy", Value::Bool(false));
    set_attr(&mut state, "mode", Value::from(mode));
    set_attr(
        &mut state,
        "aws_plan_id",
        Value::from(plan.state.plan_id.clone()),
    );
    set_attr(
        &mut state,
        "aws_selection_id",
        Value::from(selection.selection_id.clone()),
    );
    let children = schema
        .attribute("aws")
        .and_then(Attribute::children)
        .unwrap_or_default();
    let mut aws = null_object(children);
    set_attr(
        &mut aws,
        "iam_role_arn",
        Value::from(spec.iam_role_arn.clone()),
    );
    if !spec.resources.is_empty() {
        let resources = spec.resources.iter().cloned().map(Value::from).collect();
        set_attr(&mut aws, "resources", Value::List(resources));
    }
    if !spec.selection_tags.is_empty() {
        set_attr(&mut aws, "selection_tags", string_map(&spec.selection_tags));
    }
    if mode == DERIVED {
        // The vault the plan's rules write to; it defaults to the child's name.
        let rules = backend.find_plan_rules_by_id(&plan.state.plan_id).await?;
        let vault = rules.and_then(|r| r.first().map(|r| r.target_vault.clone()));
        if let Some(vault) = vault.filter(|v| *v != spec.name) {
            set_attr(&mut aws, "vault_name", Value::from(vault));
        }
    }
    set_attr(&mut state, "aws", aws);
    Ok(state)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use std::collections::BTreeMap;

    use tfplugin::framework::{generate_config, Listed};

    use super::*;
    use crate::cloud::aws::with_kind;
    use crate::cloud::{PlanSpec, SelectionSpec};
    use crate::resources::fakes::{FakeAws, ListReader};

    fn selection(name: &str, tags: bool) -> SelectionSpec {
        SelectionSpec {
            name: name.into(),
            iam_role_arn: "arn:aws:iam::111111111111:role/backup".into(),
            resources: vec![format!(
                "arn:aws:dynamodb:eu-west-1:111111111111:table/{name}"
            )],
            selection_tags: match tags {
                true => [("backup".to_string(), "yes".to_string())].into(),
                false => Default::default(),
            },
        }
    }

    /// An app `root` with joined children `orders` and `users`, and a derived child `billing`
    /// writing to vault `billing-vault`.
    async fn account() -> Arc<FakeAws> {
        let aws = FakeAws::new("111111111111", "eu-west-1");
        let plan = |name: &str, vault: &str, kind: &str| PlanSpec {
            name: name.into(),
            rules: vec![crate::cloud::RuleSpec {
                name: "daily".into(),
                target_vault: vault.into(),
                ..Default::default()
            }],
            tags: with_kind(Default::default(), kind),
        };
        let root = aws
            .create_plan(&plan("root", "root", KIND_APP))
            .await
            .unwrap();
        for (name, tags) in [("users", false), ("orders", true)] {
            aws.create_selection(&root.plan_id, &selection(name, tags))
                .await
                .unwrap();
        }
        let billing = aws
            .create_plan(&plan("billing", "billing-vault", KIND_CHILD))
            .await
            .unwrap();
        aws.create_selection(&billing.plan_id, &selection("billing", false))
            .await
            .unwrap();
        aws
    }

    async fn run(aws: &FakeAws, prefix: Option<&str>, limit: i64) -> (Vec<Listed>, Vec<String>) {
        let (mut results, reader) = ListReader::new(limit, usize::MAX);
        let config = Value::Object(BTreeMap::from([(
            "name_prefix".to_string(),
            prefix.map_or(Value::Null, Value::from),
        )]));
        let request = ListRequest {
            config,
            include_resource_object: true,
            limit,
        };
        list_children(aws, &request, &mut results).await;
        reader.received()
    }

    #[tokio::test]
    async fn lists_joined_then_derived_children_within_limit_and_prefix() {
        let aws = account().await;
        let (all, problems) = run(&aws, None, 100).await;
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<_> = all.iter().map(|l| l.display_name.as_str()).collect();
        assert_eq!(names, ["orders", "users", "billing"]);
        assert_eq!(run(&aws, None, 2).await.0.len(), 2);
        let (billing, _) = run(&aws, Some("bill"), 100).await;
        assert_eq!(billing.len(), 1);
        aws.world().calls.fail_on = Some("find_selection");
        let (none, problems) = run(&aws, None, 100).await;
        assert!(none.is_empty());
        assert_eq!(problems, ["AWS Backup error for backup_child \"root\""]);
    }

    #[tokio::test]
    async fn states_hold_the_selection_and_a_derived_childs_vault() {
        let aws = account().await;
        let (all, _) = run(&aws, None, 100).await;
        let state = |i: usize| all[i].state.clone().expect("resource object");
        let orders = generate_config(child_schema(), &state(0));
        let block = orders.get("aws").unwrap();
        assert_eq!(
            block.get("selection_tags"),
            Some(&Value::Map(
                [("backup".to_string(), Value::from("yes"))].into()
            ))
        );
        assert_eq!(block.get("vault_name"), Some(&Value::Null));
        assert_eq!(orders.get("parent"), Some(&Value::Null));
        assert_eq!(orders.get("mode"), Some(&Value::Null), "computed: left out");
        assert_eq!(state(0).get("mode"), Some(&Value::from("joined")));
        let billing = state(2);
        assert_eq!(billing.get("mode"), Some(&Value::from("derived")));
        assert_eq!(
            billing.get("aws").and_then(|a| a.get("vault_name")),
            Some(&Value::from("billing-vault"))
        );
    }
}
