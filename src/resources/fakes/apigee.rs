//! In-memory fakes of [`ApigeeBackend`] and [`BlobContainer`] for the unit tests of
//! `backup_child.apigee` and the export procedure: one organization's proxies and environments,
//! one container, and a log of every call.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use tokio_util::sync::CancellationToken;

use crate::cloud::apigee::{ApigeeAccess, ApigeeBackend, BlobContainer, ContainerOpener};
use crate::cloud::azure::Secret;
use crate::cloud::{CloudError, ErrorKind};

/// What the fake Apigee organization and container hold.
#[derive(Debug, Default)]
pub(crate) struct ApigeeWorld {
    /// The organization's name.
    pub(crate) organization: String,
    /// Proxy name to its latest revision.
    pub(crate) proxies: BTreeMap<String, String>,
    /// Environment names.
    pub(crate) environments: Vec<String>,
    /// The container's blobs.
    pub(crate) blobs: BTreeMap<String, Vec<u8>>,
    /// Every call: `get ...`, `put <blob>`, `list <prefix>`, `delete <blob>`, `open`.
    pub(crate) calls: Vec<String>,
}

/// The fake Apigee API and container, sharing one world.
#[derive(Debug, Clone, Default)]
pub(crate) struct FakeApigee {
    world: Arc<Mutex<ApigeeWorld>>,
}

impl FakeApigee {
    /// Organization `org` with `proxies` (name, latest revision) and `environments`.
    pub(crate) fn new(org: &str, proxies: &[(&str, &str)], environments: &[&str]) -> FakeApigee {
        let fake = FakeApigee::default();
        {
            let mut world = fake.world();
            world.organization = org.to_owned();
            world.proxies = proxies
                .iter()
                .map(|(p, r)| ((*p).to_owned(), (*r).to_owned()))
                .collect();
            world.environments = environments.iter().map(|e| (*e).to_owned()).collect();
        }
        fake
    }

    /// The shared world, to inspect or change.
    pub(crate) fn world(&self) -> MutexGuard<'_, ApigeeWorld> {
        self.world.lock().unwrap()
    }

    /// Provider access through this fake.
    pub(crate) fn access(&self) -> Arc<ApigeeAccess> {
        Arc::new(ApigeeAccess::with_backend(
            Arc::new(self.clone()),
            Arc::new(self.clone()),
            "https://apigee.googleapis.com",
        ))
    }

    fn organization(
        &self,
        org: &str,
        call: String,
    ) -> Result<MutexGuard<'_, ApigeeWorld>, CloudError> {
        let mut world = self.world();
        world.calls.push(call);
        if world.organization != org {
            return Err(CloudError::from_api(
                ErrorKind::AccessDenied,
                "reading Apigee organization",
                format!("organizations/{org}"),
                Some("PERMISSION_DENIED".into()),
                "Permission denied on resource",
                Some(403),
            ));
        }
        Ok(world)
    }
}

#[async_trait]
impl ApigeeBackend for FakeApigee {
    async fn check_organization(&self, org: &str) -> Result<(), CloudError> {
        self.organization(org, format!("get {org}")).map(drop)
    }

    async fn list_environments(&self, org: &str) -> Result<Vec<String>, CloudError> {
        Ok(self
            .organization(org, format!("get {org}/environments"))?
            .environments
            .clone())
    }

    async fn list_proxies(&self, org: &str) -> Result<Vec<String>, CloudError> {
        Ok(self
            .organization(org, format!("get {org}/apis"))?
            .proxies
            .keys()
            .cloned()
            .collect())
    }

    async fn latest_revision(&self, org: &str, api: &str) -> Result<String, CloudError> {
        let world = self.organization(org, format!("get {org}/apis/{api}"))?;
        world.proxies.get(api).cloned().ok_or_else(|| {
            CloudError::new(
                ErrorKind::NotFound,
                "reading Apigee API proxy",
                api,
                "not found",
            )
        })
    }

    async fn proxy_bundle(
        &self,
        org: &str,
        api: &str,
        revision: &str,
    ) -> Result<Vec<u8>, CloudError> {
        self.organization(org, format!("get {org}/apis/{api}/revisions/{revision}"))
            .map(drop)?;
        Ok(format!("PK bundle {api} {revision}").into_bytes())
    }

    async fn environment_config(&self, org: &str, env: &str) -> Result<Vec<u8>, CloudError> {
        self.organization(org, format!("get {org}/environments/{env}/deployedConfig"))
            .map(drop)?;
        Ok(format!("{{\"name\":\"{env}\"}}").into_bytes())
    }
}

#[async_trait]
impl BlobContainer for FakeApigee {
    async fn put(
        &self,
        name: &str,
        content: Vec<u8>,
        _content_type: &str,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.push(format!("put {name}"));
        world.blobs.insert(name.to_owned(), content);
        Ok(())
    }

    async fn list(&self, prefix: &str) -> Result<Vec<String>, CloudError> {
        let mut world = self.world();
        world.calls.push(format!("list {prefix}"));
        Ok(world
            .blobs
            .keys()
            .filter(|n| n.starts_with(prefix))
            .cloned()
            .collect())
    }

    async fn delete(&self, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.push(format!("delete {name}"));
        world.blobs.remove(name);
        Ok(())
    }

    async fn get(&self, name: &str) -> Result<Option<Vec<u8>>, CloudError> {
        Ok(self.world().blobs.get(name).cloned())
    }
}

impl ContainerOpener for FakeApigee {
    fn open(
        &self,
        _url: &Secret,
        _cancel: &CancellationToken,
    ) -> Result<Arc<dyn BlobContainer>, CloudError> {
        self.world().calls.push("open".into());
        Ok(Arc::new(self.clone()))
    }
}
