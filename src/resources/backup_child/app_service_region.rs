//! The region check of a child's App Service backup: the App Service and the storage account
//! receiving its backups should be in one region (a plan warning otherwise), and must be when
//! `guardrails.require_app_service_same_region` is in force (an error naming the ancestor). The
//! vault of the nearest Azure-backed ancestor in another region is a warning too.
//!
//! The storage account is `storage_account_id` when set, else the account named by the write-only
//! SAS URL's host (looked up in the subscription). Diagnostics name the account, never the URL.

use backup_policy::PolicyDocument;
use tfplugin::framework::{Diagnostic, Diagnostics};
use tfvalue::{AttributePath, Value};

use super::azure::Placement;
use super::model::AppServiceModel;
use crate::cloud::azure::regions::StorageAccountLocation;
use crate::cloud::azure::AzureBackend;

/// What the check compares, from the configuration (unknown values left out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RegionCheck<'a> {
    /// The App Service's resource id.
    pub(crate) site_id: &'a str,
    /// `storage_account_id`, when set and known.
    pub(crate) storage_account_id: Option<&'a str>,
    /// The write-only SAS URL, when in the configuration and known.
    pub(crate) storage_account_url: Option<&'a str>,
}

impl<'a> RegionCheck<'a> {
    /// The check of `config`'s `azure.app_service` block; `None` without one, or while its site
    /// id or its storage account id is unknown (the check then runs at apply).
    pub(crate) fn of_config(config: &'a Value) -> Option<RegionCheck<'a>> {
        let app = config.get("azure")?.get("app_service")?;
        let known = |name: &str| app.get(name).and_then(Value::as_str);
        let account = app.get("storage_account_id");
        if account.is_some_and(Value::is_unknown) {
            return None;
        }
        Some(RegionCheck {
            site_id: known("site_id")?,
            storage_account_id: known("storage_account_id"),
            storage_account_url: known("storage_account_url"),
        })
    }

    /// The check of a decoded block (apply).
    pub(crate) fn of_model(app: &'a AppServiceModel) -> RegionCheck<'a> {
        RegionCheck {
            site_id: &app.site_id,
            storage_account_id: app.storage_account_id.as_deref(),
            storage_account_url: app.storage_account_url.as_deref(),
        }
    }
}

/// A region as ARM spells it in any of its forms: `West Europe` and `westeurope` are one.
pub(crate) fn normalise_region(region: &str) -> String {
    region
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The storage account a blob SAS URL writes to: the first label of a `<account>.blob.<suffix>`
/// host; `None` for anything else (an emulator, a custom domain).
pub(crate) fn sas_account_name(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?;
    let (account, rest) = host.split_once('.')?;
    (rest.starts_with("blob.") && !account.is_empty()).then(|| account.to_ascii_lowercase())
}

/// The last segment of a resource id: the resource's name.
fn name_of(id: &str) -> &str {
    id.trim_end_matches('/').rsplit('/').next().unwrap_or(id)
}

fn app_service_path(attribute: &str) -> AttributePath {
    AttributePath::attr("azure")
        .attribute("app_service")
        .attribute(attribute)
}

/// Reports what cannot be checked: an error when the guardrail asks for the check, else a
/// warning.
fn unchecked(
    document: Option<&PolicyDocument>,
    path: AttributePath,
    why: String,
    diagnostics: &mut Diagnostics,
) {
    let detail = match guardrail(document) {
        Some(set_by) => format!(
            "{why}, so the region of the App Service backup cannot be checked, and \
             guardrails.require_app_service_same_region = true set by app {set_by:?} requires it to be. Set \
             storage_account_id to the receiving account, in the App Service's region."
        ),
        None => format!("{why}; the region of the App Service backup was not checked."),
    };
    diagnostics.push(match guardrail(document) {
        Some(_) => Diagnostic::error("App Service backup region unverified", detail).at(path),
        None => Diagnostic::warning("App Service backup region not checked", detail).at(path),
    });
}

/// The app that set `require_app_service_same_region = true`, when it is in force.
fn guardrail(document: Option<&PolicyDocument>) -> Option<&str> {
    document
        .and_then(|d| {
            d.guardrails()
                .hardening
                .require_app_service_same_region
                .as_ref()
        })
        .filter(|s| s.value)
        .map(|s| s.set_by.as_str())
}

/// Whether `document` asks that App Service backups stay in the site's region.
pub(crate) fn same_region_required(document: &PolicyDocument) -> bool {
    guardrail(Some(document)).is_some()
}

/// The account `storage_account_id` names and the one the SAS URL writes to, when they differ:
/// the check would look at another account than the one receiving the backups.
fn account_mismatch(check: &RegionCheck<'_>) -> Option<String> {
    let name = name_of(check.storage_account_id?);
    let url_account = sas_account_name(check.storage_account_url?)?;
    (!url_account.eq_ignore_ascii_case(name)).then(|| {
        format!(
            "storage_account_id names the storage account {name:?}, but storage_account_url writes to the account \
             {url_account:?}; give the id of the account the SAS URL belongs to."
        )
    })
}

/// Finds the receiving storage account: by id, or by the SAS URL's account name. `Ok(None)`
/// when there is nothing to look up; `Err` carries the path and why it could not be found.
async fn receiving_account(
    backend: &dyn AzureBackend,
    check: &RegionCheck<'_>,
) -> Result<Option<(StorageAccountLocation, AttributePath)>, (AttributePath, String)> {
    let from_url = check.storage_account_url.and_then(sas_account_name);
    if let Some(id) = check.storage_account_id {
        let path = app_service_path("storage_account_id");
        let name = name_of(id);
        return match backend.find_storage_account(id).await {
            Ok(Some(account)) => Ok(Some((account, path))),
            Ok(None) => Err((path, format!("the storage account {name:?} was not found"))),
            Err(e) => Err((path, format!("reading the storage account failed: {e}"))),
        };
    }
    let Some(name) = from_url else {
        return Ok(None);
    };
    let path = app_service_path("storage_account_url");
    match backend.find_storage_account_named(&name).await {
        Ok(Some(account)) => Ok(Some((account, path))),
        Ok(None) => Err((
            path,
            format!(
                "the storage account {name:?} of storage_account_url is not in subscription {}",
                backend.subscription_id()
            ),
        )),
        Err(e) => Err((path, format!("listing the storage accounts failed: {e}"))),
    }
}

/// Checks the regions of `check`'s App Service, its receiving storage account and (when the
/// ancestor's vault exists) the vault; adds the warnings and errors.
pub(crate) async fn check_regions(
    backend: &dyn AzureBackend,
    document: Option<&PolicyDocument>,
    check: &RegionCheck<'_>,
    child: &str,
    diagnostics: &mut Diagnostics,
) {
    if let Some(problem) = account_mismatch(check) {
        diagnostics.push(
            Diagnostic::error("Storage account mismatch", problem)
                .at(app_service_path("storage_account_id")),
        );
        return;
    }
    let account = match receiving_account(backend, check).await {
        Ok(account) => account,
        Err((path, why)) => {
            unchecked(document, path, why, diagnostics);
            None
        }
    };
    let site = name_of(check.site_id);
    let site_region = match backend.site_location(check.site_id).await {
        Ok(Some(region)) => region,
        Ok(None) => {
            if account.is_some() {
                let why = format!("the App Service {site:?} was not found");
                unchecked(document, app_service_path("site_id"), why, diagnostics);
            }
            return;
        }
        Err(e) => {
            if account.is_some() {
                let why = format!("reading the App Service {site:?} failed: {e}");
                unchecked(document, app_service_path("site_id"), why, diagnostics);
            }
            return;
        }
    };
    if let Some((account, path)) = account {
        if normalise_region(&account.location) != normalise_region(&site_region) {
            let found = format!(
                "The App Service {site:?} is in {site_region}, but its backups go to the storage account {:?} in {}",
                account.name, account.location
            );
            diagnostics.push(match guardrail(document) {
                Some(set_by) => Diagnostic::error(
                    "App Service backup outside the site's region",
                    format!(
                        "{found}: guardrails.require_app_service_same_region = true set by app {set_by:?} requires \
                         App Service backups in the App Service's region. Use a storage account in {site_region}."
                    ),
                ),
                None => Diagnostic::warning(
                    "App Service backup in another region",
                    format!(
                        "{found}. Every backup then crosses regions (egress, and a restore depends on both \
                         regions); use a storage account in {site_region}."
                    ),
                ),
            }
            .at(path));
        }
    }
    check_vault_region(backend, document, child, site, &site_region, diagnostics).await;
}

/// Warns when the vault of the nearest Azure-backed ancestor exists in another region than the
/// App Service. Cheap (one GET) and silent when the vault is not there yet.
async fn check_vault_region(
    backend: &dyn AzureBackend,
    document: Option<&PolicyDocument>,
    child: &str,
    site: &str,
    site_region: &str,
    diagnostics: &mut Diagnostics,
) {
    let Some(placement) = document.and_then(|d| Placement::decide(d, backend, child).ok()) else {
        return;
    };
    let Ok(Some(vault)) = backend.find_vault(&placement.vault).await else {
        return;
    };
    if normalise_region(&vault.location) != normalise_region(site_region) {
        diagnostics.push(
            Diagnostic::warning(
                "App Service and vault in different regions",
                format!(
                    "The App Service {site:?} is in {site_region}, but the vault {:?} that holds this child's other \
                     backups is in {}.",
                    vault.name, vault.location
                ),
            )
            .at(app_service_path("site_id")),
        );
    }
}

#[cfg(test)]
#[path = "app_service_region_tests.rs"]
mod tests;
