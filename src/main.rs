//! Starts the plugin server; or, with `export-apigee`, runs one Apigee export and exits.

use terraform_provider_backup::resources::BackupProvider;
use tfplugin::framework::ProviderServer;
use tfplugin::protocol::{run, ProviderService, ServeOptions};

/// The registry address Terraform knows this provider by (used by `--debug`).
const PROVIDER_ADDRESS: &str = "registry.terraform.io/appofapps/backup";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str)
        == Some(terraform_provider_backup::cloud::apigee::EXPORT_COMMAND)
    {
        let code = terraform_provider_backup::commands::export_apigee::run(
            &args[1..],
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        );
        std::process::exit(code);
    }
    let debug = std::env::args().skip(1).any(|a| a == "--debug");
    tfplugin::logging::quiet_targets(terraform_provider_backup::cloud::SDK_LOG_TARGETS);
    let service = ProviderService::new(ProviderServer::new(BackupProvider));
    let options = ServeOptions {
        debug,
        provider_address: PROVIDER_ADDRESS.to_string(),
    };
    std::process::exit(run(service, options));
}
