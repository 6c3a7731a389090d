//! Generates the registry documentation — `docs/index.md`, `docs/resources/*.md`,
//! `docs/data-sources/*.md`, `docs/actions/*.md`, `docs/list-resources/*.md`,
//! `docs/functions/*.md` — from the provider's schemas and function
//! signatures (their Markdown descriptions) and the example files under `examples/`, in the layout
//! the Terraform Registry renders.
//!
//! ```sh
//! scripts/docs            # regenerate docs/ (what you commit)
//! scripts/docs --check    # exit 1 and name the stale files if docs/ differs
//! ```
//!
//! Each page is a template in `src/bin/docgen/pages/` with placeholders, filled by [`render`].
//! `tests/docs.rs` runs this binary and fails when the committed docs differ.

mod render;

use render::Subject;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use terraform_provider_backup::resources::BackupProvider;
use tfplugin::framework::Provider;

/// A generated page: where it goes and the template it comes from.
struct Page {
    path: &'static str,
    template: &'static str,
    /// What it documents.
    documents: Documents,
}

/// What a page documents.
enum Documents {
    /// The provider block.
    Provider,
    /// A resource type.
    Resource(&'static str),
    /// A data source type.
    DataSource(&'static str),
    /// A function.
    Function(&'static str),
    /// An action type.
    Action(&'static str),
    /// A list resource type (its `config` block).
    ListResource(&'static str),
}

const PAGES: &[Page] = &[
    Page {
        path: "index.md",
        template: include_str!("pages/index.md"),
        documents: Documents::Provider,
    },
    Page {
        path: "resources/app.md",
        template: include_str!("pages/app.md"),
        documents: Documents::Resource("backup_app"),
    },
    Page {
        path: "resources/child.md",
        template: include_str!("pages/child.md"),
        documents: Documents::Resource("backup_child"),
    },
    Page {
        path: "data-sources/policy.md",
        template: include_str!("pages/data_policy.md"),
        documents: Documents::DataSource("backup_policy"),
    },
    Page {
        path: "data-sources/compliance.md",
        template: include_str!("pages/data_compliance.md"),
        documents: Documents::DataSource("backup_compliance"),
    },
    Page {
        path: "data-sources/backstage_catalog.md",
        template: include_str!("pages/data_backstage_catalog.md"),
        documents: Documents::DataSource("backup_backstage_catalog"),
    },
    Page {
        path: "actions/backup_start_job.md",
        template: include_str!("pages/action_start_job.md"),
        documents: Documents::Action("backup_start_job"),
    },
    Page {
        path: "functions/backup_role_policy.md",
        template: include_str!("pages/function_backup_role_policy.md"),
        documents: Documents::Function("backup_role_policy"),
    },
    Page {
        path: "list-resources/app.md",
        template: include_str!("pages/list_app.md"),
        documents: Documents::ListResource("backup_app"),
    },
    Page {
        path: "list-resources/child.md",
        template: include_str!("pages/list_child.md"),
        documents: Documents::ListResource("backup_child"),
    },
    Page {
        path: "resources/recovery_point.md",
        template: include_str!("pages/recovery_point.md"),
        documents: Documents::Resource("backup_recovery_point"),
    },
    Page {
        path: "list-resources/recovery_point.md",
        template: include_str!("pages/list_recovery_point.md"),
        documents: Documents::ListResource("backup_recovery_point"),
    },
    Page {
        path: "actions/backup_restore_test.md",
        template: include_str!("pages/action_restore_test.md"),
        documents: Documents::Action("backup_restore_test"),
    },
    Page {
        path: "functions/effective_policy.md",
        template: include_str!("pages/function_effective_policy.md"),
        documents: Documents::Function("effective_policy"),
    },
    Page {
        path: "functions/explain.md",
        template: include_str!("pages/function_explain.md"),
        documents: Documents::Function("explain"),
    },
    Page {
        path: "functions/violations.md",
        template: include_str!("pages/function_violations.md"),
        documents: Documents::Function("violations"),
    },
];

const USAGE: &str = "usage: docgen [--check] [--root DIR] [--out DIR]
  --root DIR   the repository (examples/ is read from it); default: this crate's directory
  --out DIR    where docs go; default: ROOT/docs
  --check      write nothing; exit 1 naming every page that differs from what is in --out";

fn main() -> ExitCode {
    let mut root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut out = None;
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--root" | "--out" => {
                let Some(value) = args.next() else {
                    eprintln!("docgen: {arg} needs a directory\n{USAGE}");
                    return ExitCode::from(2);
                };
                if arg == "--root" {
                    root = PathBuf::from(value);
                } else {
                    out = Some(PathBuf::from(value));
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("docgen: unknown argument {other}\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let out = out.unwrap_or_else(|| root.join("docs"));

    let mut stale = Vec::new();
    for page in PAGES {
        let text = match generate(page, &root) {
            Ok(text) => text,
            Err(problem) => {
                eprintln!("docgen: {}: {problem}", page.path);
                return ExitCode::FAILURE;
            }
        };
        let path = out.join(page.path);
        if check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                stale.push(path.display().to_string());
            }
        } else if let Err(e) = write(&path, &text) {
            eprintln!("docgen: writing {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if !stale.is_empty() {
        eprintln!(
            "docgen: out of date (run scripts/docs and commit the result):\n  {}",
            stale.join("\n  ")
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn generate(page: &Page, root: &Path) -> Result<String, String> {
    let provider = BackupProvider;
    let examples = root.join("examples");
    let schema = match page.documents {
        Documents::Provider => provider.schema(),
        Documents::Resource(name) => provider
            .resources()
            .into_iter()
            .find(|r| r.type_name() == name)
            .ok_or_else(|| format!("the provider has no resource {name}"))?
            .schema(),
        Documents::DataSource(name) => provider
            .data_sources()
            .into_iter()
            .find(|d| d.type_name() == name)
            .ok_or_else(|| format!("the provider has no data source {name}"))?
            .schema(),
        Documents::Action(name) => provider
            .actions()
            .into_iter()
            .find(|a| a.type_name() == name)
            .ok_or_else(|| format!("the provider has no action {name}"))?
            .schema(),
        Documents::ListResource(name) => provider
            .list_resources()
            .into_iter()
            .find(|l| l.type_name() == name)
            .ok_or_else(|| format!("the provider has no list resource {name}"))?
            .schema(),
        Documents::Function(name) => {
            let signature = provider
                .functions()
                .into_iter()
                .find(|f| f.name() == name)
                .ok_or_else(|| format!("the provider has no function {name}"))?
                .signature();
            return render::page(
                page.template,
                &Subject::Function(name, &signature),
                &examples,
            );
        }
    };
    render::page(page.template, &Subject::Schema(&schema), &examples)
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}
