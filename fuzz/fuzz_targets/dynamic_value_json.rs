#![no_main]
//! Fuzz target: see `terraform_provider_backup_fuzz::dynamic_value_json`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| terraform_provider_backup_fuzz::dynamic_value_json(data));
