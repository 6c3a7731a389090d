//! The provider's `aws` block and the connection it yields: one [`AwsContext`] per provider
//! configuration or alias, knowing its account, region and partition.

use std::sync::Arc;
use std::time::Duration;

use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::ProfileFileRegionProvider;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use aws_sdk_sts::error::SdkError;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
use serde::{Deserialize, Deserializer};
use tokio_util::sync::CancellationToken;

use super::credentials::redact_credentials_of;
use super::errors::{describe, find_in_chain, from_sdk, is_unreachable, unreachable};
use super::vault::VaultNames;
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::retry::{self, RetryPolicy};

/// The session name used when `assume_role.session_name` is not set.
pub const DEFAULT_SESSION_NAME: &str = "terraform-provider-backup";

/// The provider's `aws` block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSettings {
    /// The region; else `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile's region.
    pub region: Option<String>,
    /// A named profile of the shared config and credentials files; else the standard chain.
    pub profile: Option<String>,
    /// Act in another account through STS AssumeRole.
    pub assume_role: Option<AssumeRole>,
    /// Custom endpoint URLs (VPC endpoints, emulators).
    #[serde(default, deserialize_with = "null_as_default")]
    pub endpoints: Endpoints,
}

/// An absent or null block reads as the block's defaults: Terraform sends unset nested attributes
/// as null.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// The `aws.assume_role` block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssumeRole {
    /// The role to assume.
    pub role_arn: String,
    /// The external id the role's trust policy requires, if any.
    pub external_id: Option<String>,
    /// The session name (2 to 64 characters); default [`DEFAULT_SESSION_NAME`].
    pub session_name: Option<String>,
}

/// The `aws.endpoints` block.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoints {
    /// Endpoint URL for AWS Backup.
    pub backup: Option<String>,
    /// Endpoint URL for STS (AssumeRole and GetCallerIdentity).
    pub sts: Option<String>,
}

/// Static credentials, for tests and embedding; the provider itself uses the standard chain.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticCredentials {
    /// The access key id.
    pub access_key_id: String,
    /// The secret access key.
    pub secret_access_key: String,
    /// The session token of temporary credentials.
    pub session_token: Option<String>,
}

impl std::fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets, even in debug logs.
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

/// How the clients behave: retries, timeouts, cancellation. Not user configuration.
///
/// Every call goes through our one retry loop ([`retry`](Self::retry)); the SDK's own retries are
/// off by default (`sdk_max_attempts` 1), so attempts do not multiply and a create is never sent
/// again without first looking for what a lost attempt made. With the defaults an endpoint that
/// refuses connections fails a call within 60 s, and one that accepts but never answers within
/// 80 s (the 60 s budget plus one 20 s attempt), with an error naming the endpoint.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// The one retry loop: throttling, 5xx, dropped connections and timeouts, and the named
    /// eventual-consistency errors, with bounded attempts and total time.
    pub retry: RetryPolicy,
    /// Attempts the SDK makes per request in standard retry mode (1, the default, disables its
    /// retries).
    pub sdk_max_attempts: u32,
    /// The SDK's first retry backoff.
    pub sdk_initial_backoff: Duration,
    /// Connecting to an endpoint gives up after this.
    pub connect_timeout: Duration,
    /// One HTTP attempt gives up after this.
    pub attempt_timeout: Duration,
    /// One SDK operation, its own retries included, gives up after this.
    pub operation_timeout: Duration,
    /// Fired when Terraform asks the provider to stop: pending retries end early.
    pub cancel: CancellationToken,
    /// Use these credentials instead of the standard chain.
    pub credentials: Option<StaticCredentials>,
}

/// How long the retry loop keeps trying one AWS call (no attempt starts after it).
pub const RETRY_BUDGET: Duration = Duration::from_secs(60);

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            retry: RetryPolicy {
                max_elapsed: RETRY_BUDGET,
                ..RetryPolicy::standard()
            },
            sdk_max_attempts: 1,
            sdk_initial_backoff: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(20),
            operation_timeout: Duration::from_secs(20),
            cancel: CancellationToken::new(),
            credentials: None,
        }
    }
}

impl ConnectOptions {
    /// Small delays and timeouts for tests against an emulator on loopback.
    pub fn for_tests() -> ConnectOptions {
        ConnectOptions {
            retry: RetryPolicy::for_tests(),
            sdk_max_attempts: 1,
            sdk_initial_backoff: Duration::from_millis(5),
            connect_timeout: Duration::from_secs(2),
            attempt_timeout: Duration::from_secs(10),
            operation_timeout: Duration::from_secs(20),
            ..ConnectOptions::default()
        }
    }
}

