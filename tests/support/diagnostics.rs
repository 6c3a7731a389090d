//! Terraform's diagnostics read as data: [`Workdir::validate_diagnostics`] and
//! [`Workdir::plan_diagnostics`] run `terraform validate -json` / `terraform plan -json` and
//! return every diagnostic with the resource it belongs to, so a test that puts many independent
//! resources into one configuration can match each diagnostic to its resource.

use serde_json::Value;

use super::terraform::Output;
use super::workdir::{parse_json, Workdir};

/// One diagnostic Terraform reported.
#[derive(Debug, Clone)]
pub(crate) struct Diagnostic {
    /// `error` or `warning`.
    pub(crate) severity: String,
    /// The resource address it belongs to (`backup_app.root`), if any.
    pub(crate) address: Option<String>,
    /// Its summary line.
    pub(crate) summary: String,
    /// Its detail; the provider appends `Attribute: <path>` for a place inside an attribute.
    pub(crate) detail: String,
    /// The source line Terraform points at (`name = "org root"`), if any.
    pub(crate) code: Option<String>,
}

impl Diagnostic {
    fn from_json(d: &Value) -> Self {
        let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
        Self {
            severity: text(&d["severity"]),
            address: d["address"].as_str().map(str::to_owned),
            summary: text(&d["summary"]),
            detail: text(&d["detail"]),
            code: d["snippet"]["code"].as_str().map(str::to_owned),
        }
    }

    /// Whether it is an error.
    pub(crate) fn is_error(&self) -> bool {
        self.severity == "error"
    }

    /// Whether it points at the attribute `path`: a nested one (`policy.rules["daily"].schedule`)
    /// is named in the detail; for a top-level one (`name`) the source line Terraform shows
    /// assigns it.
    pub(crate) fn points_at(&self, path: &str) -> bool {
        let nested = path.contains(['.', '[']);
        (nested && self.detail.contains(path))
            || self.code.as_deref().is_some_and(|code| {
                code.trim_start()
                    .strip_prefix(path)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
    }

    /// Summary and detail as one line (Terraform's line breaks taken out).
    pub(crate) fn text(&self) -> String {
        format!("{}: {}", self.summary, self.detail)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What one `-json` command reported, with its raw output for assertions and messages.
#[derive(Debug, Clone)]
pub(crate) struct Diagnostics {
    /// Every diagnostic, in Terraform's order.
    pub(crate) all: Vec<Diagnostic>,
    /// How the command exited and everything it printed.
    pub(crate) output: Output,
}

impl Diagnostics {
    /// The errors reported for the resource at `address`.
    pub(crate) fn errors_of(&self, address: &str) -> Vec<&Diagnostic> {
        self.all
            .iter()
            .filter(|d| d.is_error() && d.address.as_deref() == Some(address))
            .collect()
    }

    /// Every error.
    pub(crate) fn errors(&self) -> Vec<&Diagnostic> {
        self.all.iter().filter(|d| d.is_error()).collect()
    }
}

impl Workdir {
    /// `terraform validate -json`, however it exits (it does not panic on failure).
    #[track_caller]
    pub(crate) fn validate_diagnostics(&self) -> Diagnostics {
        let output = self.run(&["validate", "-json", "-no-color"]);
        let json = parse_json(&output);
        let all = json["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(Diagnostic::from_json)
            .collect();
        Diagnostics { all, output }
    }

    /// `terraform plan -json` (one JSON message a line), however it exits.
    #[track_caller]
    pub(crate) fn plan_diagnostics(&self) -> Diagnostics {
        let output = self.run(&["plan", "-json", "-input=false", "-no-color"]);
        let all = output
            .stdout
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|message| message["type"] == "diagnostic")
            .map(|message| Diagnostic::from_json(&message["diagnostic"]))
            .collect();
        Diagnostics { all, output }
    }
}
