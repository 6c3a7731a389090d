//! One Backstage catalog entity per app or child: a `Component` for a `backup_app`, a
//! `Resource` for a `backup_child`, annotated with its lineage, effective policy hash and vault.
//! Pure: everything comes from the node's `policy_document`.

use backup_policy::PolicyDocument;
use serde_json::{json, Map, Value};

/// The annotation prefix of every annotation this data source writes.
pub(crate) const PREFIX: &str = "backup.appofapps.io";

/// Backstage's longest entity name.
const MAX_NAME: usize = 63;

/// What a node is in the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NodeKind {
    /// A `backup_app`: a `Component` of type `backup-app`.
    App,
    /// A `backup_child`: a `Resource` of type `backup-child`.
    Child,
}

/// The settings that are the same for every entity.
#[derive(Clone, Debug)]
pub(crate) struct CatalogOptions {
    /// The policy tag holding the owner's entity reference.
    pub(crate) owner_tag: String,
    /// The owner when the tag is not set.
    pub(crate) default_owner: Option<String>,
    /// `spec.lifecycle` of the apps' components.
    pub(crate) lifecycle: String,
}

/// An app name as a Backstage entity name: letters, digits and `-_.`, starting and ending with a
/// letter or digit, at most 63 characters (other characters become `-`).
pub(crate) fn entity_name(app: &str) -> String {
    let replaced: String = app
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed = replaced.trim_matches(|c: char| !c.is_ascii_alphanumeric());
    let mut name: String = trimmed.chars().take(MAX_NAME).collect();
    while name.ends_with(|c: char| !c.is_ascii_alphanumeric()) {
        name.pop();
    }
    if name.is_empty() {
        "app".to_string()
    } else {
        name
    }
}

/// The entity of a node with this effective policy, or why there is none (the owner is missing).
pub(crate) fn entity(
    kind: NodeKind,
    document: &PolicyDocument,
    options: &CatalogOptions,
) -> Result<Value, String> {
    let app = document.app();
    let owner = document
        .tags()
        .get(&options.owner_tag)
        .cloned()
        .filter(|o| !o.is_empty())
        .or_else(|| options.default_owner.clone())
        .ok_or_else(|| {
            format!(
                "app {app:?} has no {:?} tag in its effective policy and default_owner is not set: Backstage needs an \
                 owner for every entity",
                options.owner_tag
            )
        })?;
    let mut annotations = Map::new();
    let mut annotate = |key: &str, value: String| {
        annotations.insert(format!("{PREFIX}/{key}"), Value::String(value));
    };
    annotate("app", app.to_string());
    annotate("lineage", document.lineage().join(" > "));
    annotate("policy-hash", document.hash().to_string());
    annotate("rules-hash", document.rules_hash());
    let anchors = document.anchors();
    if let Some(aws) = &anchors.aws {
        annotate("aws-vault-arn", aws.location.vault_arn.clone());
        annotate("aws-vault-app", aws.location.app.clone());
    }
    if let Some(azure) = &anchors.azure {
        annotate("azure-vault-id", azure.location.vault_id.clone());
        annotate("azure-vault-app", azure.location.app.clone());
    }
    let parent = document
        .lineage()
        .iter()
        .rev()
        .nth(1)
        .map(|p| format!("component:{}", entity_name(p)));
    let rules: Vec<String> = document
        .rules()
        .iter()
        .map(|(name, rule)| format!("{name} {} days", rule.retention_days))
        .collect();
    let description = format!(
        "Backups of {app} under its effective policy ({}), inherited from {}.",
        if rules.is_empty() {
            "no rules".to_string()
        } else {
            rules.join(", ")
        },
        document.lineage().first().map_or(app, String::as_str)
    );
    let spec = match kind {
        NodeKind::App => {
            let mut spec =
                json!({ "type": "backup-app", "lifecycle": options.lifecycle, "owner": owner });
            if let Some(parent) = parent {
                spec["subcomponentOf"] = Value::String(parent);
            }
            spec
        }
        NodeKind::Child => {
            let mut spec = json!({ "type": "backup-child", "owner": owner });
            if let Some(parent) = parent {
                spec["dependsOn"] = json!([parent]);
            }
            spec
        }
    };
    Ok(json!({
        "apiVersion": "backstage.io/v1alpha1",
        "kind": match kind { NodeKind::App => "Component", NodeKind::Child => "Resource" },
        "metadata": {
            "name": entity_name(app),
            "title": app,
            "description": description,
            "annotations": annotations,
            "tags": ["backup"],
        },
        "spec": spec,
    }))
}

