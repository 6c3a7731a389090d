//! The registry docs are generated (`scripts/docs`, i.e. `src/bin/docgen`) from the schema and
//! `examples/`: the committed pages must be exactly what the generator makes now, every schema
//! attribute — nested and shaped ones included — must be documented with its description, and
//! every relative link in `docs/` must lead to a file.

use std::path::{Path, PathBuf};
use std::process::Command;

use terraform_provider_backup::resources::BackupProvider;
use tfplugin::framework::{Provider, Schema};

const GENERATED: &[&str] = &[
    "index.md",
    "resources/app.md",
    "resources/child.md",
    "data-sources/policy.md",
    "data-sources/compliance.md",
    "data-sources/backstage_catalog.md",
    "actions/backup_start_job.md",
    "functions/backup_role_policy.md",
    "list-resources/app.md",
    "list-resources/child.md",
    "functions/effective_policy.md",
    "functions/explain.md",
    "functions/violations.md",
    "resources/recovery_point.md",
    "list-resources/recovery_point.md",
];
const HINT: &str = "run `scripts/docs` and commit docs/";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

#[test]
fn committed_docs_are_what_the_generator_makes() {
    let out = tempfile::tempdir().expect("temporary directory");
    let output = Command::new(env!("CARGO_BIN_EXE_docgen"))
        .arg("--root")
        .arg(repo())
        .arg("--out")
        .arg(out.path())
        .output()
        .expect("running docgen");
    assert!(
        output.status.success(),
        "docgen failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut stale = Vec::new();
    for page in GENERATED {
        let committed = repo().join("docs").join(page);
        let generated = read(&out.path().join(page));
        match std::fs::read_to_string(&committed) {
            Ok(text) if text == generated => {}
            Ok(text) => {
                let line = text
                    .lines()
                    .zip(generated.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or_else(|| text.lines().count().min(generated.lines().count()));
                stale.push(format!(
                    "docs/{page} differs from line {}:\n  committed: {:?}\n  generated: {:?}",
                    line + 1,
                    text.lines().nth(line).unwrap_or("<end of file>"),
                    generated.lines().nth(line).unwrap_or("<end of file>"),
                ));
            }
            Err(_) => stale.push(format!("docs/{page} is missing")),
        }
    }
    assert!(
        stale.is_empty(),
        "the docs are out of date ({HINT}):\n{}",
        stale.join("\n")
    );
}

/// The lines of the schema section documenting the attributes under `parent` (empty: top level).
fn section<'a>(page: &'a str, parent: &[&str]) -> &'a str {
    let start = if parent.is_empty() {
        page.find("## Schema").expect("a ## Schema heading")
    } else {
        let anchor = format!("<a id=\"nestedatt--{}\"></a>", parent.join("--"));
        page.find(&anchor)
            .unwrap_or_else(|| panic!("no nested schema section {anchor}"))
            + anchor.len()
    };
    let rest = &page[start..];
    let end = rest
        .find("<a id=")
        .into_iter()
        .chain(rest[1..].find("\n## ").map(|i| i + 1))
        .min()
        .unwrap_or(rest.len());
    &rest[..end]
}

