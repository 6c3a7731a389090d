//! Generates the registry documentation — `docs/index.md`, `docs/resources/app.md`,
//! `docs/resources/child.md` — from the provider's schema (its Markdown descriptions) and the
//! example files under `examples/`, in the layout the Terraform Registry renders.
//!
//! ```sh
//! scripts/docs            # regenerate docs/ (what you commit)
//! scripts/docs --check    # exit 1 and name the stale files if docs/ differs
//! ```
//!
//! Each page is a template in `src/bin/docgen/pages/` with placeholders, filled by [`render`].
//! `tests/docs.rs` runs this binary and fails when the committed docs differ.

mod render;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use terraform_provider_backup::resources::BackupProvider;
use tfplugin::framework::Provider;

/// A generated page: where it goes and the template it comes from.
struct Page {
    path: &'static str,
    template: &'static str,
    /// The resource type it documents; `None` for the provider's page.
    resource: Option<&'static str>,
}

const PAGES: &[Page] = &[
    Page {
        path: "index.md",
        template: include_str!("pages/index.md"),
        resource: None,
    },
    Page {
        path: "resources/app.md",
        template: include_str!("pages/app.md"),
        resource: Some("backup_app"),
    },
    Page {
        path: "resources/child.md",
        template: include_str!("pages/child.md"),
        resource: Some("backup_child"),
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
    let schema = match page.resource {
        None => provider.schema(),
        Some(name) => provider
            .resources()
            .into_iter()
            .find(|r| r.type_name() == name)
            .ok_or_else(|| format!("the provider has no resource {name}"))?
            .schema(),
    };
    render::page(page.template, &schema, &root.join("examples"))
}

fn write(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, text)
}
