//! The Azure backend against the fake ARM server: every call it makes is validated against the
//! vendored Azure REST specs, and each test ends by asserting there was no mismatch.

#[path = "../support/mod.rs"]
mod support;

mod auth;
mod backup_jobs;
mod errors;
mod operations;
mod policies;
mod protection;
mod regions;
mod resource_groups;
mod resource_guards;
mod restore;
mod site_backup;
mod vaults;

use std::collections::BTreeMap;

use backup_policy::{
    EffectiveRule, DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES,
};
use support::azure::settings;
use support::fake_arm::server::FakeArm;
use terraform_provider_backup::cloud::azure::translate::{translate_rules, AzureRetentionSchedule};
use terraform_provider_backup::cloud::azure::{
    ArmBackend, ArmOptions, AzureBackend, AzureSettings, ImmutabilityState, PolicySpec,
    ProtectedVmSpec, SoftDeleteState, StorageRedundancy, VaultRef, VaultSpec,
};

const RG: &str = "rg-backup";
const SAS: &str = "https://backupacct.blob.core.windows.net/appbackups?sv=2024-11-04&ss=b&srt=co&sp=rwdlac&se=2027-01-01T00:00:00Z&sig=SuperSecretSignature%3D";

fn backend_with(settings: AzureSettings) -> ArmBackend {
    ArmBackend::new(&settings.resolve().unwrap(), ArmOptions::for_tests()).unwrap()
}

fn rule(schedule: &str, retention_days: i64) -> EffectiveRule {
    EffectiveRule {
        schedule: schedule.into(),
        start_window_minutes: DEFAULT_START_WINDOW_MINUTES,
        completion_window_minutes: DEFAULT_COMPLETION_WINDOW_MINUTES,
        retention_days,
        cold_storage_after_days: None,
        enable_continuous_backup: false,
        copy_to: vec![],
        recovery_point_tags: BTreeMap::new(),
    }
}

/// The Azure shape of `daily` (at 05:00, kept `daily_days`) plus a monthly rule kept a year.
fn schedule(daily_days: i64) -> AzureRetentionSchedule {
    let rules: BTreeMap<String, EffectiveRule> = [
        ("daily".to_string(), rule("cron(0 5 ? * * *)", daily_days)),
        ("monthly".to_string(), rule("cron(0 5 1 * ? *)", 365)),
    ]
    .into_iter()
    .collect();
    translate_rules(&rules).unwrap()
}

fn vault_spec(name: &str, soft_delete: SoftDeleteState) -> VaultSpec {
    let mut spec = VaultSpec::new(RG, name, "West Europe");
    spec.storage_redundancy = Some(StorageRedundancy::GeoRedundant);
    spec.cross_region_restore = Some(true);
    spec.soft_delete = Some(soft_delete);
    spec.immutability = Some(ImmutabilityState::Unlocked);
    spec.tags.insert("owner".into(), "platform".into());
    spec
}

/// The spec of policy `name` in `vault`: dailies kept `daily_days`, no instant-restore setting.
fn policy_spec(vault: &VaultRef, name: &str, daily_days: i64) -> PolicySpec {
    PolicySpec {
        vault: vault.clone(),
        name: name.into(),
        schedule: schedule(daily_days),
        instant_rp_retention_days: None,
    }
}

/// Protection of `vm` in `vault` with the policy `policy_id`.
fn vm_spec(vault: &VaultRef, vm: &str, policy_id: &str) -> ProtectedVmSpec {
    ProtectedVmSpec {
        vault: vault.clone(),
        vm_id: vm.into(),
        policy_id: policy_id.into(),
    }
}

/// A fake ARM server and a backend connected to it with the test options.
async fn fake_and_backend() -> (FakeArm, ArmBackend) {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    (fake, azure)
}

/// Creates vault `name` in [`RG`] (see [`vault_spec`]) with `soft_delete`.
async fn create_vault(azure: &ArmBackend, name: &str, soft_delete: SoftDeleteState) -> VaultRef {
    azure
        .ensure_vault(&vault_spec(name, soft_delete))
        .await
        .unwrap();
    VaultRef::new(RG, name)
}
