//! `backup_compliance`: the drift report. For each app and child it is given, it reads the live
//! AWS Backup objects once and compares them with the node's effective policy: compliant or not,
//! and each difference with its attribute path. Usable in a `check` block, so `terraform plan`
//! warns when a backup drifted out of band.

use async_trait::async_trait;
use tfplugin::framework::{
    Attribute, Context, DataReadRequest, DataReadResponse, DataSource, Diagnostic, Schema,
};
use tfvalue::{AttributePath, Type, Value};

use crate::cloud::aws::AwsBackend;
use crate::cloud::finding::Finding;
use crate::cloud::{CloudError, ErrorKind};
use crate::resources::compliance::{aws_findings, azure_findings};
use crate::resources::ProviderData;

/// The `backup_compliance` data source.
pub struct BackupCompliance;

const NODES: &str = "nodes";

#[async_trait]
impl DataSource for BackupCompliance {
    fn type_name(&self) -> &'static str {
        "backup_compliance"
    }

    fn schema(&self) -> Schema {
        let finding = Type::object([
            ("node", Type::String),
            ("path", Type::String),
            ("expected", Type::String),
            ("actual", Type::String),
        ]);
        Schema::new(
            "Drift report: compares the live AWS Backup objects of apps and children with their effective \
             policies. Each node costs one read per object it owns: an app 2 (vault, plan), a joined child 1 \
             (its selection), a derived child 2 (plan, selection). Put it in a `check` block so `terraform plan` \
             warns about drift made outside Terraform.",
            vec![
                Attribute::typed(NODES, Type::Dynamic).required().description(
                    "The apps and children to check, as Terraform holds them: e.g. `[backup_app.root, \
                     backup_child.dev]`. They must use the same provider configuration (account and region) as \
                     this data source. Nodes without an `aws` block are listed in `unchecked`.",
                ),
                Attribute::bool("compliant")
                    .computed()
                    .description("Whether every checked node's live objects match its effective policy."),
                Attribute::typed("findings", Type::list(finding)).computed().description(
                    "Every difference: the node's name, the attribute path that sets the value (e.g. \
                     `policy.rules[\"daily\"].retention_days`, `aws.vault_lock`, `aws.resources`), what the \
                     effective policy asks for and what AWS reports (`absent` when missing).",
                ),
                Attribute::typed("compliant_nodes", Type::map(Type::Bool))
                    .computed()
                    .description("Compliance of each checked node, by name."),
                Attribute::typed("unchecked", Type::list(Type::String))
                    .computed()
                    .description("Nodes not checked: no `aws` block, or no effective policy yet."),
            ],
        )
    }

    async fn read(
        &self,
        ctx: &Context,
        request: &DataReadRequest,
        response: &mut DataReadResponse,
    ) {
        let nodes = node_list(request.config.get(NODES));
        let data = ctx.provider_data::<ProviderData>();
        let aws = data
            .and_then(|d| d.aws.clone())
            .map(|aws| AwsBackend::new(&aws).with_cancel(ctx.cancel.clone()));
        let azure = data.and_then(|d| d.azure.clone());
        let mut report = Report::default();
        for (index, node) in nodes.iter().enumerate() {
            let name = node
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            if node.get("policy_document").is_none() {
                response.diagnostics.push(
                    Diagnostic::error(
                        "Not an app or child",
                        format!(
                            "Element {index} of nodes has no policy_document: pass backup_app or backup_child \
                             resources, e.g. [backup_app.root, backup_child.dev]."
                        ),
                    )
                    .at(AttributePath::attr(NODES)),
                );
                continue;
            }
            let mut checked: Option<Vec<Finding>> = None;
            if has_block(node, "aws") {
                let found = match &aws {
                    Some(backend) => aws_findings(backend, node).await,
                    None => Err(no_settings("aws", &name)),
                };
                collect(&name, found, &mut checked, response);
            }
            if has_block(node, "azure") {
                let found = match &azure {
                    Some(backend) => azure_findings(&**backend, node).await,
                    None => Err(no_settings("azure", &name)),
                };
                collect(&name, found, &mut checked, response);
            }
            match checked {
                Some(findings) => report.add(name, findings),
                None => report.unchecked.push(name),
            }
        }
        if !response.diagnostics.has_errors() {
            report.write(&mut response.state);
        }
    }
}

