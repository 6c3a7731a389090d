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

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    use async_trait::async_trait;

    use crate::cloud::azure::ResourceGroupState;
    use crate::cloud::ErrorKind;

    const ID: &str = "/subscriptions/sub/resourceGroups/rg-scratch";

    /// How the double answers a deletion.
    #[derive(Clone, Copy)]
    enum Delete {
        Done,
        Fails,
        Hangs,
    }

    /// One resource group carrying `tag`, deleted as `delete` says.
    struct Groups {
        tag: Option<String>,
        delete: Delete,
        deletes: Mutex<usize>,
    }

    #[async_trait]
    impl ResourceGroups for Groups {
        async fn find_resource_group(
            &self,
            id: &str,
        ) -> Result<Option<ResourceGroupState>, CloudError> {
            Ok(Some(ResourceGroupState {
                id: id.to_owned(),
                location: "westeurope".into(),
                tags: self
                    .tag
                    .iter()
                    .map(|run| (RESTORE_TEST_TAG.to_owned(), run.clone()))
                    .collect(),
            }))
        }

        async fn create_resource_group(
            &self,
            _id: &str,
            _location: &str,
            _tags: &AzureTags,
        ) -> Result<ResourceGroupState, CloudError> {
            unreachable!("clean_up creates nothing")
        }

        async fn delete_resource_group(&self, id: &str) -> Result<bool, CloudError> {
            *self.deletes.lock().unwrap() += 1;
            match self.delete {
                Delete::Done => Ok(true),
                Delete::Fails => Err(CloudError::new(
                    ErrorKind::Other,
                    "deleting resource group",
                    id,
                    "ScopeLocked: the scope is locked",
                )),
                Delete::Hangs => std::future::pending().await,
            }
        }
    }

    /// Runs [`clean_up`] for run `run-1`: the progress messages, the diagnostics, the deletes.
    async fn clean(tag: Option<&str>, delete: Delete) -> (Vec<String>, Diagnostics, usize) {
        let groups = Groups {
            tag: tag.map(str::to_owned),
            delete,
            deletes: Mutex::new(0),
        };
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let progress = Progress::new(move |m| sink.lock().unwrap().push(m));
        let mut diagnostics = Diagnostics::new();
        let timeout = Duration::from_millis(50);
        clean_up(&groups, "run-1", ID, timeout, &progress, &mut diagnostics).await;
        let deletes = *groups.deletes.lock().unwrap();
        let seen = seen.lock().unwrap().clone();
        (seen, diagnostics, deletes)
    }

    #[tokio::test]
    async fn the_runs_group_is_deleted_and_reported() {
        let (seen, diagnostics, deletes) = clean(Some("run-1"), Delete::Done).await;
        assert_eq!(deletes, 1);
        assert!(diagnostics.iter().next().is_none());
        assert!(
            seen[1].starts_with(&format!("Deleted scratch resource group {ID} in ")),
            "{seen:?}"
        );
    }

    #[tokio::test]
    async fn a_group_whose_tag_names_another_run_is_never_deleted() {
        for tag in [Some("run-2"), None] {
            let (_, diagnostics, deletes) = clean(tag, Delete::Done).await;
            assert_eq!(deletes, 0);
            let d = diagnostics.iter().next().unwrap();
            assert_eq!(d.summary, "Scratch resource group kept");
        }
    }

    #[tokio::test]
    async fn a_failed_or_slow_deletion_is_a_warning_naming_the_group() {
        for (delete, why) in [
            (Delete::Fails, "ScopeLocked"),
            (Delete::Hangs, "did not finish within"),
        ] {
            let (_, diagnostics, deletes) = clean(Some("run-1"), delete).await;
            assert_eq!(deletes, 1);
            let d = diagnostics.iter().next().unwrap();
            assert_eq!(d.summary, "Scratch resource group not deleted");
            assert!(
                d.detail.contains(ID) && d.detail.contains(why),
                "{}",
                d.detail
            );
            assert!(
                d.detail.contains("az group delete --name rg-scratch"),
                "{}",
                d.detail
            );
        }
    }
}
