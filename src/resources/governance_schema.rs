//! The governance members of `policy` (`access`, `alerts`, `audit_trail`) and of `guardrails`
//! (`protect_recovery_points`, `allowed_principals`, `require_alerts`), with their validators.

use backup_policy::access::{PrincipalKind, ACCESS_ROLES};
use backup_policy::alerts::AWS_EVENTS;
use tfplugin::framework::{Attribute, Diagnostics, Validator};
use tfvalue::{AttributePath, Type, Value};

/// What a principal may be, for messages and docs.
const PRINCIPAL_FORMS: &str =
    "an AWS principal ARN (`arn:aws:iam::<12-digit account>:role/<name>`, \
     `...:user/<name>`, `...:root`) or an Entra object id (a UUID such as \
     `0b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d`)";

/// `policy.access`, `policy.alerts` and `policy.audit_trail`.
pub(crate) fn governance_policy_attributes() -> Vec<Attribute> {
    vec![
        access_attribute(),
        alerts_attribute(),
        audit_trail_attribute(),
    ]
}

/// The governance members of `guardrails`.
pub(crate) fn governance_guardrail_attributes() -> Vec<Attribute> {
    vec![
        Attribute::bool("protect_recovery_points").optional().description(
            "Recovery points may be deleted, or their lifecycle changed, by the `access.admins` only (AWS: a deny \
             statement in each vault's access policy). Once `true`, no descendant can turn it off.",
        ),
        Attribute::typed("allowed_principals", Type::list(Type::String))
            .optional()
            .validator(Principals)
            .description(
                "The only principals `policy.access` may name in this app and its descendants. A descendant may \
                 narrow the set, never widen it.",
            ),
        Attribute::bool("require_alerts").optional().description(
            "This app and every descendant must have failure alerts (`policy.alerts`), with Azure job-failure \
             alerts on. Once `true`, no descendant can turn it off.",
        ),
    ]
}

fn access_attribute() -> Attribute {
    // A map keyed by role, so an unknown role is a diagnostic naming the roles there are.
    Attribute::typed("access", Type::map(Type::list(Type::String)))
        .optional()
        .validator(AccessRoles)
        .description(
            "Who may see (`readers`), restore (`restorers`) and administer (`admins`) this app's backups: lists of \
             AWS principal ARNs and Entra object ids. Principals are added to the inherited ones, never removed. \
             AWS: statements in the vault access policy; Azure: Backup Reader, Backup Operator and Backup \
             Contributor role assignments on the vault.",
        )
}

fn alerts_attribute() -> Attribute {
    Attribute::single_nested(
        "alerts",
        vec![
            Attribute::string("sns_topic_arn")
                .optional()
                .validator(SnsTopicArn)
                .description("AWS: the SNS topic each vault notifies (`arn:aws:sns:<region>:<account>:<topic>`)."),
            Attribute::typed("events", Type::list(Type::String))
                .optional()
                .validator(Events)
                .description(
                    "AWS: the vault events to notify, added to the inherited ones. Default: `BACKUP_JOB_COMPLETED`, \
                     `BACKUP_JOB_FAILED`, `COPY_JOB_FAILED` and `RESTORE_JOB_COMPLETED` (job failures, copy failures \
                     and restores).",
                ),
            Attribute::bool("azure_job_failure_alerts")
                .optional()
                .description("Azure: Azure Monitor alerts for every job failure on each vault (default `true`)."),
            Attribute::string("action_group_id")
                .optional()
                .validator(ArmId {
                    provider: "Microsoft.Insights",
                    kind: "actionGroups",
                })
                .description("Azure: resource id of the action group that routes the alerts."),
        ],
    )
    .optional()
    .description("Who is told when a backup fails. Inherited; a descendant may replace the topic or action group and add events.")
}

fn audit_trail_attribute() -> Attribute {
    Attribute::single_nested(
        "audit_trail",
        vec![Attribute::string("log_analytics_workspace_id")
            .optional()
            .validator(ArmId {
                provider: "Microsoft.OperationalInsights",
                kind: "workspaces",
            })
            .description(
                "Azure: resource id of the Log Analytics workspace each vault's diagnostic settings send the backup \
                 logs to (resource-specific tables).",
            )],
    )
    .optional()
    .description(
        "Where every backup action is recorded. AWS records every call in CloudTrail (see the access, alerts and \
         audit guide); Azure sends the vaults' logs to a Log Analytics workspace.",
    )
}

