//! Unit tests of `backup_app`'s cloud parts and the converge skeleton, against in-memory backends.

use std::sync::Arc;

use backup_policy::{AppInput, CloudAnchorsPatch, PolicyDocument, PolicyPatch, RulePatch};
use tfplugin::framework::{null_object, ApplyRequest, ApplyResponse, Diagnostics, PlanRequest};
use tfvalue::Value;

use super::model::{AppAwsModel, AppAzureModel};
use super::schema::app_schema;
use super::{AppAwsPart, AppAzurePart, CLOUD_COMPUTED};
use crate::cloud::part::Presence;
use crate::cloud::VaultLockState;
use crate::resources::fakes::{create_plan, object, read_into, str_attr, FakeAws, FakeAzure};
use crate::resources::model::decode_block;
use crate::resources::model::NodeUpdate;
use crate::resources::parts::{self, Part};
use crate::resources::state::{set_attr, set_nested_attr};

const ACCOUNT: &str = "111111111111";
const REGION: &str = "eu-west-1";

/// App `org-root`'s configuration with the cloud blocks asked for.
fn config(aws: bool, azure: bool) -> Value {
    let mut config = null_object(&app_schema().attributes);
    set_attr(&mut config, "name", Value::from("org-root"));
    set_attr(&mut config, "force_destroy", Value::Bool(false));
    if aws {
        let accounts = Value::List(vec![Value::from("222222222222")]);
        let block = object(&[
            ("vault_name", Value::from("org-root")),
            ("kms_key_arn", Value::Null),
            ("iam_role_arn", Value::Null),
            ("vault_lock", Value::Null),
            ("allow_copy_from_accounts", accounts),
        ]);
        set_attr(&mut config, "aws", block);
    }
    if azure {
        let block = object(&[
            ("resource_group", Value::from("rg-backup")),
            ("location", Value::from("westeurope")),
            ("vault_name", Value::from("rsv-org-root")),
            ("storage_redundancy", Value::Null),
            ("cross_region_restore", Value::Null),
            ("soft_delete", Value::Null),
            ("immutability", Value::Null),
        ]);
        set_attr(&mut config, "azure", block);
    }
    config
}

/// The app's effective policy (one daily rule kept 35 days) with the parts' anchors.
fn document(parts: &[Part]) -> PolicyDocument {
    let mut anchors = CloudAnchorsPatch::default();
    for part in parts {
        assert!(part.anchor(&mut anchors), "anchor known");
    }
    let rule = RulePatch {
        schedule: Some("cron(0 5 ? * * *)".into()),
        retention_days: Some(35),
        ..RulePatch::default()
    };
    let input = AppInput {
        name: "org-root".into(),
        policy: PolicyPatch {
            rules: [("daily".to_string(), rule)].into(),
            tags: [("owner".to_string(), "platform".to_string())].into(),
            ..Default::default()
        },
        guardrails: Default::default(),
        anchors,
    };
    backup_policy::evaluate(None, &input).expect("valid policy")
}

fn aws_part(aws: &Arc<FakeAws>, value: &Value) -> Part {
    let model: Option<AppAwsModel> = decode_block(value, "aws", &mut Diagnostics::default());
    Box::new(AppAwsPart::new(aws.clone(), value, model))
}

fn azure_part(azure: &Arc<FakeAzure>, value: &Value) -> Part {
    let model: Option<AppAzureModel> = decode_block(value, "azure", &mut Diagnostics::default());
    Box::new(AppAzurePart::new(azure.clone(), value, model))
}

/// Applies `config` over `prior_state` through the converge skeleton, as create or update.
async fn apply(config: &Value, prior_state: &Value, parts: &[Part]) -> ApplyResponse {
    let mut planned = config.clone();
    set_attr(&mut planned, "id", Value::from("org-root"));
    set_attr(
        &mut planned,
        "policy_document",
        Value::from(document(parts).to_json()),
    );
    for name in CLOUD_COMPUTED {
        set_attr(&mut planned, name, Value::unknown());
    }
    let request = ApplyRequest {
        config: config.clone(),
        prior_state: prior_state.clone(),
        planned_state: planned,
        planned_private: Vec::new(),
    };
    let mut response = ApplyResponse::default();
    parts::converge(app_schema(), &request, &mut response, parts, CLOUD_COMPUTED).await;
    response
}

