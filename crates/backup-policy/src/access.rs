//! Access: who may read, restore and administer an app's backups. Principals are AWS principal
//! ARNs (`arn:...`) or Entra object ids (UUIDs); each cloud realises the ones it knows.
//!
//! Children add principals and never remove one an ancestor named, so access only widens down the
//! tree, inside the guardrails ([`AccessGuardrails`]) an ancestor set.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use tfvalue::AttributePath;

use crate::diagnostic::{paths, PolicyDiagnostic};
use crate::guardrails::Setting;

/// The roles of `access`, in schema order.
pub const ACCESS_ROLES: [&str; 3] = ["readers", "restorers", "admins"];

/// `policy.access` as an app states it: principals to add to each role.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AccessPatch {
    /// May see the vault and its recovery points.
    pub readers: Option<Vec<String>>,
    /// May restore recovery points (and read them).
    pub restorers: Option<Vec<String>>,
    /// May administer the vault, the only ones allowed to delete recovery points when
    /// `protect_recovery_points` is on.
    pub admins: Option<Vec<String>>,
}

impl AccessPatch {
    /// The principals stated for `role` (one of [`ACCESS_ROLES`]).
    pub fn role(&self, role: &str) -> &[String] {
        match role {
            "readers" => self.readers.as_deref(),
            "restorers" => self.restorers.as_deref(),
            "admins" => self.admins.as_deref(),
            _ => None,
        }
        .unwrap_or_default()
    }
}

/// The effective access: for each role, every principal with the app that added it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectiveAccess {
    /// Readers, principal -> app that added it.
    #[serde(default)]
    pub readers: BTreeMap<String, String>,
    /// Restorers, principal -> app that added it.
    #[serde(default)]
    pub restorers: BTreeMap<String, String>,
    /// Admins, principal -> app that added it.
    #[serde(default)]
    pub admins: BTreeMap<String, String>,
}

impl EffectiveAccess {
    /// The principals of `role` (one of [`ACCESS_ROLES`]) with who added each.
    pub fn role(&self, role: &str) -> &BTreeMap<String, String> {
        match role {
            "readers" => &self.readers,
            "restorers" => &self.restorers,
            _ => &self.admins,
        }
    }

    fn role_mut(&mut self, role: &str) -> &mut BTreeMap<String, String> {
        match role {
            "readers" => &mut self.readers,
            "restorers" => &mut self.restorers,
            _ => &mut self.admins,
        }
    }

    /// The AWS principal ARNs of `role`, sorted.
    pub fn aws_principals(&self, role: &str) -> Vec<String> {
        self.role(role)
            .keys()
            .filter(|p| PrincipalKind::of(p) == Some(PrincipalKind::Aws))
            .cloned()
            .collect()
    }

    /// The Entra object ids of `role`, sorted.
    pub fn entra_principals(&self, role: &str) -> Vec<String> {
        self.role(role)
            .keys()
            .filter(|p| PrincipalKind::of(p) == Some(PrincipalKind::Entra))
            .cloned()
            .collect()
    }
}

/// Which cloud a principal belongs to, by its form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PrincipalKind {
    /// An AWS principal ARN (`arn:<partition>:iam::<account>:...` or `...:sts::...`).
    Aws,
    /// An Entra object id (a UUID).
    Entra,
}

impl PrincipalKind {
    /// The kind of `principal`, or `None` when it is neither form.
    pub fn of(principal: &str) -> Option<PrincipalKind> {
        if is_uuid(principal) {
            return Some(PrincipalKind::Entra);
        }
        let parts: Vec<&str> = principal.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", partition, "iam" | "sts", "", account, resource]
                if !partition.is_empty()
                    && account.len() == 12
                    && account.bytes().all(|b| b.is_ascii_digit())
                    && !resource.is_empty() =>
            {
                Some(PrincipalKind::Aws)
            }
            _ => None,
        }
    }
}

