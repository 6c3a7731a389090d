//! Retries and errors: throttling waits for `Retry-After`, cancellation ends the wait, ARM
//! errors keep their code and message.

use std::time::{Duration, Instant};

use axum::http::Method;
use terraform_provider_backup::cloud::azure::{
    ArmBackend, ArmOptions, AzureBackend, SoftDeleteState, VaultRef,
};
use terraform_provider_backup::cloud::{ErrorKind, RetryPolicy};

use crate::support::azure::settings;
use crate::support::fake_arm::server::FakeArm;
use crate::{create_vault, fake_and_backend, vault_spec, RG};

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
    let (fake, azure) = fake_and_backend().await;
    let vault = create_vault(&azure, "rsv", SoftDeleteState::Disabled).await;
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
    let (fake, azure) = fake_and_backend().await;
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