/// A connection to one AWS account and region: the SDK configuration (credentials, region,
/// endpoints, retry and timeouts) and the identity STS reported for it.
#[derive(Debug, Clone)]
pub struct AwsContext {
    sdk_config: SdkConfig,
    endpoints: Endpoints,
    options: ConnectOptions,
    account_id: String,
    caller_arn: String,
    region: String,
    partition: String,
    /// Shared by every backend built on this context (see [`VaultNames`]).
    vault_names: Arc<VaultNames>,
}

impl AwsContext {
    /// Connects with the standard options; see [`AwsContext::connect_with`].
    pub async fn connect(settings: &AwsSettings) -> Result<AwsContext, CloudError> {
        AwsContext::connect_with(settings, ConnectOptions::default()).await
    }

    /// Resolves region and credentials (profile or the standard chain, then AssumeRole when asked),
    /// and makes ONE `GetCallerIdentity` call to learn the account, which also proves the
    /// credentials work before any resource touches the account.
    pub async fn connect_with(
        settings: &AwsSettings,
        options: ConnectOptions,
    ) -> Result<AwsContext, CloudError> {
        validate(settings)?;
        let region = resolve_region(settings).await?;

        let mut loader = sdk_loader(&options, region.clone());
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(creds) = &options.credentials {
            loader = loader.credentials_provider(Credentials::new(
                creds.access_key_id.clone(),
                creds.secret_access_key.clone(),
                creds.session_token.clone(),
                None,
                "terraform-provider-backup-static",
            ));
        }
        let mut sdk_config = loader.load().await;
        redact_credentials_of(&mut sdk_config);

        if let Some(role) = &settings.assume_role {
            // STS calls made to assume the role go to the STS endpoint override too.
            let base = with_endpoint(&sdk_config, settings.endpoints.sts.as_deref());
            let mut provider = AssumeRoleProvider::builder(role.role_arn.clone())
                .session_name(
                    role.session_name
                        .clone()
                        .unwrap_or_else(|| DEFAULT_SESSION_NAME.to_owned()),
                )
                .region(region.clone())
                .configure(&base);
            if let Some(external_id) = &role.external_id {
                provider = provider.external_id(external_id.clone());
            }
            let provider = provider.build().await;
            sdk_config = sdk_config
                .into_builder()
                .credentials_provider(SharedCredentialsProvider::new(provider))
                .build();
            redact_credentials_of(&mut sdk_config);
        }

        let mut sts_config = aws_sdk_sts::config::Builder::from(&sdk_config);
        sts_config.set_endpoint_url(settings.endpoints.sts.clone());
        let sts = aws_sdk_sts::Client::from_conf(sts_config.build());
        // What the error names: the role when one is assumed, else where the credentials came from.
        let who = match (&settings.assume_role, &settings.profile) {
            (Some(role), _) => role.role_arn.clone(),
            (None, Some(profile)) => format!("profile {profile}"),
            (None, None) => "default credentials".to_owned(),
        };
        let started = std::time::Instant::now();
        let attempts = std::sync::atomic::AtomicU32::new(0);
        let identity = retry::retry_when(
            &options.retry,
            &options.cancel,
            retry::is_retryable,
            || async {
                attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                sts.get_caller_identity()
                    .send()
                    .await
                    .map_err(|e| identity_error(settings, &who, e))
            },
        )
        .await
        .map_err(|e| {
            if !is_unreachable(&e) {
                return e;
            }
            let endpoint = settings
                .endpoints
                .sts
                .clone()
                .unwrap_or_else(|| format!("https://sts.{region}.amazonaws.com"));
            let attempts = attempts.load(std::sync::atomic::Ordering::Relaxed);
            unreachable(e, "AWS STS", &endpoint, attempts, started.elapsed())
        })?;
        let account_id = identity.account().unwrap_or_default().to_owned();
        let caller_arn = identity.arn().unwrap_or_default().to_owned();
        if account_id.len() != 12 {
            return Err(CloudError::new(
                ErrorKind::Other,
                "getting AWS caller identity",
                who,
                format!("STS returned no account id (caller {caller_arn:?})"),
            ));
        }
        let partition = partition_of_arn(&caller_arn)
            .unwrap_or_else(|| partition_of_region(region.as_ref()))
            .to_owned();

        Ok(AwsContext {
            sdk_config,
            endpoints: settings.endpoints.clone(),
            options,
            account_id,
            caller_arn,
            region: region.to_string(),
            partition,
            vault_names: Arc::default(),
        })
    }

