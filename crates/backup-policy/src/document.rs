//! The `policy_document`: an app's effective policy as canonical, hashed, versioned JSON.
//!
//! Canonical means: object keys sorted (by Unicode code point), no insignificant whitespace,
//! `None` values omitted, copies sorted by vault ARN. Equal content therefore gives an equal
//! string and an equal hash.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::canonical::{self, hash_of, write_object, write_scalar, write_value};
use crate::diagnostic::{paths, PolicyDiagnostic};
use crate::governance::Governance;
use crate::guardrails::EffectiveGuardrails;
use crate::model::{AwsAnchor, AzureAnchor, EffectiveRule};
use crate::provenance::Provenance;
use crate::restore_testing::EffectiveRestoreTesting;

/// The `format` of documents this crate writes and reads.
pub const FORMAT: &str = "backup.appofapps/v1";

/// An app's effective policy, as published in `policy_document`.
///
/// Built by [`crate::evaluate`] or [`PolicyDocument::parse`]; read-only so that its hash always
/// matches its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDocument {
    format: String,
    app: String,
    lineage: Vec<String>,
    rules: BTreeMap<String, EffectiveRule>,
    tags: BTreeMap<String, String>,
    guardrails: EffectiveGuardrails,
    provenance: Provenance,
    anchors: Anchors,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    restore_testing: Option<EffectiveRestoreTesting>,
    #[serde(flatten)]
    governance: Governance,
    hash: String,
    #[serde(skip)]
    json: JsonCache,
}

/// [`PolicyDocument::to_json`] once computed. Not content: documents equal with or without it.
#[derive(Clone, Default)]
struct JsonCache(OnceLock<String>);

impl PartialEq for JsonCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for JsonCache {}

impl fmt::Debug for JsonCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("_")
    }
}

/// The nearest app (this one or an ancestor) with its own vault, per cloud.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchors {
    /// The nearest AWS-backed app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws: Option<Anchor<AwsAnchor>>,
    /// The nearest Azure-backed app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub azure: Option<Anchor<AzureAnchor>>,
}

/// Where an anchor app keeps its vault, and the hash of its effective rules and tags.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor<T> {
    /// The anchor's vault and plan (or policy).
    #[serde(flatten)]
    pub location: T,
    /// [`PolicyDocument::rules_hash`] of the anchor app: a descendant whose own `rules_hash`
    /// equals it has exactly the anchor's effective policy.
    pub effective_hash: String,
    /// [`Governance::hash`] of the anchor app, absent when it has no governance parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governance_hash: Option<String>,
}

/// The parts of a document [`crate::evaluate`] computes; the hash is derived from them.
pub(crate) struct Content {
    pub app: String,
    pub lineage: Vec<String>,
    pub rules: BTreeMap<String, EffectiveRule>,
    pub tags: BTreeMap<String, String>,
    pub guardrails: EffectiveGuardrails,
    pub provenance: Provenance,
    pub anchors: Anchors,
    pub restore_testing: Option<EffectiveRestoreTesting>,
    pub governance: Governance,
}

impl PolicyDocument {
    pub(crate) fn new(content: Content) -> Self {
        let mut doc = PolicyDocument {
            format: FORMAT.to_string(),
            app: content.app,
            lineage: content.lineage,
            rules: content.rules,
            tags: content.tags,
            guardrails: content.guardrails,
            provenance: content.provenance,
            anchors: content.anchors,
            restore_testing: content.restore_testing,
            governance: content.governance,
            hash: String::new(),
            json: JsonCache::default(),
        };
        // The JSON value is the costly part; build it once for both the hash and the document.
        let mut map = doc.to_map();
        doc.hash = content_hash(&map);
        map.insert("hash".into(), Value::String(doc.hash.clone()));
        let json = canonical::to_string(&Value::Object(map));
        doc.json = JsonCache(OnceLock::from(json));
        doc
    }