/// Whether `s` is a UUID in its 8-4-4-4-12 hexadecimal form.
pub fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `policy.access["<role>"][<index>]` (`access` is a map keyed by role).
pub(crate) fn principal_path(role: &str, index: usize) -> AttributePath {
    AttributePath::attr("policy")
        .attribute("access")
        .key(role)
        .index(index as i64)
}

/// Adds `patch`'s principals (stated by `app`) to the inherited access; `None` while no app in the
/// lineage states any.
pub(crate) fn merge_access(
    app: &str,
    patch: Option<&AccessPatch>,
    inherited: Option<EffectiveAccess>,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> Option<EffectiveAccess> {
    let Some(patch) = patch else {
        return inherited;
    };
    let mut out = inherited.unwrap_or_default();
    for role in ACCESS_ROLES {
        for (index, principal) in patch.role(role).iter().enumerate() {
            if PrincipalKind::of(principal).is_none() {
                diagnostics.push(PolicyDiagnostic::new(
                    principal_path(role, index),
                    "Invalid principal",
                    format!(
                        "{principal:?} is neither an AWS principal ARN (arn:aws:iam::<12-digit account>:role/<name>, \
                         ...:user/..., ...:root) nor an Entra object id (a UUID)."
                    ),
                ));
                continue;
            }
            out.role_mut(role)
                .entry(principal.clone())
                .or_insert_with(|| app.to_string());
        }
    }
    Some(out)
}

/// Guardrails on access and alerts, accumulated down the tree like the others: each may only
/// tighten.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessGuardrails {
    /// Recovery points may be deleted (or their lifecycle changed) by the admins only; once on,
    /// stays on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protect_recovery_points: Option<Setting<bool>>,
    /// The only principals `access` may name; a descendant may narrow the set, never widen it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_principals: Option<Setting<BTreeSet<String>>>,
    /// Every app must have failure alerts; once on, stays on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_alerts: Option<Setting<bool>>,
}

impl AccessGuardrails {
    /// Whether recovery points are protected from deletion by anyone but the admins.
    pub fn protect_recovery_points(&self) -> bool {
        self.protect_recovery_points
            .as_ref()
            .is_some_and(|s| s.value)
    }

    /// Whether failure alerts are required.
    pub fn require_alerts(&self) -> bool {
        self.require_alerts.as_ref().is_some_and(|s| s.value)
    }
}

/// What an app states about the access guardrails (fields of `guardrails`).
pub(crate) struct AccessGuardrailsPatch<'a> {
    pub protect_recovery_points: Option<bool>,
    pub allowed_principals: Option<&'a [String]>,
    pub require_alerts: Option<bool>,
}

/// Accumulates the app's access guardrails onto the inherited ones, reporting any loosening.
pub(crate) fn accumulate_access_guardrails(
    inherited: &AccessGuardrails,
    app: &str,
    patch: &AccessGuardrailsPatch<'_>,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) -> AccessGuardrails {
    let mut out = inherited.clone();
    let setting = |value| Setting {
        value,
        set_by: app.to_string(),
    };
    for (field, value, current) in [
        (
            "protect_recovery_points",
            patch.protect_recovery_points,
            &mut out.protect_recovery_points,
        ),
        (
            "require_alerts",
            patch.require_alerts,
            &mut out.require_alerts,
        ),
    ] {
        match (value, current.as_ref()) {
            (Some(false), Some(s)) if s.value => diagnostics.push(PolicyDiagnostic::new(
                paths::guardrail(field),
                "Guardrail loosened",
                format!(
                    "{field} = false would loosen {field} = true set by app {:?}; guardrails may only tighten \
                     down the tree, so keep it true or leave it unset.",
                    s.set_by
                ),
            )),
            (Some(v), Some(s)) if s.value == v => {}
            (Some(v), _) => *current = Some(setting(v)),
            (None, _) => {}
        }
    }
    if let Some(allowed) = patch.allowed_principals {
        let mut set = BTreeSet::new();
        for (index, principal) in allowed.iter().enumerate() {
            let path = paths::guardrail("allowed_principals").index(index as i64);
            if PrincipalKind::of(principal).is_none() {
                diagnostics.push(PolicyDiagnostic::new(
                    path,
                    "Invalid principal",
                    format!("{principal:?} is neither an AWS principal ARN nor an Entra object id (a UUID)."),
                ));
            } else if let Some(s) = inherited
                .allowed_principals
                .as_ref()
                .filter(|s| !s.value.contains(principal))
            {
                diagnostics.push(PolicyDiagnostic::new(
                    path,
                    "Guardrail loosened",
                    format!(
                        "allowed_principals would add {principal:?}, which is outside the allowed_principals set by app \
                         {:?}; a descendant may only narrow the set.",
                        s.set_by
                    ),
                ));
            } else {
                set.insert(principal.clone());
            }
        }
        let same = inherited
            .allowed_principals
            .as_ref()
            .is_some_and(|s| s.value == set);
        if !same {
            out.allowed_principals = Some(Setting {
                value: set,
                set_by: app.to_string(),
            });
        }
    }
    out
}