/// The elements of a list that are strings, with their index.
fn strings(value: &Value) -> impl Iterator<Item = (usize, &str)> {
    match value {
        Value::List(items) | Value::Set(items) => items.as_slice(),
        _ => &[],
    }
    .iter()
    .enumerate()
    .filter_map(|(i, v)| v.as_str().map(|s| (i, s)))
}

fn principal_errors(path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
    for (index, principal) in strings(value) {
        if PrincipalKind::of(principal).is_none() {
            diagnostics.error_at(
                path.clone().index(index as i64),
                "Invalid attribute value",
                format!(
                    "{principal:?} is not a principal. Each principal must be {PRINCIPAL_FORMS}."
                ),
            );
        }
    }
}

/// A list of principals.
struct Principals;

impl Validator for Principals {
    fn description(&self) -> String {
        format!("Each element must be {PRINCIPAL_FORMS}.")
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        principal_errors(path, value, diagnostics);
    }
}

/// `access`: known roles, each a list of principals.
struct AccessRoles;

impl Validator for AccessRoles {
    fn description(&self) -> String {
        format!(
            "Keys must be roles (`readers`, `restorers`, `admins`); each element must be {PRINCIPAL_FORMS}."
        )
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let Value::Map(roles) = value else {
            return;
        };
        for (role, principals) in roles {
            let at = path.clone().key(role);
            if !ACCESS_ROLES.contains(&role.as_str()) {
                diagnostics.error_at(
                    at,
                    "Invalid attribute value",
                    format!(
                        "{role:?} is not a role. Roles are `readers` (see backups), `restorers` (restore them) and \
                         `admins` (administer the vault, the only ones who may delete recovery points when \
                         `protect_recovery_points` is on)."
                    ),
                );
                continue;
            }
            principal_errors(&at, principals, diagnostics);
        }
    }
}

/// An SNS topic ARN.
struct SnsTopicArn;

