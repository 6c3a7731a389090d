//! Validators the schemas of `backup_app` and `backup_child` share: ARNs, account ids, vault and
//! object names.

use tfplugin::framework::validators::{self, Invalid};
use tfplugin::framework::{Diagnostics, Validator};
use tfvalue::{AttributePath, Value};

/// The AWS partitions an ARN can name: a typo here would only fail at apply, in AWS.
const PARTITIONS: &[&str] = &[
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
];

/// Whether `s` is an ARN: `arn:partition:service:region:account:resource` in a known AWS
/// partition, with `service` if given.
fn is_arn(s: &str, service: Option<&str>) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && PARTITIONS.contains(&parts[1])
        && !parts[2].is_empty()
        && !parts[5].is_empty()
        && service.is_none_or(|svc| parts[2] == svc)
}

/// A string that is an ARN (of `service`, if given).
pub(crate) fn arn(service: Option<&'static str>) -> impl Validator {
    let what = service.map_or("an ARN".to_string(), |s| format!("an ARN of service `{s}`"));
    validators::check(
        &format!(
            "Must be {what} in an AWS partition (`aws`, `aws-cn`, `aws-us-gov`, ...): \
             `arn:<partition>:<service>:<region>:<account>:<resource>`."
        ),
        move |v| match v.as_str() {
            Some(s) if !is_arn(s, service) => Err(Invalid(format!(
                "{s:?} is not {}",
                service.map_or("an ARN".into(), |s| format!("an ARN of service `{s}`"))
            ))),
            _ => Ok(()),
        },
    )
}

/// A list whose known elements are ARNs.
pub(crate) fn arn_list() -> impl Validator {
    validators::check(
        "Every element must be an ARN in an AWS partition (`arn:aws:...`, `arn:aws-cn:...`, ...).",
        |v| match v {
            Value::List(items) | Value::Set(items) => items
                .iter()
                .filter_map(Value::as_str)
                .find(|s| !is_arn(s, None))
                .map_or(Ok(()), |s| Err(Invalid(format!("{s:?} is not an ARN")))),
            _ => Ok(()),
        },
    )
}

/// A list whose known elements are 12-digit AWS account ids.
pub(crate) fn account_ids() -> impl Validator {
    validators::check(
        "Every element must be a 12-digit AWS account id.",
        |v| match v {
            Value::List(items) | Value::Set(items) => items
                .iter()
                .filter_map(Value::as_str)
                .find(|s| s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()))
                .map_or(Ok(()), |s| {
                    Err(Invalid(format!("{s:?} is not a 12-digit account id")))
                }),
            _ => Ok(()),
        },
    )
}

/// A backup vault name: 2 to 50 letters, digits, `-` and `_`.
pub(crate) fn vault_name() -> impl Validator {
    validators::check(
        "A vault name has 2 to 50 letters, digits, `-` and `_`.",
        |v| match v.as_str() {
            Some(s)
                if !(2..=50).contains(&s.len())
                    || !s
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
            {
                Err(Invalid(format!("{s:?} is not a valid vault name")))
            }
            _ => Ok(()),
        },
    )
}

/// `aws.vault_lock`: a lock whose `min_retention_days` exceeds its `max_retention_days` admits no
/// recovery point; AWS would only refuse it at apply. Reported at `min_retention_days`.
pub(crate) struct VaultLockBounds;

impl Validator for VaultLockBounds {
    fn description(&self) -> String {
        "`min_retention_days` may not exceed `max_retention_days`.".to_owned()
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let days = |name: &str| match value.get(name) {
            Some(Value::Number(n)) => n.as_i64(),
            _ => None,
        };
        if let (Some(min), Some(max)) = (days("min_retention_days"), days("max_retention_days")) {
            if min > max {
                diagnostics.error_at(
                    path.clone().attribute("min_retention_days"),
                    "Invalid attribute value",
                    format!(
                        "min_retention_days = {min} is above max_retention_days = {max}, so the lock \
                         would admit no recovery point. {}",
                        self.description()
                    ),
                );
            }
        }
    }
}

