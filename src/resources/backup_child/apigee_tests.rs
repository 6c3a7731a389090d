//! `backup_child.apigee` against the in-memory Apigee and container fakes: what the plan shows,
//! when an apply exports, and what pruning deletes.

use std::sync::Arc;

use backup_policy::{AppInput, PolicyDocument, PolicyPatch, RulePatch};
use tfplugin::framework::{null_object, ApplyRequest, ApplyResponse, Context, Resource};
use tfvalue::Value;

use super::apigee::now_millis;
use super::apigee_schema::APIGEE_COMPUTED;
use super::schema::child_schema;
use super::{BackupChild, CLOUD_COMPUTED};
use crate::cloud::apigee::{export, export_stamp, ExportSpec, OrganizationSnapshot};
use crate::resources::fakes::{create_plan, object, str_attr, FakeApigee};
use crate::resources::state::set_attr;
use crate::resources::ProviderData;

const DAY: i64 = 86_400_000;

fn root() -> PolicyDocument {
    root_with("cron(0 5 ? * * *)")
}

/// The root, its daily rule on `daily_schedule`.
fn root_with(daily_schedule: &str) -> PolicyDocument {
    let rule = |schedule: &str, days| RulePatch {
        schedule: Some(schedule.into()),
        retention_days: Some(days),
        ..RulePatch::default()
    };
    let input = AppInput {
        name: "root".into(),
        policy: PolicyPatch {
            rules: [
                ("daily".to_string(), rule(daily_schedule, 35)),
                ("monthly".to_string(), rule("cron(0 5 1 * ? *)", 365)),
            ]
            .into(),
            ..Default::default()
        },
        guardrails: Default::default(),
        anchors: Default::default(),
    };
    backup_policy::evaluate(None, &input).unwrap()
}

fn config(environments: Value) -> Value {
    let mut config = null_object(&child_schema().attributes);
    set_attr(&mut config, "name", Value::from("apigee"));
    set_attr(&mut config, "force_destroy", Value::Bool(false));
    set_attr(&mut config, "parent", Value::from(root().to_json()));
    let block = object(&[
        ("organization", Value::from("acme")),
        ("environments", environments),
        (
            "container_url",
            Value::from("https://acct.blob.core.windows.net/exports?sv=1&sig=c2ln"),
        ),
    ]);
    set_attr(&mut config, "apigee", block);
    config
}

fn context(fake: &FakeApigee) -> Context {
    Context {
        provider_data: Some(Arc::new(ProviderData {
            apigee: Some(fake.access()),
            ..ProviderData::default()
        })),
        ..Context::default()
    }
}

fn computed() -> Vec<&'static str> {
    CLOUD_COMPUTED
        .iter()
        .chain(APIGEE_COMPUTED)
        .copied()
        .collect()
}

#[tokio::test]
async fn the_plan_shows_the_export_and_apply_writes_it() {
    let fake = FakeApigee::new(
        "acme",
        &[("orders", "2"), ("payments", "1")],
        &["prod", "test"],
    );
    let ctx = context(&fake);
    let config = config(Value::Null);
    let (request, mut plan) = create_plan(&config, &computed());
    BackupChild.modify_plan(&ctx, &request, &mut plan).await;
    assert!(
        plan.diagnostics.clone().into_vec().is_empty(),
        "{:?}",
        plan.diagnostics
    );
    let planned = plan.planned_state;
    assert_eq!(
        planned.get("apigee_proxies"),
        Some(&Value::Map(
            [
                ("orders".to_owned(), Value::from("2")),
                ("payments".to_owned(), Value::from("1"))
            ]
            .into()
        ))
    );
    let job = planned.get("apigee_export_job").unwrap();
    assert_eq!(str_attr(job, "schedule"), Some("0 5 * * *"));
    assert!(planned.get("apigee_last_export").unwrap().is_unknown());
    assert!(
        fake.world().calls.iter().all(|c| c.starts_with("get ")),
        "the plan wrote"
    );

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
    assert!(
        created.diagnostics.clone().into_vec().is_empty(),
        "{:?}",
        created.diagnostics
    );
    let state = created.new_state;
    let prefix = str_attr(&state, "apigee_last_export").unwrap().to_owned();
    assert!(prefix.starts_with("apigee/acme/"), "{prefix}");
    let blobs: Vec<String> = fake.world().blobs.keys().cloned().collect();
    assert_eq!(
        blobs,
        [
            "environments/prod/deployedConfig.json",
            "environments/test/deployedConfig.json",
            "manifest.json",
            "proxies/orders/revision-2.zip",
            "proxies/payments/revision-1.zip"
        ]
        .map(|b| format!("{prefix}{b}"))
    );

    // Nothing changed in Apigee: the next plan keeps the last export (no diff, no export).
    let request = tfplugin::framework::PlanRequest {
        config: config.clone(),
        prior_state: state.clone(),
        proposed_state: state.clone(),
        prior_private: Vec::new(),
    };
    let mut replan = tfplugin::framework::PlanResponse {
        planned_state: state.clone(),
        ..Default::default()
    };
    BackupChild.modify_plan(&ctx, &request, &mut replan).await;
    assert_eq!(replan.planned_state, state);

    // A new revision: the plan shows it and the export's name becomes unknown.
    fake.world().proxies.insert("orders".into(), "3".into());
    let mut replan = tfplugin::framework::PlanResponse {
        planned_state: state.clone(),
        ..Default::default()
    };
    BackupChild.modify_plan(&ctx, &request, &mut replan).await;
    assert!(replan
        .planned_state
        .get("apigee_last_export")
        .unwrap()
        .is_unknown());
    assert_eq!(
        replan
            .planned_state
            .get("apigee_proxies")
            .unwrap()
            .get("orders"),
        Some(&Value::from("3"))
    );
}