#[cfg(test)]
mod tests {
    use backup_policy::{AppInput, RulePatch};

    use super::*;

    fn options() -> CatalogOptions {
        CatalogOptions {
            owner_tag: "owner".into(),
            default_owner: None,
            lifecycle: "production".into(),
        }
    }

    fn tree() -> (PolicyDocument, PolicyDocument) {
        let mut root = AppInput {
            name: "org-root".into(),
            ..Default::default()
        };
        root.policy.rules.insert(
            "daily".into(),
            RulePatch {
                schedule: Some("cron(0 5 ? * * *)".into()),
                retention_days: Some(35),
                ..Default::default()
            },
        );
        root.policy
            .tags
            .insert("owner".into(), "group:platform".into());
        let root_doc = backup_policy::evaluate(None, &root).unwrap();
        let child = AppInput {
            name: "Payments API".into(),
            ..Default::default()
        };
        let child_doc = backup_policy::evaluate(Some(&root_doc.to_json()), &child).unwrap();
        (root_doc, child_doc)
    }

    #[test]
    fn names_follow_backstage_rules() {
        assert_eq!(entity_name("org-root"), "org-root");
        assert_eq!(entity_name("Payments API"), "Payments-API");
        assert_eq!(entity_name("--a b!"), "a-b");
        assert_eq!(entity_name("!!!"), "app");
        assert_eq!(entity_name(&"x".repeat(80)).len(), 63);
        assert_eq!(
            entity_name(&format!("{}-b", "a".repeat(62))),
            "a".repeat(62)
        );
    }

    #[test]
    fn an_app_is_a_component_of_its_parent_with_lineage_hash_and_owner() {
        let (root, child) = tree();
        let entity = entity(NodeKind::App, &child, &options()).unwrap();
        assert_eq!(entity["kind"], "Component");
        assert_eq!(entity["metadata"]["name"], "Payments-API");
        assert_eq!(entity["metadata"]["title"], "Payments API");
        let annotations = &entity["metadata"]["annotations"];
        assert_eq!(
            annotations["backup.appofapps.io/lineage"],
            "org-root > Payments API"
        );
        assert_eq!(annotations["backup.appofapps.io/policy-hash"], child.hash());
        assert_ne!(child.hash(), root.hash());
        assert_eq!(entity["spec"]["owner"], "group:platform");
        assert_eq!(entity["spec"]["subcomponentOf"], "component:org-root");
        let root_entity = entity_of_root(&root);
        assert!(root_entity["spec"].get("subcomponentOf").is_none());
    }

    fn entity_of_root(root: &PolicyDocument) -> Value {
        entity(NodeKind::App, root, &options()).unwrap()
    }

    #[test]
    fn a_child_is_a_resource_depending_on_its_parent() {
        let (_, child) = tree();
        let entity = entity(NodeKind::Child, &child, &options()).unwrap();
        assert_eq!(entity["kind"], "Resource");
        assert_eq!(entity["spec"]["type"], "backup-child");
        assert_eq!(entity["spec"]["dependsOn"], json!(["component:org-root"]));
        assert!(entity["spec"].get("lifecycle").is_none());
    }

    #[test]
    fn the_owner_comes_from_the_tag_or_the_default_or_is_an_error() {
        let (_, child) = tree();
        let mut other_tag = options();
        other_tag.owner_tag = "team".into();
        let err = entity(NodeKind::App, &child, &other_tag).unwrap_err();
        assert!(
            err.contains("\"team\"") && err.contains("default_owner"),
            "{err}"
        );
        other_tag.default_owner = Some("group:backup".into());
        let entity = entity(NodeKind::App, &child, &other_tag).unwrap();
        assert_eq!(entity["spec"]["owner"], "group:backup");
    }
}
