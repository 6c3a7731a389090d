//! Unit tests of `backup_recovery_point` and its list against the fake backend.

use backup_policy::{AppInput, AwsAnchor, CloudAnchorsPatch, GuardrailsPatch, RulePatch};
use tfplugin::framework::{generate_config, null_object, Diagnostics, ListRequest, Listed};
use tfvalue::{AttributePath, Value};

use super::list::list_points;
use super::model::{lifecycle_value, rfc3339};
use super::ops;
use super::schema::point_schema;
use crate::cloud::VaultLockState;
use crate::resources::fakes::{object, str_attr, FakeRecoveryPoints, ListReader};
use crate::resources::state::set_attr;

const DAY: i64 = 86_400;
/// 2026-11-23T10:00:00Z.
const MADE: i64 = 1_795_428_000;
const TABLE: &str = "arn:aws:dynamodb:eu-west-1:111111111111:table/orders";

/// Root app `org-root` on AWS (vault `org-root-vault`): rule `daily` keeps 35 days, guardrails
/// keep points 30 to 400 days.
fn root_document() -> String {
    let mut root = AppInput {
        name: "org-root".into(),
        guardrails: GuardrailsPatch {
            min_retention_days: Some(30),
            max_retention_days: Some(400),
            ..Default::default()
        },
        anchors: CloudAnchorsPatch {
            aws: Some(AwsAnchor {
                app: "org-root".into(),
                account_id: "111111111111".into(),
                region: "eu-west-1".into(),
                vault_name: "org-root-vault".into(),
                vault_arn: "arn:aws:backup:eu-west-1:111111111111:backup-vault:org-root-vault"
                    .into(),
                plan_name: "org-root".into(),
                kms_key_arn: None,
                air_gapped_vault_arn: None,
            }),
            azure: None,
        },
        ..Default::default()
    };
    root.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            retention_days: Some(35),
            ..Default::default()
        },
    );
    backup_policy::evaluate(None, &root).unwrap().to_json()
}

/// An account whose vault `org-root-vault` holds five points of the table, made a day apart by
/// rule `daily`; the 2nd and 4th are tagged `commit = abc`, the 5th is of another table.
fn account() -> (FakeRecoveryPoints, Vec<String>) {
    let aws = FakeRecoveryPoints::new("111111111111", "eu-west-1");
    let arns = (0..5)
        .map(|i| {
            let commit = if i % 2 == 1 { "abc" } else { "def" };
            let table = if i == 4 {
                "arn:aws:dynamodb:eu-west-1:111111111111:table/users"
            } else {
                TABLE
            };
            aws.add(
                "org-root-vault",
                &format!("p{i}"),
                table,
                MADE + i * DAY,
                Some("daily"),
                &[("commit", commit)],
            )
        })
        .collect();
    (aws, arns)
}

/// The configuration adopting `arn`, with `lifecycle` (delete after days) and the root document.
fn config(arn: &str, delete_after_days: Option<i64>) -> Value {
    let mut config = null_object(&point_schema().attributes);
    set_attr(&mut config, "vault_name", Value::from("org-root-vault"));
    set_attr(
        &mut config,
        "recovery_point_arn",
        Value::from(arn.to_owned()),
    );
    set_attr(&mut config, "policy_document", Value::from(root_document()));
    set_attr(&mut config, "delete_on_destroy", Value::Bool(false));
    if let Some(days) = delete_after_days {
        let lifecycle = object(&[
            ("delete_after_days", Value::from(days)),
            ("move_to_cold_storage_after_days", Value::Null),
        ]);
        set_attr(&mut config, "lifecycle", lifecycle);
    }
    config
}

