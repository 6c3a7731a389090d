//! Unit tests of `backup_child`: placement, plan specs, and its parts against in-memory backends.

use backup_policy::{AppInput, CloudAnchorsPatch, PolicyPatch, RulePatch};

use backup_policy::PolicyDocument;

use super::model::ChildAwsModel;
use super::placement::Placement;
use crate::cloud::aws::translate::plan_spec;
use crate::resources::backup_app::AwsAnchorFor;

use std::sync::Arc;

use backup_policy::AzureAnchor;
use tfplugin::framework::{null_object, Diagnostics};
use tfvalue::Value;

use super::model::ChildAzureModel;
use super::schema::child_schema;
use super::{ChildAwsPart, ChildAzurePart};
use crate::cloud::azure::VaultRef;
use crate::cloud::part::{CloudPart, Presence};
use crate::cloud::BackupBackend;
use crate::resources::fakes::{
    converge_into, create_plan, object, read_into, str_attr, FakeAws, FakeAzure,
};
use crate::resources::model::decode_block;
use crate::resources::state::set_attr;

mod governance;
mod recovery;
mod restore_testing;

const CENTRAL: &str = "111111111111";
const MEMBER: &str = "222222222222";

fn root() -> PolicyDocument {
    root_keyed(None)
}

/// The root app, its vault encrypted with `key` when given.
fn root_keyed(key: Option<&str>) -> PolicyDocument {
    let mut anchor = AwsAnchorFor::test(CENTRAL, "eu-west-1", "root", "root-vault");
    anchor.kms_key_arn = key.map(str::to_string);
    let rule = RulePatch {
        schedule: Some("cron(0 5 ? * * *)".into()),
        retention_days: Some(35),
        ..RulePatch::default()
    };
    let input = AppInput {
        name: "root".into(),
        policy: PolicyPatch {
            rules: [("daily".to_string(), rule)].into(),
            tags: [("owner".to_string(), "platform".to_string())].into(),
            ..Default::default()
        },
        guardrails: Default::default(),
        anchors: CloudAnchorsPatch {
            aws: Some(anchor),
            azure: None,
        },
    };
    backup_policy::evaluate(None, &input).unwrap()
}

fn child(retention: Option<i64>) -> PolicyDocument {
    child_of(&root(), retention)
}

/// Child `child` under `parent`, changing the daily rule's retention when given.
fn child_of(parent: &PolicyDocument, retention: Option<i64>) -> PolicyDocument {
    let mut policy = PolicyPatch::default();
    if let Some(days) = retention {
        let rule = RulePatch {
            retention_days: Some(days),
            ..RulePatch::default()
        };
        policy.rules.insert("daily".into(), rule);
    }
    let input = AppInput {
        name: "child".into(),
        policy,
        guardrails: Default::default(),
        anchors: CloudAnchorsPatch::default(),
    };
    backup_policy::evaluate(Some(&parent.to_json()), &input).unwrap()
}

fn model() -> ChildAwsModel {
    ChildAwsModel {
        resources: Some(vec![
            "arn:aws:dynamodb:eu-west-1:111111111111:table/t".into()
        ]),
        selection_tags: None,
        iam_role_arn: "arn:aws:iam::111111111111:role/backup".into(),
        vault_name: None,
    }
}

#[test]
fn placement_table() {
    let central_vault = "arn:aws:backup:eu-west-1:111111111111:backup-vault:root-vault";
    let cases = [
        // (what, child's retention change, account, region, expected)
        (
            "same account, region, policy",
            None,
            CENTRAL,
            "eu-west-1",
            Placement::Joined {
                plan_name: "root".into(),
                anchor_app: "root".into(),
                vault_key: None,
            },
        ),
        (
            "changed policy",
            Some(90),
            CENTRAL,
            "eu-west-1",
            Placement::Derived {
                plan_name: "child".into(),
                vault_name: "child".into(),
                central_vault_arn: None,
            },
        ),
        (
            "other region",
            None,
            CENTRAL,
            "us-east-1",
            Placement::Derived {
                plan_name: "child".into(),
                vault_name: "child".into(),
                central_vault_arn: None,
            },
        ),
        (
            "other account",
            None,
            MEMBER,
            "eu-west-1",
            Placement::Derived {
                plan_name: "child".into(),
                vault_name: "child".into(),
                central_vault_arn: Some(central_vault.into()),
            },
        ),
    ];
    for (what, retention, account, region, expected) in cases {
        let placement = Placement::decide_in(&child(retention), account, region, "child", &model());
        assert_eq!(placement, expected, "{what}");
    }
}