fn errors(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .clone()
        .into_vec()
        .into_iter()
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn aws_part_creates_reads_back_and_destroys_the_vault_and_plan() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let config = config(true, false);
    let response = apply(&config, &Value::Null, &[aws_part(&aws, &config)]).await;
    assert!(errors(&response.diagnostics).is_empty());
    let state = response.new_state;
    assert_eq!(
        str_attr(&state, "aws_vault_arn"),
        Some("arn:aws:backup:eu-west-1:111111111111:backup-vault:org-root")
    );
    let plan_id = str_attr(&state, "aws_plan_id").unwrap().to_string();
    assert_eq!(state.get("azure_vault_id"), Some(&Value::Null));
    {
        let world = aws.world();
        assert_eq!(
            world.calls.operations(),
            [
                "ensure_vault",
                "put_vault_access_policy",
                "find_plan_by_name",
                "create_plan"
            ]
        );
        let plan = &world.plans[&plan_id];
        assert_eq!(plan.spec.name, "org-root");
        assert_eq!(plan.spec.rules[0].target_vault, "org-root");
        assert_eq!(plan.spec.rules[0].lifecycle.delete_after_days, 35);
        assert_eq!(world.access["org-root"], ["222222222222"]);
    }

    // Read back unchanged; then drift (retention changed out of band) nulls policy_document.
    let quiet = &mut Diagnostics::default();
    let mut read = state.clone();
    let part = aws_part(&aws, &state);
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read, state);
    aws.world().plans.get_mut(&plan_id).unwrap().spec.rules[0]
        .lifecycle
        .delete_after_days = 7;
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read.get("policy_document"), Some(&Value::Null));

    // A vault holding recovery points is kept unless force_destroy.
    aws.world()
        .vaults
        .get_mut("org-root")
        .unwrap()
        .recovery_points = 3;
    let mut diagnostics = Diagnostics::default();
    assert!(part.destroy(&state, &mut diagnostics).await.is_err());
    let problems = errors(&diagnostics);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("AWS Backup error for backup_app \"org-root\""),
        "{problems:?}"
    );
    let mut forced = state.clone();
    set_attr(&mut forced, "force_destroy", Value::Bool(true));
    assert_eq!(part.destroy(&forced, quiet).await, Ok(()));
    {
        let world = aws.world();
        assert!(world.vaults.is_empty() && world.plans.is_empty());
    }

    // Gone out of band: read says so.
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Gone)
    );
}

#[tokio::test]
async fn a_failed_aws_step_leaves_azure_untouched_and_an_update_converges_again() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let azure = FakeAzure::new("sub-1");
    aws.world().calls.fail_on = Some("create_plan");
    let config = config(true, true);
    let parts = [aws_part(&aws, &config), azure_part(&azure, &config)];
    let prior = config.clone();
    let response = apply(&config, &prior, &parts).await;
    let problems = errors(&response.diagnostics);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("injected failure"), "{problems:?}");
    assert!(azure.world().calls.log.is_empty());
    let state = response.new_state;
    // What exists is recorded; what does not is null, and the next plan converges again.
    assert!(str_attr(&state, "aws_vault_arn").is_some());
    assert_eq!(state.get("aws_plan_id"), Some(&Value::Null));
    assert_eq!(state.get("azure_policy_id"), Some(&Value::Null));
    assert_eq!(state.get("policy_document"), Some(&Value::Null));
}