impl Validator for SnsTopicArn {
    fn description(&self) -> String {
        "Must be an SNS topic ARN: `arn:<partition>:sns:<region>:<12-digit account>:<topic name>`."
            .into()
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let Some(s) = value.as_str() else { return };
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        let ok = matches!(parts.as_slice(), ["arn", partition, "sns", region, account, topic]
            if !partition.is_empty() && !region.is_empty() && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && !topic.is_empty() && topic.len() <= 256
                && topic.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        if !ok {
            diagnostics.error_at(
                path.clone(),
                "Invalid attribute value",
                format!("{s:?} is not an SNS topic ARN. {}", self.description()),
            );
        }
    }
}

/// AWS Backup vault events.
struct Events;

impl Validator for Events {
    fn description(&self) -> String {
        format!(
            "Each element must be an AWS Backup vault event: {}.",
            AWS_EVENTS.join(", ")
        )
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        for (index, event) in strings(value) {
            if !AWS_EVENTS.contains(&event) {
                diagnostics.error_at(
                    path.clone().index(index as i64),
                    "Invalid attribute value",
                    format!("{event:?} is not a vault event. {}", self.description()),
                );
            }
        }
    }
}

/// An Azure resource id of a given provider and type.
struct ArmId {
    provider: &'static str,
    kind: &'static str,
}

impl Validator for ArmId {
    fn description(&self) -> String {
        format!(
            "Must be a resource id: `/subscriptions/<subscription id>/resourceGroups/<group>/providers/{}/{}/<name>`.",
            self.provider, self.kind
        )
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let Some(s) = value.as_str() else { return };
        if !is_arm_id(s, self.provider, self.kind) {
            diagnostics.error_at(
                path.clone(),
                "Invalid attribute value",
                format!(
                    "{s:?} is not a {}/{} resource id. {}",
                    self.provider,
                    self.kind,
                    self.description()
                ),
            );
        }
    }
}

/// Whether `id` is `/subscriptions/<uuid>/resourceGroups/<rg>/providers/<provider>/<kind>/<name>`
/// (segment names compared without case, as ARM does).
pub(crate) fn is_arm_id(id: &str, provider: &str, kind: &str) -> bool {
    let parts: Vec<&str> = id.split('/').collect();
    matches!(parts.as_slice(), ["", subs, sub, rgs, rg, providers, p, k, name]
        if subs.eq_ignore_ascii_case("subscriptions")
            && backup_policy::access::is_uuid(sub)
            && rgs.eq_ignore_ascii_case("resourceGroups")
            && !rg.is_empty()
            && providers.eq_ignore_ascii_case("providers")
            && p.eq_ignore_ascii_case(provider)
            && k.eq_ignore_ascii_case(kind)
            && !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(v: &dyn Validator, value: Value) -> Vec<String> {
        let mut d = Diagnostics::default();
        v.validate(&AttributePath::attr("x"), &value, &mut d);
        d.into_vec()
            .into_iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d.path.map(|p| p.to_string()).unwrap_or_default(),
                    d.detail
                )
            })
            .collect()
    }

    #[test]
    fn access_names_unknown_roles_and_bad_principals() {
        let value = Value::Map(
            [
                (
                    "restorers".to_string(),
                    Value::List(vec![
                        Value::from("arn:aws:iam::111111111111:role/r"),
                        Value::from("bob"),
                    ]),
                ),
                ("operators".to_string(), Value::List(vec![])),
            ]
            .into(),
        );
        let got = errors(&AccessRoles, value);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got[0].starts_with("x[\"operators\"]") && got[0].contains("`readers`"),
            "{got:?}"
        );
        assert!(
            got[1].starts_with("x[\"restorers\"][1]") && got[1].contains("UUID"),
            "{got:?}"
        );
    }

    #[test]
    fn topic_events_and_resource_ids() {
        assert!(errors(
            &SnsTopicArn,
            Value::from("arn:aws:sns:eu-west-1:111111111111:alerts")
        )
        .is_empty());
        for bad in [
            "arn:aws:sqs:eu-west-1:111111111111:q",
            "arn:aws:sns:eu-west-1:1:t",
            "topic",
        ] {
            assert_eq!(errors(&SnsTopicArn, Value::from(bad)).len(), 1, "{bad}");
        }
        let got = errors(
            &Events,
            Value::List(vec![Value::from("COPY_JOB_FAILED"), Value::from("OOPS")]),
        );
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("x[1]"), "{got:?}");
        let ws = ArmId {
            provider: "Microsoft.OperationalInsights",
            kind: "workspaces",
        };
        assert!(errors(
            &ws,
            Value::from("/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ops/providers/microsoft.operationalinsights/workspaces/audit")
        )
        .is_empty());
        assert_eq!(
            errors(&ws, Value::from("/subscriptions/x/resourceGroups/ops")).len(),
            1
        );
        assert_eq!(
            errors(
                &Principals,
                Value::List(vec![
                    Value::from("0b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d"),
                    Value::from("x")
                ])
            )
            .len(),
            1
        );
    }

    #[test]
    fn governance_members_decode_into_the_policy_patch() {
        use crate::resources::fakes::object;
        use crate::resources::model::decode_attribute;
        let access = Value::Map(
            [(
                "restorers".to_string(),
                Value::List(vec![Value::from("arn:aws:iam::111111111111:role/r")]),
            )]
            .into(),
        );
        let alerts = object(&[
            (
                "sns_topic_arn",
                Value::from("arn:aws:sns:eu-west-1:111111111111:a"),
            ),
            ("events", Value::Null),
            ("azure_job_failure_alerts", Value::Null),
            ("action_group_id", Value::Null),
        ]);
        let config = object(&[(
            "policy",
            object(&[
                ("rules", Value::Null),
                ("access", access),
                ("alerts", alerts),
                ("audit_trail", Value::Null),
            ]),
        )]);
        let mut d = Diagnostics::default();
        let patch: backup_policy::PolicyPatch =
            decode_attribute(&config, "policy", &mut d).unwrap();
        assert!(d.into_vec().is_empty());
        let access = patch.access.unwrap();
        assert_eq!(
            access.role("restorers"),
            ["arn:aws:iam::111111111111:role/r"]
        );
        assert!(access.readers.is_none());
        assert_eq!(
            patch.alerts.unwrap().sns_topic_arn.as_deref(),
            Some("arn:aws:sns:eu-west-1:111111111111:a")
        );
        assert!(patch.audit_trail.is_none());
    }
}
