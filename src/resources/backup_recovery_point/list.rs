//! The `backup_recovery_point` list resource, for `terraform query`: the recovery points of an
//! app's vault (or a vault named directly), filtered by their tags (e.g. a release's `commit`)
//! and the backed-up resource's ARN, each with its identity and (when asked) its state, so that
//! `-generate-config-out` writes `import` and `resource` blocks that import cleanly.

use std::collections::BTreeMap;

use async_trait::async_trait;
use tfplugin::framework::{
    Attribute, Context, Diagnostic, Diagnostics, ListRequest, ListResource, ListResults, Listed,
    Schema,
};
use tfvalue::{AttributePath, Type, Value};

use super::super::diagnostics::cloud_diagnostic;
use super::super::provider_data::ProviderData;
use super::super::schema_validators::vault_name;
use super::model::{bare_state, fill, rfc3339, Described, PointRef};
use super::policy::document;
use super::RESOURCE;
use crate::cloud::aws::AwsBackend;
use crate::cloud::recovery_points::{RecoveryPointInfo, RecoveryPoints};
use crate::cloud::{CloudError, Tags};

/// Points asked for per `ListRecoveryPointsByBackupVault` page.
const PAGE_SIZE: i32 = 100;

/// The `backup_recovery_point` list resource.
pub(crate) struct BackupRecoveryPointList;

#[async_trait]
impl ListResource for BackupRecoveryPointList {
    fn type_name(&self) -> &'static str {
        RESOURCE
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Finds the recovery points of an app's AWS Backup vault (`policy_document`) or of a vault named \
             directly (`vault_name`), in the account and region of the list's provider configuration, \
             optionally only those carrying given tags (a release's `commit`, say) or of resources whose ARN \
             starts with a prefix. Each result carries the point's identity and, with `include_resource = \
             true`, its state, so `-generate-config-out` writes `backup_recovery_point` blocks that import \
             with no change planned. Points being deleted or expired are left out.",
            vec![
                Attribute::string("policy_document").optional().description(
                    "The `policy_document` of an app or child: its nearest AWS-backed app's vault is listed.",
                ),
                Attribute::string("vault_name")
                    .optional()
                    .validator(vault_name())
                    .description("The vault to list, when no `policy_document` is given."),
                Attribute::typed("tags", Type::map(Type::String)).optional().description(
                    "Only points carrying every one of these tags with these values, e.g. `{ commit = \"abc123\" }`.",
                ),
                Attribute::string("resource_arn_prefix")
                    .optional()
                    .description("Only points of resources whose ARN starts with this prefix."),
            ],
        )
    }

    async fn validate(&self, _ctx: &Context, config: &Value, diagnostics: &mut Diagnostics) {
        let set = |name: &str| config.get(name).is_some_and(|v| !v.is_null());
        if set("policy_document") == set("vault_name") {
            diagnostics.error(
                "Which vault to list",
                "Give the list exactly one of `policy_document` (an app's vault) and `vault_name`.",
            );
        }
    }

    async fn list(&self, ctx: &Context, request: &ListRequest, results: &mut ListResults) {
        let aws = ctx
            .provider_data::<ProviderData>()
            .and_then(|data| data.aws.clone());
        let Some(aws) = aws else {
            let _ = results.diagnostics(Diagnostics::from(Diagnostic::error(
                "Provider has no AWS settings",
                "The backup_recovery_point list reads AWS Backup, but the provider configuration it uses has no \
                 AWS settings. Add `aws = { region = \"...\" }` to the provider block the list names.",
            )));
            return;
        };
        let backend = AwsBackend::new(&aws).with_cancel(ctx.cancel.clone());
        list_points(&backend, request, results).await;
    }
}

/// What a list asks for, decoded once.
#[derive(Debug, Clone)]
struct Filter {
    vault_name: String,
    tags: Tags,
    resource_arn_prefix: String,
}

