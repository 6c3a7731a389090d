//! The entry point: one app's effective policy from its parent's document and its own input.

use crate::diagnostic::{paths, PolicyDiagnostic};
use crate::document::{rules_hash, Anchor, Anchors, Content, Inherited, PolicyDocument};
use crate::governance::evaluate_governance;
use crate::guardrails::{accumulate, EffectiveGuardrails};
use crate::merge::merge;
use crate::model::AppInput;
use crate::restore_testing;
use crate::validate::{validate, Context};

/// Computes `app`'s effective policy document from its parent's `policy_document` (`None` for a
/// root app), or every problem found, each at the attribute path to fix.
pub fn evaluate(
    parent_document: Option<&str>,
    app: &AppInput,
) -> Result<PolicyDocument, Vec<PolicyDiagnostic>> {
    // The parent document is ours to take apart: its parts become this app's starting point.
    let Inherited {
        lineage,
        rules,
        tags,
        guardrails: inherited,
        provenance,
        anchors,
        restore_testing,
        governance,
    } = match parent_document {
        Some(json) => PolicyDocument::parse(json)
            .map_err(|d| vec![d])?
            .into_inherited(),
        None => Inherited::default(),
    };
    let mut diagnostics = Vec::new();
    let name = app.name.as_str();
    if name.is_empty() {
        diagnostics.push(PolicyDiagnostic::new(
            paths::name(),
            "Invalid app name",
            "an app needs a non-empty name.",
        ));
    } else if lineage.iter().any(|n| n == name) {
        diagnostics.push(PolicyDiagnostic::new(
            paths::name(),
            "Duplicate app name",
            format!(
                "app name {name:?} is already used by an ancestor (lineage {}); names identify apps in provenance \
                 and messages, so each app in a lineage needs its own.",
                lineage.join(" > ")
            ),
        ));
    }

    let merged = merge(name, &app.policy, rules, tags, provenance, &mut diagnostics);
    let guardrails = accumulate(
        &inherited,
        name,
        &app.guardrails,
        &merged.rules,
        &merged.tags,
        &mut diagnostics,
    );
    // Restore testing's plan belongs to the nearest app with a vault of its own.
    let owns_plan = app.anchors.aws.is_some()
        || app.anchors.azure.is_some()
        || (anchors.aws.is_none() && anchors.azure.is_none());
    let rt_patch = app.policy.restore_testing.as_ref();
    let restore_testing =
        restore_testing::merge(name, rt_patch, restore_testing, owns_plan, &mut diagnostics);
    let mut guardrails = guardrails;
    guardrails.restore_testing = restore_testing::accumulate(
        &inherited.restore_testing,
        name,
        &app.guardrails.restore_testing,
        &mut diagnostics,
    );
    restore_testing::check(
        name,
        rt_patch,
        restore_testing.as_ref(),
        &guardrails.restore_testing,
        &mut diagnostics,
    );
    let (governance, access_guardrails) = evaluate_governance(
        name,
        &app.policy,
        &app.guardrails,
        governance,
        &inherited.access,
        &mut diagnostics,
    );
    let hardening = crate::hardening::accumulate_hardening(
        &inherited.hardening,
        name,
        &app.guardrails.hardening,
        &mut diagnostics,
    );
    let guardrails = EffectiveGuardrails {
        access: access_guardrails,
        hardening,
        ..guardrails
    };
    let context = Context {
        app: name,
        patch: &app.policy,
        merged: &merged,
        inherited: &inherited,
        guardrails: &guardrails,
    };
    validate(&context, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }

    let own_hash = rules_hash(&merged.rules, &merged.tags);
    let governance_hash = governance.hash();
    let anchors = Anchors {
        aws: match &app.anchors.aws {
            Some(aws) => Some(Anchor {
                location: aws.clone(),
                effective_hash: own_hash.clone(),
                governance_hash: governance_hash.clone(),
            }),
            None => anchors.aws,
        },
        azure: match &app.anchors.azure {
            Some(azure) => Some(Anchor {
                location: azure.clone(),
                effective_hash: own_hash,
                governance_hash,
            }),
            None => anchors.azure,
        },
    };
    let mut lineage = lineage;
    lineage.push(name.to_string());
    Ok(PolicyDocument::new(Content {
        app: name.to_string(),
        lineage,
        rules: merged.rules,
        tags: merged.tags,
        guardrails,
        provenance: merged.provenance,
        anchors,
        restore_testing,
        governance,
    }))
}
