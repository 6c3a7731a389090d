//! Plans read as data: [`Workdir::plan_json`] saves a plan and reads it back with
//! `terraform show -json`, so tests assert on each resource change's address, actions and
//! values instead of on Terraform's padded, version-dependent text.
//!
//! Terraform 1.0.3 and 1.15.5 both print this format (`format_version` 0.x/1.x: the fields read
//! here are in both).

use serde_json::Value;

use super::terraform::Output;
use super::workdir::{parse_json, Workdir};

/// Where [`Workdir::plan_json`] saves the plan, inside the working directory.
const PLAN_FILE: &str = "tfplan";

/// A saved plan as `terraform show -json` prints it, with the `plan` command's own output.
#[derive(Debug, Clone)]
pub(crate) struct PlanJson {
    /// The whole document.
    pub(crate) json: Value,
    /// What `terraform plan -detailed-exitcode -out=...` printed and how it exited (0: no
    /// changes, 2: changes).
    pub(crate) output: Output,
}

/// One entry of `resource_changes` (or `resource_drift`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ResourceChange {
    /// The resource address, e.g. `backup_app.root`.
    pub(crate) address: String,
    /// Terraform's actions: `["create"]`, `["update"]`, `["delete", "create"]`, `["no-op"]`, ...
    pub(crate) actions: Vec<String>,
    /// The values before the change (null for a create).
    pub(crate) before: Value,
    /// The planned values (unknown ones are absent or null here, true in `after_unknown`).
    pub(crate) after: Value,
    /// Which planned values are unknown until apply.
    pub(crate) after_unknown: Value,
}

impl ResourceChange {
    fn from_json(change: &Value) -> Self {
        let inner = &change["change"];
        Self {
            address: change["address"].as_str().unwrap_or_default().to_owned(),
            actions: inner["actions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect(),
            before: inner["before"].clone(),
            after: inner["after"].clone(),
            after_unknown: inner["after_unknown"].clone(),
        }
    }

    /// Whether the actions are exactly `actions`, e.g. `is(&["update"])`.
    pub(crate) fn is(&self, actions: &[&str]) -> bool {
        self.actions
            .iter()
            .map(String::as_str)
            .eq(actions.iter().copied())
    }

    /// Whether Terraform replaces the resource (deletes and creates it, in either order).
    pub(crate) fn is_replace(&self) -> bool {
        self.actions.iter().any(|a| a == "delete") && self.actions.iter().any(|a| a == "create")
    }

    /// The paths (`aws_plan_id`, `policy.rules.daily`, `tags[0]`) of planned values that are
    /// unknown until apply: what Terraform's text shows as `(known after apply)`.
    pub(crate) fn unknown_paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        unknown_paths("", &self.after_unknown, &mut out);
        out
    }
}

/// Collects the paths under `prefix` whose `after_unknown` marker is `true`.
fn unknown_paths(prefix: &str, unknown: &Value, out: &mut Vec<String>) {
    match unknown {
        Value::Bool(true) => out.push(if prefix.is_empty() {
            "(the whole value)".to_owned()
        } else {
            prefix.to_owned()
        }),
        Value::Object(map) => {
            for (key, value) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                unknown_paths(&path, value, out);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                unknown_paths(&format!("{prefix}[{i}]"), value, out);
            }
        }
        _ => {}
    }
}

