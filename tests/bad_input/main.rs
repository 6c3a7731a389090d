//! Issue 13, item 5: a catalogue of invalid configurations. Each case is one resource (or one
//! provider configuration); every case must fail `terraform validate` or `terraform plan` with
//! a diagnostic on that block that names the attribute path and says what would be valid, and
//! none may crash the provider.
//!
//! Terraform reports the diagnostics of every resource in one run, so the cases share as few
//! runs as possible: one `validate` for everything the schema and the policy core catch alone,
//! one `plan` for what needs a parent's document or the provider configuration.

#[path = "../support/mod.rs"]
mod support;

mod governance_cases;
mod plan_cases;
mod policy_cases;
mod restore_testing_cases;
mod settings_cases;

use governance_cases::GOVERNANCE_CASES;
use plan_cases::{PLAN_CASES, ROOT};
use policy_cases::POLICY_CASES;
use restore_testing_cases::{AUDIT_PLAN_CASES, RESTORE_TESTING_CASES};
use settings_cases::SETTINGS_CASES;
use support::diagnostics::Diagnostics;
use support::terraform::{providers_without_clouds, Terraform, PROVIDER_ADDRESS};
use support::workdir::Workdir;

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
fn assert_cases(cases: &[&Case], diagnostics: &Diagnostics) {
    let output = &diagnostics.output;
    assert!(!output.success(), "the run must fail:\n{output}");
    let text = output.combined().to_lowercase();
    for sign in CRASH_SIGNS {
        assert!(
            !text.contains(&sign.to_lowercase()),
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
        if !cases.iter().any(|c| c.address() == address) {
            failures.push(format!("unexpected error on {address}: {}", error.text()));
        }
    }
    assert!(failures.is_empty(), "{}\n\n{output}", failures.join("\n"));
}

/// The providers, `prelude` and every case's blocks, as one configuration.
fn configuration(prelude: &str, cases: &[&Case]) -> String {
    let mut labels: Vec<String> = cases.iter().map(|c| c.address()).collect();
    labels.sort();
    labels.dedup();
    assert_eq!(labels.len(), cases.len(), "labels must be unique");
    let mut config = providers_without_clouds() + prelude;
    for case in cases {
        config += &case.hcl();
    }
    config
}

/// The cases of the `validate` run.
fn validate_cases() -> Vec<&'static Case> {
    POLICY_CASES
        .iter()
        .chain(SETTINGS_CASES)
        .chain(RESTORE_TESTING_CASES)
        .chain(GOVERNANCE_CASES)
        .collect()
}

/// The cases of the `plan` run.
fn plan_cases() -> Vec<&'static Case> {
    PLAN_CASES.iter().chain(AUDIT_PLAN_CASES).collect()
}

#[test]
fn the_catalogue_has_at_least_fifty_cases() {
    let count = validate_cases().len() + plan_cases().len();
    assert!(count >= 50, "{count} cases");
}

#[test]
fn invalid_input_fails_validate_at_its_path_saying_what_is_valid() {
    let cases = validate_cases();
    let wd = Workdir::new(&Terraform::v1_15());
    wd.write_main_tf(&configuration("", &cases));
    wd.init();
    assert_cases(&cases, &wd.validate_diagnostics());
}

#[test]
fn invalid_input_against_a_parent_or_the_provider_fails_plan_at_its_path() {
    let cases = plan_cases();
    let wd = Workdir::new(&Terraform::v1_15());
    wd.write_main_tf(&configuration(ROOT, &cases));
    wd.init();
    // Validation passes: these need the parent's document or the provider configuration.
    wd.validate();
    assert_cases(&cases, &wd.plan_diagnostics());
}
