//! The provider's `azure` block, completed from the `ARM_*` environment variables azurerm reads,
//! and the choice of credential it implies.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer};

use crate::cloud::error::{CloudError, ErrorKind};

/// Azure public cloud's Resource Manager.
pub const PUBLIC_RESOURCE_MANAGER: &str = "https://management.azure.com";
/// Azure public cloud's Microsoft Entra authority.
pub const PUBLIC_AUTHORITY_HOST: &str = "https://login.microsoftonline.com";

/// A secret value (client secret, OIDC token, access token, SAS URL): sent where it belongs, never
/// printed. `Debug` and `Display` show `<redacted>`, and making one registers it with the log
/// scrubber ([`tfplugin::logging::redact`]), so no log line at any level shows it either.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret and registers it with the log scrubber.
    pub fn new(value: impl Into<String>) -> Secret {
        let value = value.into();
        tfplugin::logging::redact(&value);
        Secret(value)
    }

    /// A storage SAS URL: besides the whole URL, its query (the SAS token) and its signature, as
    /// written and percent-decoded, are registered with the log scrubber, so a message quoting only
    /// the token or the signature is scrubbed too.
    pub fn sas_url(url: impl Into<String>) -> Secret {
        let secret = Secret::new(url);
        if let Some((_, query)) = secret.0.split_once('?') {
            tfplugin::logging::redact(query);
            for pair in query.split('&') {
                if let Some(("sig", signature)) = pair.split_once('=') {
                    tfplugin::logging::redact(signature);
                }
            }
            for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
                if key == "sig" {
                    tfplugin::logging::redact(&value);
                }
            }
        }
        secret
    }

    /// The secret itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret::new)
    }
}

/// The provider's `azure` block (every attribute optional; unset ones come from the environment,
/// see [`AzureSettings::with_env`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureSettings {
    /// The subscription; else `ARM_SUBSCRIPTION_ID`.
    pub subscription_id: Option<String>,
    /// The Microsoft Entra tenant; else `ARM_TENANT_ID` (or `AZURE_TENANT_ID`).
    pub tenant_id: Option<String>,
    /// The application (client) id; else `ARM_CLIENT_ID` (or `AZURE_CLIENT_ID`).
    pub client_id: Option<String>,
    /// The client secret; else `ARM_CLIENT_SECRET`. Never logged.
    pub client_secret: Option<Secret>,
    /// Authenticate with an OIDC / workload identity federated token; else `ARM_USE_OIDC`
    /// (or `ARM_USE_AKS_WORKLOAD_IDENTITY`).
    pub use_oidc: Option<bool>,
    /// The file holding the federated token; else `ARM_OIDC_TOKEN_FILE_PATH` or
    /// `AZURE_FEDERATED_TOKEN_FILE`.
    pub oidc_token_file_path: Option<PathBuf>,
    /// The federated token itself; else `ARM_OIDC_TOKEN`. Never logged.
    pub oidc_token: Option<Secret>,
    /// Authenticate with a managed identity; else `ARM_USE_MSI`.
    pub use_msi: Option<bool>,
    /// Allow the Azure CLI's login; else `ARM_USE_CLI` (default true, as in azurerm).
    pub use_cli: Option<bool>,
    /// `public`, `usgovernment` or `china`; else `ARM_ENVIRONMENT` (default `public`).
    pub environment: Option<String>,
    /// Resource Manager's base URL (sovereign clouds, tests); else derived from `environment`.
    pub resource_manager_endpoint: Option<String>,
    /// The Microsoft Entra authority; else `AZURE_AUTHORITY_HOST`, else derived from `environment`.
    /// Tests point it at a fake token endpoint on loopback.
    pub authority_host: Option<String>,
}

