//! Retries and errors, through a fault-injecting proxy: throttling and 5xx are retried (by us,
//! and by the SDK when ours is off) until success or the budget; access denied is not retried;
//! every error names the call and carries AWS's code and message.

use hyper::Method;
use terraform_provider_backup::cloud::aws::{AwsBackend, AwsContext, ConnectOptions};
use terraform_provider_backup::cloud::{BackupBackend, ErrorKind};

use crate::support::aws::CENTRAL;
use crate::support::aws_emulator::{options, settings, unique, AwsEmulator, Fault, FaultProxy};
use crate::{vault_spec, with_attempts};

#[tokio::test]
async fn an_unreachable_endpoint_is_transient_and_names_the_call() {
    let closed = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    );
    let err = AwsContext::connect_with(&settings(&closed, &closed), with_attempts(2))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transient, "{err}");
    assert!(
        err.to_string()
            .starts_with("getting AWS caller identity (default credentials): "),
        "{err}"
    );
}

/// A backend whose AWS Backup calls go through a fresh fault proxy (STS goes straight to the emulator).
async fn proxied(options: ConnectOptions) -> (FaultProxy, AwsBackend) {
    let emulator = AwsEmulator::shared().endpoint();
    let proxy = FaultProxy::start(emulator.clone()).await;
    let context = AwsContext::connect_with(&settings(&proxy.endpoint(), &emulator), options)
        .await
        .unwrap();
    (proxy, AwsBackend::new(&context))
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_until_success() {
    // The SDK makes one attempt per call here (ConnectOptions::for_tests), so every retry is ours.
    let (proxy, backend) = proxied(options(CENTRAL)).await;
    proxy.inject([
        Fault::new(429, "ThrottlingException", "Rate exceeded"),
        Fault::new(400, "TooManyRequestsException", "Too many requests"),
        Fault::new(503, "ServiceUnavailableException", "Service unavailable"),
        Fault::new(429, "ThrottlingException", "Rate exceeded"),
    ]);
    let name = unique("throttled");
    let state = backend.ensure_vault(&vault_spec(&name)).await.unwrap();
    assert_eq!(state.name, name);
    assert_eq!(proxy.faults_answered(), 4);
    backend.delete_vault(&name, false).await.unwrap();
}

#[tokio::test]
async fn the_sdk_retries_throttling_on_its_own_too() {
    // Our layer off, the SDK's standard mode on: its retry configuration is applied.
    let options = ConnectOptions {
        sdk_max_attempts: 3,
        ..with_attempts(1)
    };
    let (proxy, backend) = proxied(options).await;
    proxy.inject([
        Fault::new(429, "ThrottlingException", "Rate exceeded"),
        Fault::new(500, "InternalFailure", "oops"),
    ]);
    assert_eq!(
        backend.find_vault_by_name(&unique("absent")).await.unwrap(),
        None
    );
    assert_eq!(proxy.faults_answered(), 2);
}

#[tokio::test]
async fn throttling_that_outlasts_the_budget_surfaces_as_throttled() {
    let (proxy, backend) = proxied(with_attempts(3)).await;
    proxy.inject(std::iter::repeat_n(
        Fault::new(429, "ThrottlingException", "Rate exceeded"),
        5,
    ));
    let name = unique("storm");
    let err = backend.find_vault_by_name(&name).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!(
        err.to_string(),
        format!("reading Backup Vault ({name}): ThrottlingException: Rate exceeded")
    );
    assert_eq!(proxy.faults_answered(), 3);
}

#[tokio::test]
async fn access_denied_is_not_retried_and_names_the_vault_and_aws_message() {
    let (proxy, backend) = proxied(options(CENTRAL)).await;
    let message = "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: backup:CreateBackupVault";
    // Only the create (PUT /backup-vaults/{name}) is denied; the read before it passes.
    proxy.inject([Fault {
        method: Some(Method::PUT),
        ..Fault::new(403, "AccessDeniedException", message)
    }]);
    let name = unique("denied");
    let err = backend.ensure_vault(&vault_spec(&name)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
    assert_eq!(
        (err.code(), err.message(), err.status()),
        (Some("AccessDeniedException"), message, Some(403))
    );
    assert_eq!(
        err.to_string(),
        format!("creating Backup Vault ({name}): AccessDeniedException: {message}")
    );
    assert_eq!(
        proxy.requests(&Method::PUT),
        1,
        "a permanent error is not retried"
    );
    assert_eq!(backend.find_vault_by_name(&name).await.unwrap(), None);
}
