//! Apigee exports: an organization's API proxies (each one's latest revision bundle) and its
//! environments' deployed configuration, written with a manifest to an Azure Blob container, and
//! old exports pruned by the policy's retention.
//!
//! - [`ApigeeBackend`] reads the Apigee management API (`https://apigee.googleapis.com/v1`);
//!   [`ApigeeClient`] is its HTTP implementation (bearer token, the shared retry loop).
//! - [`BlobContainer`] writes, lists and deletes blobs in one container; [`SasContainer`] is the
//!   Blob service data plane reached with a container SAS URL.
//! - [`ExportSchedule`] is the job's cron schedule and retention, from the effective policy.
//! - [`ExportJobArgs`] is the `export-apigee` command line the scheduled job runs.
//! - [`snapshot`] (plan: what will be exported) and [`export`] (apply and the `export-apigee`
//!   command: write one export, then prune) are the procedure itself, over the two traits.
//!
//! reqwest stays inside this module; resources see the traits and plain Rust values.

mod api;
mod container;
mod export;
mod job;
mod schedule;

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

pub use api::{ApigeeClient, ApigeeSettings, DEFAULT_ENDPOINT};
pub use container::{SasContainer, BLOB_SERVICE_VERSION};
pub use export::{
    export, snapshot, ExportReport, ExportSpec, ExportedFile, OrganizationSnapshot, MANIFEST_FORMAT,
};
pub use job::{
    ExportJobArgs, CONTAINER_URL_VARIABLE, ENDPOINT_VARIABLE, EXPORT_COMMAND, TOKEN_VARIABLE,
};
pub use schedule::{export_stamp, parse_stamp, ExportSchedule};

use super::azure::Secret;
use super::{CloudError, RetryPolicy};

/// The Apigee management API calls an export makes.
#[async_trait]
pub trait ApigeeBackend: Send + Sync {
    /// `GET organizations/{org}`: Ok when the organization exists and the caller may read it.
    async fn check_organization(&self, org: &str) -> Result<(), CloudError>;
    /// `GET organizations/{org}/environments`: the environments' names.
    async fn list_environments(&self, org: &str) -> Result<Vec<String>, CloudError>;
    /// `GET organizations/{org}/apis`: the API proxies' names.
    async fn list_proxies(&self, org: &str) -> Result<Vec<String>, CloudError>;
    /// `GET organizations/{org}/apis/{api}`: the proxy's latest revision (`latestRevisionId`).
    async fn latest_revision(&self, org: &str, api: &str) -> Result<String, CloudError>;
    /// `GET organizations/{org}/apis/{api}/revisions/{rev}?format=bundle`: the zip bundle.
    async fn proxy_bundle(
        &self,
        org: &str,
        api: &str,
        revision: &str,
    ) -> Result<Vec<u8>, CloudError>;
    /// `GET organizations/{org}/environments/{env}/deployedConfig`: the environment's deployed
    /// configuration (target servers, keystores, references, flow hooks, deployments), as JSON.
    async fn environment_config(&self, org: &str, env: &str) -> Result<Vec<u8>, CloudError>;
}

/// One blob container.
#[async_trait]
pub trait BlobContainer: Send + Sync {
    /// Put Blob (a block blob), replacing any blob of that name.
    async fn put(&self, name: &str, content: Vec<u8>, content_type: &str)
        -> Result<(), CloudError>;
    /// List Blobs under `prefix`, every page, sorted by name.
    async fn list(&self, prefix: &str) -> Result<Vec<String>, CloudError>;
    /// Delete Blob; a blob already gone is no error.
    async fn delete(&self, name: &str) -> Result<(), CloudError>;
    /// Get Blob; `None` when there is no such blob.
    async fn get(&self, name: &str) -> Result<Option<Vec<u8>>, CloudError>;
}

/// Opens the container a SAS URL names (a seam, so resources are tested against in-memory
/// containers).
pub trait ContainerOpener: Send + Sync {
    /// The container of `url`, whose retries stop when `cancel` fires; an error when the URL is
    /// not a container SAS URL.
    fn open(
        &self,
        url: &Secret,
        cancel: &CancellationToken,
    ) -> Result<Arc<dyn BlobContainer>, CloudError>;
}

/// Where the Apigee API comes from.
#[derive(Clone)]
enum ApiSource {
    /// The HTTP API with these settings, one client per request (with its cancellation).
    Http(ApigeeSettings),
    /// A given backend (tests).
    Fixed(Arc<dyn ApigeeBackend>),
}

/// What the provider's Apigee settings give resources: the API, and how to reach a container.
#[derive(Clone)]
pub struct ApigeeAccess {
    source: ApiSource,
    /// Opens destination containers.
    pub containers: Arc<dyn ContainerOpener>,
    /// The API's endpoint (for the export job's environment when it is not Google's).
    pub endpoint: String,
}

impl ApigeeAccess {
    /// The HTTP API of `settings` and SAS containers.
    pub fn connect(settings: &ApigeeSettings) -> ApigeeAccess {
        ApigeeAccess {
            endpoint: settings
                .endpoint
                .clone()
                .unwrap_or_else(|| DEFAULT_ENDPOINT.to_owned()),
            source: ApiSource::Http(settings.clone()),
            containers: Arc::new(SasContainers),
        }
    }

    /// Access through a given API and container opener (fakes in tests).
    pub fn with_backend(
        api: Arc<dyn ApigeeBackend>,
        containers: Arc<dyn ContainerOpener>,
        endpoint: &str,
    ) -> ApigeeAccess {
        ApigeeAccess {
            source: ApiSource::Fixed(api),
            containers,
            endpoint: endpoint.to_owned(),
        }
    }

    /// The API, its retries stopping when `cancel` fires (Terraform asked the provider to stop).
    pub fn api(&self, cancel: &CancellationToken) -> Arc<dyn ApigeeBackend> {
        match &self.source {
            ApiSource::Http(settings) => Arc::new(ApigeeClient::new(
                settings,
                RetryPolicy::standard(),
                cancel.clone(),
            )),
            ApiSource::Fixed(api) => api.clone(),
        }
    }
}

impl std::fmt::Debug for ApigeeAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApigeeAccess")
    }
}

/// Opens [`SasContainer`]s.
#[derive(Debug, Clone, Default)]
pub struct SasContainers;

impl ContainerOpener for SasContainers {
    fn open(
        &self,
        url: &Secret,
        cancel: &CancellationToken,
    ) -> Result<Arc<dyn BlobContainer>, CloudError> {
        Ok(Arc::new(
            SasContainer::new(url)?.with_retry(RetryPolicy::standard(), cancel.clone()),
        ))
    }
}

/// Tags recorded in an export's manifest, sorted.
pub type ManifestTags = BTreeMap<String, String>;