/// How the provider authenticates, in azurerm's order when not chosen explicitly: client secret,
/// OIDC federated token, managed identity, Azure CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialKind {
    /// A service principal with a client secret (OAuth2 client-credentials grant).
    ClientSecret {
        /// The application id.
        client_id: String,
        /// The secret.
        secret: Secret,
    },
    /// Workload identity federation: a token from a file (GitHub Actions, AKS) or given directly,
    /// exchanged as a client assertion.
    FederatedToken {
        /// The application id.
        client_id: String,
        /// Where the token comes from.
        source: FederatedTokenSource,
    },
    /// A managed identity (IMDS or App Service); the client id picks a user-assigned one.
    ManagedIdentity {
        /// A user-assigned identity's client id.
        client_id: Option<String>,
    },
    /// The Azure CLI's logged-in account.
    AzureCli,
}

/// Where a federated token comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FederatedTokenSource {
    /// Read afresh for every token request (the platform rotates it).
    File(PathBuf),
    /// A token given in the configuration.
    Token(Secret),
}

/// Settings with everything resolved: what the ARM client needs to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedAzureSettings {
    /// The subscription every resource id is built in.
    pub subscription_id: String,
    /// The tenant (`None` only for managed identity and the CLI).
    pub tenant_id: Option<String>,
    /// The credential.
    pub credential: CredentialKind,
    /// Resource Manager's base URL, without a trailing slash.
    pub resource_manager_endpoint: String,
    /// The authority host, without a trailing slash.
    pub authority_host: String,
}

impl ResolvedAzureSettings {
    /// The OAuth2 scope for Resource Manager: `{endpoint}/.default`.
    pub fn scope(&self) -> String {
        format!("{}/.default", self.resource_manager_endpoint)
    }
}

fn truthy(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" => Some(true),
        "0" | "false" | "no" => Some(false),
        _ => None,
    }
}

impl AzureSettings {
    /// Fills every unset attribute from the environment, read through `env` (tests pass a map;
    /// the provider passes `std::env::var`).
    pub fn with_env(mut self, env: impl Fn(&str) -> Option<String>) -> AzureSettings {
        let first = |names: &[&str]| names.iter().find_map(|n| env(n).filter(|v| !v.is_empty()));
        let flag = |names: &[&str]| first(names).and_then(|v| truthy(&v));
        self.subscription_id = self
            .subscription_id
            .or_else(|| first(&["ARM_SUBSCRIPTION_ID"]));
        self.tenant_id = self
            .tenant_id
            .or_else(|| first(&["ARM_TENANT_ID", "AZURE_TENANT_ID"]));
        self.client_id = self
            .client_id
            .or_else(|| first(&["ARM_CLIENT_ID", "AZURE_CLIENT_ID"]));
        self.client_secret = self
            .client_secret
            .or_else(|| first(&["ARM_CLIENT_SECRET"]).map(Secret::new));
        self.use_oidc = self
            .use_oidc
            .or_else(|| flag(&["ARM_USE_OIDC"]))
            .or_else(|| flag(&["ARM_USE_AKS_WORKLOAD_IDENTITY"]));
        self.oidc_token_file_path = self.oidc_token_file_path.or_else(|| {
            first(&["ARM_OIDC_TOKEN_FILE_PATH", "AZURE_FEDERATED_TOKEN_FILE"]).map(PathBuf::from)
        });
        self.oidc_token = self
            .oidc_token
            .or_else(|| first(&["ARM_OIDC_TOKEN"]).map(Secret::new));
        self.use_msi = self.use_msi.or_else(|| flag(&["ARM_USE_MSI"]));
        self.use_cli = self.use_cli.or_else(|| flag(&["ARM_USE_CLI"]));
        self.environment = self.environment.or_else(|| first(&["ARM_ENVIRONMENT"]));
        self.authority_host = self
            .authority_host
            .or_else(|| first(&["AZURE_AUTHORITY_HOST"]));
        self
    }

    /// [`with_env`](Self::with_env) with the process environment.
    pub fn with_process_env(self) -> AzureSettings {
        self.with_env(|name| std::env::var(name).ok())
    }