    /// The account the credentials act in (after any assume-role).
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The ARN STS reported for the caller, e.g. `arn:aws:sts::222222222222:assumed-role/x/session`.
    pub fn caller_arn(&self) -> &str {
        &self.caller_arn
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The partition (`aws`, `aws-cn`, `aws-us-gov`, ...), from the caller's ARN.
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The ARN of the vault named `name` in this account and region.
    pub fn vault_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:backup:{}:{}:backup-vault:{name}",
            self.partition, self.region, self.account_id
        )
    }

    /// The connect options (retry policy, cancellation) the backends built on this context use.
    pub fn options(&self) -> &ConnectOptions {
        &self.options
    }

    /// The AWS Backup endpoint URL: the override, else the region's public endpoint.
    pub(crate) fn backup_endpoint(&self) -> String {
        match &self.endpoints.backup {
            Some(url) => url.clone(),
            None => {
                let suffix = if self.partition == "aws-cn" {
                    "amazonaws.com.cn"
                } else {
                    "amazonaws.com"
                };
                format!("https://backup.{}.{suffix}", self.region)
            }
        }
    }

    /// The vault name listing shared by the backends built on this context.
    pub(crate) fn vault_names(&self) -> Arc<VaultNames> {
        self.vault_names.clone()
    }

    /// The SDK configuration (credentials, region), for the few calls made outside AWS Backup.
    pub(crate) fn sdk_config(&self) -> &SdkConfig {
        &self.sdk_config
    }

    /// An AWS Backup client honouring the backup endpoint override.
    pub(crate) fn backup_client(&self) -> aws_sdk_backup::Client {
        let mut config = aws_sdk_backup::config::Builder::from(&self.sdk_config);
        config.set_endpoint_url(self.endpoints.backup.clone());
        aws_sdk_backup::Client::from_conf(config.build())
    }
}

/// The SDK configuration loader with the options' retries and timeouts, in `region`.
fn sdk_loader(options: &ConnectOptions, region: Region) -> aws_config::ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
        .region(region)
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(options.sdk_max_attempts.max(1))
                .with_initial_backoff(options.sdk_initial_backoff),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(options.connect_timeout)
                .operation_attempt_timeout(options.attempt_timeout)
                .operation_timeout(options.operation_timeout)
                .build(),
        )
}

#[cfg(test)]
impl AwsContext {
    /// A context for account 111111111111 in eu-west-1 whose AWS Backup calls go to
    /// `backup_endpoint`, made without calling STS: for tests of how calls fail.
    pub(crate) async fn offline(backup_endpoint: &str, options: ConnectOptions) -> AwsContext {
        let sdk_config = sdk_loader(&options, Region::new("eu-west-1"))
            .credentials_provider(Credentials::new("AKID", "secret", None, None, "test"))
            .load()
            .await;
        AwsContext {
            sdk_config,
            endpoints: Endpoints {
                backup: Some(backup_endpoint.to_owned()),
                sts: None,
            },
            options,
            account_id: "111111111111".to_owned(),
            caller_arn: "arn:aws:iam::111111111111:user/test".to_owned(),
            region: "eu-west-1".to_owned(),
            partition: "aws".to_owned(),
            vault_names: Arc::default(),
        }
    }
}

/// A failed `GetCallerIdentity`. When the failure was assuming the role (the credentials are loaded
/// lazily, on this first call), the error names the role and carries STS's own answer, e.g.
/// `assuming IAM Role (arn:...): AccessDenied: User: ... is not authorized to perform: sts:AssumeRole`.
fn identity_error(
    settings: &AwsSettings,
    who: &str,
    err: SdkError<GetCallerIdentityError, HttpResponse>,
) -> CloudError {
    if let Some(role) = &settings.assume_role {
        if let Some(assume) = find_in_chain::<SdkError<AssumeRoleError, HttpResponse>>(&err) {
            return describe("assuming IAM Role", &role.role_arn, assume).with_source(err);
        }
    }
    from_sdk("getting AWS caller identity", who, err)
}

/// Problems visible without calling AWS, reported against the attribute that has them.
fn validate(settings: &AwsSettings) -> Result<(), CloudError> {
    if let Some(role) = &settings.assume_role {
        if role.role_arn.is_empty() {
            return Err(config_error(
                "aws.assume_role.role_arn",
                "must not be empty",
            ));
        }
        if let Some(name) = &role.session_name {
            if !(2..=64).contains(&name.len()) {
                return Err(config_error(
                    "aws.assume_role.session_name",
                    "must be 2 to 64 characters long",
                ));
            }
        }
    }
    Ok(())
}

