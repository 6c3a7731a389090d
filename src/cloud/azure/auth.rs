//! Access tokens for Resource Manager.
//!
//! Client secret and federated token (OIDC) are OAuth2 form POSTs to
//! `{authority}/{tenant}/oauth2/v2.0/token`, made here with reqwest: `azure_identity` 1.x refuses an
//! authority host that is not HTTPS, and tests point the authority at a fake token endpoint on
//! loopback http. Managed identity and the Azure CLI go through `azure_identity`.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use azure_core::credentials::TokenCredential;
use serde::Deserialize;
use tokio::sync::Mutex;

use super::arm::{no_answer, origin, Subject};
use super::settings::{CredentialKind, FederatedTokenSource, ResolvedAzureSettings, Secret};
use crate::cloud::error::{CloudError, ErrorKind};

/// The client assertion type of workload identity federation.
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Refresh a cached token this long before it expires.
const EXPIRY_MARGIN: Duration = Duration::from_secs(300);

/// Hands out bearer tokens for one provider configuration, cached until shortly before expiry.
pub(crate) struct TokenSource {
    kind: Flow,
    scope: String,
    cache: Mutex<Option<(Secret, SystemTime)>>,
}

enum Flow {
    Form {
        http: reqwest::Client,
        token_url: String,
        client_id: String,
        secret: FormSecret,
    },
    Identity(Arc<dyn TokenCredential>),
}

enum FormSecret {
    ClientSecret(Secret),
    Assertion(FederatedTokenSource),
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct TokenError {
    error: Option<String>,
    error_description: Option<String>,
}

fn auth_error(kind: ErrorKind, message: impl Into<String>) -> CloudError {
    CloudError::new(kind, "authenticating to Azure", "azure", message)
}

impl TokenSource {
    /// The token source the settings ask for.
    pub(crate) fn new(
        settings: &ResolvedAzureSettings,
        http: reqwest::Client,
    ) -> Result<TokenSource, CloudError> {
        let tenant = settings.tenant_id.clone().unwrap_or_default();
        let token_url = format!("{}/{tenant}/oauth2/v2.0/token", settings.authority_host);
        let identity_error = |e: azure_core::Error| {
            auth_error(ErrorKind::InvalidInput, format!("creating credential: {e}"))
        };
        let kind = match &settings.credential {
            CredentialKind::ClientSecret { client_id, secret } => Flow::Form {
                http,
                token_url,
                client_id: client_id.clone(),
                secret: FormSecret::ClientSecret(secret.clone()),
            },
            CredentialKind::FederatedToken { client_id, source } => Flow::Form {
                http,
                token_url,
                client_id: client_id.clone(),
                secret: FormSecret::Assertion(source.clone()),
            },
            CredentialKind::ManagedIdentity { client_id } => {
                let options = azure_identity::ManagedIdentityCredentialOptions {
                    user_assigned_id: client_id
                        .clone()
                        .map(azure_identity::UserAssignedId::ClientId),
                    ..Default::default()
                };
                Flow::Identity(
                    azure_identity::ManagedIdentityCredential::new(Some(options))
                        .map_err(identity_error)?,
                )
            }
            CredentialKind::AzureCli => {
                let options = azure_identity::AzureCliCredentialOptions {
                    tenant_id: settings.tenant_id.clone(),
                    ..Default::default()
                };
                Flow::Identity(
                    azure_identity::AzureCliCredential::new(Some(options))
                        .map_err(identity_error)?,
                )
            }
        };
        Ok(TokenSource {
            kind,
            scope: settings.scope(),
            cache: Mutex::new(None),
        })
    }

    /// Who hands out the tokens, for messages: the token endpoint's origin, or the identity.
    pub(crate) fn endpoint(&self) -> String {
        match &self.kind {
            Flow::Form { token_url, .. } => {
                format!(
                    "the Microsoft Entra token endpoint at {}",
                    origin(token_url)
                )
            }
            Flow::Identity(_) => "the Azure identity (managed identity or Azure CLI)".to_owned(),
        }
    }

    /// A valid bearer token, from the cache or freshly requested.
    pub(crate) async fn token(&self) -> Result<Secret, CloudError> {
        let mut cache = self.cache.lock().await;
        if let Some((token, expires)) = cache.as_ref() {
            if SystemTime::now() + EXPIRY_MARGIN < *expires {
                return Ok(token.clone());
            }
        }
        let fresh = self.request().await?;
        *cache = Some(fresh.clone());
        Ok(fresh.0)
    }

    async fn request(&self) -> Result<(Secret, SystemTime), CloudError> {
        match &self.kind {
            Flow::Identity(credential) => {
                let token = credential
                    .get_token(&[self.scope.as_str()], None)
                    .await
                    .map_err(|e| auth_error(ErrorKind::AccessDenied, e.to_string()))?;
                let expires = UNIX_EPOCH
                    + Duration::from_secs(
                        u64::try_from(token.expires_on.unix_timestamp()).unwrap_or(0),
                    );
                Ok((Secret::new(token.token.secret()), expires))
            }
            Flow::Form {
                http,
                token_url,
                client_id,
                secret,
            } => {
                let mut form: Vec<(&str, String)> = vec![
                    ("grant_type", "client_credentials".into()),
                    ("client_id", client_id.clone()),
                    ("scope", self.scope.clone()),
                ];
                match secret {
                    FormSecret::ClientSecret(s) => {
                        form.push(("client_secret", s.expose().to_owned()))
                    }
                    FormSecret::Assertion(source) => {
                        let assertion = match source {
                            FederatedTokenSource::Token(t) => t.expose().to_owned(),
                            FederatedTokenSource::File(path) => tokio::fs::read_to_string(path)
                                .await
                                .map_err(|e| {
                                    auth_error(
                                        ErrorKind::InvalidInput,
                                        format!(
                                            "reading the OIDC token file {}: {e}",
                                            path.display()
                                        ),
                                    )
                                })?
                                .trim()
                                .to_owned(),
                        };
                        // The platform rotates the file: each token read is a new secret.
                        tfplugin::logging::redact(&assertion);
                        form.push(("client_assertion_type", JWT_BEARER.into()));
                        form.push(("client_assertion", assertion));
                    }
                }
                tracing::debug!(token_url = %token_url, client_id = %client_id, "requesting an Azure access token");
                let subject = Subject {
                    operation: "authenticating to Azure",
                    name: "azure",
                };
                let authority = "the Microsoft Entra token endpoint";
                let response = http
                    .post(token_url)
                    .form(&form)
                    .send()
                    .await
                    .map_err(|e| no_answer(subject, authority, token_url, e))?;
                let status = response.status();
                let bytes = response
                    .bytes()
                    .await
                    .map_err(|e| no_answer(subject, authority, token_url, e))?;
                if !status.is_success() {
                    let err: Option<TokenError> = serde_json::from_slice(&bytes).ok();
                    let (code, description) = err
                        .map(|e| (e.error, e.error_description))
                        .unwrap_or_default();
                    return Err(super::errors::api_error(
                        "authenticating to Azure",
                        client_id.clone(),
                        code,
                        description.unwrap_or_default(),
                        Some(status.as_u16()),
                    ));
                }
                let parsed: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| {
                    auth_error(ErrorKind::Other, format!("unreadable token response: {e}"))
                })?;
                let lifetime = parsed
                    .expires_in
                    .and_then(|v| {
                        v.as_u64()
                            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    })
                    .unwrap_or(3600);
                Ok((
                    Secret::new(parsed.access_token),
                    SystemTime::now() + Duration::from_secs(lifetime),
                ))
            }
        }
    }
}
