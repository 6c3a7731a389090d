//! An OpenAPI 2.0 (Swagger) validator for the vendored Azure REST specs: finds the operation by
//! method and path template, resolves `$ref`s across files, merges `allOf`, follows
//! `x-ms-discriminator-value` subtypes, and checks required properties, types, enums, unknown
//! properties, `readOnly` (in requests) and the api-version.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

/// Which side of a call a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the client: `readOnly` properties must not appear.
    Request,
    /// Returned by the server.
    Response,
}

/// A schema node: a file and a JSON pointer into it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct Node {
    file: PathBuf,
    pointer: String,
}

/// One operation of a spec.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `get`, `put`, ...
    pub method: String,
    /// The path template.
    pub template: String,
    /// `operationId`.
    pub operation_id: String,
    /// The spec's `info.version`.
    pub api_version: String,
    file: PathBuf,
    pointer: String,
}

/// An object schema with its allOf chain merged: properties, required names, whether other
/// properties are allowed, and the discriminator (its base definition and field).
type Merged = (
    BTreeMap<String, Node>,
    Vec<String>,
    bool,
    Option<(Node, String)>,
);

/// The loaded specs.
pub struct Specs {
    docs: HashMap<PathBuf, Value>,
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

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

impl Specs {
    /// Loads every spec under `root` (the `azure-rest-specs` folder), examples excluded.
    pub fn load(root: &Path) -> Specs {
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
    pub fn operation_count(&self) -> usize {
        self.operations.len()
    }

    fn node(&self, node: &Node) -> &Value {
        self.docs
            .get(&node.file)
            .and_then(|d| d.pointer(&node.pointer))
            .unwrap_or_else(|| panic!("unresolvable $ref {}#{}", node.file.display(), node.pointer))
    }

    /// Follows `$ref`s until a schema that is not a bare reference.
    fn deref(&self, mut node: Node) -> Node {
        for _ in 0..64 {
            match self.node(&node).get("$ref").and_then(Value::as_str) {
                Some(r) => node = resolve_ref(&node.file, r),
                None => return node,
            }
        }
        panic!("$ref cycle at {}#{}", node.file.display(), node.pointer)
    }

    /// The operation serving `method` on `path` (no query): the match with the most literal segments.
    pub fn find(&self, method: &str, path: &str) -> Option<&Operation> {
        let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method.eq_ignore_ascii_case(method))
            .filter_map(|op| {
                let t: Vec<&str> = op.template.trim_matches('/').split('/').collect();
                if t.len() != segs.len() {
                    return None;
                }
                let mut literal = 0;
                for (a, b) in t.iter().zip(&segs) {
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
    fn request_schema(&self, op: &Operation) -> Option<(Node, bool)> {
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
    fn response_schema(&self, op: &Operation, status: u16) -> Result<Option<Node>, String> {
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
    fn subtype(&self, base: &Node, value: &str) -> Option<Node> {
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

    /// Properties, required names and additionalProperties of a schema with its allOf chain.
    fn merged(&self, node: &Node) -> Merged {
        let mut props = BTreeMap::new();
        let mut required = Vec::new();
        let mut open = false;
        let mut discriminator = None;
        let mut stack = vec![node.clone()];
        let mut seen = Vec::new();
        while let Some(n) = stack.pop() {
            let n = self.deref(n);
            if seen.contains(&n) {
                continue;
            }
            seen.push(n.clone());
            let schema = self.node(&n);
            for (k, _) in schema
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                props.entry(k.clone()).or_insert_with(|| Node {
                    file: n.file.clone(),
                    pointer: format!("{}/properties/{}", n.pointer, escape(k)),
                });
            }
            for r in schema
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(r) = r.as_str() {
                    required.push(r.to_owned());
                }
            }
            if schema
                .get("additionalProperties")
                .is_some_and(|a| a != &Value::Bool(false))
            {
                open = true;
            }
            if let Some(d) = schema.get("discriminator").and_then(Value::as_str) {
                discriminator.get_or_insert((n.clone(), d.to_owned()));
            }
            for (i, _) in schema
                .get("allOf")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                stack.push(Node {
                    file: n.file.clone(),
                    pointer: format!("{}/allOf/{i}", n.pointer),
                });
            }
        }
        (props, required, open, discriminator)
    }

    /// Checks `value` against the schema at `node`; problems are pushed as `where: what`.
    fn check(
        &self,
        node: &Node,
        value: &Value,
        at: &str,
        dir: Direction,
        errors: &mut Vec<String>,
        polymorphic: bool,
    ) {
        let node = self.deref(node.clone());
        let schema = self.node(&node).clone();
        if value.is_null() {
            if schema.get("x-nullable").and_then(Value::as_bool) != Some(true) {
                errors.push(format!("{at}: null is not allowed"));
            }
            return;
        }
        let has_object_shape = schema.get("properties").is_some()
            || schema.get("allOf").is_some()
            || schema.get("discriminator").is_some();
        let ty = schema
            .get("type")
            .and_then(Value::as_str)
            .or(if has_object_shape {
                Some("object")
            } else {
                None
            });
        let type_ok = match ty {
            Some("object") => value.is_object(),
            Some("array") => value.is_array(),
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            _ => true,
        };
        if !type_ok {
            errors.push(format!("{at}: expected {}, got {value}", ty.unwrap_or("?")));
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                errors.push(format!(
                    "{at}: {value} is not one of {}",
                    Value::Array(allowed.clone())
                ));
            }
        }
        if let (Some("int32"), Some(n)) =
            (schema.get("format").and_then(Value::as_str), value.as_i64())
        {
            if i32::try_from(n).is_err() {
                errors.push(format!("{at}: {n} does not fit int32"));
            }
        }
        if let (Some("date-time"), Some(s)) =
            (schema.get("format").and_then(Value::as_str), value.as_str())
        {
            if !(s.len() >= 20 && s.as_bytes().get(10) == Some(&b'T')) {
                errors.push(format!("{at}: {s:?} is not an RFC 3339 date-time"));
            }
        }
        if let Some(items) = value.as_array() {
            if schema.get("items").is_some() {
                let item_node = Node {
                    file: node.file.clone(),
                    pointer: format!("{}/items", node.pointer),
                };
                for (i, v) in items.iter().enumerate() {
                    self.check(&item_node, v, &format!("{at}[{i}]"), dir, errors, true);
                }
            }
            return;
        }
        let Some(object) = value.as_object() else {
            return;
        };
        let (props, required, open, discriminator) = self.merged(&node);
        // A polymorphic base: validate against the subtype the discriminator names.
        if let (true, Some((base, field))) = (polymorphic, &discriminator) {
            let Some(tag) = object.get(field).and_then(Value::as_str) else {
                errors.push(format!("{at}: missing discriminator {field:?}"));
                return;
            };
            match self.subtype(base, tag) {
                Some(sub) if sub != node => return self.check(&sub, value, at, dir, errors, false),
                Some(_) => {}
                None => {
                    errors.push(format!("{at}.{field}: unknown discriminator value {tag:?}"));
                    return;
                }
            }
        }
        for r in &required {
            if !object.contains_key(r) {
                errors.push(format!("{at}: missing required property {r:?}"));
            }
        }
        for (k, v) in object {
            match props.get(k) {
                Some(p) => {
                    let p = self.deref(p.clone());
                    let prop_schema = self.node(&Node {
                        file: p.file.clone(),
                        pointer: p.pointer.clone(),
                    });
                    // readOnly may sit on the property or on what it refers to.
                    let raw = self.node(props.get(k).unwrap());
                    let read_only = raw.get("readOnly").and_then(Value::as_bool) == Some(true)
                        || prop_schema.get("readOnly").and_then(Value::as_bool) == Some(true);
                    if dir == Direction::Request && read_only {
                        errors.push(format!("{at}.{k}: readOnly property sent in a request"));
                    }
                    self.check(
                        props.get(k).unwrap(),
                        v,
                        &format!("{at}.{k}"),
                        dir,
                        errors,
                        true,
                    );
                }
                None if open => {
                    if schema
                        .get("additionalProperties")
                        .is_some_and(Value::is_object)
                    {
                        let ap_node = Node {
                            file: node.file.clone(),
                            pointer: format!("{}/additionalProperties", node.pointer),
                        };
                        self.check(&ap_node, v, &format!("{at}.{k}"), dir, errors, true);
                    }
                }
                None if props.is_empty()
                    && schema.get("type").and_then(Value::as_str) == Some("object")
                    && !has_object_shape => {}
                None => errors.push(format!("{at}.{k}: unknown property")),
            }
        }
    }

    /// Validates a body against an operation's request schema.
    pub fn check_request(&self, op: &Operation, body: Option<&Value>) -> Vec<String> {
        let mut errors = Vec::new();
        match (self.request_schema(op), body) {
            (Some((schema, _)), Some(body)) => {
                self.check(&schema, body, "$", Direction::Request, &mut errors, true)
            }
            (Some((_, true)), None) => {
                errors.push(format!("{} needs a request body", op.operation_id))
            }
            (Some((_, false)), None) => {}
            (None, Some(_)) => errors.push(format!("{} takes no request body", op.operation_id)),
            (None, None) => {}
        }
        errors
    }

    /// Validates a response status and body against an operation's responses.
    pub fn check_response(&self, op: &Operation, status: u16, body: Option<&Value>) -> Vec<String> {
        let mut errors = Vec::new();
        match self.response_schema(op, status) {
            Err(e) => errors.push(e),
            Ok(Some(schema)) => match body {
                Some(body) => {
                    self.check(&schema, body, "$", Direction::Response, &mut errors, true)
                }
                None => errors.push(format!(
                    "status {status} of {} needs a body",
                    op.operation_id
                )),
            },
            Ok(None) => {
                if body.is_some() {
                    errors.push(format!(
                        "status {status} of {} declares no body",
                        op.operation_id
                    ));
                }
            }
        }
        errors
    }

    /// Validates a body against a named definition of a spec file (for the validator's own tests).
    pub fn check_definition(
        &self,
        file_suffix: &str,
        definition: &str,
        body: &Value,
        dir: Direction,
    ) -> Vec<String> {
        let file = self
            .docs
            .keys()
            .find(|f| f.to_string_lossy().ends_with(file_suffix))
            .unwrap_or_else(|| panic!("no spec file ending in {file_suffix}"))
            .clone();
        let node = Node {
            file,
            pointer: format!("/definitions/{}", escape(definition)),
        };
        let mut errors = Vec::new();
        self.check(&node, body, "$", dir, &mut errors, true);
        errors
    }
}

fn resolve_ref(from: &Path, reference: &str) -> Node {
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

/// What the fake server records: every validated call and every mismatch.
#[derive(Default)]
pub struct Record {
    /// How many requests were validated against an operation.
    pub validated_requests: usize,
    /// How many responses were validated.
    pub validated_responses: usize,
    /// Every problem, with the call it was found in.
    pub mismatches: Vec<String>,
    /// Paths of calls no spec describes (the Compute VM GET, the token endpoint).
    pub unspecified: Vec<String>,
}

/// [`Specs`] plus the running [`Record`], shared by the fake server's handlers.
pub struct Validator {
    /// The specs.
    pub specs: Specs,
    /// The record.
    pub record: Mutex<Record>,
}

impl Validator {
    /// Loads the specs vendored in `tests/specs/azure`.
    pub fn load_default() -> Validator {
        Validator {
            specs: Specs::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/azure")),
            record: Mutex::new(Record::default()),
        }
    }

    /// Validates one request; returns the operation (if any spec has it).
    pub fn request(
        &self,
        method: &str,
        path: &str,
        api_version: Option<&str>,
        body: Option<&Value>,
    ) -> Option<Operation> {
        let mut record = self.record.lock().unwrap();
        let Some(op) = self.specs.find(method, path).cloned() else {
            record.unspecified.push(format!("{method} {path}"));
            return None;
        };
        record.validated_requests += 1;
        let mut errors = self.specs.check_request(&op, body);
        if api_version != Some(op.api_version.as_str()) {
            errors.push(format!(
                "api-version {api_version:?}, the spec is {}",
                op.api_version
            ));
        }
        for e in errors {
            record.mismatches.push(format!(
                "{method} {path} ({}) request: {e}",
                op.operation_id
            ));
        }
        Some(op)
    }

    /// Validates one response of an operation found by [`request`](Self::request).
    pub fn response(&self, op: &Operation, path: &str, status: u16, body: Option<&Value>) {
        let errors = self.specs.check_response(op, status, body);
        let mut record = self.record.lock().unwrap();
        record.validated_responses += 1;
        for e in errors {
            record.mismatches.push(format!(
                "{} {path} ({}) response {status}: {e}",
                op.method.to_uppercase(),
                op.operation_id
            ));
        }
    }
}
