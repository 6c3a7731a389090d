//! Subcommands of the provider binary besides serving the plugin: one-shot jobs a scheduler runs
//! (the provider itself runs no daemon).

pub mod export_apigee;
