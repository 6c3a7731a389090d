//! Credentials: client secret and OIDC token file reach the token endpoint (one token each,
//! cached); secrets never reach the logs or errors.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use terraform_provider_backup::cloud::azure::{
    AzureBackend, AzureSettings, Secret, SiteBackupSchedule, SiteBackupSpec, SoftDeleteState,
    VaultRef,
};
use terraform_provider_backup::cloud::ErrorKind;

use crate::support::azure::{settings, site_id};
use crate::support::fake_arm::server::{FakeArm, CLIENT_SECRET, FEDERATED_TOKEN};
use crate::{backend_with, fake_and_backend, schedule, vault_spec, RG, SAS};

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

    let (fake, azure) = fake_and_backend().await;
    fake.set_async_polls(1);
    let site = site_id("rg-web", "shop");
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