#[test]
fn derived_plan_in_another_account_copies_to_the_central_vault_with_the_rule_retention() {
    let central_vault = "arn:aws:backup:eu-west-1:111111111111:backup-vault:root-vault";
    let spec = plan_spec(&child(Some(90)), "child", "child", Some(central_vault));
    assert_eq!(spec.name, "child");
    assert_eq!(spec.tags.get("owner").map(String::as_str), Some("platform"));
    let rule = &spec.rules[0];
    assert_eq!(
        (rule.name.as_str(), rule.target_vault.as_str()),
        ("daily", "child")
    );
    assert_eq!(rule.lifecycle.delete_after_days, 90);
    assert_eq!(rule.copy_actions.len(), 1);
    assert_eq!(rule.copy_actions[0].destination_vault_arn, central_vault);
    assert_eq!(rule.copy_actions[0].lifecycle.delete_after_days, 90);
}

const TABLE: &str = "arn:aws:dynamodb:eu-west-1:111111111111:table/t";
const VM: &str =
    "/subscriptions/sub-1/resourceGroups/rg-vm/providers/Microsoft.Compute/virtualMachines/vm1";

/// Child `child`'s configuration (and state shape) with an `aws` and an `azure` block.
fn child_config() -> Value {
    let mut config = null_object(&child_schema().attributes);
    set_attr(&mut config, "name", Value::from("child"));
    set_attr(&mut config, "force_destroy", Value::Bool(false));
    let aws = object(&[
        ("resources", Value::List(vec![Value::from(TABLE)])),
        ("selection_tags", Value::Null),
        (
            "iam_role_arn",
            Value::from("arn:aws:iam::111111111111:role/backup"),
        ),
        ("vault_name", Value::Null),
    ]);
    set_attr(&mut config, "aws", aws);
    let azure = object(&[
        ("vm_ids", Value::List(vec![Value::from(VM)])),
        ("app_service", Value::Null),
    ]);
    set_attr(&mut config, "azure", azure);
    config
}

fn aws_part(aws: &Arc<FakeAws>, value: &Value) -> ChildAwsPart {
    let model: Option<ChildAwsModel> = decode_block(value, "aws", &mut Diagnostics::default());
    ChildAwsPart::new(aws.clone(), value, model)
}

#[tokio::test]
async fn a_child_like_its_ancestor_joins_the_ancestors_plan() {
    let aws = FakeAws::new(CENTRAL, "eu-west-1");
    let root_plan = aws
        .create_plan(&plan_spec(&root(), "root", "root-vault", None))
        .await
        .unwrap();
    aws.world().calls.log.clear();
    let config = child_config();
    let part = aws_part(&aws, &config);
    let mut state = config.clone();
    let quiet = &mut Diagnostics::default();
    converge_into(&part, &child(None), &Value::Null, &mut state, quiet)
        .await
        .unwrap();
    assert_eq!(str_attr(&state, "mode"), Some("joined"));
    assert_eq!(
        str_attr(&state, "aws_plan_id"),
        Some(root_plan.plan_id.as_str())
    );
    assert_eq!(
        aws.world().calls.operations(),
        [
            "find_plan_by_name",
            "list_selections_by_name",
            "create_selection"
        ]
    );
    let selection_id = str_attr(&state, "aws_selection_id").unwrap().to_string();
    assert_eq!(
        aws.world().selections[&(root_plan.plan_id.clone(), selection_id)]
            .spec
            .resources,
        [TABLE]
    );

    set_attr(
        &mut state,
        "policy_document",
        Value::from(child(None).to_json()),
    );
    let part = aws_part(&aws, &state);
    let mut read = state.clone();
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read, state);
    aws.world().selections.clear();
    assert_eq!(read_into(&part, &mut read, quiet).await, Ok(Presence::Gone));
}

