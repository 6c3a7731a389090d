//! Loading the vendored Azure REST specs (OpenAPI 2.0): every operation by method and path
//! template, `$ref`s resolved across files, `allOf` parents and discriminator subtypes found.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use serde_json::Value;

/// A schema node: a file and a JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) struct Node {
    pub(super) file: PathBuf,
    pub(super) pointer: String,
}

/// One operation of a spec.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    /// `get`, `put`, ...
    pub(crate) method: String,
    /// The path template.
    pub(crate) template: String,
    /// `operationId`.
    pub(crate) operation_id: String,
    /// The spec's `info.version`.
    pub(crate) api_version: String,
    pub(super) file: PathBuf,
    pub(super) pointer: String,
}

/// An object schema with its allOf chain merged: properties, required names, whether other
/// properties are allowed, and the discriminator (its base definition and field).
pub(super) type Merged = (
    BTreeMap<String, Node>,
    Vec<String>,
    bool,
    Option<(Node, String)>,
);

/// The loaded specs.
pub(crate) struct Specs {
    pub(super) docs: HashMap<PathBuf, Value>,
    operations: Vec<Operation>,
    /// Definition node → the definitions it `allOf`-extends (directly).
    parents: HashMap<Node, Vec<Node>>,
}

fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "examples") {
                json_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

/// A JSON pointer token for `token` (RFC 6901 escaping).
pub(super) fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Specs {
    /// Loads every spec under `root` (the `azure-rest-specs` folder), examples excluded.
    pub(crate) fn load(root: &Path) -> Specs {
        let mut files = Vec::new();
        json_files(&root.join("specification"), &mut files);
        assert!(
            !files.is_empty(),
            "Azure REST specs not found under {} (they are vendored in tests/specs/azure: is the checkout complete?)",
            root.display()
        );
        let mut docs = HashMap::new();
        for file in files {
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let doc: Value =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            docs.insert(normalize(&file), doc);
        }
        let mut operations = Vec::new();
        let mut parents: HashMap<Node, Vec<Node>> = HashMap::new();
        for (file, doc) in &docs {
            let api_version = doc
                .pointer("/info/version")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            for (template, item) in doc
                .get("paths")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                for (method, op) in item.as_object().into_iter().flatten() {
                    if !matches!(
                        method.as_str(),
                        "get" | "put" | "post" | "delete" | "patch" | "head"
                    ) {
                        continue;
                    }
                    operations.push(Operation {
                        method: method.clone(),
                        template: template.clone(),
                        operation_id: op
                            .get("operationId")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned(),
                        api_version: api_version.clone(),
                        file: file.clone(),
                        pointer: format!("/paths/{}/{method}", escape(template)),
                    });
                }
            }
            for (name, def) in doc
                .get("definitions")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let node = Node {
                    file: file.clone(),
                    pointer: format!("/definitions/{}", escape(name)),
                };
                let mut ps = Vec::new();
                for parent in def
                    .get("allOf")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if let Some(r) = parent.get("$ref").and_then(Value::as_str) {
                        ps.push(resolve_ref(file, r));
                    }
                }
                parents.insert(node, ps);
            }
        }
        Specs {
            docs,
            operations,
            parents,
        }
    }

    /// How many operations were loaded.
    pub(crate) fn operation_count(&self) -> usize {
        self.operations.len()
    }

    pub(super) fn node(&self, node: &Node) -> &Value {
        self.docs
            .get(&node.file)
            .and_then(|d| d.pointer(&node.pointer))
            .unwrap_or_else(|| panic!("unresolvable $ref {}#{}", node.file.display(), node.pointer))
    }

    /// Follows `$ref`s until a schema that is not a bare reference.
    pub(super) fn deref(&self, mut node: Node) -> Node {
        for _ in 0..64 {
            match self.node(&node).get("$ref").and_then(Value::as_str) {
                Some(r) => node = resolve_ref(&node.file, r),
                None => return node,
            }
        }
        panic!("$ref cycle at {}#{}", node.file.display(), node.pointer)
    }

    /// The operation serving `method` on `path` (no query): the match with the most literal segments.
    pub(crate) fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
            .filter_map(|op| {
                let t: Vec<&str> = op.template.trim_matches('/').split('/').collect();
                // A leading `{scope}` / `{resourceUri}` (x-ms-skip-url-encoding) stands for a
                // whole resource id: it takes every segment before the template's tail.
                let (t, segs) = match t.first() {
                    Some(&"{scope}" | &"{resourceUri}") if segs.len() >= t.len() => {
                        (&t[1..], &segs[segs.len() - (t.len() - 1)..])
                    }
                    _ if t.len() == segs.len() => (&t[..], &segs[..]),
                    _ => return None,
                };
                let mut literal = 0;
                for (a, b) in t.iter().zip(segs) {
                    if a.starts_with('{') && a.ends_with('}') {
                        if b.is_empty() {
                            return None;
                        }
                    } else if a.eq_ignore_ascii_case(b) {
                        literal += 1;
                    } else {
                        return None;
                    }
                }
                Some((literal, op))
            })
            .max_by_key(|(l, _)| *l)
            .map(|(_, op)| op)
    }

    /// The body parameter's schema of an operation.
    pub(super) fn request_schema(&self, op: &Operation) -> Option<(Node, bool)> {
        let op_node = Node {
            file: op.file.clone(),
            pointer: op.pointer.clone(),
        };
        let params = self.node(&op_node).get("parameters")?.as_array()?;
        for (i, _) in params.iter().enumerate() {
            let p = self.deref(Node {
                file: op.file.clone(),
                pointer: format!("{}/parameters/{i}", op.pointer),
            });
            let param = self.node(&p);
            if param.get("in").and_then(Value::as_str) == Some("body") {
                let required = param.get("required").and_then(Value::as_bool) == Some(true);
                return Some((
                    Node {
                        file: p.file.clone(),
                        pointer: format!("{}/schema", p.pointer),
                    },
                    required,
                ));
            }
        }
        None
    }

    /// The declared response for a status: `Ok(Some(schema))`, `Ok(None)` (declared without a
    /// body), `Err` when the status is not declared and there is no `default`.
    pub(super) fn response_schema(
        &self,
        op: &Operation,
        status: u16,
    ) -> Result<Option<Node>, String> {
        let responses = Node {
            file: op.file.clone(),
            pointer: format!("{}/responses", op.pointer),
        };
        let map = self.node(&responses);
        let key = if map.get(status.to_string()).is_some() {
            status.to_string()
        } else if status >= 400 && map.get("default").is_some() {
            "default".to_owned()
        } else {
            return Err(format!(
                "status {status} is not declared by {}",
                op.operation_id
            ));
        };
        let resp = self.deref(Node {
            file: responses.file.clone(),
            pointer: format!("{}/{key}", responses.pointer),
        });
        Ok(self.node(&resp).get("schema").map(|_| Node {
            file: resp.file.clone(),
            pointer: format!("{}/schema", resp.pointer),
        }))
    }

    /// All ancestors (by allOf) of a definition, itself included.
    fn ancestors(&self, node: &Node) -> Vec<Node> {
        let mut out = vec![node.clone()];
        let mut i = 0;
        while i < out.len() {
            for p in self.parents.get(&out[i]).into_iter().flatten() {
                let p = self.deref(p.clone());
                if !out.contains(&p) {
                    out.push(p);
                }
            }
            i += 1;
        }
        out
    }

    /// The subtype of `base` whose `x-ms-discriminator-value` (or name) is `value`.
    pub(super) fn subtype(&self, base: &Node, value: &str) -> Option<Node> {
        if self
            .node(base)
            .get("x-ms-discriminator-value")
            .and_then(Value::as_str)
            == Some(value)
        {
            return Some(base.clone());
        }
        let mut candidates: Vec<&Node> = self.parents.keys().collect();
        candidates.sort();
        candidates
            .into_iter()
            .find(|def| {
                let schema = self.node(def);
                let name = def.pointer.rsplit('/').next().unwrap_or_default();
                let tag = schema
                    .get("x-ms-discriminator-value")
                    .and_then(Value::as_str)
                    .unwrap_or(name);
                tag == value && *def != base && self.ancestors(def).contains(base)
            })
            .cloned()
    }
}

/// The node a `$ref` written in `from` points at (a file relative to it, a pointer in it).
pub(super) fn resolve_ref(from: &Path, reference: &str) -> Node {
    let (file, pointer) = reference.split_once('#').unwrap_or((reference, ""));
    let file = if file.is_empty() {
        from.to_path_buf()
    } else {
        normalize(&from.parent().unwrap_or(Path::new("")).join(file))
    };
    Node {
        file,
        pointer: pointer.to_owned(),
    }
}