    /// The document as canonical JSON (the `policy_document` attribute value).
    pub fn to_json(&self) -> String {
        self.json
            .0
            .get_or_init(|| canonical::to_string(&Value::Object(self.to_map())))
            .clone()
    }

    /// Reads a document written by [`PolicyDocument::to_json`]. Errors (at path `parent`) when it is
    /// not JSON, has another `format`, does not match its hash, or is malformed.
    pub fn parse(json: &str) -> Result<Self, PolicyDiagnostic> {
        let fail = |detail: String| {
            PolicyDiagnostic::new(paths::parent(), "Invalid parent policy document", detail)
        };
        let value: Value = serde_json::from_str(json)
            .map_err(|e| fail(format!("parent is not a policy_document (not valid JSON: {e}); pass another app's policy_document.")))?;
        let Value::Object(map) = value else {
            return Err(fail(
                "parent is not a policy_document (not a JSON object).".into(),
            ));
        };
        match map.get("format") {
            Some(Value::String(f)) if f == FORMAT => {}
            Some(Value::String(f)) => {
                return Err(fail(format!(
                    "parent has format {f:?}, which this provider version does not understand (it reads {FORMAT:?}); \
                     upgrade the provider or re-apply the parent app with this version."
                )))
            }
            _ => return Err(fail("parent has no \"format\"; it is not a policy_document.".into())),
        }
        let Some(Value::String(stored)) = map.get("hash") else {
            return Err(fail(
                "parent has no \"hash\"; it is not a policy_document.".into(),
            ));
        };
        let stored = stored.clone();
        let actual = content_hash(&map);
        if stored != actual {
            return Err(fail(format!(
                "parent's content does not match its hash ({stored} recorded, {actual} computed); the document was \
                 modified after it was written. Pass another app's policy_document unchanged."
            )));
        }
        let mut doc: PolicyDocument = serde_json::from_value(Value::Object(map))
            .map_err(|e| fail(format!("parent is a malformed policy_document: {e}.")))?;
        if doc.lineage.last() != Some(&doc.app) {
            return Err(fail(format!(
                "parent's lineage {:?} does not end with its app {:?}.",
                doc.lineage, doc.app
            )));
        }
        doc.hash = stored;
        Ok(doc)
    }

    /// SHA-256 of the canonical document without its `hash` member, as `sha256:<hex>`.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// SHA-256 of the effective rules and tags only (with the format), as `sha256:<hex>`. Equal for
    /// two apps exactly when their effective rules and tags are equal.
    pub fn rules_hash(&self) -> String {
        rules_hash(&self.rules, &self.tags)
    }

    /// The document format, [`FORMAT`].
    pub fn format(&self) -> &str {
        &self.format
    }

    /// The app this document belongs to.
    pub fn app(&self) -> &str {
        &self.app
    }

    /// App names from the root down to this app.
    pub fn lineage(&self) -> &[String] {
        &self.lineage
    }

    /// Effective rules by name.
    pub fn rules(&self) -> &BTreeMap<String, EffectiveRule> {
        &self.rules
    }

    /// Effective tags.
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.tags
    }

    /// Guardrails in force, each with the app that set it.
    pub fn guardrails(&self) -> &EffectiveGuardrails {
        &self.guardrails
    }

    /// Which app set each effective value.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// The nearest AWS- and Azure-backed apps.
    pub fn anchors(&self) -> &Anchors {
        &self.anchors
    }

    /// Restore testing in force, if any app in the lineage set it.
    pub fn restore_testing(&self) -> Option<&EffectiveRestoreTesting> {
        self.restore_testing.as_ref()
    }

    /// The effective access, alerts and audit trail.
    pub fn governance(&self) -> &Governance {
        &self.governance
    }

    /// The document's members as JSON, `hash` included.
    fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self).expect("policy documents always serialize") {
            Value::Object(map) => map,
            _ => unreachable!("a struct serializes to an object"),
        }
    }

    /// Moves the parts an app's evaluation carries on out of its parent's document.
    pub(crate) fn into_inherited(self) -> Inherited {
        Inherited {
            lineage: self.lineage,
            rules: self.rules,
            tags: self.tags,
            guardrails: self.guardrails,
            provenance: self.provenance,
            anchors: self.anchors,
            restore_testing: self.restore_testing,
            governance: self.governance,
        }
    }
}