/// Checks the effective access against `allowed_principals`: a principal this app adds outside the
/// set is an error at its path; an inherited one outside a set this app narrowed, at the guardrail.
pub(crate) fn check_allowed_principals(
    app: &str,
    patch: Option<&AccessPatch>,
    access: Option<&EffectiveAccess>,
    guardrails: &AccessGuardrails,
    diagnostics: &mut Vec<PolicyDiagnostic>,
) {
    let (Some(access), Some(allowed)) = (access, &guardrails.allowed_principals) else {
        return;
    };
    for role in ACCESS_ROLES {
        for (principal, added_by) in access.role(role) {
            if allowed.value.contains(principal) {
                continue;
            }
            let detail = format!(
                "{principal:?} (in access.{role}, added by app {added_by:?}) is not among the allowed_principals set by \
                 app {:?}; only principals in that set may be granted access.",
                allowed.set_by
            );
            let path = match patch.and_then(|p| p.role(role).iter().position(|p| p == principal)) {
                Some(index) if added_by == app => principal_path(role, index),
                _ => paths::guardrail("allowed_principals"),
            };
            diagnostics.push(PolicyDiagnostic::new(path, "Principal not allowed", detail));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLE: &str = "arn:aws:iam::111111111111:role/restore";
    const GROUP: &str = "0b6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d";

    #[test]
    fn principal_kinds() {
        assert_eq!(PrincipalKind::of(ROLE), Some(PrincipalKind::Aws));
        assert_eq!(
            PrincipalKind::of("arn:aws-us-gov:iam::111111111111:root"),
            Some(PrincipalKind::Aws)
        );
        assert_eq!(PrincipalKind::of(GROUP), Some(PrincipalKind::Entra));
        for bad in [
            "",
            "arn:aws:iam::1111:role/x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::111111111111:",
            "0b6c3c1e-8f4a-4c3e-9d2a",
            "zb6c3c1e-8f4a-4c3e-9d2a-5e7f1a2b3c4d",
            "admins",
        ] {
            assert_eq!(PrincipalKind::of(bad), None, "{bad}");
        }
    }

    #[test]
    fn children_add_principals_and_never_remove_one() {
        let mut d = vec![];
        let root = AccessPatch {
            readers: Some(vec![ROLE.into()]),
            admins: Some(vec![GROUP.into()]),
            ..Default::default()
        };
        let inherited = merge_access("root", Some(&root), None, &mut d);
        let child = AccessPatch {
            restorers: Some(vec![ROLE.into()]),
            readers: Some(vec![ROLE.into()]),
            ..Default::default()
        };
        let access = merge_access("team", Some(&child), inherited.clone(), &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            access.readers[ROLE], "root",
            "a restated principal keeps its origin"
        );
        assert_eq!(access.restorers[ROLE], "team");
        assert_eq!(access.admins[GROUP], "root");
        assert_eq!(access.aws_principals("readers"), [ROLE]);
        assert_eq!(access.entra_principals("admins"), [GROUP]);
        assert!(access.entra_principals("readers").is_empty());
        assert_eq!(
            merge_access("leaf", None, inherited.clone(), &mut d),
            inherited
        );
        assert_eq!(merge_access("leaf", None, None, &mut d), None);
    }

    #[test]
    fn malformed_principals_are_errors_at_their_path() {
        let mut d = vec![];
        let patch = AccessPatch {
            restorers: Some(vec![ROLE.into(), "bob".into()]),
            ..Default::default()
        };
        let access = merge_access("root", Some(&patch), None, &mut d).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path.to_string(), r#"policy.access["restorers"][1]"#);
        assert!(d[0].detail.contains("Entra object id"), "{}", d[0].detail);
        assert_eq!(access.restorers.len(), 1);
    }

    #[test]
    fn access_guardrails_only_tighten() {
        let mut d = vec![];
        let allowed = [ROLE.to_string(), GROUP.to_string()];
        let root = accumulate_access_guardrails(
            &AccessGuardrails::default(),
            "root",
            &AccessGuardrailsPatch {
                protect_recovery_points: Some(true),
                allowed_principals: Some(&allowed),
                require_alerts: Some(true),
            },
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(root.protect_recovery_points() && root.require_alerts());
        let other = ["arn:aws:iam::222222222222:role/x".to_string()];
        let child = accumulate_access_guardrails(
            &root,
            "team",
            &AccessGuardrailsPatch {
                protect_recovery_points: Some(false),
                allowed_principals: Some(&other),
                require_alerts: Some(false),
            },
            &mut d,
        );
        let got: Vec<String> = d.iter().map(|d| d.path.to_string()).collect();
        assert_eq!(
            got,
            [
                "guardrails.protect_recovery_points",
                "guardrails.require_alerts",
                "guardrails.allowed_principals[0]"
            ]
        );
        assert!(d.iter().all(|d| d.detail.contains("\"root\"")), "{d:?}");
        assert!(child.protect_recovery_points());

        let mut d = vec![];
        let narrowed = [GROUP.to_string()];
        let child = accumulate_access_guardrails(
            &root,
            "team",
            &AccessGuardrailsPatch {
                protect_recovery_points: None,
                allowed_principals: Some(&narrowed),
                require_alerts: Some(true),
            },
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        let set = child.allowed_principals.unwrap();
        assert_eq!(set.set_by, "team");
        assert_eq!(set.value.len(), 1);
        assert_eq!(child.require_alerts.unwrap().set_by, "root");
    }

    #[test]
    fn principals_outside_the_allowed_set_are_reported_where_they_were_added() {
        let mut d = vec![];
        let allowed = [GROUP.to_string()];
        let guardrails = accumulate_access_guardrails(
            &AccessGuardrails::default(),
            "root",
            &AccessGuardrailsPatch {
                protect_recovery_points: None,
                allowed_principals: Some(&allowed),
                require_alerts: None,
            },
            &mut d,
        );
        let patch = AccessPatch {
            restorers: Some(vec![GROUP.into(), ROLE.into()]),
            ..Default::default()
        };
        let access = merge_access("team", Some(&patch), None, &mut d);
        check_allowed_principals("team", Some(&patch), access.as_ref(), &guardrails, &mut d);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].path.to_string(), r#"policy.access["restorers"][1]"#);
        assert!(
            d[0].detail.contains("set by app \"root\""),
            "{}",
            d[0].detail
        );
        let mut d = vec![];
        check_allowed_principals("leaf", None, access.as_ref(), &guardrails, &mut d);
        assert_eq!(d[0].path.to_string(), "guardrails.allowed_principals");
    }
}
