//! The Azure restore test's scratch resource group: created when it does not exist (tagged
//! `backup:restore-test = <run id>`), and deleted after the restore whatever its outcome. Only a
//! group this run created, whose tag still says so, is deleted; an existing group is kept.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tfplugin::framework::{Diagnostics, Progress};
use tokio::time::Instant;

use crate::cloud::azure::{AzureBackend, AzureTags, ResourceGroups, RESTORE_TEST_TAG};
use crate::cloud::CloudError;

/// What the run does with the scratch group once the restore has ended.
pub(super) enum ScratchGroup<'a> {
    /// Created by this run, tagged with `run`: deleted afterwards.
    Created {
        /// The backend's resource groups.
        groups: &'a dyn ResourceGroups,
        /// This run's id, the value of [`RESTORE_TEST_TAG`].
        run: String,
    },
    /// Already there, or the backend cannot manage groups: kept, and the user warned.
    Kept,
}

/// An id for this run: the time in nanoseconds and the process, in hex (unique enough to tell one
/// run's group from another's).
fn run_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("{nanos:x}-{:x}", std::process::id())
}

/// Finds the scratch group `id` and creates it in `location` when it does not exist.
pub(super) async fn prepare<'a>(
    backend: &'a dyn AzureBackend,
    id: &str,
    location: &str,
    progress: &Progress,
) -> Result<ScratchGroup<'a>, CloudError> {
    let Some(groups) = backend.resource_groups() else {
        return Ok(ScratchGroup::Kept);
    };
    if groups.find_resource_group(id).await?.is_some() {
        return Ok(ScratchGroup::Kept);
    }
    let run = run_id();
    let tags: AzureTags = [(RESTORE_TEST_TAG.to_owned(), run.clone())].into();
    groups.create_resource_group(id, location, &tags).await?;
    progress.report(format!(
        "Created scratch resource group {id} in {location} (tag {RESTORE_TEST_TAG} = {run}); it is deleted after the restore."
    ));
    Ok(ScratchGroup::Created { groups, run })
}

/// Deletes the group this run created, within `timeout`; a failure is a warning naming the group.
pub(super) async fn clean_up(
    groups: &dyn ResourceGroups,
    run: &str,
    id: &str,
    timeout: Duration,
    progress: &Progress,
    diagnostics: &mut Diagnostics,
) {
    let not_deleted = |diagnostics: &mut Diagnostics, why: String| {
        diagnostics.warning(
            "Scratch resource group not deleted",
            format!(
                "The restore test created resource group {id} but could not delete it: {why}. Delete it, e.g. \
                 `az group delete --name {}`.",
                id.rsplit('/').next().unwrap_or(id)
            ),
        )
    };
    // Re-read first: a group whose tag no longer names this run is someone else's now.
    match groups.find_resource_group(id).await {
        Err(e) => return not_deleted(diagnostics, e.to_string()),
        Ok(None) => return,
        Ok(Some(group)) if group.tags.get(RESTORE_TEST_TAG).map(String::as_str) != Some(run) => {
            return diagnostics.warning(
                "Scratch resource group kept",
                format!(
                    "Resource group {id} no longer carries tag {RESTORE_TEST_TAG} = {run} of this run, so it was not \
                     deleted."
                ),
            )
        }
        Ok(Some(_)) => {}
    }
    progress.report(format!("Deleting scratch resource group {id}."));
    let started = Instant::now();
    match tokio::time::timeout(timeout, groups.delete_resource_group(id)).await {
        Ok(Ok(_)) => progress.report(format!(
            "Deleted scratch resource group {id} in {:.1} s.",
            started.elapsed().as_secs_f64()
        )),
        Ok(Err(e)) => not_deleted(diagnostics, e.to_string()),
        Err(_) => not_deleted(
            diagnostics,
            format!("the deletion did not finish within {} s", timeout.as_secs()),
        ),
    }
}