#[tokio::test]
async fn a_child_in_another_account_derives_a_plan_copying_to_the_central_vault() {
    let aws = FakeAws::new(MEMBER, "eu-west-1");
    let config = child_config();
    let part = aws_part(&aws, &config);
    let mut state = config.clone();
    let quiet = &mut Diagnostics::default();
    let document = child(None);
    converge_into(&part, &document, &Value::Null, &mut state, quiet)
        .await
        .unwrap();
    assert_eq!(str_attr(&state, "mode"), Some("derived"));
    assert_eq!(
        aws.world().calls.operations(),
        [
            "ensure_vault",
            "find_plan_by_name",
            "create_plan",
            "create_selection"
        ]
    );
    let plan_id = str_attr(&state, "aws_plan_id").unwrap().to_string();
    let copies = aws.world().plans[&plan_id].spec.rules[0]
        .copy_actions
        .clone();
    assert_eq!(copies.len(), 1);
    assert_eq!(
        copies[0].destination_vault_arn,
        "arn:aws:backup:eu-west-1:111111111111:backup-vault:root-vault"
    );

    aws.world().calls.log.clear();
    // As Terraform records it: the applied document (without restore testing).
    set_attr(
        &mut state,
        "policy_document",
        Value::from(document.to_json()),
    );
    let part = aws_part(&aws, &state);
    assert_eq!(part.destroy(&state, quiet).await, Ok(()));
    assert_eq!(
        aws.world().calls.operations(),
        ["delete_selection", "delete_plan", "delete_vault"]
    );
    let world = aws.world();
    assert!(world.vaults.is_empty() && world.plans.is_empty() && world.selections.is_empty());
}

/// The root's document with an Azure anchor (vault `rsv`, policy `root`) in subscription `sub-1`.
fn azure_child_parent() -> PolicyDocument {
    let rule = RulePatch {
        schedule: Some("cron(0 5 ? * * *)".into()),
        retention_days: Some(35),
        ..RulePatch::default()
    };
    let anchor = AzureAnchor {
        app: "root".into(),
        subscription_id: "sub-1".into(),
        resource_group: "rg-backup".into(),
        vault_name: "rsv".into(),
        vault_id: "/subscriptions/sub-1/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv".into(),
        policy_name: "root".into(),
    };
    let root = AppInput {
        name: "root".into(),
        policy: PolicyPatch {
            rules: [("daily".to_string(), rule)].into(),
            tags: Default::default(),
            ..Default::default()
        },
        guardrails: Default::default(),
        anchors: CloudAnchorsPatch {
            aws: None,
            azure: Some(anchor),
        },
    };
    backup_policy::evaluate(None, &root).unwrap()
}

/// A child of [`azure_child_parent`] changing the retention (so it derives a policy of its own).
fn azure_child() -> PolicyDocument {
    let root = azure_child_parent();
    let mut policy = PolicyPatch::default();
    let change = RulePatch {
        retention_days: Some(90),
        ..RulePatch::default()
    };
    policy.rules.insert("daily".into(), change);
    let input = AppInput {
        name: "child".into(),
        policy,
        guardrails: Default::default(),
        anchors: CloudAnchorsPatch::default(),
    };
    backup_policy::evaluate(Some(&root.to_json()), &input).unwrap()
}

#[tokio::test]
async fn azure_part_protects_vms_with_a_derived_policy_and_removes_them() {
    let azure = FakeAzure::new("sub-1");
    let config = child_config();
    let quiet = &mut Diagnostics::default();
    let model: Option<ChildAzureModel> = decode_block(&config, "azure", quiet);
    let part = ChildAzurePart::new(azure.clone(), &config, model);
    let document = azure_child();
    let mut state = config.clone();
    converge_into(&part, &document, &Value::Null, &mut state, quiet)
        .await
        .unwrap();
    assert_eq!(
        azure.world().calls.operations(),
        ["ensure_policy", "protect_vm"]
    );
    let vault = VaultRef::new("rg-backup", "rsv");
    assert!(
        str_attr(&state, "azure_policy_id").is_some_and(|id| id.ends_with("/backupPolicies/child"))
    );
    assert!(azure
        .world()
        .policies
        .contains_key(&(vault.clone(), "child".to_string())));

    set_attr(
        &mut state,
        "policy_document",
        Value::from(document.to_json()),
    );
    let part = ChildAzurePart::new(azure.clone(), &state, None);
    let mut read = state.clone();
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read, state);
    // A VM no longer protected is drift: the next plan restores it.
    azure.world().vms.clear();
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read.get("policy_document"), Some(&Value::Null));

    converge_into(&part, &document, &state, &mut read, quiet)
        .await
        .unwrap();
    azure.world().calls.log.clear();
    assert_eq!(part.destroy(&state, quiet).await, Ok(()));
    assert_eq!(
        azure.world().calls.operations(),
        ["stop_protection", "delete_policy"]
    );
    let world = azure.world();
    assert!(world.vms.is_empty() && world.policies.is_empty());
}

