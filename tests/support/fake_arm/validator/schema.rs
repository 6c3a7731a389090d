//! Checking a JSON body against a schema of the specs: required properties, types, enums,
//! formats, unknown and `readOnly` properties, polymorphic subtypes; and the request and response
//! checks of one operation built on it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::specs::{escape, Merged, Node, Operation, Specs};
use super::Direction;

impl Specs {
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
    pub(crate) fn check_request(&self, op: &Operation, body: Option<&Value>) -> Vec<String> {
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
    pub(crate) fn check_response(
        &self,
        op: &Operation,
        status: u16,
        body: Option<&Value>,
    ) -> Vec<String> {
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
    pub(crate) fn check_definition(
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
