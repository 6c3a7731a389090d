//! An OpenAPI 2.0 (Swagger) validator for the vendored Azure REST specs: finds the operation by
//! method and path template, resolves `$ref`s across files, merges `allOf`, follows
//! `x-ms-discriminator-value` subtypes, and checks required properties, types, enums, unknown
//! properties, `readOnly` (in requests) and the api-version.

mod schema;
mod specs;

use std::path::Path;
use std::sync::Mutex;

use serde_json::Value;

use specs::{Operation, Specs};

/// Which side of a call a body is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Sent by the client: `readOnly` properties must not appear.
    Request,
    /// Returned by the server.
    Response,
}

/// What the fake server records: every validated call and every mismatch.
#[derive(Default)]
pub(crate) struct Record {
    /// How many requests were validated against an operation.
    pub(crate) validated_requests: usize,
    /// How many responses were validated.
    pub(crate) validated_responses: usize,
    /// Every problem, with the call it was found in.
    pub(crate) mismatches: Vec<String>,
    /// Paths of calls no spec describes (the Compute VM GET, the token endpoint).
    pub(crate) unspecified: Vec<String>,
}

/// [`Specs`] plus the running [`Record`], shared by the fake server's handlers.
pub(crate) struct Validator {
    /// The specs.
    pub(crate) specs: Specs,
    /// The record.
    pub(crate) record: Mutex<Record>,
}

impl Validator {
    /// Loads the specs vendored in `tests/specs/azure`.
    pub(crate) fn load_default() -> Validator {
        Validator {
            specs: Specs::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/specs/azure")),
            record: Mutex::new(Record::default()),
        }
    }

    /// Validates one request; returns the operation (if any spec has it).
    pub(crate) fn request(
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
    pub(crate) fn response(&self, op: &Operation, path: &str, status: u16, body: Option<&Value>) {
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
