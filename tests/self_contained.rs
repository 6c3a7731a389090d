//! The repository is self-contained: a clone alone runs both README commands. Nothing that runs
//! (scripts, sources, tests, CI) reads from outside the checkout, and what the tests serve (the AWS
//! emulator extension, the Azure REST specs) is vendored here with its licence.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir`, skipping build output and vendored data.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if matches!(
            name.to_str(),
            Some("target" | ".tools" | ".terraform" | "specs" | "emulators")
        ) {
            continue;
        }
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn nothing_that_runs_reads_outside_the_checkout() {
    // Spelled in pieces so this file does not match itself.
    let needles = [concat!("..", "/shared"), concat!("BACKUP_", "SHARED_DIR")];
    let mut all = Vec::new();
    for dir in [".ci", "scripts", "src", "crates", "tests", "examples"] {
        files(&repo().join(dir), &mut all);
    }
    assert!(all.len() > 50, "walked only {} files", all.len());
    let offenders: Vec<String> = all
        .iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(path).ok()?;
            needles
                .iter()
                .find(|needle| text.contains(*needle))
                .map(|needle| format!("{} mentions {needle}", path.display()))
        })
        .collect();
    assert!(offenders.is_empty(), "{offenders:#?}");
}

#[test]
fn the_vendored_test_inputs_are_here_with_their_licences() {
    let azure = repo().join("tests/specs/azure");
    for file in [
        "LICENSE",
        "README.md",
        "specification/recoveryservices/resource-manager/Microsoft.RecoveryServices/RecoveryServices/stable/2026-11-01/openapi.json",
        "specification/recoveryservicesbackup/resource-manager/Microsoft.RecoveryServices/RecoveryServicesBackup/stable/2026-11-01/bms.json",
        "specification/web/resource-manager/Microsoft.Web/AppService/stable/2026-09-01/web-sites-config-backup.json",
        "specification/common-types/resource-management/v3/types.json",
        "specification/storage/resource-manager/Microsoft.Storage/stable/2023-05-01/storage.json",
        "specification/web/resource-manager/Microsoft.Web/stable/2023-12-01/CommonDefinitions.json",
    ] {
        assert!(azure.join(file).is_file(), "missing tests/specs/azure/{file}");
    }
    let licence = std::fs::read_to_string(azure.join("LICENSE")).unwrap();
    assert!(
        licence.contains("MIT") && licence.contains("Microsoft"),
        "{licence}"
    );
    let emulator = repo().join("tests/emulators/aws");
    for file in ["backup_plus.py", "README.md"] {
        assert!(
            emulator.join(file).is_file(),
            "missing tests/emulators/aws/{file}"
        );
    }
}