/// A Recovery Services vault name: 2 to 50 letters, digits and `-`, starting with a letter.
pub(crate) fn azure_vault_name() -> impl Validator {
    validators::check(
        "A Recovery Services vault name has 2 to 50 letters, digits and `-`, starting with a letter.",
        |v| match v.as_str() {
            Some(s)
                if !(2..=50).contains(&s.len())
                    || !s.starts_with(|c: char| c.is_ascii_alphabetic())
                    || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') =>
            {
                Err(Invalid(format!("{s:?} is not a valid vault name")))
            }
            _ => Ok(()),
        },
    )
}

/// An Azure resource group name: 1 to 90 letters, digits, `_`, `-`, `.`, `(` and `)`, not ending
/// with `.`.
pub(crate) fn azure_resource_group() -> impl Validator {
    validators::check(
        "A resource group name has 1 to 90 letters, digits, `_`, `-`, `.`, `(` and `)`, and does not end with `.`.",
        |v| match v.as_str() {
            Some(s)
                if !(1..=90).contains(&s.chars().count())
                    || s.ends_with('.')
                    || !s
                        .chars()
                        .all(|c| c.is_alphanumeric() || "_-.()".contains(c)) =>
            {
                Err(Invalid(format!("{s:?} is not a valid resource group name")))
            }
            _ => Ok(()),
        },
    )
}

/// An Azure region: its name (`westeurope`) or display name (`West Europe`).
pub(crate) fn azure_location() -> impl Validator {
    validators::check(
        "An Azure region such as `westeurope` (letters, digits and spaces).",
        |v| match v.as_str() {
            Some(s)
                if s.trim().is_empty()
                    || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ') =>
            {
                Err(Invalid(format!("{s:?} is not an Azure region")))
            }
            _ => Ok(()),
        },
    )
}

/// `backup_app.azure`: cross-region restore needs geo-redundant storage; ARM would only refuse it
/// at apply. Reported at `cross_region_restore`.
pub(crate) struct CrossRegionRestore;

impl Validator for CrossRegionRestore {
    fn description(&self) -> String {
        "`cross_region_restore = true` needs `storage_redundancy = \"GeoRedundant\"` (or unset: Azure's default)."
            .to_owned()
    }

    fn validate(&self, path: &AttributePath, value: &Value, diagnostics: &mut Diagnostics) {
        let restore = matches!(value.get("cross_region_restore"), Some(Value::Bool(true)));
        let redundancy = value.get("storage_redundancy").and_then(Value::as_str);
        if let (true, Some(redundancy)) = (restore, redundancy) {
            if redundancy != "GeoRedundant" {
                diagnostics.error_at(
                    path.clone().attribute("cross_region_restore"),
                    "Invalid attribute value",
                    format!(
                        "cross-region restore copies backups to the paired region, which {redundancy} storage \
                         does not keep. {}",
                        self.description()
                    ),
                );
            }
        }
    }
}

/// An STS session name: 2 to 64 letters, digits and `+=,.@_-`.
pub(crate) fn session_name() -> impl Validator {
    validators::check(
        "A session name has 2 to 64 letters, digits and `+=,.@_-`.",
        |v| match v.as_str() {
            Some(s)
                if !(2..=64).contains(&s.len())
                    || !s
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-".contains(&b)) =>
            {
                Err(Invalid(format!("{s:?} is not a valid session name")))
            }
            _ => Ok(()),
        },
    )
}

/// An endpoint: an absolute `http` or `https` URL with a host.
pub(crate) fn endpoint_url() -> impl Validator {
    validators::check(
        "Must be an absolute `https://` (or `http://`) URL with a host.",
        |v| match v.as_str() {
            Some(s)
                if !url::Url::parse(s).is_ok_and(|u| {
                    matches!(u.scheme(), "http" | "https")
                        && u.host_str().is_some_and(|h| !h.is_empty())
                }) =>
            {
                Err(Invalid(format!("{s:?} is not an http(s) URL")))
            }
            _ => Ok(()),
        },
    )
}

