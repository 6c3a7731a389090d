//! The `backup_app` list resource, for `terraform query`: the apps this provider manages on AWS
//! in the provider configuration's account and region, found by the `backup:kind = app` tag on
//! their plans, each with its identity and (when asked) a state rebuilt from its plan, so that
//! `-generate-config-out` writes `import` and `resource` blocks that import cleanly. On Azure
//! (`list_azure`), by the `backup:app` tag on their vaults.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::{
    null_object, Attribute, Context, Diagnostic, Diagnostics, ListRequest, ListResource,
    ListResults, Listed, Schema,
};
use tfvalue::Value;

use super::super::diagnostics::cloud_diagnostic;
use super::super::policy_schema::policy_attribute;
use super::super::provider_data::{aws_backend, ProviderData};
use super::super::state::set_attr;
use super::schema::app_schema;
use super::RESOURCE;
use crate::cloud::aws::KIND_APP;
use crate::cloud::{BackupBackend, CloudError, PlanSpec, PlanSummary, RuleSpec};

/// The `backup_app` list resource.
pub(crate) struct BackupAppList;

#[async_trait]
impl ListResource for BackupAppList {
    fn type_name(&self) -> &'static str {
        RESOURCE
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Finds the `backup_app`s this provider manages in the account and region (AWS) or subscription \
             (Azure) of the list's provider configuration. AWS: the backup plans it tagged `backup:kind = app` \
             (apps created or updated by this provider version or later); with `include_resource = true` the \
             state is rebuilt from the plan: the rules and tags as a root policy, the vault and the accounts \
             allowed to copy in. Azure: the Recovery Services vaults it tagged `backup:app = <name>` (likewise) \
             that hold the app's policy; the state is the one an import by policy id gives (the `azure` block \
             as the vault reports it), with rules that translate to the Azure policy (one per tier: `daily`, \
             `weekly`, `monthly`, `yearly`) and the vault's tags. Each result carries the app's identity \
             (`name`). A parent, guardrails, the vault lock, the KMS key and (Azure) access, alerts and \
             governance are not recovered; add them to the generated configuration if the app had them.",
            vec![Attribute::string("name_prefix")
                .optional()
                .description("Only apps whose name starts with this prefix.")],
        )
    }

    async fn list(&self, ctx: &Context, request: &ListRequest, results: &mut ListResults) {
        let data = ctx.provider_data::<ProviderData>();
        let azure = data.and_then(|d| d.azure.clone());
        // AWS when configured (or when nothing is, to say so); then Azure.
        if azure.is_none() || data.is_some_and(|d| d.aws.is_some()) {
            if let Some(backend) = list_backend(ctx, RESOURCE, results) {
                list_apps(&*backend, request, results).await;
            }
        }
        if let Some(azure) = azure.filter(|_| !results.is_done()) {
            let prefix = request.config.get("name_prefix").and_then(Value::as_str);
            let prefix = prefix.unwrap_or_default().to_string();
            super::list_azure::list_apps(&*azure, &prefix, request, results).await;
        }
    }
}

/// AWS Backup in the list's provider configuration, or an error result when it has no AWS settings.
pub(crate) fn list_backend(
    ctx: &Context,
    type_name: &str,
    results: &mut ListResults,
) -> Option<Arc<dyn BackupBackend>> {
    let context = ctx
        .provider_data::<ProviderData>()
        .and_then(|data| data.aws.clone());
    let Some(context) = context else {
        let _ = results.diagnostics(
            Diagnostic::error(
                "Provider has no AWS settings",
                format!(
                    "The {type_name} list finds objects on AWS Backup, but the provider configuration it \
                     uses has no AWS settings. Add `aws = {{ region = \"...\" }}` to the provider block the \
                     list names with `provider = backup` (or `backup.<alias>`)."
                ),
            )
            .into(),
        );
        return None;
    };
    Some(aws_backend(ctx, &context))
}

/// Lists the apps of `backend` into `results`; a cloud error ends the list with its diagnostic.
async fn list_apps(backend: &dyn BackupBackend, request: &ListRequest, results: &mut ListResults) {
    let prefix = request
        .config
        .get("name_prefix")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    // With a prefix the plans are filtered here, so the listing cannot stop at the limit.
    let limit = match prefix.is_empty() {
        true => usize::try_from(request.limit).unwrap_or(0),
        false => usize::MAX,
    };
    let plans = match backend.list_plans_of_kind(KIND_APP, limit).await {
        Ok(plans) => plans,
        Err(e) => return fail(results, RESOURCE, "", &e),
    };
    for plan in plans.into_iter().filter(|p| p.name.starts_with(&prefix)) {
        if results.is_done() {
            return;
        }
        let state = if request.include_resource_object {
            match app_state(backend, &plan).await {
                Ok(Some(state)) => Some(state),
                Ok(None) => continue, // deleted since it was listed
                Err(e) => return fail(results, RESOURCE, &plan.name, &e),
            }
        } else {
            None
        };
        if results.push(listed_by_name(plan.name, state)).is_break() {
            return;
        }
    }
}

