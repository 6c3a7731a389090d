//! `backup_backstage_catalog`: Backstage as the front door. For the apps and children it is given
//! it renders one catalog entity each (`catalog-info.yaml` text): a `Component` per app, a
//! `Resource` per child, annotated with the lineage, the effective policy hash and the vault.
//! Pure: it reads only the nodes' `policy_document`s, never a cloud.

mod entity;
mod yaml;

use std::collections::BTreeMap;

use async_trait::async_trait;
use backup_policy::PolicyDocument;
use tfplugin::framework::{
    Attribute, Context, DataReadRequest, DataReadResponse, DataSource, Diagnostic, Schema,
};
use tfvalue::{AttributePath, Type, Value};

use entity::{entity, CatalogOptions, NodeKind};

/// The `backup_backstage_catalog` data source.
pub struct BackupBackstageCatalog;

const NODES: &str = "nodes";

#[async_trait]
impl DataSource for BackupBackstageCatalog {
    fn type_name(&self) -> &'static str {
        "backup_backstage_catalog"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Renders Backstage catalog entities (`catalog-info.yaml`) for apps and children, so teams see their \
             backup policy where they look: a `Component` of type `backup-app` per app (a subcomponent of its \
             parent), a `Resource` of type `backup-child` per child (depending on its parent), each annotated \
             with its lineage, effective policy hash and vault (`backup.appofapps.io/...`). Pure: no cloud calls.",
            vec![
                Attribute::typed(NODES, Type::Dynamic).required().description(
                    "The apps and children to render, as Terraform holds them: e.g. `[backup_app.root, \
                     backup_child.dev]`.",
                ),
                Attribute::string("owner_tag").optional().description(
                    "The policy tag whose value is the entity's owner (a Backstage entity reference such as \
                     `group:platform`). Default `owner`.",
                ),
                Attribute::string("default_owner").optional().description(
                    "The owner of nodes whose effective policy has no owner tag; without it such a node is an error.",
                ),
                Attribute::string("lifecycle").optional().description(
                    "`spec.lifecycle` of the apps' components. Default `production`.",
                ),
                Attribute::string("yaml").computed().description(
                    "Every entity as one multi-document YAML text (`---` before each), in the order of `nodes`: \
                     a `catalog-info.yaml`.",
                ),
                Attribute::typed("entities", Type::map(Type::String)).computed().description(
                    "Each entity's YAML by entity name (the app name with characters Backstage does not allow \
                     replaced by `-`), e.g. to write one file per app with `local_file`.",
                ),
            ],
        )
    }

    async fn read(
        &self,
        _ctx: &Context,
        request: &DataReadRequest,
        response: &mut DataReadResponse,
    ) {
        let config = &request.config;
        let text = |name: &str| config.get(name).and_then(Value::as_str).map(str::to_string);
        let options = CatalogOptions {
            owner_tag: text("owner_tag").unwrap_or_else(|| "owner".into()),
            default_owner: text("default_owner"),
            lifecycle: text("lifecycle").unwrap_or_else(|| "production".into()),
        };
        let mut all = String::new();
        let mut entities = BTreeMap::new();
        for (index, node) in node_list(config.get(NODES)).iter().enumerate() {
            let rendered = render(node, &options).and_then(|(name, yaml)| {
                if entities.contains_key(&name) {
                    return Err(format!(
                        "two nodes give the entity name {name:?}; Backstage needs one name per entity"
                    ));
                }
                Ok((name, yaml))
            });
            match rendered {
                Ok((name, yaml)) => {
                    all.push_str("---\n");
                    all.push_str(&yaml);
                    entities.insert(name, Value::String(yaml));
                }
                Err(problem) => response.diagnostics.push(
                    Diagnostic::error(
                        "Cannot render a catalog entity",
                        format!("Element {index} of nodes: {problem}."),
                    )
                    .at(AttributePath::attr(NODES)),
                ),
            }
        }
        if response.diagnostics.has_errors() {
            return;
        }
        if let Value::Object(members) = &mut response.state {
            members.insert("yaml".into(), Value::String(all));
            members.insert("entities".into(), Value::Map(entities));
        }
    }
}

