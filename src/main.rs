//! Starts the plugin server; nothing else.

use terraform_provider_backup::resources::BackupProvider;
use tfplugin::framework::ProviderServer;
use tfplugin::protocol::{run, ProviderService, ServeOptions};

/// The registry address Terraform knows this provider by (used by `--debug`).
const PROVIDER_ADDRESS: &str = "registry.terraform.io/appofapps/backup";

fn main() {
    let debug = std::env::args().skip(1).any(|a| a == "--debug");
    tfplugin::logging::quiet_targets(terraform_provider_backup::cloud::SDK_LOG_TARGETS);
    let service = ProviderService::new(ProviderServer::new(BackupProvider));
    let options = ServeOptions {
        debug,
        provider_address: PROVIDER_ADDRESS.to_string(),
    };
    std::process::exit(run(service, options));
}
