//! Unit tests of `aws.air_gapped_vault` against the fake AWS backend: create and adopt, the copies
//! of every rule (also a derived descendant's), plan-time checks, refresh, rename and destroy.

use std::sync::Arc;

use backup_policy::{
    AppInput, CloudAnchorsPatch, GuardrailsPatch, PolicyDocument, PolicyPatch, RulePatch,
};
use tfplugin::framework::{null_object, ApplyRequest, ApplyResponse, Diagnostics};
use tfvalue::Value;

use super::air_gapped;
use super::model::AppAwsModel;
use super::schema::app_schema;
use super::{AppAwsPart, CLOUD_COMPUTED};
use crate::cloud::aws::translate::plan_spec;
use crate::cloud::{AirGappedVaultState, AirGappedVaults, LifecycleSpec};
use crate::resources::fakes::{object, read_into, str_attr, FakeAws};
use crate::resources::model::decode_block;
use crate::resources::parts::{self, Part};
use crate::resources::state::set_attr;

const ACCOUNT: &str = "111111111111";
const REGION: &str = "eu-west-1";
const AIR_GAPPED_ARN: &str = "arn:aws:backup:eu-west-1:111111111111:backup-vault:org-airgap";

/// App `org-root` with its vault and, when given, an air-gapped vault of that name.
fn config(air_gapped: Option<&str>, force_destroy: bool) -> Value {
    let mut config = null_object(&app_schema().attributes);
    set_attr(&mut config, "name", Value::from("org-root"));
    set_attr(&mut config, "force_destroy", Value::Bool(force_destroy));
    let block = object(&[
        ("vault_name", Value::from("org-root")),
        ("kms_key_arn", Value::Null),
        ("iam_role_arn", Value::Null),
        ("vault_lock", Value::Null),
        ("allow_copy_from_accounts", Value::Null),
        (
            "air_gapped_vault",
            air_gapped.map_or(Value::Null, |name| object(&[("name", Value::from(name))])),
        ),
    ]);
    set_attr(&mut config, "aws", block);
    config
}

fn part(aws: &Arc<FakeAws>, value: &Value) -> Part {
    let model: Option<AppAwsModel> = decode_block(value, "aws", &mut Diagnostics::default());
    Box::new(AppAwsPart::new(aws.clone(), value, model))
}

/// The app's policy: rules `daily` (35 days) and `weekly` (`weekly_days`), guardrails 7–`max`.
fn document(parts: &[Part], max: Option<i64>, weekly_days: i64) -> PolicyDocument {
    let mut anchors = CloudAnchorsPatch::default();
    for part in parts {
        assert!(part.anchor(&mut anchors), "anchor known");
    }
    let rule = |days| RulePatch {
        schedule: Some("cron(0 5 ? * * *)".into()),
        retention_days: Some(days),
        ..RulePatch::default()
    };
    let input = AppInput {
        name: "org-root".into(),
        policy: PolicyPatch {
            rules: [
                ("daily".to_string(), rule(35)),
                ("weekly".to_string(), rule(weekly_days)),
            ]
            .into(),
            ..Default::default()
        },
        guardrails: GuardrailsPatch {
            min_retention_days: Some(7),
            max_retention_days: max,
            ..Default::default()
        },
        anchors,
    };
    backup_policy::evaluate(None, &input).expect("valid policy")
}

