//! Unit tests of `backup_child`: placement, plan specs, and its parts against in-memory backends.

use backup_policy::{AppInput, CloudAnchorsPatch, PolicyPatch, RulePatch};

use backup_policy::PolicyDocument;

use super::aws::Placement;
use super::model::ChildAwsModel;
use crate::cloud::aws::translate::plan_spec;
use crate::resources::backup_app::AwsAnchorFor;

const CENTRAL: &str = "111111111111";
const MEMBER: &str = "222222222222";

fn root() -> PolicyDocument {
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
        },
        guardrails: Default::default(),
        anchors: CloudAnchorsPatch {
            aws: Some(AwsAnchorFor::test(
                CENTRAL,
                "eu-west-1",
                "root",
                "root-vault",
            )),
            azure: None,
        },
    };
    backup_policy::evaluate(None, &input).unwrap()
}

fn child(retention: Option<i64>) -> PolicyDocument {
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
    backup_policy::evaluate(Some(&root().to_json()), &input).unwrap()
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
