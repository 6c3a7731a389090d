//! AWS fixtures shared by the AWS tests: the accounts the emulator plays, a Terraform working
//! directory whose provider acts as one of them, and a recovery point put into a vault.

use super::aws_emulator::REGION;
use super::terraform::required_providers;
use super::workdir::Workdir;

/// The central account: the default provider configuration's credentials.
pub(crate) const CENTRAL: &str = "111111111111";
/// The member account, reached from [`CENTRAL`] with `assume_role`.
pub(crate) const MEMBER: &str = "222222222222";

/// Both provider configurations: the default one in [`CENTRAL`], `member` assuming a role in
/// [`MEMBER`]. `backup_endpoint` may be a fault proxy; `sts_endpoint` is usually the emulator.
pub(crate) fn providers(backup_endpoint: &str, sts_endpoint: &str) -> String {
    format!(
        r#"{required}
provider "backup" {{
  aws = {{
    region    = "{REGION}"
    endpoints = {{ backup = "{backup_endpoint}", sts = "{sts_endpoint}" }}
  }}
}}

provider "backup" {{
  alias = "member"
  aws = {{
    region      = "{REGION}"
    assume_role = {{ role_arn = "arn:aws:iam::{MEMBER}:role/x" }}
    endpoints   = {{ backup = "{backup_endpoint}", sts = "{sts_endpoint}" }}
  }}
}}
"#,
        required = required_providers()
    )
}

impl Workdir {
    /// Gives Terraform (and so the provider) static credentials of `account` on the emulator
    /// (it takes the account from the access key id), and nothing from the caller's AWS set-up.
    pub(crate) fn aws_credentials(&mut self, account: &str) -> &mut Self {
        self.env("AWS_ACCESS_KEY_ID", account)
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
    }
}

/// Puts a recovery point into `vault` of [`CENTRAL`] through the emulator at `endpoint`.
/// StartBackupJob is outside the backend's surface, so this calls the SDK directly; the emulator
/// completes the job at once and counts a recovery point in the vault.
pub(crate) async fn start_backup_job(endpoint: &str, vault: &str) {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            CENTRAL, "test", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_backup::Client::new(&sdk)
        .start_backup_job()
        .backup_vault_name(vault)
        .resource_arn(format!(
            "arn:aws:dynamodb:{REGION}:{CENTRAL}:table/payments"
        ))
        .iam_role_arn(format!("arn:aws:iam::{CENTRAL}:role/backup"))
        .send()
        .await
        .expect("start a backup job");
}
