//! The schema of `backup_child`: its attributes and its two cloud blocks.

use tfplugin::framework::{validators, Attribute, Diagnostics, Schema, Validator};
use tfvalue::{AttributePath, Type, Value};

use super::super::policy_schema::policy_attribute;
use super::super::schema_validators::{arn, arn_list, object_name, tag_conditions, vault_name};

/// Built once: Terraform asks for the schema once, but plan and apply consult it per resource.
pub(crate) fn child_schema() -> &'static Schema {
    static SCHEMA: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| {
        Schema::new(
            "A leaf app: inherits the effective policy of its `parent`, adapts it within the ancestors' \
             guardrails, and protects resources with it in any account, region or subscription the provider \
             alias reaches.",
            vec![
                Attribute::string("id").computed().use_state_for_unknown().description("The child's name."),
                Attribute::string("name")
                    .required()
                    .requires_replace()
                    .validator(validators::string_length(1, 50))
                    .validator(object_name())
                    .description("Unique name of the child; names its selection, plan and vault. Changing it replaces the child."),
                Attribute::string("parent")
                    .required()
                    .description("The parent app's `policy_document` (`backup_app.<name>.policy_document`)."),
                policy_attribute(true),
                child_aws_attribute(),
                child_azure_attribute(),
                super::apigee_schema::child_apigee_attribute(),
                Attribute::bool("force_destroy").default_value(false).description(
                    "Whether destroying the child may delete its own vault while it holds recovery points. Default `false`.",
                ),
                Attribute::string("policy_document")
                    .computed()
                    .description("The child's effective policy as canonical JSON (same format as `backup_app.policy_document`)."),
                Attribute::string("mode").computed().description(
                    "`joined` when the child's resources join the nearest AWS-backed ancestor's plan (same account, \
                     region and effective policy), `derived` when the child has its own plan; null without `aws`.",
                ),
                Attribute::string("aws_plan_id").computed().description("Id of the AWS backup plan the child's selection belongs to."),
                Attribute::string("aws_selection_id").computed().description("Id of the child's AWS backup selection."),
                Attribute::string("azure_policy_id").computed().description("Resource id of the Azure backup policy protecting the child's VMs."),
                Attribute::typed("azure_protected_item_ids", Type::list(Type::String))
                    .computed()
                    .description("Resource ids of the Azure protected items, one per VM."),
            ]
            .into_iter()
            .chain(super::apigee_schema::apigee_computed_attributes())
            .collect(),
        )
    })
}

/// `backup_child.aws`: what the child protects on AWS.
pub(crate) fn child_aws_attribute() -> Attribute {
    Attribute::single_nested(
        "aws",
        vec![
            Attribute::typed("resources", Type::list(Type::String))
                .optional()
                .validator(arn_list())
                .description("ARNs of the resources to protect, in the child's account and region (`*` wildcards as AWS Backup allows)."),
            Attribute::typed("selection_tags", Type::map(Type::String))
                .optional()
                .validator(tag_conditions())
                .description("Also protect every resource carrying any one of these tags (`key = value`); AWS ORs them with `resources`."),
            Attribute::string("iam_role_arn")
                .required()
                .validator(arn(Some("iam")))
                .description("IAM role AWS Backup assumes to back up the selected resources."),
            Attribute::string("vault_name")
                .optional()
                .validator(vault_name())
                .description(
                    "Name of the child's own vault in its provider's account and region, used in `derived` mode; \
                     default: the child's `name`. An existing vault of that name is adopted.",
                ),
        ],
    )
    .optional_nested()
    .description(
        "Protect AWS resources in the account and region of the child's provider configuration. When that is the \
         nearest AWS-backed ancestor's account and region and the child's effective policy equals the ancestor's, \
         the child adds a selection (named after the child) to the ancestor's plan (`mode = \"joined\"`). \
         Otherwise it gets its own vault and a plan named after it (`mode = \"derived\"`), whose rules keep every \
         inherited `copy_to` and, in another account, also copy to the ancestor's vault with the rule's retention. \
         Selection changes are made inside the update (the new selection is created before the old is deleted).",
    )
}

