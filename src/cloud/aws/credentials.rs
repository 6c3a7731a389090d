//! Credentials that never reach the log: every secret the SDK is handed is registered with the
//! provider's log scrubber first.

use aws_config::SdkConfig;
use aws_credential_types::provider::{future, ProvideCredentials};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};

/// Wraps the configuration's credentials provider in [`RedactingCredentials`].
pub(super) fn redact_credentials_of(config: &mut SdkConfig) {
    if let Some(inner) = config.credentials_provider() {
        *config = config
            .clone()
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(RedactingCredentials(inner)))
            .build();
    }
}

/// A credentials provider that registers every secret it hands out (secret key, session token)
/// with the log scrubber before the SDK can sign, and so trace, a request with it: the session
/// token travels as the `x-amz-security-token` header, which SDK request tracing prints.
#[derive(Debug)]
struct RedactingCredentials(SharedCredentialsProvider);

impl ProvideCredentials for RedactingCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(async move {
            let credentials = self.0.provide_credentials().await?;
            tfplugin::logging::redact(credentials.secret_access_key());
            if let Some(token) = credentials.session_token() {
                tfplugin::logging::redact(token);
            }
            Ok(credentials)
        })
    }

    fn fallback_on_interrupt(&self) -> Option<Credentials> {
        self.0.fallback_on_interrupt()
    }
}