async fn apply(config: &Value, prior_state: &Value, parts: &[Part]) -> ApplyResponse {
    let mut planned = config.clone();
    set_attr(&mut planned, "id", Value::from("org-root"));
    let document = document(parts, Some(365), 90);
    set_attr(
        &mut planned,
        "policy_document",
        Value::from(document.to_json()),
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

fn messages(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .clone()
        .into_vec()
        .into_iter()
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn apply_creates_the_air_gapped_vault_and_every_rule_copies_to_it() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let config = config(Some("org-airgap"), false);
    let response = apply(&config, &Value::Null, &[part(&aws, &config)]).await;
    assert!(
        messages(&response.diagnostics).is_empty(),
        "{:?}",
        messages(&response.diagnostics)
    );
    let state = response.new_state;
    assert_eq!(
        str_attr(&state, "aws_air_gapped_vault_arn"),
        Some(AIR_GAPPED_ARN)
    );

    let world = aws.world();
    let vault = &world.air_gapped_vaults["org-airgap"];
    assert_eq!(
        (vault.min_retention_days, vault.max_retention_days),
        (Some(7), Some(365))
    );
    let plan = world.plans.values().next().expect("the app's plan");
    for rule in &plan.spec.rules {
        let copies: Vec<_> = rule
            .copy_actions
            .iter()
            .map(|c| (c.destination_vault_arn.as_str(), c.lifecycle))
            .collect();
        let kept = LifecycleSpec {
            cold_after_days: None,
            delete_after_days: rule.lifecycle.delete_after_days,
        };
        assert_eq!(copies, [(AIR_GAPPED_ARN, kept)], "rule {}", rule.name);
    }
    // The vault exists before the plan that copies to it.
    let ops = world.calls.operations();
    let vault_at = ops
        .iter()
        .position(|op| *op == "ensure_air_gapped_vault")
        .unwrap();
    let plan_at = ops.iter().position(|op| *op == "create_plan").unwrap();
    assert!(vault_at < plan_at, "{ops:?}");
}

#[tokio::test]
async fn a_vault_left_by_an_interrupted_apply_is_adopted_and_another_range_is_refused() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let left = AirGappedVaultState {
        name: "org-airgap".into(),
        arn: AIR_GAPPED_ARN.into(),
        min_retention_days: Some(7),
        max_retention_days: Some(365),
        state: "AVAILABLE".into(),
        recovery_points: 0,
    };
    aws.world()
        .air_gapped_vaults
        .insert("org-airgap".into(), left.clone());
    let config = config(Some("org-airgap"), false);
    let response = apply(&config, &Value::Null, &[part(&aws, &config)]).await;
    assert!(messages(&response.diagnostics).is_empty());
    assert_eq!(aws.world().air_gapped_vaults.len(), 1);
    assert_eq!(aws.world().air_gapped_vaults["org-airgap"], left);

    // A vault of the name with another range is not silently taken for ours.
    aws.world()
        .air_gapped_vaults
        .get_mut("org-airgap")
        .unwrap()
        .max_retention_days = Some(100);
    let response = apply(&config, &Value::Null, &[part(&aws, &config)]).await;
    let text = messages(&response.diagnostics).join("\n");
    assert!(
        text.contains("org-airgap") && text.contains("another retention range"),
        "{text}"
    );
}

#[test]
fn plan_needs_a_retention_range_and_rules_inside_it() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let config = config(Some("org-airgap"), false);
    let parts = [part(&aws, &config)];

    let mut diagnostics = Diagnostics::default();
    air_gapped::check_plan(&document(&parts, None, 90), &mut diagnostics);
    let found = diagnostics.clone().into_vec();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].path.as_ref().map(ToString::to_string).as_deref(),
        Some("aws.air_gapped_vault")
    );
    assert!(
        found[0].detail.contains("max_retention_days"),
        "{}",
        found[0].detail
    );

    let mut diagnostics = Diagnostics::default();
    air_gapped::check_plan(&document(&parts, Some(365), 90), &mut diagnostics);
    assert!(diagnostics.clone().into_vec().is_empty());
}

#[test]
fn the_arn_is_known_at_plan_and_published_in_the_anchor() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let config = config(Some("org-airgap"), false);
    let name = air_gapped::configured_name(&config);
    assert_eq!(
        air_gapped::planned_arn(&*aws, name.as_ref()),
        Value::from(AIR_GAPPED_ARN)
    );
    let document = document(&[part(&aws, &config)], Some(365), 90);
    let anchor = document.anchors().aws.as_ref().unwrap();
    assert_eq!(
        anchor.location.air_gapped_vault_arn.as_deref(),
        Some(AIR_GAPPED_ARN)
    );

    // Without the block the anchor, and so the canonical document, is as before.
    let plain = config_without_block();
    let document = document_of(&aws, &plain);
    assert!(
        !document.to_json().contains("air_gapped"),
        "{}",
        document.to_json()
    );
}

fn config_without_block() -> Value {
    config(None, false)
}

fn document_of(aws: &Arc<FakeAws>, config: &Value) -> PolicyDocument {
    document(&[part(aws, config)], Some(365), 90)
}

#[test]
fn a_derived_descendant_copies_to_the_anchor_apps_air_gapped_vault() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let app = document_of(&aws, &config(Some("org-airgap"), false));
    let child = AppInput {
        name: "payments".into(),
        policy: PolicyPatch {
            rules: [(
                "daily".to_string(),
                RulePatch {
                    retention_days: Some(60),
                    ..RulePatch::default()
                },
            )]
            .into(),
            ..Default::default()
        },
        guardrails: GuardrailsPatch::default(),
        anchors: CloudAnchorsPatch::default(),
    };
    let child = backup_policy::evaluate(Some(&app.to_json()), &child).expect("valid child");
    let spec = plan_spec(&child, "payments", "payments", None);
    let daily = spec.rules.iter().find(|r| r.name == "daily").unwrap();
    assert_eq!(daily.copy_actions.len(), 1);
    assert_eq!(daily.copy_actions[0].destination_vault_arn, AIR_GAPPED_ARN);
    assert_eq!(daily.copy_actions[0].lifecycle.delete_after_days, 60);
}