#[tokio::test]
async fn an_unknown_organization_or_environment_is_an_error_at_its_attribute() {
    let fake = FakeApigee::new("other", &[], &["prod"]);
    let ctx = context(&fake);
    let (request, mut plan) = create_plan(&config(Value::Null), &computed());
    BackupChild.modify_plan(&ctx, &request, &mut plan).await;
    let errors = plan.diagnostics.clone().into_vec();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].summary, "Unknown Apigee organization");
    assert_eq!(
        errors[0].path.as_ref().map(ToString::to_string).as_deref(),
        Some("apigee.organization")
    );

    let fake = FakeApigee::new("acme", &[], &["prod"]);
    let ctx = context(&fake);
    let environments = Value::List(vec![Value::from("prod"), Value::from("staging")]);
    let (request, mut plan) = create_plan(&config(environments), &computed());
    BackupChild.modify_plan(&ctx, &request, &mut plan).await;
    let errors = plan.diagnostics.clone().into_vec();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].path.as_ref().map(ToString::to_string).as_deref(),
        Some("apigee.environments[1]")
    );
}

#[tokio::test]
async fn pruning_deletes_only_exports_past_the_retention_manifest_first() {
    let fake = FakeApigee::new("acme", &[("orders", "1")], &[]);
    let now = now_millis();
    let old = format!("apigee/acme/{}/", export_stamp(now - 40 * DAY));
    let recent = format!("apigee/acme/{}/", export_stamp(now - 10 * DAY));
    {
        let mut world = fake.world();
        for prefix in [&old, &recent] {
            world
                .blobs
                .insert(format!("{prefix}manifest.json"), b"{}".to_vec());
            world.blobs.insert(
                format!("{prefix}proxies/orders/revision-1.zip"),
                b"PK".to_vec(),
            );
        }
        world
            .blobs
            .insert("apigee/acme/README".into(), b"kept".to_vec());
        world
            .blobs
            .insert("apigee/other/x".into(), b"kept".to_vec());
    }
    let spec = ExportSpec {
        organization: "acme".into(),
        content: OrganizationSnapshot {
            proxies: [("orders".to_owned(), "1".to_owned())].into(),
            environments: Vec::new(),
        },
        retention_days: 35,
        schedule: "0 5 * * *".into(),
        policy_hash: "hash".into(),
        tags: Default::default(),
        now_millis: now,
    };
    let report = export(&fake, &fake, &spec).await.unwrap();
    assert_eq!(report.pruned, std::slice::from_ref(&old));
    {
        let world = fake.world();
        assert!(world.blobs.keys().all(|b| !b.starts_with(&old)));
        assert!(world.blobs.contains_key(&format!("{recent}manifest.json")));
        assert!(world
            .blobs
            .contains_key(&format!("{}manifest.json", report.prefix)));
        assert!(world.blobs.contains_key("apigee/acme/README"));
        let deletes: Vec<&String> = world
            .calls
            .iter()
            .filter(|c| c.starts_with("delete "))
            .collect();
        assert_eq!(deletes.len(), 2);
        assert!(deletes[0].ends_with("manifest.json"), "{deletes:?}");
    }
    // A retention of 0 days still keeps the export just written.
    let spec = ExportSpec {
        retention_days: 0,
        now_millis: now + 1,
        ..spec
    };
    let report = export(&fake, &fake, &spec).await.unwrap();
    assert!(fake
        .world()
        .blobs
        .contains_key(&format!("{}manifest.json", report.prefix)));
}

#[tokio::test]
async fn a_schedule_without_a_cron_equivalent_fails_the_plan_at_apigee() {
    let fake = FakeApigee::new("acme", &[("orders", "1")], &["prod"]);
    let ctx = context(&fake);
    let mut config = config(Value::Null);
    set_attr(
        &mut config,
        "parent",
        Value::from(root_with("rate(7 hours)").to_json()),
    );
    let (request, mut plan) = create_plan(&config, &computed());
    BackupChild.modify_plan(&ctx, &request, &mut plan).await;
    let errors = plan.diagnostics.clone().into_vec();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].summary,
        "Schedule not expressible as an export job"
    );
    assert!(errors[0].detail.contains("rule \"daily\""), "{errors:?}");
    assert_eq!(
        errors[0].path.as_ref().map(ToString::to_string).as_deref(),
        Some("apigee")
    );
}
