//! The Azure list against the in-memory subscription: tagged vaults found by prefix and limit,
//! and the rebuilt rules translating to the same Azure policy.

use std::sync::Arc;

use backup_policy::{AppInput, CloudAnchorsPatch, PolicyPatch, RulePatch};
use tfplugin::framework::Listed;

use super::*;
use crate::cloud::azure::translate::translate_policy;
use crate::cloud::azure::{with_app_tag, PolicySpec, VaultRef, VaultSpec};
use crate::resources::fakes::{FakeAzure, ListReader};

/// Root app `name`'s document: daily (35 days), a weekly tier on Sundays, monthly on the 1st and
/// yearly on the last day of December.
fn document(name: &str) -> backup_policy::PolicyDocument {
    let rule = |schedule: &str, days: i64| RulePatch {
        schedule: Some(schedule.into()),
        retention_days: Some(days),
        ..RulePatch::default()
    };
    let input = AppInput {
        name: name.into(),
        policy: PolicyPatch {
            rules: [
                ("daily".to_string(), rule("cron(30 5 ? * * *)", 35)),
                ("weekly".to_string(), rule("cron(30 5 ? * SUN *)", 90)),
                ("monthly".to_string(), rule("cron(30 5 1 * ? *)", 365)),
                ("yearly".to_string(), rule("cron(30 5 L 12 ? *)", 2555)),
            ]
            .into(),
            tags: [("owner".to_string(), "platform".to_string())].into(),
            ..PolicyPatch::default()
        },
        guardrails: Default::default(),
        anchors: CloudAnchorsPatch::default(),
    };
    backup_policy::evaluate(None, &input).expect("valid policy")
}

/// A subscription with apps `alpha` and `beta` (each its vault, tagged, and policy) and an
/// untagged vault.
async fn subscription() -> Arc<FakeAzure> {
    let azure = FakeAzure::new("sub");
    for (app, tagged) in [("beta", true), ("manual", false), ("alpha", true)] {
        let doc = document(app);
        let mut vault = VaultSpec::new("rg", &format!("rsv-{app}"), "westeurope");
        vault.tags = doc.tags().clone();
        if tagged {
            vault.tags = with_app_tag(vault.tags, app);
        }
        azure.ensure_vault(&vault).await.unwrap();
        let schedule = translate_policy(&doc).expect("translatable");
        let spec = PolicySpec {
            vault: VaultRef::new("rg", &vault.name),
            name: app.into(),
            schedule,
            instant_rp_retention_days: None,
        };
        azure.ensure_policy(&spec).await.unwrap();
    }
    azure
}

async fn run(azure: &FakeAzure, prefix: &str, limit: i64) -> (Vec<Listed>, Vec<String>) {
    let (mut results, reader) = ListReader::new(limit, usize::MAX);
    let request = ListRequest {
        config: Value::Object(BTreeMap::new()),
        include_resource_object: true,
        limit,
    };
    list_apps(azure, prefix, &request, &mut results).await;
    reader.received()
}

#[tokio::test]
async fn lists_the_tagged_vaults_apps_within_limit_and_prefix() {
    let azure = subscription().await;
    let (all, problems) = run(&azure, "", 100).await;
    assert!(problems.is_empty(), "{problems:?}");
    let names: Vec<_> = all.iter().map(|l| l.display_name.as_str()).collect();
    assert_eq!(names, ["alpha", "beta"]);
    assert_eq!(all[0].identity.get("name"), Some(&Value::from("alpha")));
    let state = all[0].state.as_ref().expect("the resource object");
    let block = state.get("azure").expect("azure block");
    assert_eq!(block.get("vault_name"), Some(&Value::from("rsv-alpha")));
    assert_eq!(block.get("resource_group"), Some(&Value::from("rg")));
    let tags = state.get("policy").and_then(|p| p.get("tags")).cloned();
    assert_eq!(
        tags,
        Some(Value::Map(
            [("owner".to_string(), Value::from("platform"))].into()
        ))
    );
    assert_eq!(run(&azure, "", 1).await.0.len(), 1);
    assert_eq!(run(&azure, "b", 100).await.0[0].display_name, "beta");
    let id = import_id_of(&*azure, "beta").await.unwrap().unwrap();
    assert_eq!(
        (id.vault_name.as_str(), id.app.as_str()),
        ("rsv-beta", "beta")
    );
    assert!(import_id_of(&*azure, "manual").await.unwrap().is_none());

    azure.world().calls.fail_on = Some("list_vaults");
    let (none, problems) = run(&azure, "", 100).await;
    assert!(none.is_empty());
    assert_eq!(problems, ["Azure error for backup_app \"\""]);
}

#[test]
fn the_rebuilt_rules_translate_to_the_same_policy() {
    let policy = translate_policy(&document("alpha")).unwrap();
    let rules = rules_of(&policy);
    assert_eq!(rules["daily"], ("cron(30 5 ? * * *)".to_string(), 35));
    assert_eq!(rules["monthly"], ("cron(30 5 1 * ? *)".to_string(), 365));
    let rebuilt = AppInput {
        name: "alpha".into(),
        policy: PolicyPatch {
            rules: rules
                .into_iter()
                .map(|(name, (cron, days))| {
                    let rule = RulePatch {
                        schedule: Some(cron),
                        retention_days: Some(days),
                        ..RulePatch::default()
                    };
                    (name.to_string(), rule)
                })
                .collect(),
            ..PolicyPatch::default()
        },
        guardrails: Default::default(),
        anchors: CloudAnchorsPatch::default(),
    };
    let doc = backup_policy::evaluate(None, &rebuilt).expect("valid rules");
    assert_eq!(translate_policy(&doc).ok(), Some(policy));
}
