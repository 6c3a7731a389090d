//! The Azure backend against the fake ARM server: every call it makes is validated against the
//! vendored Azure REST specs, and each test ends by asserting there was no mismatch.

#[path = "fake_arm/mod.rs"]
mod fake_arm;

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::Method;
use backup_policy::{
    EffectiveRule, DEFAULT_COMPLETION_WINDOW_MINUTES, DEFAULT_START_WINDOW_MINUTES,
};
use fake_arm::server::{FakeArm, CLIENT_ID, CLIENT_SECRET, FEDERATED_TOKEN, SUBSCRIPTION, TENANT};
use terraform_provider_backup::cloud::azure::translate::{translate_rules, AzureRetentionSchedule};
use terraform_provider_backup::cloud::azure::{
    ArmBackend, ArmOptions, AzureBackend, AzureSettings, FrequencyUnit, ImmutabilityState,
    PolicySpec, ProtectedVmSpec, Secret, SiteBackupSchedule, SiteBackupSpec, SoftDeleteState,
    StopProtectionOutcome, StorageRedundancy, VaultRef, VaultSpec,
};
use terraform_provider_backup::cloud::{ErrorKind, RetryPolicy};

const RG: &str = "rg-backup";
const SAS: &str = "https://backupacct.blob.core.windows.net/appbackups?sv=2024-11-04&ss=b&srt=co&sp=rwdlac&se=2027-01-01T00:00:00Z&sig=SuperSecretSignature%3D";

fn settings(fake: &FakeArm) -> AzureSettings {
    AzureSettings {
        subscription_id: Some(SUBSCRIPTION.into()),
        tenant_id: Some(TENANT.into()),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(Secret::new(CLIENT_SECRET)),
        use_cli: Some(false),
        resource_manager_endpoint: Some(fake.url().into()),
        authority_host: Some(fake.url().into()),
        ..AzureSettings::default()
    }
}

fn backend_with(settings: AzureSettings) -> ArmBackend {
    ArmBackend::new(&settings.resolve().unwrap(), ArmOptions::for_tests()).unwrap()
}

fn vm_id(name: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/{name}")
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

#[tokio::test]
async fn vault_create_read_update_delete() {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    let vault = VaultRef::new(RG, "rsv-org-root");
    assert_eq!(azure.find_vault(&vault).await.unwrap(), None);

    let mut spec = vault_spec("rsv-org-root", SoftDeleteState::AlwaysOn);
    let created = azure.ensure_vault(&spec).await.unwrap();
    assert_eq!(created.id, azure.vault_id(&vault));
    assert_eq!(created.location, "westeurope");
    assert_eq!(
        created.storage_redundancy,
        Some(StorageRedundancy::GeoRedundant)
    );
    assert_eq!(created.cross_region_restore, Some(true));
    assert_eq!(created.soft_delete, Some(SoftDeleteState::AlwaysOn));
    assert_eq!(created.immutability, Some(ImmutabilityState::Unlocked));
    assert_eq!(
        azure.find_vault(&vault).await.unwrap(),
        Some(created.clone())
    );

    spec.cross_region_restore = Some(false);
    spec.tags.insert("env".into(), "prod".into());
    let updated = azure.ensure_vault(&spec).await.unwrap();
    assert_eq!(updated.id, created.id, "updated in place");
    assert_eq!(updated.cross_region_restore, Some(false));
    assert_eq!(updated.tags.get("env").map(String::as_str), Some("prod"));

    azure.delete_vault(&vault).await.unwrap();
    assert_eq!(azure.find_vault(&vault).await.unwrap(), None);
    azure.delete_vault(&vault).await.unwrap();
    fake.assert_valid();
}

#[tokio::test]
async fn policy_create_update_in_place_delete() {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    let vault = VaultRef::new(RG, "rsv");
    azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap();

    let mut spec = PolicySpec {
        vault: vault.clone(),
        name: "org-root".into(),
        schedule: schedule(35),
        instant_rp_retention_days: Some(2),
    };
    let created = azure.ensure_policy(&spec).await.unwrap();
    assert_eq!(created.id, azure.policy_id(&vault, "org-root"));
    assert_eq!(created.schedule.as_ref(), Some(&spec.schedule));
    assert_eq!(created.time_zone.as_deref(), Some("UTC"));

    spec.schedule = schedule(60);
    let updated = azure.ensure_policy(&spec).await.unwrap();
    assert_eq!(updated.id, created.id);
    let read = azure
        .find_policy(&vault, "org-root")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read.schedule
            .unwrap()
            .retention
            .daily
            .unwrap()
            .duration
            .count,
        60
    );

    azure.delete_policy(&vault, "org-root").await.unwrap();
    assert_eq!(azure.find_policy(&vault, "org-root").await.unwrap(), None);
    azure.delete_policy(&vault, "org-root").await.unwrap();
    fake.assert_valid();
}