#[tokio::test]
async fn a_create_plans_the_point_as_it_is_and_adoption_tightens_its_lifecycle() {
    let (aws, arns) = account();
    let mut planned = config(&arns[0], Some(90));
    let diagnostics = &mut Diagnostics::new();
    ops::plan_create(&aws, &config(&arns[0], Some(90)), &mut planned, diagnostics).await;
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(str_attr(&planned, "id"), Some(arns[0].as_str()));
    assert_eq!(str_attr(&planned, "resource_arn"), Some(TABLE));
    assert_eq!(
        str_attr(&planned, "creation_date"),
        Some("2026-11-23T10:00:00Z")
    );
    assert_eq!(
        str_attr(&planned, "delete_at"),
        Some(rfc3339(MADE + 90 * DAY).as_str())
    );
    assert_eq!(str_attr(&planned, "backup_rule_name"), Some("daily"));
    assert_eq!(
        planned.get("tags").and_then(|t| t.get("commit")),
        Some(&Value::from("def"))
    );
    assert!(
        planned.is_wholly_known(),
        "nothing is left for after apply: {planned:?}"
    );

    let state = ops::adopt(&aws, &planned, diagnostics)
        .await
        .expect("adopted");
    assert_eq!(state, planned, "the apply makes what the plan showed");
    assert_eq!(aws.world().points[0].0.lifecycle.delete_after_days, 90);
    let refreshed = ops::refresh(&aws, &state).await.unwrap().unwrap();
    assert_eq!(refreshed, state, "no drift after the adoption");
}

#[tokio::test]
async fn a_missing_point_fails_the_plan_at_its_arn() {
    let (aws, _) = account();
    let missing = "arn:aws:backup:eu-west-1:111111111111:recovery-point:nope";
    let mut planned = config(missing, None);
    let diagnostics = &mut Diagnostics::new();
    ops::plan_create(&aws, &config(missing, None), &mut planned, diagnostics).await;
    let d = diagnostics.iter().next().expect("an error");
    assert_eq!(d.summary, "Recovery point not found");
    assert_eq!(d.path, Some(AttributePath::attr("recovery_point_arn")));
    assert!(ops::adopt(&aws, &config(missing, None), diagnostics)
        .await
        .is_none());
}

#[tokio::test]
async fn a_weakening_is_refused_at_plan_naming_the_path_and_the_rule() {
    let (aws, arns) = account();
    let mut state = config(&arns[0], None);
    ops::plan_create(
        &aws,
        &config(&arns[0], None),
        &mut state,
        &mut Diagnostics::new(),
    )
    .await;
    assert_eq!(
        state.get("lifecycle"),
        Some(&lifecycle_value(&aws.world().points[0].0.lifecycle))
    );

    let weaker = config(&arns[0], Some(20));
    let mut planned = weaker.clone();
    let diagnostics = &mut Diagnostics::new();
    ops::plan_update(&weaker, &state, &mut planned, diagnostics);
    let d = diagnostics.iter().next().expect("refused");
    assert_eq!(
        d.path,
        Some(AttributePath::attr("lifecycle").attribute("delete_after_days"))
    );
    assert!(
        d.detail
            .contains("min_retention_days = 30 set by app \"org-root\""),
        "{}",
        d.detail
    );

    let shorter_than_its_rule = config(&arns[0], Some(31));
    let mut planned = shorter_than_its_rule.clone();
    let diagnostics = &mut Diagnostics::new();
    ops::plan_update(&shorter_than_its_rule, &state, &mut planned, diagnostics);
    assert!(diagnostics
        .iter()
        .next()
        .unwrap()
        .detail
        .contains("rules.daily.retention_days"));

    let tighter = config(&arns[0], Some(365));
    let mut planned = tighter.clone();
    let diagnostics = &mut Diagnostics::new();
    ops::plan_update(&tighter, &state, &mut planned, diagnostics);
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(
        str_attr(&planned, "delete_at"),
        Some(rfc3339(MADE + 365 * DAY).as_str())
    );
    assert_eq!(planned.get("tags"), state.get("tags"));
    let applied = ops::update(&aws, &state, &planned, diagnostics)
        .await
        .unwrap();
    assert_eq!(aws.world().points[0].0.lifecycle.delete_after_days, 365);
    assert_eq!(
        ops::refresh(&aws, &applied).await.unwrap().unwrap(),
        applied
    );
}