/// A map of AWS tags to match: keys of 1 to 128 characters, values of at most 256.
pub(crate) fn tag_conditions() -> impl Validator {
    validators::check(
        "Tag keys have 1 to 128 characters and values at most 256.",
        |v| match v {
            Value::Map(tags) | Value::Object(tags) => tags
                .iter()
                .find_map(|(key, value)| {
                    if key.is_empty() || key.chars().count() > 128 {
                        Some(format!(
                            "tag key {key:?} has {} characters",
                            key.chars().count()
                        ))
                    } else if value.as_str().is_some_and(|v| v.chars().count() > 256) {
                        Some(format!(
                            "the value of tag {key:?} is longer than 256 characters"
                        ))
                    } else {
                        None
                    }
                })
                .map_or(Ok(()), |problem| Err(Invalid(problem))),
            _ => Ok(()),
        },
    )
}

/// Whether `s` uses only the characters every cloud object named after an app accepts.
fn is_object_name(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The `name` of an app or child: it names AWS backup plans, selections and (for a child, by
/// default) vaults, and Azure backup policies, which share these characters (AWS vault names allow
/// no `.`; Azure policy names are a segment of the policy's ARM path).
pub(crate) fn object_name() -> impl Validator {
    validators::check(
        "Only letters, digits, `-` and `_`, as the AWS plans, selections and vaults and the Azure backup policies \
         named after it require.",
        |v| match v.as_str() {
            Some(s) if !is_object_name(s) => Err(Invalid(format!("{s:?} is not a valid name"))),
            _ => Ok(()),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::{
        azure_location, azure_resource_group, azure_vault_name, endpoint_url, is_arn,
        is_object_name, object_name, session_name, tag_conditions, CrossRegionRestore,
        VaultLockBounds,
    };
    use tfplugin::framework::{Diagnostics, Validator};
    use tfvalue::{AttributePath, Value};

    #[test]
    fn names_allow_letters_digits_dash_and_underscore() {
        for ok in ["org-root", "payments_prod", "A1", "x"] {
            assert!(is_object_name(ok), "{ok}");
        }
        for bad in [
            "no spaces/allowed",
            "dotted.name",
            "slash/",
            "ümlaut",
            "a b",
        ] {
            assert!(!is_object_name(bad), "{bad}");
        }
        let path = AttributePath::attr("name");
        let mut diagnostics = Diagnostics::default();
        object_name().validate(&path, &Value::from("no spaces/allowed"), &mut diagnostics);
        object_name().validate(&path, &Value::from("org-root"), &mut diagnostics);
        object_name().validate(&path, &Value::unknown(), &mut diagnostics);
        let all = diagnostics.into_vec();
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].path.as_ref(), Some(&path));
        assert!(all[0]
            .detail
            .contains("\"no spaces/allowed\" is not a valid name"));
        assert!(all[0].detail.contains("Only letters, digits, `-` and `_`"));
    }

    #[test]
    fn arns() {
        let cases = [
            ("arn:aws:iam::111111111111:role/backup", Some("iam"), true),
            ("arn:aws:iam::111111111111:role/backup", Some("kms"), false),
            (
                "arn:aws:dynamodb:eu-west-1:111111111111:table/t",
                None,
                true,
            ),
            (
                "arn:aws-cn:kms:cn-north-1:111111111111:key/1",
                Some("kms"),
                true,
            ),
            ("backup-role", Some("iam"), false),
            ("arn:aws:iam::111111111111", None, false),
            ("arn::iam::111111111111:role/x", None, false),
            ("arn:aws:iam::111111111111:", None, false),
            ("arn:aws-us-gov:iam::111111111111:role/x", Some("iam"), true),
            (
                "arn:gcp:kms:eu-west-1:111111111111:key/1",
                Some("kms"),
                false,
            ),
            ("arn:aws-moon:iam::111111111111:role/x", None, false),
        ];
        for (arn, service, ok) in cases {
            assert_eq!(is_arn(arn, service), ok, "{arn} {service:?}");
        }
    }

    #[test]
    fn a_vault_lock_whose_min_exceeds_its_max_is_an_error_at_min() {
        let lock = |min: i64, max: i64| {
            Value::Object(
                [
                    ("min_retention_days".to_owned(), Value::from(min)),
                    ("max_retention_days".to_owned(), Value::from(max)),
                ]
                .into_iter()
                .collect(),
            )
        };
        let path = AttributePath::attr("aws").attribute("vault_lock");
        let mut diagnostics = Diagnostics::default();
        VaultLockBounds.validate(&path, &lock(100, 30), &mut diagnostics);
        VaultLockBounds.validate(&path, &lock(30, 30), &mut diagnostics);
        VaultLockBounds.validate(&path, &Value::unknown(), &mut diagnostics);
        let all = diagnostics.into_vec();
        assert_eq!(all.len(), 1);
        assert_eq!(
            all[0].path.as_ref(),
            Some(&path.attribute("min_retention_days"))
        );
        assert!(all[0]
            .detail
            .contains("min_retention_days = 100 is above max_retention_days = 30"));
    }

    /// The problems `validator` finds in each of `values`, one entry per value (`None`: valid).
    fn problems(validator: &dyn Validator, values: &[&str]) -> Vec<bool> {
        values
            .iter()
            .map(|v| {
                let mut diagnostics = Diagnostics::default();
                validator.validate(
                    &AttributePath::attr("x"),
                    &Value::from(*v),
                    &mut diagnostics,
                );
                !diagnostics.into_vec().is_empty()
            })
            .collect()
    }

    #[test]
    fn azure_names_and_regions() {
        assert_eq!(
            problems(
                &azure_vault_name(),
                &["rsv-org-root", "r", "1rsv", "rsv vault", "rsv_x"]
            ),
            [false, true, true, true, true]
        );
        assert_eq!(
            problems(
                &azure_resource_group(),
                &["rg-backup", "rg.(1)_x", "", "rg.", "rg/1"]
            ),
            [false, false, true, true, true]
        );
        assert_eq!(
            problems(
                &azure_location(),
                &["westeurope", "West Europe", "", "west-europe!"]
            ),
            [false, false, true, true]
        );
    }

    #[test]
    fn cross_region_restore_needs_geo_redundancy() {
        let azure = |redundancy: Option<&str>, restore: bool| {
            let mut fields = vec![("cross_region_restore".to_owned(), Value::Bool(restore))];
            if let Some(r) = redundancy {
                fields.push(("storage_redundancy".to_owned(), Value::from(r)));
            }
            Value::Object(fields.into_iter().collect())
        };
        let path = AttributePath::attr("azure");
        let mut diagnostics = Diagnostics::default();
        for value in [
            azure(Some("LocallyRedundant"), true),
            azure(Some("GeoRedundant"), true),
            azure(None, true),
            azure(Some("ZoneRedundant"), false),
        ] {
            CrossRegionRestore.validate(&path, &value, &mut diagnostics);
        }
        let all = diagnostics.into_vec();
        assert_eq!(all.len(), 1);
        assert_eq!(
            all[0].path.as_ref(),
            Some(&path.attribute("cross_region_restore"))
        );
        assert!(all[0].detail.contains("LocallyRedundant"));
    }

    #[test]
    fn session_names_and_endpoints() {
        assert_eq!(
            problems(
                &session_name(),
                &["terraform", "ci@build.1", "x", "has space"]
            ),
            [false, false, true, true]
        );
        assert_eq!(
            problems(
                &endpoint_url(),
                &[
                    "https://backup.eu-west-1.amazonaws.com",
                    "http://127.0.0.1:4566",
                    "localhost 4566",
                    "ftp://x"
                ]
            ),
            [false, false, true, true]
        );
    }

    #[test]
    fn selection_tag_keys_and_values() {
        let tags = |key: &str, value: &str| {
            Value::Map([(key.to_owned(), Value::from(value))].into_iter().collect())
        };
        let path = AttributePath::attr("aws").attribute("selection_tags");
        let mut diagnostics = Diagnostics::default();
        for value in [
            tags("backup", "gold"),
            tags("", "gold"),
            tags(&"k".repeat(129), "x"),
            tags("backup", &"v".repeat(257)),
        ] {
            tag_conditions().validate(&path, &value, &mut diagnostics);
        }
        let details: Vec<String> = diagnostics
            .into_vec()
            .into_iter()
            .map(|d| d.detail)
            .collect();
        assert_eq!(details.len(), 3, "{details:?}");
        assert!(details[0].starts_with("tag key \"\" has 0 characters"));
        assert!(details[2].contains("longer than 256 characters"));
    }
}