impl PlanJson {
    /// Every planned resource change, no-ops included, in Terraform's order.
    pub(crate) fn resource_changes(&self) -> Vec<ResourceChange> {
        self.json["resource_changes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(ResourceChange::from_json)
            .collect()
    }

    /// The changes Terraform found made outside of it since the last apply (`resource_drift`).
    pub(crate) fn resource_drift(&self) -> Vec<ResourceChange> {
        self.json["resource_drift"]
            .as_array()
            .into_iter()
            .flatten()
            .map(ResourceChange::from_json)
            .collect()
    }

    /// The change of the resource at `address`; panics, showing the plan, if there is none.
    #[track_caller]
    pub(crate) fn change(&self, address: &str) -> ResourceChange {
        self.resource_changes()
            .into_iter()
            .find(|c| c.address == address)
            .unwrap_or_else(|| panic!("{address} is not in the plan:\n{self}"))
    }

    /// The addresses and actions of every change that does something (no-ops and reads left
    /// out), sorted by address.
    pub(crate) fn actions(&self) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<_> = self
            .resource_changes()
            .into_iter()
            .filter(|c| !c.is(&["no-op"]) && !c.is(&["read"]))
            .map(|c| (c.address, c.actions))
            .collect();
        out.sort();
        out
    }

    /// The sorted addresses whose actions are exactly `actions`, e.g. `addresses(&["update"])`.
    pub(crate) fn addresses(&self, actions: &[&str]) -> Vec<String> {
        let mut out: Vec<_> = self
            .resource_changes()
            .into_iter()
            .filter(|c| c.is(actions))
            .map(|c| c.address)
            .collect();
        out.sort();
        out
    }

    /// `(to add, to change, to destroy)` as Terraform's `Plan:` line counts them: a replacement
    /// is one add and one destroy.
    pub(crate) fn counts(&self) -> (usize, usize, usize) {
        let (mut add, mut change, mut destroy) = (0, 0, 0);
        for c in self.resource_changes() {
            if c.is_replace() {
                add += 1;
                destroy += 1;
            } else if c.is(&["create"]) {
                add += 1;
            } else if c.is(&["update"]) {
                change += 1;
            } else if c.is(&["delete"]) {
                destroy += 1;
            }
        }
        (add, change, destroy)
    }

    /// The paths of unknown planned values, `address.path` for resources and `output.name` for
    /// outputs: everything Terraform's text shows as `(known after apply)`.
    pub(crate) fn unknown_values(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .resource_changes()
            .iter()
            .flat_map(|c| {
                c.unknown_paths()
                    .into_iter()
                    .map(move |path| format!("{}.{path}", c.address))
            })
            .collect();
        for (name, change) in self.json["output_changes"]
            .as_object()
            .into_iter()
            .flatten()
        {
            unknown_paths(
                &format!("output.{name}"),
                &change["after_unknown"],
                &mut out,
            );
        }
        out
    }
}

impl std::fmt::Display for PlanJson {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let changes: Vec<String> = self
            .resource_changes()
            .iter()
            .map(|c| format!("  {} {:?}", c.address, c.actions))
            .collect();
        write!(
            f,
            "{}\n--- resource changes ---\n{}\n--- show -json ---\n{:#}",
            self.output,
            changes.join("\n"),
            self.json
        )
    }
}

impl Workdir {
    /// `terraform plan -detailed-exitcode -out=tfplan` (which must exit 0 or 2), then
    /// `terraform show -json tfplan`: the plan as data.
    #[track_caller]
    pub(crate) fn plan_json(&self) -> PlanJson {
        self.plan_json_with(&[])
    }

    /// [`Workdir::plan_json`] with more `terraform plan` options (e.g. `-refresh=false`).
    #[track_caller]
    pub(crate) fn plan_json_with(&self, options: &[&str]) -> PlanJson {
        let out = format!("-out={PLAN_FILE}");
        let mut args = vec![
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            &out,
        ];
        args.extend_from_slice(options);
        let output = self.run(&args);
        assert!(matches!(output.code(), 0 | 2), "plan failed:\n{output}");
        let json = parse_json(&self.run_ok(&["show", "-json", "-no-color", PLAN_FILE]));
        PlanJson { json, output }
    }
}

/// Every string anywhere in `value` (object values, array items), for "this id is planned
/// somewhere in the attribute" checks.
pub(crate) fn strings_in(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().flat_map(strings_in).collect(),
        Value::Object(map) => map.values().flat_map(strings_in).collect(),
        _ => Vec::new(),
    }
}
