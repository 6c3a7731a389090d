//! The layers of docs/architecture.md hold: no source file imports from a layer above its own, the
//! policy core does no I/O, and SDK, ARM and protocol types stay in their layer.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every line of the Rust files under `dir` (relative to the repository) that mentions one of
/// `forbidden` outside a comment.
fn offending_lines(dir: &str, forbidden: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&repo().join(dir), &mut files);
    assert!(!files.is_empty(), "no Rust files under {dir}");
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // Unit tests at the end of a file may name anything.
        let code_part = text.split("#[cfg(test)]").next().unwrap_or("");
        for (number, line) in code_part.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for needle in forbidden {
                if code.contains(needle) {
                    found.push(format!(
                        "{}:{}: {needle}: {}",
                        file.strip_prefix(repo()).unwrap().display(),
                        number + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn tfvalue_depends_on_nothing_of_ours() {
    let found = offending_lines(
        "crates/tfvalue/src",
        &[
            "tfplugin",
            "backup_policy",
            "terraform_provider_backup",
            "aws_sdk",
            "reqwest",
            "tokio",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_policy_core_is_pure() {
    let found = offending_lines(
        "crates/backup-policy/src",
        &[
            "tfplugin",
            "terraform_provider_backup",
            "aws_sdk",
            "aws_config",
            "azure_core",
            "azure_identity",
            "reqwest",
            "tokio",
            "std::fs",
            "std::net",
            "std::process",
            "std::env",
            // ARM shapes belong to src/cloud/azure, not to the policy.
            "SimpleSchedulePolicy",
            "LongTermRetentionPolicy",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn the_plugin_framework_knows_no_backups_or_clouds() {
    let found = offending_lines(
        "crates/tfplugin/src",
        &[
            "backup_policy",
            "terraform_provider_backup",
            "aws_sdk",
            "aws_smithy",
            "aws_config",
            "azure_core",
            "azure_identity",
            "reqwest",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn cloud_backends_know_no_resources_or_protocol() {
    for dir in ["src/cloud/aws", "src/cloud/azure", "src/cloud/apigee"] {
        let found = offending_lines(dir, &["crate::resources", "tfplugin::protocol", "proto::"]);
        assert!(found.is_empty(), "{found:#?}");
    }
}

#[test]
fn resources_hold_no_sdk_or_wire_types() {
    let found = offending_lines(
        "src/resources",
        &[
            "aws_sdk_",
            "aws_config",
            "reqwest",
            "azure_core",
            "azure_identity",
            "tfplugin::protocol",
        ],
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn functions_data_sources_and_actions_hold_no_sdk_or_wire_types() {
    for dir in ["src/functions", "src/data_sources", "src/actions"] {
        let found = offending_lines(
            dir,
            &[
                "aws_sdk_",
                "aws_config",
                "reqwest",
                "azure_core",
                "azure_identity",
                "tfplugin::protocol",
            ],
        );
        assert!(found.is_empty(), "{found:#?}");
    }
}

#[test]
fn functions_do_no_io_and_data_sources_reach_clouds_only_through_the_backends() {
    let found = offending_lines(
        "src/functions",
        &["crate::cloud", "tokio::", "std::fs", "std::net"],
    );
    assert!(found.is_empty(), "{found:#?}");
    // The drift report reads live objects, through the backend traits and resources/compliance.
    let found = offending_lines("src/data_sources", &["tokio::", "std::fs", "std::net"]);
    assert!(found.is_empty(), "{found:#?}");
}
