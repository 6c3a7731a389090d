//! `backup_child.apigee`: plans what an export of the organization holds (read from Apigee at
//! plan, so the plan shows it), and at apply writes one export and prunes old ones, through the
//! same procedure the `export-apigee` command runs on the job's schedule.
//!
//! `apigee_last_export` is the one value a plan cannot know: it is unknown exactly when the apply
//! will export (the child is created, or its organization's content, its block or its effective
//! policy changed), and kept otherwise, so an unchanged organization plans no change.

use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use backup_policy::PolicyDocument;
use tfplugin::framework::{
    ApplyRequest, ApplyResponse, Context, Diagnostic, Diagnostics, PlanRequest, PlanResponse,
};
use tfvalue::{AttributePath, Value};

use super::super::model::NodeRecord;
use super::super::policy_node::has_block;
use super::super::provider_data::apigee_access;
use super::super::state::set_attr;
use super::apigee_schema::APIGEE_COMPUTED;
use crate::cloud::apigee::{
    self, ApigeeAccess, ExportJobArgs, ExportSchedule, ExportSpec, ManifestTags,
    OrganizationSnapshot, CONTAINER_URL_VARIABLE, DEFAULT_ENDPOINT, ENDPOINT_VARIABLE,
    TOKEN_VARIABLE,
};
use crate::cloud::azure::Secret;
use crate::cloud::{CloudError, ErrorKind};

/// The binary the export job runs (the provider's own, from its release archive).
const BINARY: &str = "terraform-provider-backup";

/// `apigee.<name>`.
fn path(name: &str) -> AttributePath {
    AttributePath::attr("apigee").attribute(name)
}