/// `backup_child.azure`: what the child protects on Azure.
pub(crate) fn child_azure_attribute() -> Attribute {
    Attribute::single_nested(
        "azure",
        vec![
            Attribute::typed("vm_ids", Type::list(Type::String))
                .optional()
                .validator(AzureIds::VIRTUAL_MACHINES)
                .description("Resource ids of the virtual machines to protect."),
            Attribute::single_nested(
                "app_service",
                vec![
                    Attribute::string("site_id")
                        .required()
                        .validator(AzureIds::SITE)
                        .description("Resource id of the App Service (web app)."),
                    Attribute::string("storage_account_url").optional().write_only().validator(SasUrl).description(
                        "SAS URL of the blob container backups go to. Write-only: sent to Azure, never stored in plan or \
                         state (Terraform 1.11+; older clients treat it as sensitive).",
                    ),
                    Attribute::string("storage_account_id")
                        .optional()
                        .validator(AzureIds::STORAGE_ACCOUNT)
                        .description(
                            "Resource id of the storage account the backups go to, for the plan-time region check; its \
                             name must match the account in `storage_account_url`. Unset: the account is looked up in \
                             the subscription by the SAS URL's account name.",
                        ),
                ],
            )
            .optional()
            .description(
                "Back up an App Service with the child's effective schedule and retention. The plan warns when the \
                 App Service and the receiving storage account (or the ancestor's vault) are in different regions, \
                 and fails when `guardrails.require_app_service_same_region` is in force.",
            ),
        ],
    )
    .optional_nested()
    .description("Protect Azure resources in the nearest Azure-backed ancestor's vault.")
}

/// Azure resource ids of one type: a string, or a list whose known elements are such ids; each
/// wrong one is an error at its own path (`azure.vm_ids[1]`) naming the type it has instead.
pub(crate) struct AzureIds {
    /// `Microsoft.Compute/virtualMachines`.
    resource_type: &'static str,
    /// The kind of resource in messages, with its article: "a virtual machine".
    noun: &'static str,
    /// Whether the attribute is a list of ids (else one id).
    list: bool,
}

impl AzureIds {
    /// Virtual machines.
    const VIRTUAL_MACHINES: AzureIds = AzureIds {
        resource_type: "Microsoft.Compute/virtualMachines",
        noun: "a virtual machine",
        list: true,
    };
    /// Storage accounts.
    const STORAGE_ACCOUNT: AzureIds = AzureIds {
        resource_type: "Microsoft.Storage/storageAccounts",
        noun: "a storage account",
        list: false,
    };
    /// App Services (web apps).
    const SITE: AzureIds = AzureIds {
        resource_type: "Microsoft.Web/sites",
        noun: "an App Service",
        list: false,
    };

    fn check(&self, id: &str) -> Result<(), String> {
        match arm_resource_type(id) {
            Some(found) if found.eq_ignore_ascii_case(self.resource_type) => Ok(()),
            Some(found) => Err(format!(
                "{id:?} is a {found} id, not a {} id",
                self.resource_type
            )),
            None => Err(format!("{id:?} is not an Azure resource id")),
        }
    }
}

impl Validator for AzureIds {
    fn description(&self) -> String {
        format!(
            "{} the resource id of {}: `/subscriptions/<subscription>/resourceGroups/<group>/providers/{}/<name>`.",
            if self.list { "Each element is" } else { "Must be" },
            self.noun,
            self.resource_type
        )
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let mut report = |path: AttributePath, id: &str| {
            if let Err(problem) = self.check(id) {
                diagnostics.error_at(
                    path,
                    "Invalid attribute value",
                    format!("{problem}. {}", self.description()),
                );
            }
        };
        match value {
            Value::List(items) | Value::Set(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(id) = item.as_str() {
                        report(path.clone().index(i as i64), id);
                    }
                }
            }
            _ => {
                if let Some(id) = value.as_str() {
                    report(path.clone(), id);
                }
            }
        }
    }
}

/// The `Namespace/type` of a top-level ARM resource id
/// (`/subscriptions/s/resourceGroups/g/providers/Namespace/type/name`); `None` for anything else.
fn arm_resource_type(id: &str) -> Option<String> {
    let parts: Vec<&str> = id.strip_prefix('/')?.split('/').collect();
    match parts.as_slice() {
        ["subscriptions", subscription, groups, group, "providers", namespace, kind, name]
            if groups.eq_ignore_ascii_case("resourceGroups")
                && [subscription, group, namespace, kind, name]
                    .iter()
                    .all(|p| !p.is_empty()) =>
        {
            Some(format!("{namespace}/{kind}"))
        }
        // A child resource (`.../sites/app/slots/staging`): its type has every type segment.
        ["subscriptions", _, groups, _, "providers", namespace, rest @ ..]
            if groups.eq_ignore_ascii_case("resourceGroups")
                && rest.len() >= 4
                && rest.len() % 2 == 0 =>
        {
            let types: Vec<&str> = rest.iter().step_by(2).copied().collect();
            Some(format!("{namespace}/{}", types.join("/")))
        }
        _ => None,
    }
}

/// A storage SAS URL: a URL carrying a SAS signature (`sig=`). The value is a secret: it is
/// registered with the log scrubber here, where the provider first sees it, and never quoted.
pub(crate) struct SasUrl;