#[tokio::test]
async fn protect_two_vms_then_stop_leaves_nothing() {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    let vault = VaultRef::new(RG, "rsv");
    azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap();
    let root = azure
        .ensure_policy(&PolicySpec {
            vault: vault.clone(),
            name: "org-root".into(),
            schedule: schedule(35),
            instant_rp_retention_days: None,
        })
        .await
        .unwrap();
    // A child that keeps dailies longer gets a derived policy in the ancestor's vault.
    let derived = azure
        .ensure_policy(&PolicySpec {
            vault: vault.clone(),
            name: "payments-prod".into(),
            schedule: schedule(90),
            instant_rp_retention_days: None,
        })
        .await
        .unwrap();
    let (vm1, vm2) = (vm_id("vm1"), vm_id("vm2"));
    fake.add_vm(&vm1);
    fake.add_vm(&vm2);

    let item1 = azure
        .protect_vm(&ProtectedVmSpec {
            vault: vault.clone(),
            vm_id: vm1.clone(),
            policy_id: root.id.clone(),
        })
        .await
        .unwrap();
    let item2 = azure
        .protect_vm(&ProtectedVmSpec {
            vault: vault.clone(),
            vm_id: vm2.clone(),
            policy_id: derived.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(item1.id, azure.protected_item_id(&vault, &vm1).unwrap());
    assert!(item1.id.ends_with("/protectionContainers/iaasvmcontainer;iaasvmcontainerv2;rg-app;vm1/protectedItems/vm;iaasvmcontainerv2;rg-app;vm1"), "{}", item1.id);
    assert_eq!(item2.policy_id.as_deref(), Some(derived.id.as_str()));
    assert_eq!(
        azure.find_protected_vm(&vault, &vm2).await.unwrap(),
        Some(item2.clone())
    );
    assert_eq!(
        azure
            .find_policy(&vault, "payments-prod")
            .await
            .unwrap()
            .unwrap()
            .protected_items_count,
        1
    );
    assert_eq!(azure.list_protected_vms(&vault).await.unwrap().len(), 2);

    // A VM that does not exist is named in the error.
    let err = azure
        .protect_vm(&ProtectedVmSpec {
            vault: vault.clone(),
            vm_id: vm_id("ghost"),
            policy_id: root.id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);

    for vm in [&vm1, &vm2] {
        assert_eq!(
            azure.stop_protection(&vault, vm).await.unwrap(),
            StopProtectionOutcome::Removed
        );
        assert_eq!(azure.find_protected_vm(&vault, vm).await.unwrap(), None);
    }
    assert_eq!(
        azure.stop_protection(&vault, &vm1).await.unwrap(),
        StopProtectionOutcome::Removed
    );
    azure.delete_policy(&vault, "payments-prod").await.unwrap();
    azure.delete_policy(&vault, "org-root").await.unwrap();
    azure.delete_vault(&vault).await.unwrap();
    assert_eq!(fake.stored_paths(), Vec::<String>::new());
    fake.assert_valid();
}

/// A vault with soft delete on, a policy `p` and VM `vm1` protected by it.
async fn protected_vm_under_soft_delete(
    fake: &FakeArm,
    azure: &ArmBackend,
    vault_name: &str,
) -> (VaultRef, String) {
    let vault = VaultRef::new(RG, vault_name);
    azure
        .ensure_vault(&vault_spec(vault_name, SoftDeleteState::Enabled))
        .await
        .unwrap();
    let policy = azure
        .ensure_policy(&PolicySpec {
            vault: vault.clone(),
            name: "p".into(),
            schedule: schedule(35),
            instant_rp_retention_days: None,
        })
        .await
        .unwrap();
    let vm = vm_id("vm1");
    fake.add_vm(&vm);
    azure
        .protect_vm(&ProtectedVmSpec {
            vault: vault.clone(),
            vm_id: vm.clone(),
            policy_id: policy.id,
        })
        .await
        .unwrap();
    (vault, vm)
}

#[tokio::test]
async fn soft_deleted_items_are_reported_and_block_the_vault_delete() {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    let (vault, vm) = protected_vm_under_soft_delete(&fake, &azure, "rsv-soft").await;

    let StopProtectionOutcome::SoftDeleted(item) =
        azure.stop_protection(&vault, &vm).await.unwrap()
    else {
        panic!("soft delete keeps the item");
    };
    assert!(item.soft_deleted);
    assert_eq!(item.protection_state.as_deref(), Some("ProtectionStopped"));
    assert!(item.purge_at.is_some());
    let listed = azure.list_protected_vms(&vault).await.unwrap();
    assert_eq!(listed, vec![item]);

    let err = azure.delete_vault(&vault).await.unwrap_err();
    assert_eq!(err.code(), Some("ServiceResourceNotEmpty"));
    assert!(
        err.to_string()
            .starts_with("deleting Recovery Services Vault (rsv-soft): ServiceResourceNotEmpty: "),
        "{err}"
    );

    // Protecting the VM again undeletes the item first, then gives it its policy.
    let again = azure
        .protect_vm(&ProtectedVmSpec {
            vault: vault.clone(),
            vm_id: vm.clone(),
            policy_id: azure.policy_id(&vault, "p"),
        })
        .await
        .unwrap();
    assert!(!again.soft_deleted);
    assert_eq!(again.policy_id, Some(azure.policy_id(&vault, "p")));
    let err = azure.delete_vault(&vault).await.unwrap_err();
    assert_eq!(err.code(), Some("ServiceResourceNotEmpty"));
    assert!(
        err.to_string()
            .starts_with("deleting Recovery Services Vault (rsv-soft): ServiceResourceNotEmpty: "),
        "{err}"
    );
    fake.assert_valid();
}

/// Azure's documented way to empty a vault of soft-deleted items: soft delete off (a PATCH that
/// keeps everything else), undelete each item (`isRehydrate`), delete it for good.
#[tokio::test]
async fn soft_deleted_items_are_purged_after_soft_delete_is_turned_off() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    let azure = backend_with(settings(&fake));
    let (vault, vm) = protected_vm_under_soft_delete(&fake, &azure, "rsv-purge").await;
    assert!(matches!(
        azure.stop_protection(&vault, &vm).await.unwrap(),
        StopProtectionOutcome::SoftDeleted(_)
    ));

    let before = azure.find_vault(&vault).await.unwrap().unwrap();
    let after = azure.disable_soft_delete(&vault).await.unwrap();
    assert_eq!(after.soft_delete, Some(SoftDeleteState::Disabled));
    assert_eq!(after.location, before.location);
    assert_eq!(after.tags, before.tags);
    assert_eq!(after.storage_redundancy, before.storage_redundancy);

    // Still soft-deleted: with soft delete off, Azure wants it undeleted before it is deleted.
    assert!(azure.stop_protection(&vault, &vm).await.is_err());
    let undeleted = azure.undelete_protected_vm(&vault, &vm).await.unwrap();
    assert!(!undeleted.soft_deleted);
    assert_eq!(undeleted.policy_id, None);
    assert_eq!(
        azure.stop_protection(&vault, &vm).await.unwrap(),
        StopProtectionOutcome::Removed
    );
    assert_eq!(azure.list_protected_vms(&vault).await.unwrap(), vec![]);
    azure.delete_policy(&vault, "p").await.unwrap();
    azure.delete_vault(&vault).await.unwrap();
    assert_eq!(fake.stored_paths(), Vec::<String>::new());
    fake.assert_valid();
}

#[tokio::test]
async fn always_on_soft_delete_cannot_be_turned_off() {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    let vault = VaultRef::new(RG, "rsv-always");
    azure
        .ensure_vault(&vault_spec("rsv-always", SoftDeleteState::AlwaysOn))
        .await
        .unwrap();
    let err = azure.disable_soft_delete(&vault).await.unwrap_err();
    assert!(
        err.to_string()
            .starts_with("disabling soft delete of Recovery Services Vault (rsv-always): "),
        "{err}"
    );
    let stored = azure.find_vault(&vault).await.unwrap().unwrap();
    assert_eq!(stored.soft_delete, Some(SoftDeleteState::AlwaysOn));
    fake.assert_valid();
}

#[tokio::test]
async fn app_service_backup_configuration() {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    let site = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Web/sites/shop"
    );
    fake.add_site(&site);
    assert_eq!(azure.find_site_backup(&site).await.unwrap(), None);

    let policy = schedule(35);
    let spec = SiteBackupSpec {
        site_id: site.clone(),
        storage_account_url: Secret::new(SAS),
        schedule: SiteBackupSchedule::from_policy(&policy),
        enabled: true,
    };
    assert_eq!(spec.schedule.frequency_interval, 1);
    assert_eq!(spec.schedule.frequency_unit, FrequencyUnit::Day);
    assert_eq!(
        spec.schedule.retention_period_in_days,
        12 * 31,
        "the longest tier (monthly, 12 months)"
    );
    let state = azure.ensure_site_backup(&spec).await.unwrap();
    assert_eq!(state.schedule.as_ref(), Some(&spec.schedule));
    assert!(
        !format!("{state:?}").contains("sig="),
        "the SAS URL is write-only"
    );
    let sent = fake.stored(&format!("{site}/config/backup")).unwrap();
    assert_eq!(sent["properties"]["storageAccountUrl"], SAS);
    assert_eq!(azure.find_site_backup(&site).await.unwrap(), Some(state));

    azure.delete_site_backup(&site).await.unwrap();
    assert_eq!(azure.find_site_backup(&site).await.unwrap(), None);
    assert_eq!(fake.stored_paths(), Vec::<String>::new());
    fake.assert_valid();
}

#[tokio::test]
async fn long_running_operations_are_polled_to_the_end() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(3);
    let azure = backend_with(settings(&fake));
    let vault = VaultRef::new(RG, "rsv-lro");
    let created = azure
        .ensure_vault(&vault_spec("rsv-lro", SoftDeleteState::Disabled))
        .await
        .unwrap();
    assert_eq!(
        created.provisioning_state.as_deref(),
        Some("Succeeded"),
        "the final GET, not the 201 body"
    );
    let policy = azure
        .ensure_policy(&PolicySpec {
            vault: vault.clone(),
            name: "p".into(),
            schedule: schedule(35),
            instant_rp_retention_days: None,
        })
        .await
        .unwrap();
    assert_eq!(policy.schedule.as_ref(), Some(&schedule(35)));
    let vm = vm_id("vm1");
    fake.add_vm(&vm);
    let item = azure
        .protect_vm(&ProtectedVmSpec {
            vault: vault.clone(),
            vm_id: vm.clone(),
            policy_id: policy.id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(item.protection_state.as_deref(), Some("IRPending"));
    assert_eq!(
        azure.stop_protection(&vault, &vm).await.unwrap(),
        StopProtectionOutcome::Removed
    );
    azure.delete_policy(&vault, "p").await.unwrap();
    azure.delete_vault(&vault).await.unwrap();
    assert_eq!(fake.stored_paths(), Vec::<String>::new());

    let calls = fake.calls();
    let count = |fragment: &str| {
        calls
            .iter()
            .filter(|(m, p, _)| m == "GET" && p.contains(fragment))
            .count()
    };
    assert_eq!(count("/operationResults/"), 4 + 1 + 1, "vault create via Location (3 × 202 + 200); the policy and protected item results via Location");
    assert_eq!(
        count("/operationStatus/"),
        4,
        "vault delete via Azure-AsyncOperation"
    );
    assert_eq!(count("/operations/"), 8, "policy create and delete");
    assert_eq!(count("/operationsStatus/"), 4, "protect");
    assert_eq!(count("/backupOperations/"), 4, "stop protection");
    fake.assert_valid();
}

#[tokio::test]
async fn failed_operations_surface_their_error() {
    let fake = FakeArm::start().await;
    fake.set_async_polls(2);
    let azure = backend_with(settings(&fake));
    let vault = VaultRef::new(RG, "rsv");
    // Location-only polling (vault create): the operation result answers the error.
    fake.fail_next_operation(
        "UserErrorResourceGroupLocked",
        "The resource group is locked.",
    );
    let err = azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("UserErrorResourceGroupLocked"));
    assert_eq!(
        azure.find_vault(&vault).await.unwrap(),
        None,
        "a failed create changes nothing"
    );
    // Azure-AsyncOperation polling (policy write): the status body carries the error.
    azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap();
    fake.fail_next_operation(
        "BMSUserErrorInvalidPolicyInput",
        "Retention is below the minimum.",
    );
    let err = azure
        .ensure_policy(&PolicySpec {
            vault: vault.clone(),
            name: "p".into(),
            schedule: schedule(35),
            instant_rp_retention_days: None,
        })
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "creating Backup Policy (p): BMSUserErrorInvalidPolicyInput: Retention is below the minimum."
    );
    assert_eq!(azure.find_policy(&vault, "p").await.unwrap(), None);
    fake.assert_valid();
}