#[tokio::test]
async fn azure_part_creates_reads_back_and_destroys_the_vault_and_policy() {
    let azure = FakeAzure::new("sub-1");
    let config = config(false, true);
    let response = apply(&config, &Value::Null, &[azure_part(&azure, &config)]).await;
    assert!(errors(&response.diagnostics).is_empty());
    let state = response.new_state;
    let vault_id = "/subscriptions/sub-1/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-org-root";
    assert_eq!(str_attr(&state, "azure_vault_id"), Some(vault_id));
    assert_eq!(
        str_attr(&state, "azure_policy_id"),
        Some(format!("{vault_id}/backupPolicies/org-root").as_str())
    );
    assert_eq!(state.get("aws_plan_id"), Some(&Value::Null));
    assert_eq!(
        azure.world().calls.operations(),
        ["ensure_vault", "ensure_policy"]
    );
    let vault = azure.world().vaults.values().next().cloned().unwrap();
    assert_eq!(
        vault.tags.get("owner").map(String::as_str),
        Some("platform")
    );

    let quiet = &mut Diagnostics::default();
    let part = azure_part(&azure, &state);
    let mut read = state.clone();
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read, state);

    azure.world().calls.log.clear();
    assert_eq!(part.destroy(&state, quiet).await, Ok(()));
    assert_eq!(
        azure.world().calls.operations(),
        [
            "find_vault",
            "list_protected_vms",
            "delete_policy",
            "delete_vault"
        ]
    );
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Gone)
    );
}

#[test]
fn plan_knows_ids_only_once_their_inputs_are_known() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let azure = FakeAzure::new("sub-1");
    let mut config = config(true, true);
    set_nested_attr(&mut config, "aws", "vault_name", Value::unknown());
    let request = PlanRequest {
        config: config.clone(),
        prior_state: Value::Null,
        proposed_state: config.clone(),
        prior_private: Vec::new(),
    };
    let (aws, azure) = (aws_part(&aws, &config), azure_part(&azure, &config));
    let mut anchors = CloudAnchorsPatch::default();
    assert!(!aws.anchor(&mut anchors));
    assert!(azure.anchor(&mut anchors));
    assert!(anchors.aws.is_none());
    assert_eq!(
        anchors.azure.as_ref().map(|a| a.policy_name.as_str()),
        Some("org-root")
    );
    let mut planned = config.clone();
    let mut diagnostics = Diagnostics::default();
    let mut update = NodeUpdate::default();
    aws.plan(&request, None, &mut update, &mut diagnostics);
    azure.plan(&request, None, &mut update, &mut diagnostics);
    update.write(&mut planned);
    assert!(planned.get("aws_vault_arn").is_some_and(Value::is_unknown));
    assert!(planned.get("aws_plan_id").is_some_and(Value::is_unknown));
    assert!(str_attr(&planned, "azure_policy_id")
        .is_some_and(|id| id.ends_with("/vaults/rsv-org-root/backupPolicies/org-root")));
    assert!(errors(&diagnostics).is_empty());
}

/// The app's configuration as Terraform sends it: every attribute present, the policy's rule
/// with all of its attributes.
fn full_config(aws: bool, azure: bool) -> Value {
    let mut config = config(aws, azure);
    let rule = object(&[
        ("schedule", Value::from("cron(0 5 ? * * *)")),
        ("start_window_minutes", Value::Null),
        ("completion_window_minutes", Value::Null),
        ("retention_days", Value::from(35)),
        ("cold_storage_after_days", Value::Null),
        ("enable_continuous_backup", Value::Null),
        ("copy_to", Value::Null),
        ("recovery_point_tags", Value::Null),
    ]);
    let tags = Value::Map([("owner".to_string(), Value::from("platform"))].into());
    let policy = object(&[
        ("rules", Value::Map([("daily".to_string(), rule)].into())),
        ("tags", tags),
    ]);
    set_attr(&mut config, "policy", policy);
    config
}