#[tokio::test]
async fn read_drops_a_deleted_or_expiring_point() {
    let (aws, arns) = account();
    let mut state = config(&arns[1], None);
    ops::plan_create(
        &aws,
        &config(&arns[1], None),
        &mut state,
        &mut Diagnostics::new(),
    )
    .await;
    aws.world().points[1].0.status = "DELETING".into();
    assert_eq!(ops::refresh(&aws, &state).await.unwrap(), None);
    aws.world().points.remove(1);
    assert_eq!(ops::refresh(&aws, &state).await.unwrap(), None);
}

#[tokio::test]
async fn destroy_keeps_the_point_unless_asked_and_allowed() {
    let (aws, arns) = account();
    let mut state = config(&arns[0], None);
    ops::plan_create(
        &aws,
        &config(&arns[0], None),
        &mut state,
        &mut Diagnostics::new(),
    )
    .await;
    let diagnostics = &mut Diagnostics::new();
    assert!(ops::forget(&state, diagnostics));
    assert_eq!(
        diagnostics.iter().next().unwrap().summary,
        "Recovery point kept"
    );
    assert_eq!(aws.world().points.len(), 5);

    set_attr(&mut state, "delete_on_destroy", Value::Bool(true));
    aws.world().locks.insert(
        "org-root-vault".into(),
        VaultLockState {
            min_retention_days: Some(7),
            max_retention_days: None,
            lock_date: None,
        },
    );
    let diagnostics = &mut Diagnostics::new();
    assert!(!ops::destroy(&aws, &state, MADE + 3 * DAY, diagnostics).await);
    assert!(diagnostics
        .iter()
        .next()
        .unwrap()
        .detail
        .contains("vault lock"));
    let diagnostics = &mut Diagnostics::new();
    assert!(!ops::destroy(&aws, &state, MADE + 10 * DAY, diagnostics).await);
    assert!(diagnostics
        .iter()
        .next()
        .unwrap()
        .detail
        .contains("min_retention_days = 30"));
    assert_eq!(aws.world().points.len(), 5, "nothing deleted while refused");
    assert!(ops::destroy(&aws, &state, MADE + 31 * DAY, &mut Diagnostics::new()).await);
    assert_eq!(aws.world().points.len(), 4);
}

/// What a list sends: found objects and diagnostics' summaries. `reader_leaves_after`: the
/// reader stops reading after that many results (as when the stream is cancelled).
async fn run(
    aws: &FakeRecoveryPoints,
    filters: &[(&str, Value)],
    limit: i64,
    reader_leaves_after: usize,
) -> (Vec<Listed>, Vec<String>) {
    let (mut results, reader) = ListReader::new(limit, reader_leaves_after);
    let mut config = object(&[
        ("policy_document", Value::Null),
        ("vault_name", Value::Null),
        ("tags", Value::Null),
        ("resource_arn_prefix", Value::Null),
    ]);
    for (name, value) in filters {
        set_attr(&mut config, name, value.clone());
    }
    let request = ListRequest {
        config,
        include_resource_object: true,
        limit,
    };
    list_points(aws, &request, &mut results).await;
    reader.received()
}

fn commit(value: &str) -> Value {
    Value::Map([("commit".to_string(), Value::from(value))].into())
}