/// The block's organization and environments, when known.
fn block_target(value: &Value) -> Option<(String, Option<Vec<String>>)> {
    let block = value.get("apigee").filter(|b| !b.is_null())?;
    let org = block.get("organization")?.as_str()?.to_owned();
    let environments = match block.get("environments") {
        None | Some(Value::Null) => None,
        Some(Value::List(items)) => Some(
            items
                .iter()
                .map(|i| i.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()?,
        ),
        Some(_) => return None,
    };
    Some((org, environments))
}

/// A failed Apigee read as a diagnostic at the attribute it is about.
fn apigee_diagnostic(org: &str, environments: Option<&[String]>, e: &CloudError) -> Diagnostic {
    let (summary, detail, at) = match (e.kind(), e.status()) {
        (ErrorKind::InvalidInput, None) => (
            "No Apigee access token",
            format!("{e}. Set `apigee = {{ access_token = ... }}` on the provider, or APIGEE_ACCESS_TOKEN."),
            AttributePath::attr("apigee"),
        ),
        (ErrorKind::AccessDenied, Some(401)) => (
            "Apigee rejected the access token",
            format!("{e}. Give the provider a valid OAuth 2 access token (APIGEE_ACCESS_TOKEN)."),
            AttributePath::attr("apigee"),
        ),
        (ErrorKind::AccessDenied, _) if e.operation() == "reading Apigee organization" => (
            "Unknown Apigee organization",
            format!("{e}. The organization {org:?} does not exist, or the token may not read it."),
            path("organization"),
        ),
        (ErrorKind::NotFound, _) if e.operation() == "reading Apigee environment" => {
            let index = environments
                .and_then(|envs| envs.iter().position(|env| env == e.name()))
                .unwrap_or(0);
            (
                "Unknown Apigee environment",
                e.to_string(),
                path("environments").index(index as i64),
            )
        }
        _ => ("Cannot read Apigee", e.to_string(), AttributePath::attr("apigee")),
    };
    Diagnostic::error(summary, detail).at(at)
}

/// The manifest's tags: the policy's tags, then the followed rule's recovery-point tags.
fn manifest_tags(document: &PolicyDocument, schedule: &ExportSchedule) -> ManifestTags {
    let mut tags: ManifestTags = document.tags().clone();
    if let Some(rule) = document.rules().get(&schedule.rule) {
        tags.extend(rule.recovery_point_tags.clone());
    }
    tags
}

/// `apigee_export_job`: the schedule, the command line, and the environment it needs (secrets by
/// name only).
fn export_job(
    access: &ApigeeAccess,
    org: &str,
    environments: Option<&[String]>,
    document: &PolicyDocument,
    schedule: &ExportSchedule,
) -> Value {
    let args = ExportJobArgs {
        organization: org.to_owned(),
        environments: environments.map(<[String]>::to_vec),
        retention_days: schedule.retention_days,
        schedule: schedule.cron.clone(),
        policy_hash: document.hash().to_owned(),
        tags: manifest_tags(document, schedule),
    };
    let command = std::iter::once(BINARY.to_owned()).chain(args.to_args());
    let mut environment = BTreeMap::new();
    if access.endpoint != DEFAULT_ENDPOINT {
        environment.insert(
            ENDPOINT_VARIABLE.to_owned(),
            Value::from(access.endpoint.clone()),
        );
    }
    Value::Object(BTreeMap::from([
        ("schedule".to_owned(), Value::from(schedule.cron.clone())),
        (
            "retention_days".to_owned(),
            Value::from(schedule.retention_days),
        ),
        (
            "command".to_owned(),
            Value::List(command.map(Value::from).collect()),
        ),
        ("environment".to_owned(), Value::Map(environment)),
        (
            "secret_environment".to_owned(),
            Value::List(vec![
                Value::from(TOKEN_VARIABLE),
                Value::from(CONTAINER_URL_VARIABLE),
            ]),
        ),
    ]))
}

fn snapshot_values(snapshot: &OrganizationSnapshot) -> (Value, Value) {
    (
        Value::Map(
            snapshot
                .proxies
                .iter()
                .map(|(k, v)| (k.clone(), Value::from(v.clone())))
                .collect(),
        ),
        Value::List(
            snapshot
                .environments
                .iter()
                .cloned()
                .map(Value::from)
                .collect(),
        ),
    )
}

/// Plans the `apigee_*` attributes: null without a block, read from Apigee with one.
pub(super) async fn plan(
    ctx: &Context,
    request: &PlanRequest,
    document: Option<&PolicyDocument>,
    response: &mut PlanResponse,
) {
    let planned = &mut response.planned_state;
    if !has_block(&request.config, "apigee") {
        for name in APIGEE_COMPUTED {
            set_attr(planned, name, Value::Null);
        }
        return;
    }
    let Some((org, environments)) = block_target(&request.config) else {
        for name in APIGEE_COMPUTED {
            set_attr(planned, name, Value::unknown());
        }
        return;
    };
    let diagnostics = &mut response.diagnostics;
    let Some(access) = apigee_access(ctx, diagnostics) else {
        return;
    };
    let snapshot =
        match apigee::snapshot(&*access.api(&ctx.cancel), &org, environments.as_deref()).await {
            Ok(snapshot) => snapshot,
            Err(e) => {
                diagnostics.push(apigee_diagnostic(&org, environments.as_deref(), &e));
                return;
            }
        };
    let (proxies, envs) = snapshot_values(&snapshot);
    set_attr(planned, "apigee_proxies", proxies);
    set_attr(planned, "apigee_environments", envs);
    let job = match document.map(|d| (d, ExportSchedule::from_policy(d))) {
        Some((document, Ok(schedule))) => {
            export_job(&access, &org, environments.as_deref(), document, &schedule)
        }
        Some((_, Err(why))) => {
            diagnostics.push(
                Diagnostic::error("Schedule not expressible as an export job", why)
                    .at(AttributePath::attr("apigee")),
            );
            return;
        }
        None => Value::unknown(),
    };
    set_attr(planned, "apigee_export_job", job);
    // Export again exactly when something the export depends on changes.
    let prior = &request.prior_state;
    let last = prior
        .get("apigee_last_export")
        .cloned()
        .unwrap_or(Value::Null);
    set_attr(planned, "apigee_last_export", last.clone());
    let unchanged = !prior.is_null()
        && !last.is_null()
        && [
            "apigee",
            "policy_document",
            "apigee_proxies",
            "apigee_environments",
            "apigee_export_job",
        ]
        .iter()
        .all(|name| planned.get(name) == prior.get(name));
    if !unchanged {
        set_attr(planned, "apigee_last_export", Value::unknown());
    }
}

/// Writes an export when the plan left `apigee_last_export` unknown, and records it.
pub(super) async fn apply(ctx: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
    if !has_block(&request.config, "apigee") || response.diagnostics.has_errors() {
        return;
    }
    let state = &mut response.new_state;
    if !state
        .get("apigee_last_export")
        .is_some_and(Value::is_unknown)
    {
        return;
    }
    // Nothing unknown may stay in the applied state, even when the export fails.
    set_attr(state, "apigee_last_export", Value::Null);
    let diagnostics = &mut response.diagnostics;
    match export_now(ctx, &request.config, state, diagnostics).await {
        Some(prefix) => set_attr(
            &mut response.new_state,
            "apigee_last_export",
            Value::from(prefix),
        ),
        None => {
            // A failed export of an existing child: the next plan tries again.
            if !request.prior_state.is_null() {
                set_attr(&mut response.new_state, "policy_document", Value::Null);
            }
        }
    }
}

async fn export_now(
    ctx: &Context,
    config: &Value,
    state: &mut Value,
    diagnostics: &mut Diagnostics,
) -> Option<String> {
    let (org, environments) = block_target(config)?;
    let url = config
        .get("apigee")
        .and_then(|b| b.get("container_url"))
        .and_then(Value::as_str);
    let Some(url) = url else {
        diagnostics.push(
            Diagnostic::error(
                "Missing container_url",
                "Exporting Apigee needs the SAS URL of the blob container exports go to.",
            )
            .at(path("container_url")),
        );
        return None;
    };
    let access = apigee_access(ctx, diagnostics)?;
    let document = NodeRecord::of(state).document()?;
    let schedule = match ExportSchedule::from_policy(&document) {
        Ok(schedule) => schedule,
        Err(why) => {
            diagnostics.push(
                Diagnostic::error("Schedule not expressible as an export job", why)
                    .at(AttributePath::attr("apigee")),
            );
            return None;
        }
    };
    let content = match planned_snapshot(state) {
        Some(content) => content,
        None => {
            match apigee::snapshot(&*access.api(&ctx.cancel), &org, environments.as_deref()).await {
                Ok(content) => {
                    let (proxies, envs) = snapshot_values(&content);
                    set_attr(state, "apigee_proxies", proxies);
                    set_attr(state, "apigee_environments", envs);
                    content
                }
                Err(e) => {
                    diagnostics.push(apigee_diagnostic(&org, environments.as_deref(), &e));
                    return None;
                }
            }
        }
    };
    set_attr(
        state,
        "apigee_export_job",
        export_job(&access, &org, environments.as_deref(), &document, &schedule),
    );
    let container = match access.containers.open(&Secret::sas_url(url), &ctx.cancel) {
        Ok(container) => container,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error("Invalid container_url", e.to_string()).at(path("container_url")),
            );
            return None;
        }
    };
    let spec = ExportSpec {
        organization: org.clone(),
        content,
        retention_days: schedule.retention_days,
        schedule: schedule.cron.clone(),
        policy_hash: document.hash().to_owned(),
        tags: manifest_tags(&document, &schedule),
        now_millis: now_millis(),
    };
    match apigee::export(&*access.api(&ctx.cancel), &*container, &spec).await {
        Ok(report) => Some(report.prefix),
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(
                    "Apigee export failed",
                    format!("exporting Apigee organization {org:?}: {e}"),
                )
                .at(AttributePath::attr("apigee")),
            );
            None
        }
    }
}

/// What the plan said to export, when it knew.
fn planned_snapshot(state: &Value) -> Option<OrganizationSnapshot> {
    let Some(Value::Map(proxies)) = state.get("apigee_proxies") else {
        return None;
    };
    let Some(Value::List(envs)) = state.get("apigee_environments") else {
        return None;
    };
    Some(OrganizationSnapshot {
        proxies: proxies
            .iter()
            .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect::<Option<_>>()?,
        environments: envs
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<_>>()?,
    })
}

/// Milliseconds since the epoch.
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