#[tokio::test]
async fn cancellation_ends_a_retry_wait() {
    let fake = FakeArm::start().await;
    // A budget long enough for the 60 s Retry-After (a longer one ends the retries at once).
    let options = ArmOptions {
        retry: RetryPolicy::standard(),
        ..ArmOptions::for_tests()
    };
    let cancel = options.cancel.clone();
    let azure = ArmBackend::new(&settings(&fake).resolve().unwrap(), options).unwrap();
    azure.authenticate().await.unwrap();
    fake.throttle(1, 60);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        cancel.cancel();
    });
    let started = Instant::now();
    let err = azure
        .find_vault(&VaultRef::new(RG, "rsv"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Cancelled);
    assert!(err.to_string().contains("TooManyRequests"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(10));
    fake.assert_valid();
}

#[tokio::test]
async fn throttling_is_retried_after_retry_after() {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    let vault = VaultRef::new(RG, "rsv");
    azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap();
    fake.throttle(2, 1);
    let started = Instant::now();
    assert!(azure.find_vault(&vault).await.unwrap().is_some());
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After: 1, twice"
    );
    assert_eq!(fake.calls().iter().filter(|c| c.2 == 429).count(), 2);
    fake.assert_valid();
}

#[tokio::test]
async fn arm_errors_surface_with_code_and_message() {
    let fake = FakeArm::start().await;
    let azure = backend_with(settings(&fake));
    fake.fail_next(
        Method::PUT,
        "/vaults/rsv",
        409,
        "Conflict",
        "Another operation is in progress on the vault rsv.",
    );
    let err = azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict);
    assert_eq!(err.code(), Some("Conflict"));
    assert_eq!(err.status(), Some(409));
    assert_eq!(err.to_string(), "creating Recovery Services Vault (rsv): Conflict: Another operation is in progress on the vault rsv.");
    fake.assert_valid();
}

