//! `backup_backstage_catalog` on Terraform 1.15.5: `examples/backstage` (a pure tree, no cloud
//! calls) applies, its catalog validates against Backstage's published entity schemas
//! (`tests/specs/backstage`, checked by `check_entities.py`), each entity carries its app's
//! lineage and the policy hash Terraform holds, the plan after apply is clean, and a change of
//! policy in the root reaches every entity's hash in one apply.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use support::state::resource_values;
use support::terraform::Terraform;
use support::workdir::Workdir;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The test venv's Python (with PyYAML): `$BACKUP_TEST_VENV`, `.tools/venv` or `.venv`.
fn python() -> PathBuf {
    std::env::var_os("BACKUP_TEST_VENV")
        .map(PathBuf::from)
        .into_iter()
        .chain([repo().join(".tools/venv"), repo().join(".venv")])
        .map(|venv| venv.join("bin/python"))
        .find(|p| p.is_file())
        .expect("no test venv: run scripts/setup-test-env")
}

/// Runs the schema check on `file`: its exit status and report.
fn check_entities(file: &Path) -> (bool, String) {
    let out = Command::new(python())
        .arg(repo().join("tests/specs/backstage/check_entities.py"))
        .arg(file)
        .output()
        .expect("running check_entities.py");
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), report)
}

fn example() -> String {
    std::fs::read_to_string(repo().join("examples/backstage/main.tf")).expect("the example")
}

#[test]
fn the_example_catalog_validates_against_backstage_schemas_and_follows_the_tree() {
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&example());
    work.init();
    work.apply();
    work.assert_plan_clean();

    let outputs = work.outputs_json();
    let yaml = outputs["catalog_info_yaml"]["value"]
        .as_str()
        .expect("catalog_info_yaml")
        .to_string();
    let file = work.path().join("catalog-info.yaml");
    std::fs::write(&file, &yaml).unwrap();
    let (valid, report) = check_entities(&file);
    assert!(valid, "not valid Backstage entities:\n{report}\n{yaml}");
    assert!(report.contains("3 entities, 0 problems"), "{report}");

    // One document per app, in the order of nodes, each with its hash as Terraform holds it.
    let state = work.state_json();
    let entities = outputs["entities"]["value"].as_object().expect("entities");
    assert_eq!(
        entities.keys().collect::<Vec<_>>(),
        ["dev", "org-root", "payments"]
    );
    for (name, address) in [
        ("org-root", "backup_app.root"),
        ("payments", "backup_app.payments"),
        ("dev", "backup_app.dev"),
    ] {
        let document: Value = serde_json::from_str(
            resource_values(&state, address)["policy_document"]
                .as_str()
                .unwrap(),
        )
        .unwrap();
        let entity = entities[name].as_str().unwrap();
        assert!(
            entity.contains(&format!(
                "backup.appofapps.io/policy-hash: \"{}\"",
                document["hash"].as_str().unwrap()
            )),
            "{name}: {entity}"
        );
        assert!(yaml.contains(entity));
    }
    let payments = entities["payments"].as_str().unwrap();
    for line in [
        "kind: \"Component\"",
        "backup.appofapps.io/lineage: \"org-root > payments\"",
        "owner: \"group:payments\"",
        "subcomponentOf: \"component:org-root\"",
    ] {
        assert!(payments.contains(line), "{line:?} not in:\n{payments}");
    }
    // dev inherits the root's owner tag.
    assert!(entities["dev"]
        .as_str()
        .unwrap()
        .contains("owner: \"group:platform\""));
    assert!(yaml.find("name: \"org-root\"") < yaml.find("name: \"payments\""));

    // A policy change in the root reaches every entity's hash in one apply.
    let before = entities["dev"].as_str().unwrap().to_string();
    work.write_main_tf(&example().replace("retention_days = 365", "retention_days = 400"));
    work.apply();
    work.assert_plan_clean();
    let after = work.outputs_json()["entities"]["value"]["dev"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(before, after);
    assert!(after.contains("monthly 400 days"), "{after}");
    work.destroy();
}

#[test]
fn the_schema_check_rejects_what_backstage_would() {
    let dir = tempfile_dir();
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "---\napiVersion: \"backstage.io/v1alpha1\"\nkind: \"Component\"\nmetadata:\n  name: \"bad name\"\n\
         spec:\n  type: \"backup-app\"\n  owner: \"\"\n",
    )
    .unwrap();
    let (valid, report) = check_entities(&bad);
    assert!(!valid, "{report}");
    for problem in [
        "'lifecycle' is required",
        "spec.owner: shorter than 1",
        "breaks Backstage's name rule",
    ] {
        assert!(report.contains(problem), "{problem:?} not in:\n{report}");
    }
    std::fs::remove_dir_all(dir).ok();
}

/// A fresh directory under the system temp dir.
fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("backstage-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