/// What a child takes over from its parent's document.
#[derive(Default)]
pub(crate) struct Inherited {
    pub lineage: Vec<String>,
    pub rules: BTreeMap<String, EffectiveRule>,
    pub tags: BTreeMap<String, String>,
    pub guardrails: EffectiveGuardrails,
    pub provenance: Provenance,
    pub anchors: Anchors,
    pub restore_testing: Option<EffectiveRestoreTesting>,
    pub governance: Governance,
}

/// [`PolicyDocument::rules_hash`] for rules and tags not (yet) in a document.
pub(crate) fn rules_hash(
    rules: &BTreeMap<String, EffectiveRule>,
    tags: &BTreeMap<String, String>,
) -> String {
    // Canonical `{"format":..,"rules":{..},"tags":{..}}` written member by member: the outer keys
    // are in order already, and BTreeMaps iterate in canonical key order; only each rule's fields
    // need sorting, which its JSON value provides.
    hash_of(|out| {
        out.write_all(b"{\"format\":")?;
        write_scalar(out, FORMAT)?;
        out.write_all(b",\"rules\":{")?;
        for (i, (name, rule)) in rules.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            write_scalar(out, name)?;
            out.write_all(b":")?;
            let rule = serde_json::to_value(rule).expect("rules always serialize");
            write_value(out, &rule)?;
        }
        out.write_all(b"},\"tags\":")?;
        write_scalar(out, tags)?;
        out.write_all(b"}")
    })
}

/// SHA-256 of the canonical document members other than `hash`.
fn content_hash(map: &Map<String, Value>) -> String {
    hash_of(|out| write_object(out, map, Some("hash")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> PolicyDocument {
        PolicyDocument::new(Content {
            app: "root".into(),
            lineage: vec!["root".into()],
            rules: BTreeMap::new(),
            tags: BTreeMap::from([("owner".into(), "platform".into())]),
            guardrails: EffectiveGuardrails::default(),
            provenance: Provenance::default(),
            anchors: Anchors::default(),
            restore_testing: None,
            governance: Governance::default(),
        })
    }

    #[test]
    fn round_trips_and_verifies_hash() {
        let d = doc();
        let json = d.to_json();
        assert!(
            json.starts_with(r#"{"anchors":{},"app":"root","format":"backup.appofapps/v1","#),
            "{json}"
        );
        assert!(d.hash().starts_with("sha256:") && d.hash().len() == 71);
        let back = PolicyDocument::parse(&json).unwrap();
        assert_eq!(back, d);
        assert_eq!(back.to_json(), json);

        let tampered = json.replace("platform", "payments");
        let err = PolicyDocument::parse(&tampered).unwrap_err();
        assert_eq!(err.path, paths::parent());
        assert!(err.detail.contains("modified"), "{}", err.detail);
    }

    #[test]
    fn rejects_other_formats_and_garbage() {
        let json = doc().to_json().replace(FORMAT, "backup.appofapps/v9");
        assert!(PolicyDocument::parse(&json)
            .unwrap_err()
            .detail
            .contains("backup.appofapps/v9"));
        for bad in [
            "",
            "not json",
            "[]",
            "{}",
            r#"{"format":"backup.appofapps/v1"}"#,
        ] {
            let err = PolicyDocument::parse(bad).unwrap_err();
            assert_eq!(err.path.to_string(), "parent", "{bad}");
        }
    }

    #[test]
    fn rules_hash_ignores_everything_but_rules_and_tags() {
        let a = doc();
        let mut content_b = doc();
        content_b.app = "other".into();
        assert_eq!(a.rules_hash(), content_b.rules_hash());
    }
}