#[tokio::test]
async fn client_secret_and_oidc_token_file_hit_the_token_endpoint() {
    let fake = FakeArm::start().await;
    let vault = VaultRef::new(RG, "rsv");
    backend_with(settings(&fake))
        .find_vault(&vault)
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, format!("{FEDERATED_TOKEN}\n")).unwrap();
    let oidc = AzureSettings {
        client_secret: None,
        use_oidc: Some(true),
        oidc_token_file_path: Some(token_file),
        ..settings(&fake)
    };
    let azure = backend_with(oidc);
    azure.find_vault(&vault).await.unwrap();
    azure.find_vault(&vault).await.unwrap();

    let wrong = AzureSettings {
        client_secret: Some(Secret::new("wrong")),
        ..settings(&fake)
    };
    let err = backend_with(wrong).find_vault(&vault).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
    assert!(err.to_string().contains("invalid_client"), "{err}");

    let requests = fake.token_requests();
    let flows: Vec<(&str, bool)> = requests.iter().map(|r| (r.flow, r.accepted)).collect();
    assert_eq!(
        flows,
        [
            ("client_secret", true),
            ("client_assertion", true),
            ("client_secret", false)
        ],
        "one token per credential, cached"
    );
    assert!(requests
        .iter()
        .all(|r| r.scope == format!("{}/.default", fake.url())));
    fake.assert_valid();
}