fn arns_of(listed: &[Listed]) -> Vec<String> {
    listed
        .iter()
        .map(|l| {
            str_attr(&l.identity, "recovery_point_arn")
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_list_finds_an_apps_points_by_tag_across_pages_within_limit() {
    let (aws, arns) = account();
    let by_app = ("policy_document", Value::from(root_document()));
    let (tagged, problems) = run(
        &aws,
        &[by_app.clone(), ("tags", commit("abc"))],
        100,
        usize::MAX,
    )
    .await;
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(arns_of(&tagged), [arns[1].clone(), arns[3].clone()]);
    assert_eq!(
        str_attr(&tagged[0].identity, "account_id"),
        Some("111111111111")
    );
    assert_eq!(
        tagged[0].display_name,
        format!("2026-11-24T10:00:00Z of {TABLE}")
    );

    let (one, _) = run(
        &aws,
        &[by_app.clone(), ("tags", commit("abc"))],
        1,
        usize::MAX,
    )
    .await;
    assert_eq!(arns_of(&one), [arns[1].clone()]);
    assert_eq!(
        aws.world()
            .calls
            .operations()
            .iter()
            .filter(|o| **o == "list_recovery_points")
            .count(),
        3 + 1,
        "the limited list stops at the page of its first result"
    );

    let vault = ("vault_name", Value::from("org-root-vault"));
    let prefix = ("resource_arn_prefix", Value::from(TABLE));
    let (orders, _) = run(&aws, &[vault.clone(), prefix], 100, usize::MAX).await;
    assert_eq!(orders.len(), 4);
    let (left, _) = run(&aws, std::slice::from_ref(&vault), 100, 2).await;
    assert_eq!(left.len(), 2, "a reader that went away ends the list");
    aws.world().calls.log.clear();
    let (first, _) = run(&aws, &[vault], 1, usize::MAX).await;
    assert_eq!(first.len(), 1);
    assert_eq!(
        aws.world().calls.log,
        [
            "list_recovery_points org-root-vault max 1",
            &format!("find_recovery_point_tags {}", arns[0]),
        ],
        "unfiltered, a limit of 1 asks AWS for one point"
    );

    aws.world().calls.fail_on = Some("list_recovery_points");
    let (none, problems) = run(&aws, &[by_app], 100, usize::MAX).await;
    assert!(none.is_empty());
    assert_eq!(
        problems,
        ["AWS Backup error for backup_recovery_point \"org-root-vault\""]
    );
}

#[tokio::test]
async fn generated_configuration_adopts_the_point_with_no_change() {
    let (aws, arns) = account();
    let vault = ("vault_name", Value::from("org-root-vault"));
    let (listed, _) = run(&aws, &[vault, ("tags", commit("abc"))], 1, usize::MAX).await;
    let state = listed[0].state.clone().expect("the resource object");
    let config = generate_config(point_schema(), &state);
    assert_eq!(
        str_attr(&config, "recovery_point_arn"),
        Some(arns[1].as_str())
    );
    assert_eq!(
        config.get("status"),
        Some(&Value::Null),
        "no computed attributes"
    );
    assert!(config.get("lifecycle").is_some_and(|l| !l.is_null()));
    let mut planned = config.clone();
    let diagnostics = &mut Diagnostics::new();
    ops::plan_create(&aws, &config, &mut planned, diagnostics).await;
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    set_attr(&mut planned, "delete_on_destroy", Value::Bool(false));
    assert_eq!(planned, state);
    let mut after = planned.clone();
    ops::plan_update(&config, &state, &mut after, diagnostics);
    assert_eq!(after, state, "the plan after the import changes nothing");
}

#[test]
fn import_ids_name_the_vault_and_the_point() {
    let point = super::from_import_id("v1,arn:aws:backup:eu-west-1:1:recovery-point:x").unwrap();
    assert_eq!(point.vault_name, "v1");
    assert_eq!(point.arn, "arn:aws:backup:eu-west-1:1:recovery-point:x");
    for bad in [
        "arn:aws:backup:eu-west-1:1:recovery-point:x",
        ",arn:aws:x",
        "v1,nope",
    ] {
        assert!(super::from_import_id(bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_state_of_another_account_or_region_is_not_read_there() {
    let (aws, arns) = account();
    let mut state = config(&arns[0], None);
    ops::plan_create(
        &aws,
        &config(&arns[0], None),
        &mut state,
        &mut Diagnostics::new(),
    )
    .await;
    assert!(super::same_place(&aws, &state).is_ok());
    let elsewhere = FakeRecoveryPoints::new("111111111111", "us-east-1");
    let refused = super::same_place(&elsewhere, &state).unwrap_err();
    assert!(
        refused.detail.contains("region eu-west-1"),
        "{}",
        refused.detail
    );
    assert!(
        super::same_place(&elsewhere, &config(&arns[0], None)).is_ok(),
        "nothing recorded yet"
    );
}
