//! Issue 13, item 5: a catalogue of invalid configurations. Each case is one resource; every
//! case must fail `terraform validate` or `terraform plan` with a diagnostic on that resource
//! that names the attribute path and says what would be valid, and none may crash the provider.
//!
//! Terraform reports the diagnostics of every resource in one run, so the cases share as few
//! runs as possible: one `validate` for everything the schema and the policy core catch alone,
//! one `plan` for what needs a parent's document or the provider configuration.

#[path = "../support/mod.rs"]
mod support;

mod plan_cases;
mod validate_cases;

use plan_cases::{PLAN_CASES, ROOT};
use support::diagnostics::Diagnostics;
use support::terraform::{providers_without_clouds, Terraform, PROVIDER_ADDRESS};
use support::workdir::Workdir;
use validate_cases::VALIDATE_CASES;

/// One invalid configuration.
pub(crate) struct Case {
    /// `backup_app`, `backup_child`, or `provider` for a provider configuration.
    resource: &'static str,
    /// The resource's label (a provider's alias), unique in its configuration.
    label: &'static str,
    /// The block's body.
    body: &'static str,
    /// The attribute path the diagnostic must name.
    path: &'static str,
    /// A fragment of the diagnostic saying what would be valid.
    allowed: &'static str,
}

pub(crate) const fn app(
    label: &'static str,
    body: &'static str,
    path: &'static str,
    allowed: &'static str,
) -> Case {
    Case {
        resource: "backup_app",
        label,
        body,
        path,
        allowed,
    }
}

pub(crate) const fn child(
    label: &'static str,
    body: &'static str,
    path: &'static str,
    allowed: &'static str,
) -> Case {
    Case {
        resource: "backup_child",
        label,
        body,
        path,
        allowed,
    }
}

/// A provider configuration with the alias `label`, used by a pure policy app (Terraform
/// validates only the provider configurations some resource uses).
pub(crate) const fn provider(
    label: &'static str,
    body: &'static str,
    path: &'static str,
    allowed: &'static str,
) -> Case {
    Case {
        resource: "provider",
        label,
        body,
        path,
        allowed,
    }
}

impl Case {
    /// The address Terraform gives the case's diagnostics.
    fn address(&self) -> String {
        if self.resource == "provider" {
            format!("provider[\"{PROVIDER_ADDRESS}\"].{}", self.label)
        } else {
            format!("{}.{}", self.resource, self.label)
        }
    }

    fn hcl(&self) -> String {
        if self.resource == "provider" {
            let alias = self.label;
            format!(
                "provider \"backup\" {{\nalias = \"{alias}\"\n{}\n}}\n\
                 resource \"backup_app\" \"uses_{alias}\" {{\n\
                 provider = backup.{alias}\nname = \"uses-{}\"\n}}\n",
                self.body,
                alias.replace('_', "-")
            )
        } else {
            format!(
                "resource \"{}\" \"{}\" {{\n{}\n}}\n",
                self.resource, self.label, self.body
            )
        }
    }
}

/// Text that means the provider crashed or hung rather than reported.
const CRASH_SIGNS: &[&str] = &["panic", "plugin crashed", "Plugin did not respond"];

/// Checks every case against the diagnostics of one run: each has an error at its path saying
/// what is allowed, no error belongs to anything but a case, and nothing crashed.
fn assert_cases(cases: &[Case], diagnostics: &Diagnostics, allowed_addresses: &[&str]) {
    let output = &diagnostics.output;
    assert!(!output.success(), "the run must fail:\n{output}");
    let text = output.combined();
    for sign in CRASH_SIGNS {
        assert!(
            !text.to_lowercase().contains(&sign.to_lowercase()),
            "{sign:?} in the output:\n{output}"
        );
    }
    let mut failures = Vec::new();
    for case in cases {
        let address = case.address();
        let errors = diagnostics.errors_of(&address);
        let found = errors
            .iter()
            .any(|d| d.points_at(case.path) && d.text().contains(case.allowed));
        if !found {
            let seen: Vec<String> = errors
                .iter()
                .map(|d| format!("  {} [{:?}]", d.text(), d.code))
                .collect();
            failures.push(format!(
                "{address}: no error at {} saying {:?}; its errors:\n{}",
                case.path,
                case.allowed,
                if seen.is_empty() {
                    "  (none)".to_owned()
                } else {
                    seen.join("\n")
                }
            ));
        }
    }
    for error in diagnostics.errors() {
        let address = error.address.as_deref().unwrap_or("(no address)");
        if !cases.iter().any(|c| c.address() == address) && !allowed_addresses.contains(&address) {
            failures.push(format!("unexpected error on {address}: {}", error.text()));
        }
    }
    assert!(failures.is_empty(), "{}\n\n{output}", failures.join("\n"));
}

fn configuration(prelude: &str, cases: &[Case]) -> String {
    let mut labels: Vec<String> = cases.iter().map(Case::address).collect();
    labels.sort();
    labels.dedup();
    assert_eq!(labels.len(), cases.len(), "labels must be unique");
    let mut config = providers_without_clouds() + prelude;
    for case in cases {
        config += &case.hcl();
    }
    config
}

#[test]
fn the_catalogue_has_at_least_fifty_cases() {
    assert!(
        VALIDATE_CASES.len() + PLAN_CASES.len() >= 50,
        "{} cases",
        VALIDATE_CASES.len() + PLAN_CASES.len()
    );
}

#[test]
fn invalid_input_fails_validate_at_its_path_saying_what_is_valid() {
    let wd = Workdir::new(&Terraform::v1_15());
    wd.write_main_tf(&configuration("", VALIDATE_CASES));
    wd.init();
    let diagnostics = wd.validate_diagnostics();
    assert_cases(VALIDATE_CASES, &diagnostics, &[]);
}

#[test]
fn invalid_input_against_a_parent_or_the_provider_fails_plan_at_its_path() {
    let wd = Workdir::new(&Terraform::v1_15());
    wd.write_main_tf(&configuration(ROOT, PLAN_CASES));
    wd.init();
    // Validation passes: these need the parent's document or the provider configuration.
    wd.validate();
    let diagnostics = wd.plan_diagnostics();
    assert_cases(PLAN_CASES, &diagnostics, &[]);
}
