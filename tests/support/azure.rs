//! Azure fixtures shared by the Azure tests: ids of the VMs and apps the fake ARM server is told
//! exist, and the provider configuration (Terraform block or backend settings) that reaches it.

use terraform_provider_backup::cloud::azure::{AzureSettings, Secret};

use super::fake_arm::server::{FakeArm, CLIENT_ID, CLIENT_SECRET, SUBSCRIPTION, TENANT};
use super::terraform::required_providers;

/// The id of the VM `name` in resource group `rg-app` of the fake's subscription.
pub(crate) fn vm_id(name: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/{name}")
}

/// The id of the App Service app `name` in `resource_group` of the fake's subscription.
pub(crate) fn site_id(resource_group: &str, name: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/{resource_group}/providers/Microsoft.Web/sites/{name}")
}

/// `required_providers` and a default `backup` provider whose Azure settings reach `fake` with
/// the client secret it accepts (and never the Azure CLI).
pub(crate) fn providers(fake: &FakeArm) -> String {
    providers_via(fake, fake.url())
}

/// [`providers`] with Resource Manager reached at `arm_endpoint` (e.g. a fault proxy in front of
/// `fake`); tokens still come from `fake` itself.
pub(crate) fn providers_via(fake: &FakeArm, arm_endpoint: &str) -> String {
    format!(
        r#"{required}
provider "backup" {{
  azure = {{
    subscription_id           = "{SUBSCRIPTION}"
    tenant_id                 = "{TENANT}"
    client_id                 = "{CLIENT_ID}"
    client_secret             = "{CLIENT_SECRET}"
    use_cli                   = false
    resource_manager_endpoint = "{arm_endpoint}"
    authority_host            = "{authority}"
  }}
}}
"#,
        required = required_providers(),
        authority = fake.url()
    )
}

/// The same settings as [`providers`], for the backend used directly.
pub(crate) fn settings(fake: &FakeArm) -> AzureSettings {
    AzureSettings {
        subscription_id: Some(SUBSCRIPTION.into()),
        tenant_id: Some(TENANT.into()),
        client_id: Some(CLIENT_ID.into()),
        client_secret: Some(Secret::new(CLIENT_SECRET)),
        use_cli: Some(false),
        resource_manager_endpoint: Some(fake.url().into()),
        authority_host: Some(fake.url().into()),
        ..AzureSettings::default()
    }
}