#[tokio::test]
async fn an_azure_app_plans_creates_reads_and_deletes_through_the_resource() {
    use std::sync::Arc as Shared;

    use tfplugin::framework::{Context, ReadRequest, ReadResponse, Resource};

    use crate::resources::{BackupApp, ProviderData};

    let azure = FakeAzure::new("sub-1");
    let data = ProviderData {
        aws: None,
        azure: Some(azure.clone()),
        ..ProviderData::default()
    };
    let ctx = Context {
        provider_data: Some(Shared::new(data)),
        ..Context::default()
    };
    let config = full_config(false, true);
    let (request, mut plan) = create_plan(&config, CLOUD_COMPUTED);
    BackupApp.modify_plan(&ctx, &request, &mut plan).await;
    assert!(errors(&plan.diagnostics).is_empty());
    let planned = plan.planned_state;
    // Known at plan time: the document (with its Azure anchor) and both ids; no AWS at all.
    let document = PolicyDocument::parse(str_attr(&planned, "policy_document").unwrap()).unwrap();
    assert_eq!(
        document
            .anchors()
            .azure
            .as_ref()
            .map(|a| a.location.vault_name.as_str()),
        Some("rsv-org-root")
    );
    assert!(str_attr(&planned, "azure_policy_id").is_some());
    assert_eq!(planned.get("aws_vault_arn"), Some(&Value::Null));
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
    BackupApp.create(&ctx, &create, &mut created).await;
    assert!(errors(&created.diagnostics).is_empty());
    let state = created.new_state;
    assert_eq!(state, planned, "apply makes what the plan showed");

    let read = ReadRequest {
        current_state: state.clone(),
        private: Vec::new(),
    };
    let mut refreshed = ReadResponse {
        new_state: state.clone(),
        ..ReadResponse::default()
    };
    BackupApp.read(&ctx, &read, &mut refreshed).await;
    assert!(errors(&refreshed.diagnostics).is_empty());
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
    BackupApp.delete(&ctx, &delete, &mut deleted).await;
    assert!(errors(&deleted.diagnostics).is_empty());
    assert_eq!(
        azure.world().calls.operations(),
        [
            "ensure_vault",
            "ensure_policy",
            "find_vault",
            "find_policy",
            "find_vault",
            "list_protected_vms",
            "delete_policy",
            "delete_vault"
        ]
    );
    let world = azure.world();
    assert!(world.vaults.is_empty() && world.policies.is_empty());
}

/// An app whose plan was created but never saved (Terraform killed mid-apply): the next apply
/// adopts the plan of the app's name and brings its rules in line, rather than making a second.
#[tokio::test]
async fn a_plan_left_by_an_interrupted_apply_is_adopted_and_updated() {
    use crate::cloud::{BackupBackend, PlanSpec};
    let aws = FakeAws::new(ACCOUNT, REGION);
    let left = aws
        .create_plan(&PlanSpec {
            name: "org-root".into(),
            ..PlanSpec::default()
        })
        .await
        .unwrap();
    aws.world().calls.log.clear();
    let config = config(true, false);
    let response = apply(&config, &Value::Null, &[aws_part(&aws, &config)]).await;
    assert!(errors(&response.diagnostics).is_empty());
    assert_eq!(
        str_attr(&response.new_state, "aws_plan_id"),
        Some(left.plan_id.as_str())
    );
    let world = aws.world();
    assert_eq!(
        world.calls.operations(),
        [
            "ensure_vault",
            "put_vault_access_policy",
            "find_plan_by_name",
            "update_plan"
        ]
    );
    assert_eq!(world.plans.len(), 1);
    assert_eq!(
        world.plans[&left.plan_id].spec.rules[0]
            .lifecycle
            .delete_after_days,
        35
    );
}