fn config_error(attribute: &str, message: &str) -> CloudError {
    CloudError::new(
        ErrorKind::InvalidInput,
        "configuring AWS provider",
        attribute,
        message.to_owned(),
    )
}

/// The region from the settings, else the environment, else the profile. Deliberately not from the
/// EC2 instance metadata service, as terraform-provider-aws: a region must be chosen, not guessed.
async fn resolve_region(settings: &AwsSettings) -> Result<Region, CloudError> {
    if let Some(region) = settings.region.as_deref().filter(|r| !r.is_empty()) {
        return Ok(Region::new(region.to_owned()));
    }
    let mut profile = ProfileFileRegionProvider::builder();
    if let Some(name) = &settings.profile {
        profile = profile.profile_name(name);
    }
    let chain = RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
        .or_else(profile.build());
    pick_region(None, chain.region().await)
}

/// The region to use, or the error that tells the user where to set one.
fn pick_region(explicit: Option<&str>, discovered: Option<Region>) -> Result<Region, CloudError> {
    explicit.map(|r| Region::new(r.to_owned())).or(discovered).ok_or_else(|| {
        config_error(
            "aws.region",
            "no AWS region: set aws.region in the provider block, or AWS_REGION / AWS_DEFAULT_REGION",
        )
    })
}

fn with_endpoint(config: &SdkConfig, endpoint: Option<&str>) -> SdkConfig {
    match endpoint {
        Some(url) => config.to_builder().endpoint_url(url).build(),
        None => config.clone(),
    }
}

/// The partition named by an ARN's second field.
fn partition_of_arn(arn: &str) -> Option<&str> {
    let mut fields = arn.split(':');
    (fields.next() == Some("arn"))
        .then(|| fields.next())
        .flatten()
        .filter(|p| !p.is_empty())
}

/// The partition a region belongs to, for when STS answers without an ARN.
fn partition_of_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_region_names_the_attribute() {
        let err = pick_region(None, None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert_eq!(err.name(), "aws.region");
        assert!(err.to_string().contains("AWS_REGION"), "{err}");
        assert_eq!(
            pick_region(Some("eu-west-1"), None).unwrap().as_ref(),
            "eu-west-1"
        );
        assert_eq!(
            pick_region(None, Some(Region::new("us-east-2")))
                .unwrap()
                .as_ref(),
            "us-east-2"
        );
    }

    #[test]
    fn session_name_must_be_two_characters() {
        let settings = AwsSettings {
            assume_role: Some(AssumeRole {
                role_arn: "arn:aws:iam::222222222222:role/x".into(),
                session_name: Some("x".into()),
                ..AssumeRole::default()
            }),
            ..AwsSettings::default()
        };
        let err = validate(&settings).unwrap_err();
        assert_eq!(err.name(), "aws.assume_role.session_name");
    }

    #[test]
    fn partitions() {
        assert_eq!(
            partition_of_arn("arn:aws-cn:sts::111111111111:assumed-role/x/y"),
            Some("aws-cn")
        );
        assert_eq!(partition_of_arn("not-an-arn"), None);
        assert_eq!(partition_of_region("us-gov-west-1"), "aws-us-gov");
        assert_eq!(partition_of_region("eu-west-1"), "aws");
    }

    #[test]
    fn settings_deserialize_from_the_provider_block() {
        let json = serde_json::json!({
            "region": "eu-west-1",
            "assume_role": { "role_arn": "arn:aws:iam::222222222222:role/BackupAdmin" },
            "endpoints": { "backup": "http://127.0.0.1:4566" }
        });
        let settings: AwsSettings = serde_json::from_value(json).unwrap();
        assert_eq!(settings.region.as_deref(), Some("eu-west-1"));
        assert_eq!(
            settings.endpoints.backup.as_deref(),
            Some("http://127.0.0.1:4566")
        );
        assert_eq!(settings.assume_role.unwrap().session_name, None);

        let nulls = serde_json::json!({ "region": null, "profile": null, "assume_role": null, "endpoints": null });
        assert_eq!(
            serde_json::from_value::<AwsSettings>(nulls).unwrap(),
            AwsSettings::default()
        );
        assert!(
            serde_json::from_value::<AwsSettings>(serde_json::json!({ "regoin": "x" })).is_err()
        );
    }
}
