//! A child whose access or alerts differ from its anchor's gets a vault of its own (issue 18), and
//! that vault gets its access statements and notifications, read back, repaired and released.

use backup_policy::access::AccessPatch;
use backup_policy::alerts::AlertsPatch;

use super::*;

const RESTORE: &str = "arn:aws:iam::111111111111:role/restore";
const TOPIC: &str = "arn:aws:sns:eu-west-1:111111111111:alerts";

/// The root with alerts, and a child that adds a restore principal when `restorer`.
fn governed_child(restorer: bool) -> PolicyDocument {
    let mut root: AppInput = AppInput {
        name: "root".into(),
        ..Default::default()
    };
    root.policy.rules.insert(
        "daily".into(),
        RulePatch {
            schedule: Some("cron(0 5 ? * * *)".into()),
            retention_days: Some(35),
            ..RulePatch::default()
        },
    );
    root.policy.alerts = Some(AlertsPatch {
        sns_topic_arn: Some(TOPIC.into()),
        ..Default::default()
    });
    root.anchors.aws = Some(AwsAnchorFor::test(
        CENTRAL,
        "eu-west-1",
        "root",
        "root-vault",
    ));
    let root = backup_policy::evaluate(None, &root).unwrap();
    let mut child = AppInput {
        name: "child".into(),
        ..Default::default()
    };
    if restorer {
        child.policy.access = Some(AccessPatch {
            restorers: Some(vec![RESTORE.into()]),
            ..Default::default()
        });
    }
    backup_policy::evaluate(Some(&root.to_json()), &child).unwrap()
}

#[test]
fn other_access_than_the_anchor_needs_a_vault_of_its_own() {
    let joined = Placement::decide_in(
        &governed_child(false),
        CENTRAL,
        "eu-west-1",
        "child",
        &model(),
    );
    assert!(matches!(joined, Placement::Joined { .. }), "{joined:?}");
    let derived = Placement::decide_in(
        &governed_child(true),
        CENTRAL,
        "eu-west-1",
        "child",
        &model(),
    );
    assert!(matches!(derived, Placement::Derived { .. }), "{derived:?}");
}

#[tokio::test]
async fn a_derived_childs_vault_gets_its_access_and_alerts_and_releases_them() {
    let aws = FakeAws::new(CENTRAL, "eu-west-1");
    let document = governed_child(true);
    let config = child_config();
    let part = aws_part(&aws, &config);
    let mut state = config.clone();
    let quiet = &mut Diagnostics::default();
    converge_into(&part, &document, &Value::Null, &mut state, quiet)
        .await
        .unwrap();
    assert_eq!(str_attr(&state, "mode"), Some("derived"));
    {
        let world = aws.world();
        assert_eq!(world.access_statements["child"].restorers, [RESTORE]);
        assert_eq!(world.notifications["child"].sns_topic_arn, TOPIC);
    }

    set_attr(
        &mut state,
        "policy_document",
        Value::from(document.to_json()),
    );
    let part = aws_part(&aws, &state);
    let mut read = state.clone();
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read, state, "no drift");
    aws.world().notifications.clear();
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(
        read.get("policy_document"),
        Some(&Value::Null),
        "drift shows"
    );

    let mut repaired = state.clone();
    converge_into(&part, &document, &read, &mut repaired, quiet)
        .await
        .unwrap();
    assert!(aws.world().notifications.contains_key("child"));

    part.destroy(&state, quiet).await.unwrap();
    let world = aws.world();
    assert!(!world.vaults.contains_key("child"));
    assert!(world.notifications.is_empty() && world.access_statements.is_empty());
}