/// A `MakeWriter` collecting everything logged.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything every test in this binary logs, at trace level (`TF_LOG=trace`). A global
/// subscriber: a thread-scoped one misses events whose callsite interest another test thread
/// cached first.
fn capture_logs() -> &'static Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other subscriber");
        captured
    })
}

#[tokio::test]
async fn secrets_never_reach_the_logs_or_errors() {
    let captured = capture_logs();

    let fake = FakeArm::start().await;
    fake.set_async_polls(1);
    let azure = backend_with(settings(&fake));
    let site = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-web/providers/Microsoft.Web/sites/shop"
    );
    fake.add_site(&site);
    let spec = SiteBackupSpec {
        site_id: site.clone(),
        storage_account_url: Secret::new(SAS),
        schedule: SiteBackupSchedule::from_policy(&schedule(35)),
        enabled: true,
    };
    // ARM quoting the URL back in an error must not leak it either.
    fake.fail_next(
        Method::PUT,
        "/config/backup",
        400,
        "BadRequest",
        &format!("The storage URL {SAS} is not reachable."),
    );
    let err = azure.ensure_site_backup(&spec).await.unwrap_err();
    assert!(!err.to_string().contains("SuperSecretSignature"), "{err}");
    assert!(
        !format!("{err:?}").contains("SuperSecretSignature"),
        "{err:?}"
    );
    azure.ensure_site_backup(&spec).await.unwrap();
    azure.find_site_backup(&site).await.unwrap();
    azure
        .ensure_vault(&vault_spec("rsv", SoftDeleteState::Disabled))
        .await
        .unwrap();
    fake.throttle(1, 0);
    azure.find_vault(&VaultRef::new(RG, "rsv")).await.unwrap();
    let _ = format!("{spec:?} {:?}", settings(&fake));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("Azure Resource Manager call"),
        "debug logs were captured:\n{logs}"
    );
    assert!(
        logs.contains("request_id=\"req-"),
        "ARM request ids are logged:\n{logs}"
    );
    for secret in [
        CLIENT_SECRET,
        SAS,
        "SuperSecretSignature",
        "fake-access-token",
    ] {
        assert!(
            !logs.contains(secret),
            "{secret:?} leaked into the logs:\n{logs}"
        );
    }
    fake.assert_valid();
}