/// One node's entity name and YAML.
fn render(node: &Value, options: &CatalogOptions) -> Result<(String, String), String> {
    let Some(document) = node.get("policy_document") else {
        return Err(
            "it has no policy_document: pass backup_app or backup_child resources, e.g. \
             [backup_app.root, backup_child.dev]"
                .into(),
        );
    };
    let Some(document) = document.as_str() else {
        return Err("its policy_document is not known yet: apply the tree first".into());
    };
    let document = PolicyDocument::parse(document).map_err(|d| d.detail)?;
    // Only apps have guardrails.
    let kind = if node.get("guardrails").is_some() {
        NodeKind::App
    } else {
        NodeKind::Child
    };
    let entity = entity(kind, &document, options)?;
    let name = entity["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    Ok((name, yaml::to_yaml(&entity)))
}

/// The elements of `nodes` (a tuple, list or set, possibly wrapped as a dynamic value).
fn node_list(nodes: Option<&Value>) -> Vec<Value> {
    match nodes {
        Some(Value::Dynamic(_, inner)) => node_list(Some(inner)),
        Some(Value::Tuple(items) | Value::List(items) | Value::Set(items)) => items.clone(),
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use backup_policy::AppInput;

    use super::*;

    fn node(document: &PolicyDocument, app: bool) -> Value {
        let mut members = BTreeMap::from([(
            "policy_document".to_string(),
            Value::String(document.to_json()),
        )]);
        if app {
            members.insert("guardrails".into(), Value::Null);
        }
        Value::Object(members)
    }

    async fn read(nodes: Vec<Value>) -> DataReadResponse {
        let config = Value::Object(BTreeMap::from([(NODES.to_string(), Value::Tuple(nodes))]));
        let mut response = DataReadResponse {
            state: config.clone(),
            ..Default::default()
        };
        BackupBackstageCatalog
            .read(
                &Context::default(),
                &DataReadRequest { config },
                &mut response,
            )
            .await;
        response
    }

    fn tree() -> (PolicyDocument, PolicyDocument) {
        let mut root = AppInput {
            name: "org-root".into(),
            ..Default::default()
        };
        root.policy
            .tags
            .insert("owner".into(), "group:platform".into());
        let root = backup_policy::evaluate(None, &root).unwrap();
        let dev = AppInput {
            name: "dev".into(),
            ..Default::default()
        };
        let dev = backup_policy::evaluate(Some(&root.to_json()), &dev).unwrap();
        (root, dev)
    }

    #[tokio::test]
    async fn renders_one_document_per_node_in_order_and_a_map_by_name() {
        let (root, dev) = tree();
        let response = read(vec![node(&root, true), node(&dev, false)]).await;
        assert!(
            response.diagnostics.is_empty(),
            "{:?}",
            response.diagnostics
        );
        let yaml = response.state.get("yaml").and_then(Value::as_str).unwrap();
        assert_eq!(yaml.matches("---\n").count(), 2);
        assert!(yaml.find("kind: \"Component\"") < yaml.find("kind: \"Resource\""));
        let entities = response.state.get("entities").unwrap();
        let dev_yaml = entities.get("dev").and_then(Value::as_str).unwrap();
        assert!(dev_yaml.contains(&format!(
            "backup.appofapps.io/policy-hash: \"{}\"",
            dev.hash()
        )));
        assert!(yaml.contains(dev_yaml));
    }

    #[tokio::test]
    async fn a_node_that_is_no_app_or_twice_the_same_is_an_error_at_nodes() {
        let (root, _) = tree();
        let not_a_node = Value::Object(BTreeMap::from([("name".to_string(), Value::from("x"))]));
        let response = read(vec![not_a_node, node(&root, true), node(&root, true)]).await;
        let details: Vec<String> = response
            .diagnostics
            .iter()
            .map(|d| format!("{} {}", d.summary, d.detail))
            .collect();
        assert_eq!(details.len(), 2, "{details:?}");
        assert!(details[0].contains("Element 0 of nodes: it has no policy_document"));
        assert!(
            details[1].contains("Element 2 of nodes: two nodes give the entity name \"org-root\"")
        );
        assert!(response.state.get("yaml").is_none());
    }
}