/// A found app or child: identified, and shown, by its name.
pub(crate) fn listed_by_name(name: String, state: Option<Value>) -> Listed {
    Listed {
        identity: Value::Object(BTreeMap::from([(
            "name".to_string(),
            Value::from(name.clone()),
        )])),
        display_name: name,
        state,
    }
}

/// Ends a list with the cloud error met listing `name` (empty: the listing itself) of `resource`.
pub(crate) fn fail(results: &mut ListResults, resource: &str, name: &str, error: &CloudError) {
    let _ = results.diagnostics(Diagnostics::from(cloud_diagnostic(resource, name, error)));
}

/// The app's state as an import would leave it after its first apply, rebuilt from its plan:
/// `policy` holds the plan's rules and tags, `aws` its vault and the accounts allowed to copy in.
/// `None` when the plan is gone or writes to no vault.
async fn app_state(
    backend: &dyn BackupBackend,
    summary: &PlanSummary,
) -> Result<Option<Value>, CloudError> {
    let Some(plan) = backend.find_plan_by_id(&summary.state.plan_id).await? else {
        return Ok(None);
    };
    let Some(vault_name) = plan.spec.rules.first().map(|r| r.target_vault.clone()) else {
        return Ok(None);
    };
    let schema = app_schema();
    let mut state = null_object(&schema.attributes);
    set_attr(&mut state, "id", Value::from(summary.name.clone()));
    set_attr(&mut state, "name", Value::from(summary.name.clone()));
    set_attr(&mut state, "force_destroy", Value::Bool(false));
    set_attr(&mut state, "policy", policy_value(&plan.spec));
    let children = schema
        .attribute("aws")
        .and_then(Attribute::children)
        .unwrap_or_default();
    let mut aws = null_object(children);
    set_attr(&mut aws, "vault_name", Value::from(vault_name.clone()));
    let accounts = backend
        .find_vault_access_policy(&vault_name)
        .await?
        .unwrap_or_default();
    if !accounts.is_empty() {
        let accounts = accounts.into_iter().map(Value::from).collect();
        set_attr(&mut aws, "allow_copy_from_accounts", Value::List(accounts));
    }
    set_attr(&mut state, "aws", aws);
    set_attr(&mut state, "aws_plan_id", Value::from(plan.state.plan_id));
    set_attr(
        &mut state,
        "aws_vault_arn",
        Value::from(backend.vault_arn(&vault_name)),
    );
    Ok(Some(state))
}

/// `policy` as a root app would state the plan: each rule with the values the plan holds (so the
/// effective rules, and the plan they translate to, are the same), and the plan's tags.
pub(crate) fn policy_value(spec: &PlanSpec) -> Value {
    let rules = spec
        .rules
        .iter()
        .map(|rule| (rule.name.clone(), rule_value(rule)))
        .collect();
    let tags = match spec.tags.is_empty() {
        true => Value::Null,
        false => string_map(&spec.tags),
    };
    // Every other part of `policy` (access, alerts, restore testing, ...) stays null.
    let parts = policy_attribute(false);
    let mut policy = null_object(parts.children().unwrap_or_default());
    set_attr(&mut policy, "rules", Value::Object(rules));
    set_attr(&mut policy, "tags", tags);
    policy
}