impl Filter {
    /// The filter of `config`; `None` with an error (at its attribute) when it names no vault
    /// this provider configuration reaches.
    fn of(
        backend: &dyn RecoveryPoints,
        config: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Option<Filter> {
        let vault_name = match document(config, diagnostics) {
            Some(doc) => {
                let Some(anchor) = &doc.anchors().aws else {
                    diagnostics.error_at(
                        AttributePath::attr("policy_document"),
                        "No AWS vault for this app",
                        format!(
                            "Neither app {:?} nor an ancestor ({}) has an `aws` block: it has no recovery points \
                             on AWS Backup.",
                            doc.app(),
                            doc.lineage().join(" > ")
                        ),
                    );
                    return None;
                };
                let vault = &anchor.location;
                if (vault.account_id.as_str(), vault.region.as_str())
                    != (backend.account_id(), backend.region())
                {
                    diagnostics.error_at(
                        AttributePath::attr("policy_document"),
                        "Vault in another account or region",
                        format!(
                            "The vault {} of app {:?} is in account {} region {}, but this provider configuration \
                             acts in account {} region {}. Use the provider alias for the vault's account and region.",
                            vault.vault_name,
                            vault.app,
                            vault.account_id,
                            vault.region,
                            backend.account_id(),
                            backend.region()
                        ),
                    );
                    return None;
                }
                vault.vault_name.clone()
            }
            None if diagnostics.has_errors() => return None,
            None => config.get("vault_name").and_then(Value::as_str)?.to_owned(),
        };
        let tags = match config.get("tags") {
            Some(v) if !v.is_null() => tfvalue::from_value(v).ok()?,
            _ => Tags::new(),
        };
        let resource_arn_prefix = config
            .get("resource_arn_prefix")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        Some(Filter {
            vault_name,
            tags,
            resource_arn_prefix,
        })
    }

    fn carries(&self, tags: &Tags) -> bool {
        self.tags.iter().all(|(k, v)| tags.get(k) == Some(v))
    }
}

/// Lists the points of `backend` matching the request into `results`, page by page, until the
/// limit, a cancellation or the last page; a cloud error ends the list with its diagnostic.
pub(crate) async fn list_points(
    backend: &dyn RecoveryPoints,
    request: &ListRequest,
    results: &mut ListResults,
) {
    let mut diagnostics = Diagnostics::new();
    let Some(filter) = Filter::of(backend, &request.config, &mut diagnostics) else {
        let _ = results.diagnostics(diagnostics);
        return;
    };
    // Unfiltered, a page of `limit` points may be all that is needed.
    let unfiltered = filter.tags.is_empty() && filter.resource_arn_prefix.is_empty();
    let page_size = match unfiltered {
        true => i32::try_from(request.limit.clamp(1, i64::from(PAGE_SIZE))).unwrap_or(PAGE_SIZE),
        false => PAGE_SIZE,
    };
    let mut token = None;
    loop {
        if results.is_done() {
            return;
        }
        let page = match backend
            .list_recovery_points(&filter.vault_name, token, page_size)
            .await
        {
            Ok(page) => page,
            Err(e) => return fail(results, &filter.vault_name, &e),
        };
        for info in page.points {
            if results.is_done() {
                return;
            }
            if info.is_gone() || !info.resource_arn.starts_with(&filter.resource_arn_prefix) {
                continue;
            }
            let listed = match found(backend, &filter, info, request).await {
                Ok(Some(listed)) => listed,
                Ok(None) => continue,
                Err((arn, e)) => return fail(results, &arn, &e),
            };
            if results.push(listed).is_break() {
                return;
            }
        }
        token = match page.next_token {
            Some(next) => Some(next),
            None => return,
        };
    }
}

/// The result for `info`, reading its tags when the filter or the state needs them; `None` when
/// its tags do not match (or it went away meanwhile).
async fn found(
    backend: &dyn RecoveryPoints,
    filter: &Filter,
    info: RecoveryPointInfo,
    request: &ListRequest,
) -> Result<Option<Listed>, (String, CloudError)> {
    let tags = match filter.tags.is_empty() && !request.include_resource_object {
        true => Tags::new(),
        false => match backend.find_recovery_point_tags(&info.arn).await {
            Ok(Some(tags)) => tags,
            Ok(None) => return Ok(None),
            Err(e) => return Err((info.arn, e)),
        },
    };
    if !filter.carries(&tags) {
        return Ok(None);
    }
    let point = PointRef {
        vault_name: filter.vault_name.clone(),
        arn: info.arn.clone(),
    };
    let display_name = format!(
        "{} of {}",
        rfc3339(info.created_epoch_seconds),
        info.resource_arn
    );
    let identity = Value::Object(BTreeMap::from([
        (
            "vault_name".to_string(),
            Value::from(point.vault_name.clone()),
        ),
        (
            "recovery_point_arn".to_string(),
            Value::from(point.arn.clone()),
        ),
        (
            "account_id".to_string(),
            Value::from(backend.account_id().to_owned()),
        ),
        (
            "region".to_string(),
            Value::from(backend.region().to_owned()),
        ),
    ]));
    let state = request.include_resource_object.then(|| {
        let lifecycle = info.lifecycle;
        let described = Described {
            info,
            tags,
            account_id: backend.account_id().to_owned(),
            region: backend.region().to_owned(),
        };
        let mut state = bare_state(&point);
        fill(&mut state, &described, &lifecycle);
        state
    });
    Ok(Some(Listed {
        identity,
        display_name,
        state,
    }))
}

/// Ends a list with the cloud error met on `name` (the vault, or a point).
fn fail(results: &mut ListResults, name: &str, error: &CloudError) {
    let _ = results.diagnostics(Diagnostics::from(cloud_diagnostic(RESOURCE, name, error)));
}