/// Whether `node` has a non-null block `name`.
fn has_block(node: &Value, name: &str) -> bool {
    node.get(name).is_some_and(|b| !b.is_null())
}

/// Adds one cloud's findings for a node, or its error as a diagnostic at `nodes`.
fn collect(
    name: &str,
    found: Result<Option<Vec<Finding>>, CloudError>,
    checked: &mut Option<Vec<Finding>>,
    response: &mut DataReadResponse,
) {
    match found {
        Ok(Some(findings)) => checked.get_or_insert_with(Vec::new).extend(findings),
        Ok(None) => {}
        Err(error) => response.diagnostics.push(
            Diagnostic::error(
                "Cannot read the live backup objects",
                format!("Checking {name:?}: {error}"),
            )
            .at(AttributePath::attr(NODES)),
        ),
    }
}

/// The error for a node whose cloud block the provider configuration has no settings for.
fn no_settings(cloud: &str, name: &str) -> CloudError {
    CloudError::new(
        ErrorKind::InvalidInput,
        "reading the drift report",
        name,
        format!(
            "the node has an `{cloud}` block, but this data source's provider configuration has no {cloud} \
             settings; use the provider configuration (alias) the node uses"
        ),
    )
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

#[derive(Default)]
struct Report {
    findings: Vec<(String, Finding)>,
    compliant: Vec<(String, bool)>,
    unchecked: Vec<String>,
}

impl Report {
    fn add(&mut self, node: String, findings: Vec<Finding>) {
        self.compliant.push((node.clone(), findings.is_empty()));
        self.findings
            .extend(findings.into_iter().map(|f| (node.clone(), f)));
    }

    fn write(self, state: &mut Value) {
        let Value::Object(members) = state else {
            return;
        };
        let string = |s: String| Value::String(s);
        members.insert("compliant".into(), Value::Bool(self.findings.is_empty()));
        members.insert(
            "findings".into(),
            Value::List(
                self.findings
                    .into_iter()
                    .map(|(node, f)| {
                        Value::Object(
                            [
                                ("node".to_string(), string(node)),
                                ("path".to_string(), string(f.path)),
                                ("expected".to_string(), string(f.expected)),
                                ("actual".to_string(), string(f.actual)),
                            ]
                            .into(),
                        )
                    })
                    .collect(),
            ),
        );
        members.insert(
            "compliant_nodes".into(),
            Value::Map(
                self.compliant
                    .into_iter()
                    .map(|(node, ok)| (node, Value::Bool(ok)))
                    .collect(),
            ),
        );
        members.insert(
            "unchecked".into(),
            Value::List(self.unchecked.into_iter().map(string).collect()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_come_as_a_tuple_a_list_or_one_object() {
        let node = Value::Object([("name".to_string(), Value::from("a"))].into());
        let tuple = Value::Tuple(vec![node.clone(), node.clone()]);
        assert_eq!(node_list(Some(&tuple)).len(), 2);
        let wrapped = Value::Dynamic(Type::Dynamic, Box::new(tuple));
        assert_eq!(node_list(Some(&wrapped)).len(), 2);
        assert_eq!(node_list(Some(&node)).len(), 1);
        assert!(node_list(None).is_empty());
    }

    #[test]
    fn the_report_lists_each_finding_with_its_node() {
        let mut report = Report::default();
        report.add("root".into(), vec![]);
        report.add(
            "dev".into(),
            vec![Finding {
                path: "aws.resources".into(),
                expected: "t".into(),
                actual: "nothing".into(),
            }],
        );
        report.unchecked.push("azure-only".into());
        let mut state = Value::Object(Default::default());
        report.write(&mut state);
        assert_eq!(state.get("compliant"), Some(&Value::Bool(false)));
        let findings = state.get("findings").unwrap();
        let Value::List(items) = findings else {
            panic!("a list")
        };
        assert_eq!(items[0].get("node"), Some(&Value::from("dev")));
        assert_eq!(
            state.get("compliant_nodes").and_then(|m| m.get("root")),
            Some(&Value::Bool(true))
        );
    }
}
