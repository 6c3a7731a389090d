//! An in-memory vault of recovery points, for the `backup_recovery_point` tests: points are
//! listed in insertion order, `page_size` at a time, whatever `max_results` asks (the call log
//! records it).

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use async_trait::async_trait;

use super::Calls;
use crate::cloud::recovery_points::{RecoveryPointInfo, RecoveryPointPage, RecoveryPoints};
use crate::cloud::{CloudError, LifecycleSpec, Tags, VaultLockState};

/// What the fake holds.
#[derive(Debug, Default)]
pub(crate) struct PointsWorld {
    /// The points with their tags, in the order they were made.
    pub(crate) points: Vec<(RecoveryPointInfo, Tags)>,
    /// Vault locks by vault name.
    pub(crate) locks: BTreeMap<String, VaultLockState>,
    /// Points per listed page.
    pub(crate) page_size: usize,
    /// Every call.
    pub(crate) calls: Calls,
}

/// Recovery points of one account and region.
#[derive(Debug)]
pub(crate) struct FakeRecoveryPoints {
    account_id: String,
    region: String,
    world: Mutex<PointsWorld>,
}

impl FakeRecoveryPoints {
    /// An empty account listing two points per page.
    pub(crate) fn new(account_id: &str, region: &str) -> FakeRecoveryPoints {
        FakeRecoveryPoints {
            account_id: account_id.into(),
            region: region.into(),
            world: Mutex::new(PointsWorld {
                page_size: 2,
                ..PointsWorld::default()
            }),
        }
    }

    /// The state, to arrange and to inspect.
    pub(crate) fn world(&self) -> MutexGuard<'_, PointsWorld> {
        self.world.lock().expect("fake lock")
    }

    /// Adds a completed point `id` of `resource_arn` in `vault` made at `created`, kept 35
    /// days, by `rule`, with `tags`; returns its ARN.
    pub(crate) fn add(
        &self,
        vault: &str,
        id: &str,
        resource_arn: &str,
        created: i64,
        rule: Option<&str>,
        tags: &[(&str, &str)],
    ) -> String {
        let arn = format!(
            "arn:aws:backup:{}:{}:recovery-point:{id}",
            self.region, self.account_id
        );
        let info = RecoveryPointInfo {
            arn: arn.clone(),
            vault_name: vault.into(),
            resource_arn: resource_arn.into(),
            resource_type: "DynamoDB".into(),
            status: "COMPLETED".into(),
            created_epoch_seconds: created,
            lifecycle: LifecycleSpec {
                cold_after_days: None,
                delete_after_days: 35,
            },
            backup_size_bytes: Some(1024),
            backup_rule_name: rule.map(str::to_owned),
        };
        let tags = tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.world().points.push((info, tags));
        arn
    }
}

fn not_found(operation: &'static str, arn: &str) -> CloudError {
    super::not_found(operation, arn)
}

#[async_trait]
impl RecoveryPoints for FakeRecoveryPoints {
    fn account_id(&self) -> &str {
        &self.account_id
    }

    fn region(&self) -> &str {
        &self.region
    }

    async fn find_recovery_point(
        &self,
        vault_name: &str,
        arn: &str,
    ) -> Result<Option<RecoveryPointInfo>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_recovery_point", arn)?;
        Ok(world
            .points
            .iter()
            .find(|(p, _)| p.arn == arn && p.vault_name == vault_name)
            .map(|(p, _)| p.clone()))
    }

    async fn list_recovery_points(
        &self,
        vault_name: &str,
        token: Option<String>,
        max_results: i32,
    ) -> Result<RecoveryPointPage, CloudError> {
        let mut world = self.world();
        world.calls.record(
            "list_recovery_points",
            &format!("{vault_name} max {max_results}"),
        )?;
        let start: usize = token.and_then(|t| t.parse().ok()).unwrap_or(0);
        let all: Vec<_> = world
            .points
            .iter()
            .filter(|(p, _)| p.vault_name == vault_name)
            .map(|(p, _)| p.clone())
            .collect();
        let end = (start + world.page_size).min(all.len());
        Ok(RecoveryPointPage {
            points: all[start.min(end)..end].to_vec(),
            next_token: (end < all.len()).then(|| end.to_string()),
        })
    }

    async fn find_recovery_point_tags(&self, arn: &str) -> Result<Option<Tags>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_recovery_point_tags", arn)?;
        Ok(world
            .points
            .iter()
            .find(|(p, _)| p.arn == arn)
            .map(|(_, t)| t.clone()))
    }

    async fn update_recovery_point_lifecycle(
        &self,
        vault_name: &str,
        arn: &str,
        lifecycle: &LifecycleSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("update_recovery_point_lifecycle", arn)?;
        match world
            .points
            .iter_mut()
            .find(|(p, _)| p.arn == arn && p.vault_name == vault_name)
        {
            Some((point, _)) => {
                point.lifecycle = *lifecycle;
                Ok(())
            }
            None => Err(not_found("updating Recovery Point lifecycle", arn)),
        }
    }

    async fn delete_recovery_point(&self, vault_name: &str, arn: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_recovery_point", arn)?;
        world
            .points
            .retain(|(p, _)| !(p.arn == arn && p.vault_name == vault_name));
        Ok(())
    }

    async fn find_vault_lock(
        &self,
        vault_name: &str,
    ) -> Result<Option<VaultLockState>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_vault_lock", vault_name)?;
        Ok(world.locks.get(vault_name).cloned())
    }
}
