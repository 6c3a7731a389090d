//! The restore testing objects a resource's AWS part converges, reads and destroys: the restore
//! testing plan next to each backup plan (an anchor app's, or a derived child's own) and each
//! child's selection in it. Shared by `backup_app` and `backup_child`; calls go through the
//! backend trait only.

use backup_policy::PolicyDocument;
use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::AttributePath;

use crate::cloud::aws::translate_restore_testing::{
    restore_testing_plan_spec, restore_testing_selection_spec,
};
use crate::cloud::{restore_testing_name, BackupBackend, CloudError, Tags};

/// Whether `document` (a prior state's, `None` when unreadable) may have left restore testing
/// objects: then a converge without restore testing, or a destroy, deletes them.
pub(crate) fn may_have_objects(prior: Option<&PolicyDocument>, prior_exists: bool) -> bool {
    match prior {
        Some(doc) => doc.restore_testing().is_some(),
        None => prior_exists,
    }
}

/// Brings the restore testing plan next to backup plan `plan_name` (recovery points in
/// `vault_arn`) to `document`: created or updated when it has restore testing, deleted (with
/// every selection left in it) when it has none and `had_objects`.
pub(crate) async fn converge_plan(
    backend: &dyn BackupBackend,
    document: &PolicyDocument,
    plan_name: &str,
    vault_arn: &str,
    had_objects: bool,
) -> Result<(), CloudError> {
    match restore_testing_plan_spec(document, plan_name, vault_arn) {
        Some(spec) => backend.ensure_restore_testing_plan(&spec).await,
        None if had_objects => destroy_plan(backend, plan_name).await,
        None => Ok(()),
    }
}

/// Whether the restore testing plan differs from `document` (1 call; none without restore
/// testing).
pub(crate) async fn plan_drifted(
    backend: &dyn BackupBackend,
    document: &PolicyDocument,
    plan_name: &str,
    vault_arn: &str,
) -> Result<bool, CloudError> {
    let Some(spec) = restore_testing_plan_spec(document, plan_name, vault_arn) else {
        return Ok(false);
    };
    let found = backend.find_restore_testing_plan(&spec.name).await?;
    Ok(found.as_ref() != Some(&spec))
}

/// Deletes the restore testing plan next to `plan_name` and every selection in it.
pub(crate) async fn destroy_plan(
    backend: &dyn BackupBackend,
    plan_name: &str,
) -> Result<(), CloudError> {
    backend
        .delete_restore_testing_plan_and_selections(&restore_testing_name(plan_name))
        .await
}

/// What a child's selection is built from.
pub(crate) struct ChildSelection<'a> {
    /// The backup plan the child's resources are in (the restore testing plan goes with it).
    pub(crate) plan_name: &'a str,
    /// The child's name.
    pub(crate) child: &'a str,
    /// The role restores run as.
    pub(crate) iam_role_arn: &'a str,
    /// ARNs of the child's resources.
    pub(crate) resources: &'a [String],
    /// Tags selecting the child's resources.
    pub(crate) selection_tags: &'a Tags,
}

/// Brings the child's restore testing selection to `document`: created or updated when it has
/// restore testing, deleted when it has none and `had_objects`.
pub(crate) async fn converge_selection(
    backend: &dyn BackupBackend,
    document: &PolicyDocument,
    child: &ChildSelection<'_>,
    had_objects: bool,
) -> Result<(), CloudError> {
    let plan = restore_testing_name(child.plan_name);
    match selection_spec(document, child) {
        Some(spec) => backend.ensure_restore_testing_selection(&plan, &spec).await,
        None if had_objects => {
            backend
                .delete_restore_testing_selection(&plan, &restore_testing_name(child.child))
                .await
        }
        None => Ok(()),
    }
}

/// Whether the child's selection differs from `document` (1 call; none without restore testing).
pub(crate) async fn selection_drifted(
    backend: &dyn BackupBackend,
    document: &PolicyDocument,
    child: &ChildSelection<'_>,
) -> Result<bool, CloudError> {
    let Some(spec) = selection_spec(document, child) else {
        return Ok(false);
    };
    let plan = restore_testing_name(child.plan_name);
    let found = backend
        .find_restore_testing_selection(&plan, &spec.name)
        .await?;
    Ok(found.as_ref() != Some(&spec))
}

/// Deletes the child's selection (nothing when it is gone).
pub(crate) async fn destroy_selection(
    backend: &dyn BackupBackend,
    plan_name: &str,
    child: &str,
) -> Result<(), CloudError> {
    backend
        .delete_restore_testing_selection(
            &restore_testing_name(plan_name),
            &restore_testing_name(child),
        )
        .await
}

fn selection_spec(
    document: &PolicyDocument,
    child: &ChildSelection<'_>,
) -> Option<crate::cloud::RestoreTestingSelectionSpec> {
    restore_testing_selection_spec(
        document,
        child.child,
        child.iam_role_arn,
        child.resources,
        child.selection_tags,
    )
}

/// At plan time: a child realised on AWS under restore testing needs a resource type to restore.
pub(crate) fn check_child(document: &PolicyDocument, diagnostics: &mut Diagnostics) {
    let Some(rt) = document.restore_testing() else {
        return;
    };
    if rt.protected_resource_type.is_none() {
        let path = AttributePath::attr("policy")
            .attribute("restore_testing")
            .attribute("protected_resource_type");
        diagnostics.push(
            Diagnostic::error(
                "Restore testing needs a resource type",
                "this child's resources are restore tested (restore_testing is set by an ancestor), so AWS Backup \
                 needs the type of resource to restore: set policy.restore_testing.protected_resource_type here or \
                 in an ancestor (e.g. \"EBS\", \"EC2\", \"RDS\", \"S3\", \"DynamoDB\").",
            )
            .at(path),
        );
    }
}