fn assert_documented(schema: &Schema, page_name: &str) {
    let page = read(&repo().join("docs").join(page_name));
    let mut problems = Vec::new();
    for (path, attribute) in schema.walk() {
        let path = path.to_string();
        let names: Vec<&str> = path.split('.').collect();
        let (name, parent) = names.split_last().expect("a non-empty path");
        let description = attribute.description.trim();
        if description.is_empty() {
            problems.push(format!("{path} has no description in the schema"));
            continue;
        }
        let bullet = format!("- `{name}` (");
        let lines = section(&page, parent);
        match lines.lines().find(|l| l.starts_with(&bullet)) {
            None => problems.push(format!("{path} is not documented in docs/{page_name}")),
            Some(line) if !line.contains(description) => problems.push(format!(
                "{path} is documented without its description in docs/{page_name}:\n    {line}"
            )),
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "undocumented attributes ({HINT}):\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn every_provider_attribute_is_documented() {
    assert_documented(&BackupProvider.schema(), "index.md");
}

#[test]
fn every_resource_attribute_is_documented() {
    let resources = BackupProvider.resources();
    let names: Vec<&str> = resources.iter().map(|r| r.type_name()).collect();
    assert_eq!(
        names,
        ["backup_app", "backup_child", "backup_recovery_point"],
        "a new resource needs a page: add it to src/bin/docgen and this test"
    );
    for resource in resources {
        let page = match resource.type_name() {
            "backup_app" => "resources/app.md",
            "backup_recovery_point" => "resources/recovery_point.md",
            _ => "resources/child.md",
        };
        assert_documented(&resource.schema(), page);
    }
}

#[test]
fn every_data_source_attribute_is_documented() {
    let data_sources = BackupProvider.data_sources();
    let names: Vec<&str> = data_sources.iter().map(|d| d.type_name()).collect();
    assert_eq!(
        names,
        [
            "backup_policy",
            "backup_compliance",
            "backup_backstage_catalog"
        ],
        "a new data source needs a page: add it to src/bin/docgen and this test"
    );
    assert_documented(&data_sources[0].schema(), "data-sources/policy.md");
    assert_documented(&data_sources[1].schema(), "data-sources/compliance.md");
    assert_documented(
        &data_sources[2].schema(),
        "data-sources/backstage_catalog.md",
    );
}

#[test]
fn every_action_attribute_is_documented() {
    let actions = BackupProvider.actions();
    let names: Vec<&str> = actions.iter().map(|a| a.type_name()).collect();
    assert_eq!(
        names,
        ["backup_start_job", "backup_restore_test"],
        "a new action needs a page: add it to src/bin/docgen and this test"
    );
    assert_documented(&actions[0].schema(), "actions/backup_start_job.md");
    assert_documented(&actions[1].schema(), "actions/backup_restore_test.md");
}

#[test]
fn every_list_resource_attribute_is_documented() {
    let lists = BackupProvider.list_resources();
    let names: Vec<&str> = lists.iter().map(|l| l.type_name()).collect();
    assert_eq!(
        names,
        ["backup_app", "backup_child", "backup_recovery_point"],
        "a new list resource needs a page: add it to src/bin/docgen and this test"
    );
    assert_documented(&lists[0].schema(), "list-resources/app.md");
    assert_documented(&lists[1].schema(), "list-resources/child.md");
    assert_documented(&lists[2].schema(), "list-resources/recovery_point.md");
}

#[test]
fn every_function_argument_is_documented() {
    for function in BackupProvider.functions() {
        let name = function.name();
        let page = read(&repo().join("docs/functions").join(format!("{name}.md")));
        let signature = function.signature();
        assert!(
            page.contains(signature.description.trim()),
            "docs/functions/{name}.md lacks the description ({HINT})"
        );
        for (i, parameter) in signature.parameters.iter().enumerate() {
            let line = format!("{}. `{}` (", i + 1, parameter.name);
            assert!(
                page.lines()
                    .any(|l| l.starts_with(&line) && l.contains(parameter.description.trim())),
                "docs/functions/{name}.md does not document argument {} with its description ({HINT})",
                parameter.name
            );
        }
    }
}

#[test]
fn relative_links_in_docs_lead_to_files() {
    let mut broken = Vec::new();
    let mut pages = vec![repo().join("docs/index.md")];
    for dir in [
        "docs/resources",
        "docs/guides",
        "docs/data-sources",
        "docs/actions",
        "docs/list-resources",
        "docs/functions",
    ] {
        for entry in std::fs::read_dir(repo().join(dir)).expect("docs directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                pages.push(path);
            }
        }
    }
    for page in pages {
        let text = read(&page);
        for (i, _) in text.match_indices("](") {
            let target = &text[i + 2..];
            let Some(end) = target.find(')') else {
                continue;
            };
            let target = target[..end].split('#').next().unwrap_or_default();
            if target.is_empty() || target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let resolved = page.parent().expect("a directory").join(target);
            if !resolved.exists() {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn guides_have_registry_front_matter() {
    for entry in std::fs::read_dir(repo().join("docs/guides")).expect("docs/guides") {
        let path = entry.expect("directory entry").path();
        let text = read(&path);
        assert!(
            text.starts_with("---\npage_title: ") && text[4..].contains("\n---\n"),
            "{} needs registry front matter (--- page_title: … ---)",
            path.display()
        );
    }
}
