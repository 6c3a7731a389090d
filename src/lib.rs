//! terraform-provider-backup: App-of-Apps backup policies for AWS Backup and Azure.

#![warn(missing_docs)]

pub mod actions;
pub mod cloud;
pub mod commands;
pub mod data_sources;
pub mod functions;
pub mod resources;