fn rule_value(rule: &RuleSpec) -> Value {
    let mut fields = BTreeMap::new();
    let mut set = |name: &str, value: Value| {
        fields.insert(name.to_string(), value);
    };
    if !rule.schedule.is_empty() {
        set("schedule", Value::from(rule.schedule.clone()));
    }
    set(
        "start_window_minutes",
        Value::from(rule.start_window_minutes),
    );
    set(
        "completion_window_minutes",
        Value::from(rule.completion_window_minutes),
    );
    if rule.lifecycle.delete_after_days > 0 {
        set(
            "retention_days",
            Value::from(rule.lifecycle.delete_after_days),
        );
    }
    if let Some(days) = rule.lifecycle.cold_after_days {
        set("cold_storage_after_days", Value::from(days));
    }
    if rule.enable_continuous_backup {
        set("enable_continuous_backup", Value::Bool(true));
    }
    if !rule.recovery_point_tags.is_empty() {
        set("recovery_point_tags", string_map(&rule.recovery_point_tags));
    }
    if !rule.copy_actions.is_empty() {
        let copies = rule
            .copy_actions
            .iter()
            .map(|copy| {
                let mut fields = BTreeMap::from([(
                    "vault_arn".to_string(),
                    Value::from(copy.destination_vault_arn.clone()),
                )]);
                if copy.lifecycle.delete_after_days > 0 {
                    let days = Value::from(copy.lifecycle.delete_after_days);
                    fields.insert("retention_days".to_string(), days);
                }
                if let Some(days) = copy.lifecycle.cold_after_days {
                    fields.insert("cold_storage_after_days".to_string(), Value::from(days));
                }
                Value::Object(fields)
            })
            .collect();
        set("copy_to", Value::Tuple(copies));
    }
    Value::Object(fields)
}