/// A vault lock removed or changed out of band, and a vault encrypted with another key, read back
/// into the state (from the one vault description a refresh makes anyway); the next apply puts the
/// configured lock back.
#[tokio::test]
async fn lock_and_key_drift_is_read_back_and_the_lock_restored() {
    const KEY: &str = "arn:aws:kms:eu-west-1:111111111111:key/configured";
    let aws = FakeAws::new(ACCOUNT, REGION);
    let mut config = config(true, false);
    let lock = object(&[
        ("min_retention_days", Value::from(7)),
        ("max_retention_days", Value::from(365)),
        ("changeable_for_days", Value::from(30)),
    ]);
    set_nested_attr(&mut config, "aws", "vault_lock", lock.clone());
    set_nested_attr(&mut config, "aws", "kms_key_arn", Value::from(KEY));
    let response = apply(&config, &Value::Null, &[aws_part(&aws, &config)]).await;
    assert!(errors(&response.diagnostics).is_empty());
    let state = response.new_state;
    let lock_of = |state: &Value| state.get("aws").and_then(|a| a.get("vault_lock")).cloned();

    // In line: nothing changes, and the read makes the calls it made before lock and key were read.
    let quiet = &mut Diagnostics::default();
    let part = aws_part(&aws, &state);
    let mut read = state.clone();
    aws.world().calls.log.clear();
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read, state);
    assert_eq!(
        aws.world().calls.operations(),
        [
            "find_vault_by_name",
            "find_plan_by_id",
            "find_vault_access_policy"
        ]
    );

    // Lock removed: the state has none, and applying the configuration puts it back.
    aws.world().vaults.get_mut("org-root").unwrap().lock = None;
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(lock_of(&read), Some(Value::Null));
    let response = apply(&config, &read, &[aws_part(&aws, &config)]).await;
    assert!(errors(&response.diagnostics).is_empty());
    assert_eq!(lock_of(&response.new_state), Some(lock.clone()));
    {
        let world = aws.world();
        let restored = world.vaults["org-root"]
            .lock
            .as_ref()
            .expect("lock put back");
        assert_eq!(restored.min_retention_days, Some(7));
        assert_eq!(restored.max_retention_days, Some(365));
    }

    // Lock changed: read back with the configured changeable_for_days (AWS does not return it).
    let mut read = response.new_state.clone();
    aws.world().vaults.get_mut("org-root").unwrap().lock = Some(VaultLockState {
        min_retention_days: Some(1),
        max_retention_days: None,
        lock_date: None,
    });
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(
        lock_of(&read),
        Some(object(&[
            ("min_retention_days", Value::from(1)),
            ("max_retention_days", Value::Null),
            ("changeable_for_days", Value::from(30)),
        ]))
    );

    // Another key: read back, so the plan shows the replacement the schema asks for.
    let other = "arn:aws:kms:eu-west-1:111111111111:key/other";
    aws.world().vaults.get_mut("org-root").unwrap().kms_key_arn = Some(other.into());
    assert_eq!(
        read_into(&*part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(
        read.get("aws").and_then(|a| a.get("kms_key_arn")),
        Some(&Value::from(other))
    );
}

/// Without a configured key, or with an alias, the key AWS reports is not drift.
#[test]
fn only_a_configured_key_arn_is_compared() {
    use super::aws::drifted_kms_key;
    let key = "arn:aws:kms:eu-west-1:111111111111:key/k1";
    let managed = Some("arn:aws:kms:eu-west-1:111111111111:key/aws-managed".to_string());
    assert_eq!(drifted_kms_key(None, managed.clone()), None);
    assert_eq!(
        drifted_kms_key(
            Some("arn:aws:kms:eu-west-1:111111111111:alias/a"),
            managed.clone()
        ),
        None
    );
    assert_eq!(drifted_kms_key(Some(key), Some(key.to_string())), None);
    assert_eq!(drifted_kms_key(Some(key), None), None);
    assert_eq!(drifted_kms_key(Some(key), managed.clone()), managed);
}

/// The vault's key is part of the AWS anchor (a new key replaces vault and plan, and joined
/// children must see that in the same plan); while the key is unknown, so is the anchor.
#[test]
fn the_aws_anchor_carries_the_vault_key_and_waits_for_it() {
    const KEY: &str = "arn:aws:kms:eu-west-1:111111111111:key/k1";
    let aws = FakeAws::new(ACCOUNT, REGION);
    let anchor_of = |key: Value| {
        let mut config = config(true, false);
        set_nested_attr(&mut config, "aws", "kms_key_arn", key);
        let mut anchors = CloudAnchorsPatch::default();
        aws_part(&aws, &config)
            .anchor(&mut anchors)
            .then(|| anchors.aws.expect("an AWS anchor"))
    };
    let unset = anchor_of(Value::Null).expect("known without a key");
    assert_eq!(unset.kms_key_arn, None);
    let keyed = anchor_of(Value::from(KEY)).expect("known with a key");
    assert_eq!(keyed.kms_key_arn.as_deref(), Some(KEY));
    assert_eq!(
        (&keyed.vault_arn, &keyed.plan_name),
        (&unset.vault_arn, &unset.plan_name)
    );
    assert!(anchor_of(Value::unknown()).is_none(), "unknown key");
}