impl Validator for SasUrl {
    fn description(&self) -> String {
        "Must carry its SAS signature: \
         `https://<account>.blob.core.windows.net/<container>?sv=...&sig=...`."
            .to_owned()
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let Some(url) = value.as_str() else { return };
        let _registered = crate::cloud::azure::Secret::sas_url(url);
        let problem = match url::Url::parse(url) {
            Err(_) => Some("the value is not a URL"),
            Ok(parsed) if !matches!(parsed.scheme(), "https" | "http") => {
                Some("the value is not an http(s) URL")
            }
            Ok(parsed) if !parsed.query_pairs().any(|(k, v)| k == "sig" && !v.is_empty()) => {
                Some("the URL has no SAS signature (no `sig=` in its query): give the container's SAS URL, not its plain URL")
            }
            Ok(_) => None,
        };
        if let Some(problem) = problem {
            diagnostics.error_at(
                path.clone(),
                "Invalid attribute value",
                format!("{problem}. {}", self.description()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use tfplugin::framework::Severity;

    use super::*;

    const VM: &str =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1";
    const STORAGE: &str =
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct";
    const SITE: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop";

    fn path() -> AttributePath {
        AttributePath::attr("azure").attribute("vm_ids")
    }

    fn errors(validator: &dyn Validator, value: Value) -> Vec<(Option<AttributePath>, String)> {
        let mut diagnostics = Diagnostics::default();
        validator.validate(&path(), &value, &mut diagnostics);
        diagnostics
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.path, d.detail))
            .collect()
    }

    #[test]
    fn vm_ids_of_another_type_are_rejected_at_their_index() {
        let value = Value::List(vec![
            Value::from(VM),
            Value::from(STORAGE),
            Value::from("vm2"),
        ]);
        let found = errors(&AzureIds::VIRTUAL_MACHINES, value);
        assert_eq!(found.len(), 2, "{found:?}");
        let (path, detail) = &found[0];
        assert_eq!(path, &Some(self::path().index(1)));
        assert_eq!(
            detail,
            &format!(
                "{STORAGE:?} is a Microsoft.Storage/storageAccounts id, not a Microsoft.Compute/virtualMachines id. \
                 Each element is the resource id of a virtual machine: \
                 `/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Compute/virtualMachines/<name>`."
            )
        );
        assert_eq!(found[1].0, Some(self::path().index(2)));
        assert!(
            found[1]
                .1
                .starts_with("\"vm2\" is not an Azure resource id"),
            "{found:?}"
        );
        // Case does not matter to ARM; unknown elements wait for apply.
        let ok = Value::List(vec![Value::from(VM.to_lowercase()), Value::unknown()]);
        assert!(errors(&AzureIds::VIRTUAL_MACHINES, ok).is_empty());
    }

    #[test]
    fn a_site_id_must_be_a_web_app() {
        assert!(errors(&AzureIds::SITE, Value::from(SITE)).is_empty());
        let found = errors(&AzureIds::SITE, Value::from(VM));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].1.contains(
                "is a Microsoft.Compute/virtualMachines id, not a Microsoft.Web/sites id"
            ),
            "{found:?}"
        );
        let slot = format!("{SITE}/slots/staging");
        let found = errors(&AzureIds::SITE, Value::from(slot.as_str()));
        assert!(
            found[0].1.contains("Microsoft.Web/sites/slots"),
            "{found:?}"
        );
    }

    #[test]
    fn a_storage_account_id_must_be_a_storage_account() {
        assert!(errors(&AzureIds::STORAGE_ACCOUNT, Value::from(STORAGE)).is_empty());
        let found = errors(&AzureIds::STORAGE_ACCOUNT, Value::from(SITE));
        assert_eq!(found.len(), 1);
        assert!(
            found[0].1.contains(
                "is a Microsoft.Web/sites id, not a Microsoft.Storage/storageAccounts id"
            ),
            "{found:?}"
        );
    }

    #[test]
    fn a_storage_url_needs_a_sas_signature_and_is_never_quoted() {
        let ok = "https://acct.blob.core.windows.net/backups?sv=2024-11-04&sp=rwdl&sig=c2lnbmF0dXJlX29r%3D";
        assert!(errors(&SasUrl, Value::from(ok)).is_empty());
        for (bad, why) in [
            (
                "https://acct.blob.core.windows.net/backups?sv=2024-11-04&sp=rwdl-nosig",
                "no SAS signature",
            ),
            (
                "https://acct.blob.core.windows.net/backups",
                "no SAS signature",
            ),
            (
                "https://acct.blob.core.windows.net/backups?sv=1&sig=",
                "no SAS signature",
            ),
            ("acct/backups?sig=abc", "not a URL"),
            ("ftp://acct/backups?sig=abcdef", "not an http(s) URL"),
        ] {
            let found = errors(&SasUrl, Value::from(bad));
            assert_eq!(found.len(), 1, "{bad}");
            assert!(found[0].1.contains(why), "{bad}: {found:?}");
            assert!(
                !found[0].1.contains("acct"),
                "the value is quoted: {found:?}"
            );
        }
    }
}
