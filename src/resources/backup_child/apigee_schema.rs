//! The schema of `backup_child.apigee` and the attributes it computes.

use tfplugin::framework::{Attribute, Diagnostics, Validator};
use tfvalue::{AttributePath, Type, Value};

use super::schema::SasUrl;

/// The attributes an `apigee` block computes (null without one).
pub(crate) const APIGEE_COMPUTED: &[&str] = &[
    "apigee_proxies",
    "apigee_environments",
    "apigee_export_job",
    "apigee_last_export",
];

/// The type of `apigee_export_job`.
pub(crate) fn export_job_type() -> Type {
    Type::object([
        ("schedule", Type::String),
        ("retention_days", Type::Number),
        ("command", Type::list(Type::String)),
        ("environment", Type::map(Type::String)),
        ("secret_environment", Type::list(Type::String)),
    ])
}

/// `backup_child.apigee`: the organization to export and where to.
pub(crate) fn child_apigee_attribute() -> Attribute {
    Attribute::single_nested(
        "apigee",
        vec![
            Attribute::string("organization")
                .required()
                .validator(ApigeeName("an Apigee organization"))
                .description("The Apigee organization (its Google Cloud project id) to export."),
            Attribute::typed("environments", Type::list(Type::String))
                .optional()
                .validator(ApigeeName("an Apigee environment"))
                .description("Environments whose deployed configuration is exported; default: all of the organization's."),
            Attribute::string("container_url").optional().write_only().validator(SasUrl).description(
                "SAS URL of the Azure Blob container exports go to (needs read, write, delete and list). Write-only: \
                 used at apply, never stored in plan or state (Terraform 1.11+; older clients treat it as sensitive).",
            ),
        ],
    )
    .optional_nested()
    .description(
        "Export an Apigee organization's API proxies (each one's latest revision bundle) and environment \
         configuration to an Azure Blob container, on the child's effective schedule and retention. The plan reads \
         the organization and shows what will be exported; each apply that changes the child writes one export \
         (`apigee/<organization>/<UTC time>/` with a `manifest.json`) and deletes exports older than the retention. \
         Between applies the `export-apigee` command of this provider binary makes the scheduled exports \
         (`apigee_export_job`); the provider runs no daemon. Destroying the child deletes no export.",
    )
}

/// The computed attributes of an `apigee` block.
pub(crate) fn apigee_computed_attributes() -> Vec<Attribute> {
    vec![
        Attribute::typed("apigee_proxies", Type::map(Type::String))
            .computed()
            .description("Each API proxy of the organization with the revision exported (its latest), read at plan."),
        Attribute::typed("apigee_environments", Type::list(Type::String))
            .computed()
            .description("The environments whose configuration is exported, read at plan."),
        Attribute::typed("apigee_export_job", export_job_type()).computed().description(
            "The scheduled job that keeps exporting between applies: `schedule` (five-field cron, UTC, from the \
             policy's most frequent rule), `retention_days` (the policy's longest), `command` (this provider binary's \
             `export-apigee` with its flags), `environment` (plain variables) and `secret_environment` (names of \
             the variables to fill from a secret store: the Apigee token and the container's SAS URL).",
        ),
        Attribute::string("apigee_last_export")
            .computed()
            .description("The container path of the export the last apply wrote (`apigee/<organization>/<time>/`)."),
    ]
}

/// Apigee organization and environment names: lower-case letters, digits and hyphens, starting
/// with a letter (they also name paths in the container).
struct ApigeeName(&'static str);

impl ApigeeName {
    fn valid(name: &str) -> bool {
        (1..=63).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }
}

impl Validator for ApigeeName {
    fn description(&self) -> String {
        format!(
            "Must name {}: 1 to 63 lower-case letters, digits and hyphens, starting with a letter.",
            self.0
        )
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let mut check = |path: AttributePath, name: &str| {
            if !Self::valid(name) {
                diagnostics.error_at(
                    path,
                    "Invalid attribute value",
                    format!("{name:?} is not valid. {}", self.description()),
                );
            }
        };
        match value {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if let Some(name) = item.as_str() {
                        check(path.clone().index(i as i64), name);
                    }
                }
            }
            _ => {
                if let Some(name) = value.as_str() {
                    check(path.clone(), name);
                }
            }
        }
    }
}
