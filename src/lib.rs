//! terraform-provider-backup: App-of-Apps backup policies for AWS Backup and Azure.

pub mod cloud;
pub mod resources;
