//! Policy -> AWS Backup restore testing: the restore testing plan next to a backup plan, and the
//! selection of one child's resources in it.

use backup_policy::PolicyDocument;

use crate::cloud::{
    restore_testing_name, RestoreTestingPlanSpec, RestoreTestingSelectionSpec, Tags,
};

/// The restore testing plan that goes with backup plan `plan_name`, whose recovery points are in
/// `vault_arn`; `None` when `document` has no restore testing.
pub fn restore_testing_plan_spec(
    document: &PolicyDocument,
    plan_name: &str,
    vault_arn: &str,
) -> Option<RestoreTestingPlanSpec> {
    let rt = document.restore_testing()?;
    let include_vaults = if rt.include_vaults.is_empty() {
        vec![vault_arn.to_string()]
    } else {
        rt.include_vaults.clone()
    };
    Some(RestoreTestingPlanSpec {
        name: restore_testing_name(plan_name),
        schedule: rt.schedule.clone(),
        start_window_hours: rt.start_window_hours,
        algorithm: rt.algorithm.clone(),
        selection_window_days: rt.selection_window_days,
        include_vaults,
    })
}

/// The restore testing selection of child `child`'s resources (by ARN, else by tags); `None` when
/// `document` has no restore testing or names no `protected_resource_type`.
pub fn restore_testing_selection_spec(
    document: &PolicyDocument,
    child: &str,
    iam_role_arn: &str,
    resources: &[String],
    selection_tags: &Tags,
) -> Option<RestoreTestingSelectionSpec> {
    let rt = document.restore_testing()?;
    let mut arns = resources.to_vec();
    arns.sort();
    Some(RestoreTestingSelectionSpec {
        name: restore_testing_name(child),
        protected_resource_type: rt.protected_resource_type.clone()?,
        iam_role_arn: iam_role_arn.to_string(),
        protected_resource_tags: if arns.is_empty() {
            selection_tags.clone()
        } else {
            Tags::new()
        },
        protected_resource_arns: arns,
        restore_metadata_overrides: rt.restore_metadata_overrides.clone(),
        validation_window_hours: rt.validation_window_hours,
    })
}

#[cfg(test)]
mod tests {
    use backup_policy::{evaluate, AppInput, RestoreTestingPatch};

    use super::*;

    const VAULT: &str = "arn:aws:backup:us-east-1:111111111111:backup-vault:main";

    fn document(rt: Option<RestoreTestingPatch>) -> PolicyDocument {
        let mut app = AppInput {
            name: "org-root".into(),
            ..Default::default()
        };
        app.policy.restore_testing = rt;
        evaluate(None, &app).unwrap()
    }

    #[test]
    fn no_restore_testing_no_objects() {
        let doc = document(None);
        assert!(restore_testing_plan_spec(&doc, "org-root", VAULT).is_none());
        assert!(restore_testing_selection_spec(&doc, "c", "role", &[], &Tags::new()).is_none());
    }

    #[test]
    fn plan_defaults_to_the_plans_vault_and_selection_prefers_arns() {
        let doc = document(Some(RestoreTestingPatch {
            schedule: Some("cron(0 3 ? * SUN *)".into()),
            protected_resource_type: Some("EBS".into()),
            validation_window_hours: Some(4),
            ..Default::default()
        }));
        let plan = restore_testing_plan_spec(&doc, "org-root", VAULT).unwrap();
        assert_eq!(plan.name, "org_root");
        assert_eq!(plan.include_vaults, [VAULT]);
        assert_eq!(plan.start_window_hours, 24);
        let tags = Tags::from([("backup".to_string(), "yes".to_string())]);
        let arns = ["arn:b".to_string(), "arn:a".to_string()];
        let by_arn =
            restore_testing_selection_spec(&doc, "pay-ments", "role", &arns, &tags).unwrap();
        assert_eq!(by_arn.name, "pay_ments");
        assert_eq!(by_arn.protected_resource_arns, ["arn:a", "arn:b"]);
        assert!(by_arn.protected_resource_tags.is_empty());
        assert_eq!(by_arn.validation_window_hours, Some(4));
        let by_tag = restore_testing_selection_spec(&doc, "c", "role", &[], &tags).unwrap();
        assert_eq!(by_tag.protected_resource_tags, tags);
    }
}