#[tokio::test]
async fn an_azure_child_plans_creates_reads_and_deletes_through_the_resource() {
    use tfplugin::framework::{
        ApplyRequest, ApplyResponse, Context, ReadRequest, ReadResponse, Resource,
    };

    use super::CLOUD_COMPUTED;
    use crate::resources::{BackupChild, ProviderData};

    let azure = FakeAzure::new("sub-1");
    let ctx = Context {
        provider_data: Some(Arc::new(ProviderData {
            aws: None,
            azure: Some(azure.clone()),
            ..ProviderData::default()
        })),
        ..Context::default()
    };
    // The child inherits the root's policy unchanged: its VM joins the root's own policy.
    let root = azure_child_parent();
    let mut config = child_config();
    set_attr(&mut config, "aws", Value::Null);
    set_attr(&mut config, "parent", Value::from(root.to_json()));
    let (request, mut plan) = create_plan(&config, CLOUD_COMPUTED);
    BackupChild.modify_plan(&ctx, &request, &mut plan).await;
    assert!(plan.diagnostics.clone().into_vec().is_empty());
    let planned = plan.planned_state;
    assert!(str_attr(&planned, "azure_policy_id")
        .is_some_and(|id| id.ends_with("/backupPolicies/root")));
    assert!(
        matches!(planned.get("azure_protected_item_ids"), Some(Value::List(ids)) if ids.len() == 1)
    );
    assert_eq!(planned.get("mode"), Some(&Value::Null));
    assert!(azure.world().calls.log.is_empty(), "plan calls nothing");

    let create = ApplyRequest {
        config: config.clone(),
        prior_state: Value::Null,
        planned_state: planned.clone(),
        planned_private: Vec::new(),
    };
    let mut created = ApplyResponse {
        new_state: planned.clone(),
        ..ApplyResponse::default()
    };
    BackupChild.create(&ctx, &create, &mut created).await;
    assert!(created.diagnostics.clone().into_vec().is_empty());
    let state = created.new_state;
    assert_eq!(state, planned, "apply makes what the plan showed");
    // Joined: no policy of its own.
    assert!(azure.world().policies.is_empty());

    let mut refreshed = ReadResponse {
        new_state: state.clone(),
        ..ReadResponse::default()
    };
    let read = ReadRequest {
        current_state: state.clone(),
        private: Vec::new(),
    };
    BackupChild.read(&ctx, &read, &mut refreshed).await;
    assert_eq!(refreshed.new_state, state);

    let delete = ApplyRequest {
        config: Value::Null,
        prior_state: state.clone(),
        planned_state: Value::Null,
        planned_private: Vec::new(),
    };
    let mut deleted = ApplyResponse {
        new_state: state,
        ..ApplyResponse::default()
    };
    BackupChild.delete(&ctx, &delete, &mut deleted).await;
    assert!(deleted.diagnostics.clone().into_vec().is_empty());
    assert_eq!(
        azure.world().calls.operations(),
        ["protect_vm", "find_protected_vm", "stop_protection"]
    );
    assert!(azure.world().vms.is_empty());
}

/// A joined child whose anchor vault gets a new key (vault and plan replaced) is placed
/// differently, so its plan and selection ids become unknown in the same plan.
#[test]
fn a_new_anchor_key_moves_a_joined_child() {
    let before = Placement::decide_in(&child(None), CENTRAL, "eu-west-1", "child", &model());
    let key = "arn:aws:kms:eu-west-1:111111111111:key/new";
    let document = child_of(&root_keyed(Some(key)), None);
    let after = Placement::decide_in(&document, CENTRAL, "eu-west-1", "child", &model());
    assert!(matches!(after, Placement::Joined { vault_key: Some(ref k), .. } if k == key));
    assert_ne!(before, after);
}