    /// Chooses the credential and endpoints. Errors name the attribute or variable to set.
    pub fn resolve(&self) -> Result<ResolvedAzureSettings, CloudError> {
        let invalid = |msg: String| {
            CloudError::new(ErrorKind::InvalidInput, "configuring Azure", "azure", msg)
        };
        let subscription_id = self.subscription_id.clone().ok_or_else(|| {
            invalid("subscription_id is not set: set it in the provider's azure block or ARM_SUBSCRIPTION_ID".into())
        })?;
        let (rm_default, authority_default) = match self
            .environment
            .as_deref()
            .unwrap_or("public")
            .to_ascii_lowercase()
            .as_str()
        {
            "public" | "azurecloud" => (PUBLIC_RESOURCE_MANAGER, PUBLIC_AUTHORITY_HOST),
            "usgovernment" | "azureusgovernmentcloud" => (
                "https://management.usgovcloudapi.net",
                "https://login.microsoftonline.us",
            ),
            "china" | "azurechinacloud" => (
                "https://management.chinacloudapi.cn",
                "https://login.chinacloudapi.cn",
            ),
            other => {
                return Err(invalid(format!(
                    "unknown environment {other:?} (ARM_ENVIRONMENT): expected public, usgovernment or china"
                )))
            }
        };
        let resource_manager_endpoint = self
            .resource_manager_endpoint
            .as_deref()
            .unwrap_or(rm_default)
            .trim_end_matches('/')
            .to_owned();
        let authority_host = self
            .authority_host
            .as_deref()
            .unwrap_or(authority_default)
            .trim_end_matches('/')
            .to_owned();
        let need = |what: &str, value: &Option<String>, var: &str| {
            value.clone().ok_or_else(|| {
                invalid(format!(
                    "{what} is not set: set it in the provider's azure block or {var}"
                ))
            })
        };
        let oidc_source = || {
            self.oidc_token
                .clone()
                .map(FederatedTokenSource::Token)
                .or_else(|| {
                    self.oidc_token_file_path
                        .clone()
                        .map(FederatedTokenSource::File)
                })
        };
        // azurerm's order: client secret, OIDC, managed identity, Azure CLI.
        let credential = if let Some(secret) = &self.client_secret {
            need("tenant_id", &self.tenant_id, "ARM_TENANT_ID")?;
            CredentialKind::ClientSecret {
                client_id: need("client_id", &self.client_id, "ARM_CLIENT_ID")?,
                secret: secret.clone(),
            }
        } else if self.use_oidc == Some(true) {
            need("tenant_id", &self.tenant_id, "ARM_TENANT_ID")?;
            CredentialKind::FederatedToken {
                client_id: need("client_id", &self.client_id, "ARM_CLIENT_ID")?,
                source: oidc_source().ok_or_else(|| {
                    invalid("use_oidc is set but no token: set oidc_token_file_path, ARM_OIDC_TOKEN_FILE_PATH, AZURE_FEDERATED_TOKEN_FILE or ARM_OIDC_TOKEN".into())
                })?,
            }
        } else if self.use_msi == Some(true) {
            CredentialKind::ManagedIdentity {
                client_id: self.client_id.clone(),
            }
        } else if self.use_cli != Some(false) {
            CredentialKind::AzureCli
        } else {
            return Err(invalid(
                "no credential: set client_secret, use_oidc, use_msi or allow use_cli".into(),
            ));
        };
        Ok(ResolvedAzureSettings {
            subscription_id,
            tenant_id: self.tenant_id.clone(),
            credential,
            resource_manager_endpoint,
            authority_host,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn secret_is_redacted() {
        let s = AzureSettings {
            client_secret: Some(Secret::new("hunter2")),
            ..Default::default()
        };
        assert!(!format!("{s:?}").contains("hunter2"));
        assert_eq!(Secret::new("x").to_string(), "<redacted>");
    }

    #[test]
    fn secrets_from_the_block_or_the_environment_are_scrubbed_from_logs() {
        use tfplugin::logging::scrub;
        let block: AzureSettings = serde_json::from_value(serde_json::json!({
            "client_secret": "block-secret-7f3a",
            "oidc_token": "block-oidc-token-9c2e",
        }))
        .unwrap();
        let settings = block.with_env(env(&[("ARM_CLIENT_SECRET", "env-secret-5d1b")]));
        assert_eq!(
            settings.client_secret,
            Some(Secret::new("block-secret-7f3a"))
        );
        for secret in ["block-secret-7f3a", "block-oidc-token-9c2e"] {
            let clean = scrub(&format!("x {secret} y")).expect(secret);
            assert!(!clean.contains(secret), "{clean}");
        }
        // A secret taken from the environment is registered as it is read.
        let env_only =
            AzureSettings::default().with_env(env(&[("ARM_OIDC_TOKEN", "env-oidc-4e8a")]));
        assert!(env_only.oidc_token.is_some());
        assert!(scrub("env-oidc-4e8a").is_some());
    }

    #[test]
    fn a_sas_url_its_token_and_its_signature_are_scrubbed_from_logs() {
        use tfplugin::logging::scrub;
        let url = "https://acct.blob.core.windows.net/backups?sv=2024-11-04&sp=rwdl&sig=Zm9vYmFy%2Bc2ln%3D";
        let _secret = Secret::sas_url(url);
        for text in [
            url,
            "sv=2024-11-04&sp=rwdl&sig=Zm9vYmFy%2Bc2ln%3D",
            "Zm9vYmFy%2Bc2ln%3D",
            // As a server that decoded the query would quote it.
            "Zm9vYmFy+c2ln=",
        ] {
            let clean = scrub(&format!("error: {text} is invalid")).expect(text);
            assert!(!clean.contains("Zm9vYmFy"), "{clean}");
        }
    }

    #[test]
    fn block_wins_over_env_and_order_is_azurerm_s() {
        let e = env(&[
            ("ARM_SUBSCRIPTION_ID", "sub-env"),
            ("ARM_TENANT_ID", "t"),
            ("ARM_CLIENT_ID", "c"),
            ("ARM_CLIENT_SECRET", "s"),
            ("ARM_USE_OIDC", "true"),
            ("ARM_OIDC_TOKEN_FILE_PATH", "/tmp/tok"),
        ]);
        let s = AzureSettings {
            subscription_id: Some("sub-block".into()),
            ..Default::default()
        }
        .with_env(&e)
        .resolve()
        .unwrap();
        assert_eq!(s.subscription_id, "sub-block");
        assert!(matches!(s.credential, CredentialKind::ClientSecret { .. }));
        assert_eq!(s.resource_manager_endpoint, PUBLIC_RESOURCE_MANAGER);
        assert_eq!(s.scope(), "https://management.azure.com/.default");

        let e = env(&[
            ("ARM_SUBSCRIPTION_ID", "sub"),
            ("ARM_TENANT_ID", "t"),
            ("ARM_CLIENT_ID", "c"),
            ("ARM_USE_OIDC", "true"),
            ("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"),
            ("ARM_ENVIRONMENT", "usgovernment"),
        ]);
        let s = AzureSettings::default().with_env(e).resolve().unwrap();
        assert_eq!(
            s.credential,
            CredentialKind::FederatedToken {
                client_id: "c".into(),
                source: FederatedTokenSource::File("/var/run/token".into())
            }
        );
        assert_eq!(s.authority_host, "https://login.microsoftonline.us");

        let s = AzureSettings::default()
            .with_env(env(&[("ARM_SUBSCRIPTION_ID", "sub"), ("ARM_USE_MSI", "1")]))
            .resolve()
            .unwrap();
        assert_eq!(
            s.credential,
            CredentialKind::ManagedIdentity { client_id: None }
        );
        let s = AzureSettings::default()
            .with_env(env(&[("ARM_SUBSCRIPTION_ID", "sub")]))
            .resolve()
            .unwrap();
        assert_eq!(s.credential, CredentialKind::AzureCli);
    }

    #[test]
    fn missing_values_name_what_to_set() {
        let err = AzureSettings::default()
            .with_env(env(&[]))
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("ARM_SUBSCRIPTION_ID"), "{err}");
        let err = AzureSettings::default()
            .with_env(env(&[
                ("ARM_SUBSCRIPTION_ID", "s"),
                ("ARM_CLIENT_SECRET", "x"),
                ("ARM_TENANT_ID", "t"),
            ]))
            .resolve()
            .unwrap_err();
        assert!(err.to_string().contains("ARM_CLIENT_ID"), "{err}");
        assert!(!err.to_string().contains('x') || !err.to_string().contains("\"x\""));
    }
}