#[tokio::test]
async fn destroy_keeps_a_vault_with_recovery_points_unless_force_destroy() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let config = config(Some("org-airgap"), false);
    let state = apply(&config, &Value::Null, &[part(&aws, &config)])
        .await
        .new_state;
    aws.world()
        .air_gapped_vaults
        .get_mut("org-airgap")
        .unwrap()
        .recovery_points = 2;

    let mut diagnostics = Diagnostics::default();
    let destroyed = part(&aws, &state).destroy(&state, &mut diagnostics).await;
    assert!(destroyed.is_err());
    let text = messages(&diagnostics).join("\n");
    assert!(
        text.contains("org-airgap") && text.contains("holds 2 recovery point(s)"),
        "{text}"
    );
    assert!(aws.world().air_gapped_vaults.contains_key("org-airgap"));
    assert!(
        aws.world().vaults.contains_key("org-root"),
        "refused before the standard vault"
    );

    let mut forced = state.clone();
    set_attr(&mut forced, "force_destroy", Value::Bool(true));
    let mut diagnostics = Diagnostics::default();
    part(&aws, &forced)
        .destroy(&forced, &mut diagnostics)
        .await
        .expect("forced");
    assert!(aws.world().air_gapped_vaults.is_empty());
    assert!(aws.world().vaults.is_empty());
}

#[tokio::test]
async fn a_renamed_vault_goes_only_when_empty_or_forced() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let old = config(Some("org-airgap"), false);
    apply(&old, &Value::Null, &[part(&aws, &old)]).await;
    aws.world()
        .air_gapped_vaults
        .get_mut("org-airgap")
        .unwrap()
        .recovery_points = 1;
    let model =
        |value: &Value| decode_block::<AppAwsModel>(value, "aws", &mut Diagnostics::default());
    let renamed = config(Some("org-airgap-2"), false);

    let refused =
        air_gapped::retire(&*aws, model(&old).as_ref(), model(&renamed).as_ref(), false).await;
    let error = refused.expect_err("refused while it holds points");
    assert!(error.to_string().contains("org-airgap"), "{error}");
    assert!(aws.world().air_gapped_vaults.contains_key("org-airgap"));

    air_gapped::retire(&*aws, model(&old).as_ref(), model(&renamed).as_ref(), true)
        .await
        .expect("forced");
    assert!(aws.world().air_gapped_vaults.is_empty());
    // The same name is no rename: nothing is deleted.
    apply(&old, &Value::Null, &[part(&aws, &old)]).await;
    air_gapped::retire(&*aws, model(&old).as_ref(), model(&old).as_ref(), false)
        .await
        .expect("kept");
    assert!(aws.world().air_gapped_vaults.contains_key("org-airgap"));
}

#[tokio::test]
async fn refresh_nulls_the_arn_of_a_vanished_vault() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let config = config(Some("org-airgap"), false);
    let mut state = apply(&config, &Value::Null, &[part(&aws, &config)])
        .await
        .new_state;
    let mut diagnostics = Diagnostics::default();
    read_into(&*part(&aws, &state), &mut state, &mut diagnostics)
        .await
        .expect("read");
    assert_eq!(
        str_attr(&state, "aws_air_gapped_vault_arn"),
        Some(AIR_GAPPED_ARN)
    );

    aws.delete_air_gapped_vault("org-airgap", false)
        .await
        .unwrap();
    read_into(&*part(&aws, &state), &mut state, &mut diagnostics)
        .await
        .expect("read");
    assert_eq!(state.get("aws_air_gapped_vault_arn"), Some(&Value::Null));
}

#[test]
fn require_air_gapped_copy_asks_an_aws_app_for_the_vault() {
    let aws = FakeAws::new(ACCOUNT, REGION);
    let required = |air_gapped: Option<&str>| {
        let config = config(air_gapped, false);
        let mut anchors = CloudAnchorsPatch::default();
        assert!(part(&aws, &config).anchor(&mut anchors));
        let mut input = AppInput {
            name: "org-root".into(),
            anchors,
            ..AppInput::default()
        };
        input.guardrails.hardening.require_air_gapped_copy = Some(true);
        backup_policy::evaluate(None, &input).expect("valid policy")
    };
    let mut diagnostics = Diagnostics::default();
    air_gapped::check_required(&required(None), false, &mut diagnostics);
    let found = diagnostics.clone().into_vec();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].path.as_ref().map(ToString::to_string).as_deref(),
        Some("aws")
    );
    assert!(
        found[0].detail.contains("\"org-root\""),
        "{}",
        found[0].detail
    );

    let mut diagnostics = Diagnostics::default();
    air_gapped::check_required(&required(Some("org-airgap")), true, &mut diagnostics);
    assert!(diagnostics.clone().into_vec().is_empty());
}
