//! What the tree must have made in each account, checked through the AWS API, and that nothing
//! is left after destroy.

use serde_json::Value;

use crate::support::aws::{CENTRAL, MEMBER};
use crate::support::aws_emulator::REGION;
use crate::support::state::resource_values;
use crate::{backends, plan_named, vault_exists, Names};
use terraform_provider_backup::cloud::{BackupBackend, CopySpec, LifecycleSpec};

/// Checks the objects the tree should have in each account, with `retention` on every rule.
pub(crate) async fn assert_tree_in_aws(names: &Names, state: &Value, retention: i64) {
    let (central, member) = backends().await;
    let root_vault_arn = central.vault_arn(&names.root);

    // 111111111111: the root vault (with the access policy) and plan; the joined child's selection.
    assert!(vault_exists(&central, &names.root).await);
    assert_eq!(
        central.find_vault_access_policy(&names.root).await.unwrap(),
        Some(vec![MEMBER.to_string()])
    );
    let root_plan = plan_named(&central, &names.root)
        .await
        .expect("root plan in 111111111111");
    assert_eq!(root_plan.spec.rules.len(), 1);
    let rule = &root_plan.spec.rules[0];
    assert_eq!(
        (rule.name.as_str(), rule.target_vault.as_str()),
        ("daily", names.root.as_str())
    );
    assert_eq!(rule.lifecycle.delete_after_days, retention);
    assert!(rule.copy_actions.is_empty());
    assert_eq!(
        root_plan.spec.tags.get("owner").map(String::as_str),
        Some("platform")
    );
    let joined = central
        .find_selection_by_name(&root_plan.state.plan_id, &names.joined)
        .await
        .unwrap()
        .expect("joined child's selection in the root plan");
    assert_eq!(
        joined.spec.resources,
        vec![format!("arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders")]
    );
    assert!(plan_named(&central, &names.joined).await.is_none());
    assert!(!vault_exists(&central, &names.joined).await);
    assert!(plan_named(&central, &names.derived).await.is_none());

    // 222222222222: the derived child's vault, plan (copying to the root vault) and selection.
    assert!(vault_exists(&member, &names.derived).await);
    let derived_plan = plan_named(&member, &names.derived)
        .await
        .expect("derived plan in 222222222222");
    assert_eq!(derived_plan.spec.rules.len(), 1);
    let rule = &derived_plan.spec.rules[0];
    assert_eq!(rule.target_vault, names.derived);
    assert_eq!(rule.lifecycle.delete_after_days, retention);
    assert_eq!(
        rule.copy_actions,
        vec![CopySpec {
            destination_vault_arn: root_vault_arn,
            lifecycle: LifecycleSpec {
                cold_after_days: None,
                delete_after_days: retention
            },
        }]
    );
    let selection = member
        .find_selection_by_name(&derived_plan.state.plan_id, &names.derived)
        .await
        .unwrap()
        .expect("derived child's selection");
    assert_eq!(
        selection
            .spec
            .selection_tags
            .get("backup")
            .map(String::as_str),
        Some("gold")
    );
    assert!(plan_named(&member, &names.root).await.is_none());
    assert!(!vault_exists(&member, &names.root).await);
    assert!(!vault_exists(&member, &names.joined).await);

    // Terraform's view agrees.
    let root = resource_values(state, "backup_app.root");
    assert_eq!(
        root["aws_vault_arn"],
        central.vault_arn(&names.root).as_str()
    );
    assert_eq!(root["aws_plan_id"], root_plan.state.plan_id.as_str());
    let joined_state = resource_values(state, "backup_child.joined");
    assert_eq!(joined_state["mode"], "joined");
    assert_eq!(
        joined_state["aws_plan_id"],
        root_plan.state.plan_id.as_str()
    );
    assert_eq!(
        joined_state["aws_selection_id"],
        joined.selection_id.as_str()
    );
    let derived_state = resource_values(state, "backup_child.derived");
    assert_eq!(derived_state["mode"], "derived");
    assert_eq!(
        derived_state["aws_plan_id"],
        derived_plan.state.plan_id.as_str()
    );
    assert_eq!(
        derived_state["aws_selection_id"],
        selection.selection_id.as_str()
    );
}

/// Nothing the tree created remains in either account.
pub(crate) async fn assert_nothing_left(names: &Names) {
    let (central, member) = backends().await;
    for backend in [&central, &member] {
        for name in [&names.root, &names.joined, &names.derived] {
            assert!(
                plan_named(backend, name).await.is_none(),
                "plan {name} left in {}",
                backend.account_id()
            );
            assert!(
                !vault_exists(backend, name).await,
                "vault {name} left in {}",
                backend.account_id()
            );
        }
    }
}
