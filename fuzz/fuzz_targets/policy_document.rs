#![no_main]
//! Fuzz target: see `terraform_provider_backup_fuzz::policy_document`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| terraform_provider_backup_fuzz::policy_document(data));
