//! Unit tests of `backup_child` on AWS after an interrupted apply (objects in AWS that the state
//! does not record are adopted, not duplicated) and of what its refresh reads.

use super::*;

/// A joined child applied once, then applied again from a state that lost it (Terraform killed
/// between "created in AWS" and "saved"): the selection of its name is adopted, not duplicated.
#[tokio::test]
async fn a_joined_childs_selection_left_by_an_interrupted_apply_is_adopted() {
    let aws = FakeAws::new(CENTRAL, "eu-west-1");
    let root_plan = aws
        .create_plan(&plan_spec(&root(), "root", "root-vault", None))
        .await
        .unwrap();
    let config = child_config();
    let quiet = &mut Diagnostics::default();
    let mut first = config.clone();
    converge_into(
        &aws_part(&aws, &config),
        &child(None),
        &Value::Null,
        &mut first,
        quiet,
    )
    .await
    .unwrap();
    aws.world().calls.log.clear();
    let mut again = config.clone();
    converge_into(
        &aws_part(&aws, &config),
        &child(None),
        &Value::Null,
        &mut again,
        quiet,
    )
    .await
    .unwrap();
    assert_eq!(
        aws.world().calls.operations(),
        ["find_plan_by_name", "list_selections_by_name"]
    );
    assert_eq!(
        str_attr(&again, "aws_selection_id"),
        str_attr(&first, "aws_selection_id")
    );
    assert_eq!(aws.world().selections.len(), 1);
    assert_eq!(
        str_attr(&again, "aws_plan_id"),
        Some(root_plan.plan_id.as_str())
    );
}

/// A selection of the child's name with other content (an interrupted swap, or hand-made) is
/// replaced: the wanted one is made, then the other deleted.
#[tokio::test]
async fn a_selection_of_the_childs_name_with_other_content_is_replaced() {
    let aws = FakeAws::new(CENTRAL, "eu-west-1");
    let root_plan = aws
        .create_plan(&plan_spec(&root(), "root", "root-vault", None))
        .await
        .unwrap();
    let mut stale = model().selection("child");
    stale.resources = vec!["arn:aws:dynamodb:eu-west-1:111111111111:table/old".into()];
    let stale_id = aws
        .create_selection(&root_plan.plan_id, &stale)
        .await
        .unwrap();
    aws.world().calls.log.clear();
    let config = child_config();
    let mut state = config.clone();
    let quiet = &mut Diagnostics::default();
    converge_into(
        &aws_part(&aws, &config),
        &child(None),
        &Value::Null,
        &mut state,
        quiet,
    )
    .await
    .unwrap();
    assert_eq!(
        aws.world().calls.operations(),
        [
            "find_plan_by_name",
            "list_selections_by_name",
            "create_selection",
            "delete_selection"
        ]
    );
    let world = aws.world();
    assert_eq!(world.selections.len(), 1);
    let (_, kept) = world.selections.iter().next().unwrap();
    assert_ne!(kept.selection_id, stale_id);
    assert_eq!(kept.spec.resources, [TABLE]);
    assert_eq!(
        str_attr(&state, "aws_selection_id"),
        Some(kept.selection_id.as_str())
    );
}

/// A derived child applied again from a state that lost it adopts its vault, plan and selection;
/// a plan of its name with other rules is updated in place, not duplicated.
#[tokio::test]
async fn a_derived_childs_plan_left_by_an_interrupted_apply_is_adopted_and_converged() {
    let aws = FakeAws::new(MEMBER, "eu-west-1");
    let config = child_config();
    let quiet = &mut Diagnostics::default();
    let mut first = config.clone();
    converge_into(
        &aws_part(&aws, &config),
        &child(None),
        &Value::Null,
        &mut first,
        quiet,
    )
    .await
    .unwrap();
    let plan_id = str_attr(&first, "aws_plan_id").unwrap().to_string();
    aws.world().calls.log.clear();
    let mut again = config.clone();
    converge_into(
        &aws_part(&aws, &config),
        &child(None),
        &Value::Null,
        &mut again,
        quiet,
    )
    .await
    .unwrap();
    assert_eq!(
        aws.world().calls.operations(),
        [
            "ensure_vault",
            "find_plan_by_name",
            "list_selections_by_name"
        ]
    );
    assert_eq!(str_attr(&again, "aws_plan_id"), Some(plan_id.as_str()));
    assert_eq!(
        str_attr(&again, "aws_selection_id"),
        str_attr(&first, "aws_selection_id")
    );

    // The same, after the policy changed: the adopted plan is brought to the new rules.
    aws.world().calls.log.clear();
    let mut changed = config.clone();
    converge_into(
        &aws_part(&aws, &config),
        &child(Some(90)),
        &Value::Null,
        &mut changed,
        quiet,
    )
    .await
    .unwrap();
    assert_eq!(
        aws.world().calls.operations(),
        [
            "ensure_vault",
            "find_plan_by_name",
            "update_plan",
            "list_selections_by_name"
        ]
    );
    let world = aws.world();
    assert_eq!((world.plans.len(), world.selections.len()), (1, 1));
    assert_eq!(
        world.plans[&plan_id].spec.rules[0]
            .lifecycle
            .delete_after_days,
        90
    );
}

/// A derived child's refresh reads its selection, its plan's rules and whether its vault exists
/// (which AWS answers from one listing per refresh): rule drift nulls `policy_document`, a
/// vanished vault drops the child.
#[tokio::test]
async fn a_derived_childs_refresh_reads_selection_rules_and_vault_presence() {
    let aws = FakeAws::new(MEMBER, "eu-west-1");
    let config = child_config();
    let quiet = &mut Diagnostics::default();
    let mut state = config.clone();
    converge_into(
        &aws_part(&aws, &config),
        &child(None),
        &Value::Null,
        &mut state,
        quiet,
    )
    .await
    .unwrap();
    set_attr(
        &mut state,
        "policy_document",
        Value::from(child(None).to_json()),
    );
    aws.world().calls.log.clear();
    let part = aws_part(&aws, &state);
    let mut read = state.clone();
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read, state);
    assert_eq!(
        aws.world().calls.operations(),
        ["find_selection", "find_plan_rules_by_id", "vault_exists"]
    );

    let plan_id = str_attr(&state, "aws_plan_id").unwrap().to_string();
    aws.world().plans.get_mut(&plan_id).unwrap().spec.rules[0]
        .lifecycle
        .delete_after_days = 7;
    assert_eq!(
        read_into(&part, &mut read, quiet).await,
        Ok(Presence::Present)
    );
    assert_eq!(read.get("policy_document"), Some(&Value::Null));

    aws.world().vaults.clear();
    let mut read = state.clone();
    assert_eq!(read_into(&part, &mut read, quiet).await, Ok(Presence::Gone));
}