/// A string map value of `tags`.
pub(crate) fn string_map(tags: &crate::cloud::Tags) -> Value {
    Value::Map(
        tags.iter()
            .map(|(k, v)| (k.clone(), Value::from(v.clone())))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use backup_policy::RulePatch;
    use backup_policy::{AppInput, CloudAnchorsPatch, CopyPatch, PolicyDocument, PolicyPatch};
    use tfplugin::framework::generate_config;

    use super::*;
    use crate::cloud::aws::translate::plan_spec;
    use crate::cloud::aws::{with_kind, KIND_CHILD};
    use crate::resources::effective_policy::{evaluate, Evaluation};
    use crate::resources::fakes::{FakeAws, ListReader};

    /// Root app `name`'s document: a daily rule with a copy, cold storage and recovery point tags,
    /// and a weekly rule with continuous backup.
    fn document(name: &str) -> PolicyDocument {
        let daily = RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            retention_days: Some(200),
            cold_storage_after_days: Some(30),
            recovery_point_tags: Some([("commit".to_string(), "abc".to_string())].into()),
            copy_to: Some(vec![CopyPatch {
                vault_arn: "arn:aws:backup:eu-central-1:111111111111:backup-vault:dr".into(),
                retention_days: Some(90),
                cold_storage_after_days: None,
            }]),
            ..RulePatch::default()
        };
        let weekly = RulePatch {
            schedule: Some("cron(0 6 ? * 1 *)".into()),
            retention_days: Some(35),
            enable_continuous_backup: Some(true),
            start_window_minutes: Some(120),
            ..RulePatch::default()
        };
        let input = AppInput {
            name: name.into(),
            policy: PolicyPatch {
                rules: [("daily".to_string(), daily), ("weekly".to_string(), weekly)].into(),
                tags: [("owner".to_string(), "platform".to_string())].into(),
                ..PolicyPatch::default()
            },
            guardrails: Default::default(),
            anchors: CloudAnchorsPatch::default(),
        };
        backup_policy::evaluate(None, &input).expect("valid policy")
    }

    /// An account with apps `alpha` and `beta`, a derived child's plan and a plan of no kind.
    async fn account() -> Arc<FakeAws> {
        let aws = FakeAws::new("111111111111", "eu-west-1");
        for (name, kind) in [
            ("alpha", Some(KIND_APP)),
            ("child", Some(KIND_CHILD)),
            ("manual", None),
            ("beta", Some(KIND_APP)),
        ] {
            let mut spec = plan_spec(&document(name), name, &format!("{name}-vault"), None);
            if let Some(kind) = kind {
                spec.tags = with_kind(spec.tags, kind);
            }
            aws.create_plan(&spec).await.unwrap();
        }
        let accounts = ["222222222222".to_string()];
        aws.put_vault_access_policy("alpha-vault", &accounts)
            .await
            .unwrap();
        aws
    }

    /// What a list sends: found objects and diagnostics' summaries.
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
        list_apps(aws, &request, &mut results).await;
        reader.received()
    }

    #[tokio::test]
    async fn lists_the_apps_by_their_kind_tag_within_limit_and_prefix() {
        let aws = account().await;
        let (all, problems) = run(&aws, None, 100).await;
        assert!(problems.is_empty(), "{problems:?}");
        let names: Vec<_> = all.iter().map(|l| l.display_name.as_str()).collect();
        assert_eq!(names, ["alpha", "beta"]);
        assert_eq!(all[0].identity.get("name"), Some(&Value::from("alpha")));
        let (one, _) = run(&aws, None, 1).await;
        assert_eq!(one.len(), 1);
        let (beta, _) = run(&aws, Some("b"), 100).await;
        assert_eq!(beta[0].display_name, "beta");
        aws.world().calls.fail_on = Some("list_plans_of_kind");
        let (none, problems) = run(&aws, None, 100).await;
        assert!(none.is_empty());
        assert_eq!(problems, ["AWS Backup error for backup_app \"\""]);
    }

    #[tokio::test]
    async fn the_generated_configuration_makes_the_same_plan() {
        let aws = account().await;
        let (all, _) = run(&aws, Some("alpha"), 100).await;
        let state = all[0].state.clone().expect("the resource object");
        let aws_block = state.get("aws").unwrap();
        assert_eq!(
            aws_block.get("vault_name"),
            Some(&Value::from("alpha-vault"))
        );
        assert_eq!(
            aws_block.get("allow_copy_from_accounts"),
            Some(&Value::List(vec![Value::from("222222222222")]))
        );
        let config = generate_config(app_schema(), &state);
        assert_eq!(config.get("aws_plan_id"), Some(&Value::Null));
        let mut diagnostics = Diagnostics::new();
        let Evaluation::Known(document) = evaluate(
            app_schema(),
            &config,
            CloudAnchorsPatch::default(),
            &mut diagnostics,
        ) else {
            panic!("the generated policy is valid: {diagnostics:?}");
        };
        let recorded = aws.find_plan_by_name("alpha").await.unwrap().unwrap();
        assert_eq!(
            plan_spec(&document, "alpha", "alpha-vault", None),
            recorded.spec
        );
    }

    #[tokio::test]
    async fn an_app_from_before_the_kind_tag_reads_clean_and_is_tagged_by_its_next_apply() {
        use crate::cloud::aws::translate::vault_tags;
        use crate::cloud::aws::KIND_TAG;
        use crate::cloud::part::Presence;
        use crate::cloud::VaultSpec;
        use crate::resources::fakes::{converge_into, read_into};
        use crate::resources::model::decode_block;

        let aws = FakeAws::new("111111111111", "eu-west-1");
        let doc = document("old");
        let vault = VaultSpec {
            name: "old-vault".into(),
            kms_key_arn: None,
            tags: vault_tags(&doc),
        };
        aws.ensure_vault(&vault).await.unwrap();
        let plan = aws
            .create_plan(&plan_spec(&doc, "old", "old-vault", None))
            .await
            .unwrap();
        let mut state = null_object(&app_schema().attributes);
        set_attr(&mut state, "name", Value::from("old"));
        set_attr(&mut state, "policy_document", Value::from(doc.to_json()));
        set_attr(&mut state, "aws_plan_id", Value::from(plan.plan_id.clone()));
        set_attr(
            &mut state,
            "aws_vault_arn",
            Value::from(aws.vault_arn("old-vault")),
        );
        let mut block = null_object(
            app_schema()
                .attribute("aws")
                .and_then(Attribute::children)
                .unwrap(),
        );
        set_attr(&mut block, "vault_name", Value::from("old-vault"));
        set_attr(&mut state, "aws", block);
        let model = decode_block(&state, "aws", &mut Diagnostics::new());
        let part = super::super::AppAwsPart::new(aws.clone(), &state, model);
        let quiet = &mut Diagnostics::new();

        let mut read = state.clone();
        assert_eq!(
            read_into(&part, &mut read, quiet).await,
            Ok(Presence::Present)
        );
        assert_eq!(read, state, "no drift from the missing tag");
        assert!(run(&aws, None, 10).await.0.is_empty(), "not listed yet");

        let mut applied = state.clone();
        converge_into(&part, &doc, &state, &mut applied, quiet)
            .await
            .unwrap();
        {
            let world = aws.world();
            let kind = |tags: &crate::cloud::Tags| tags.get(KIND_TAG).cloned();
            assert_eq!(
                kind(&world.plans[&plan.plan_id].spec.tags).as_deref(),
                Some("app")
            );
            assert_eq!(
                kind(&world.vaults["old-vault"].tags).as_deref(),
                Some("app")
            );
        }
        let mut reread = applied.clone();
        assert_eq!(
            read_into(&part, &mut reread, quiet).await,
            Ok(Presence::Present)
        );
        assert_eq!(reread, applied, "no drift from the added tag");
        assert!(quiet.is_empty(), "{quiet:?}");
        let names: Vec<_> = run(&aws, None, 10)
            .await
            .0
            .into_iter()
            .map(|l| l.display_name)
            .collect();
        assert_eq!(names, ["old"]);
    }
}
