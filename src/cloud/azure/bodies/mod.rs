//! Typed ARM request and response bodies (serde), named and shaped as in the vendored specs under
//! `tests/specs/azure`. Every field is optional and absent fields are not sent, so one struct
//! serves the PUT we send and the answer we read; fields only ARM sets are never serialized.

pub(crate) mod policy;
pub(crate) mod protected_item;
pub(crate) mod site_backup;
pub(crate) mod vault;
pub(crate) mod vault_encryption;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::arm::Subject;
use crate::cloud::error::{CloudError, ErrorKind};

/// A request body as the JSON the client sends.
pub(crate) fn to_json<T: Serialize>(body: &T) -> Value {
    // Plain structs with string keys: serde_json cannot fail on them.
    serde_json::to_value(body).expect("ARM bodies serialize to JSON")
}

/// An answer's body read as `T`; an answer that does not fit is an error naming the operation.
pub(crate) fn from_json<T: DeserializeOwned>(
    body: Value,
    subject: Subject<'_>,
) -> Result<T, CloudError> {
    serde_json::from_value(body).map_err(|e| {
        CloudError::new(
            ErrorKind::Other,
            subject.operation,
            subject.name,
            format!("unreadable answer from Azure: {e}"),
        )
    })
}

/// A part of an answer read when it has the shape this provider writes, else `None`: a policy
/// changed out of band to another shape is drift, not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IfShaped<T>(pub(crate) Option<T>);

impl<'de, T: DeserializeOwned> Deserialize<'de> for IfShaped<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Ok(IfShaped(serde_json::from_value(value).ok()))
    }
}

impl<T: Serialize> Serialize for IfShaped<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// ARM's error body (`ErrorResponse`; also the Web `DefaultErrorResponse` and the Backup
/// `CloudError`).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorResponse {
    /// The error.
    #[serde(default)]
    pub(crate) error: Option<ErrorDetail>,
}

/// `ErrorDetail`: a code, a message and more detailed errors.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ErrorDetail {
    /// The error code, e.g. `ResourceNotFound`.
    #[serde(default)]
    pub(crate) code: Option<String>,
    /// The message.
    #[serde(default)]
    pub(crate) message: Option<String>,
    /// More detailed errors.
    #[serde(default)]
    pub(crate) details: Option<Vec<ErrorDetail>>,
}

/// The status of a long-running operation (`Azure-AsyncOperation` URL).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OperationStatus {
    /// `InProgress`, `Succeeded`, `Failed`, `Canceled`.
    #[serde(default)]
    pub(crate) status: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub(crate) error: Option<ErrorDetail>,
}
