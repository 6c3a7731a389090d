//! The one error type every cloud backend returns.
//!
//! Resources act on the [`ErrorKind`] (drop a vanished object from state, refuse a destroy, retry)
//! and show the error to the user as it is: `creating Backup Vault (org-root): AccessDeniedException:
//! User ... is not authorized ...`, the format terraform-provider-aws uses for every diagnostic.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

/// What went wrong, coarse enough for a resource to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The object does not exist (AWS `ResourceNotFoundException`). Read drops it from state;
    /// Delete treats it as success.
    NotFound,
    /// The API asked us to slow down (`ThrottlingException`, `TooManyRequestsException`, HTTP 429)
    /// and retrying did not help within the time budget.
    Throttled,
    /// The object already exists, or a concurrent change won (`AlreadyExistsException`,
    /// `ConflictException`).
    Conflict,
    /// The object is in a state that forbids the operation: a vault that still holds recovery points,
    /// a plan whose selections must be deleted first, a vault lock that became immutable.
    InvalidState,
    /// The caller's credentials may not do this (`AccessDeniedException`, HTTP 403).
    AccessDenied,
    /// The request was malformed or a value out of range (`InvalidParameterValueException`,
    /// `ValidationException`, `MissingParameterValueException`), or the provider configuration
    /// is incomplete (no region).
    InvalidInput,
    /// A server-side or network failure that outlived the retries (HTTP 5xx, connection reset,
    /// timeout).
    Transient,
    /// Terraform asked the provider to stop while the operation was waiting to retry.
    Cancelled,
    /// Anything else; the message says what.
    Other,
}

impl ErrorKind {
    /// The kind an HTTP `status` means when the cloud's error code is unknown or missing. Each
    /// cloud's classifier (`aws::errors`, `azure::errors`) names its codes first and falls back to
    /// this.
    pub fn from_status(status: Option<u16>) -> ErrorKind {
        match status {
            Some(404) => ErrorKind::NotFound,
            Some(429) => ErrorKind::Throttled,
            Some(409) => ErrorKind::Conflict,
            Some(401 | 403) => ErrorKind::AccessDenied,
            Some(500..=599) => ErrorKind::Transient,
            Some(400..=499) => ErrorKind::InvalidInput,
            _ => ErrorKind::Other,
        }
    }
}

/// An error from a cloud API call, with the operation, the object it was about and the cloud's own
/// message.
///
/// Displays as `{operation} ({name}): {code}: {message}`, e.g.
/// `deleting Backup Vault (org-root): InvalidRequestException: ...`. Boxed, so `Result`s carrying
/// it stay one pointer wide.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct CloudError(Box<Inner>);

#[derive(Debug, thiserror::Error)]
#[error("{operation} ({name}): {cause}")]
struct Inner {
    kind: ErrorKind,
    operation: Cow<'static, str>,
    name: String,
    cause: Cause,
    /// How long the server asked us to wait before trying again (`Retry-After`), if it said.
    retry_after: Option<Duration>,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

/// The cloud's side of the message: its error code (when it sent one) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cause {
    code: Option<String>,
    message: String,
    status: Option<u16>,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, self.message.is_empty()) {
            (Some(code), false) => write!(f, "{code}: {}", self.message),
            (Some(code), true) => f.write_str(code),
            (None, _) => f.write_str(&self.message),
        }
    }
}

impl CloudError {
    /// A new error. `operation` reads like "creating Backup Vault"; `name` is the object's name or id.
    pub fn new(
        kind: ErrorKind,
        operation: impl Into<Cow<'static, str>>,
        name: impl Into<String>,
        message: impl Into<String>,
    ) -> CloudError {
        CloudError(Box::new(Inner {
            kind,
            operation: operation.into(),
            name: name.into(),
            cause: Cause {
                code: None,
                message: message.into(),
                status: None,
            },
            retry_after: None,
            source: None,
        }))
    }

    /// An error answered by the cloud API, of the `kind` the cloud's classifier gave its `code` and
    /// `status`. Without a code or message the text is `HTTP {status}`.
    pub fn from_api(
        kind: ErrorKind,
        operation: impl Into<Cow<'static, str>>,
        name: impl Into<String>,
        code: Option<String>,
        message: impl Into<String>,
        status: Option<u16>,
    ) -> CloudError {
        let mut message = message.into();
        if code.is_none() && message.is_empty() {
            if let Some(status) = status {
                message = format!("HTTP {status}");
            }
        }
        CloudError(Box::new(Inner {
            kind,
            operation: operation.into(),
            name: name.into(),
            cause: Cause {
                code,
                message,
                status,
            },
            retry_after: None,
            source: None,
        }))
    }

    /// The error with the server's `Retry-After` attached: the retry loop waits that long (capped)
    /// instead of its own backoff.
    pub fn with_retry_after(mut self, retry_after: Option<Duration>) -> Self {
        self.0.retry_after = retry_after;
        self
    }

    /// The error with its underlying cause attached (kept for `Error::source`, not displayed twice).
    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        self.0.source = Some(source.into());
        self
    }

    /// The same failure reported for a different operation or object, e.g. a tag update failing
    /// inside "updating Backup Plan (id)".
    pub fn in_operation(
        mut self,
        operation: impl Into<Cow<'static, str>>,
        name: impl Into<String>,
    ) -> Self {
        self.0.operation = operation.into();
        self.0.name = name.into();
        self
    }

    /// What went wrong, for resources to act on.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The operation that failed, e.g. "creating Backup Vault".
    pub fn operation(&self) -> &str {
        &self.0.operation
    }

    /// The name or id of the object the operation was about.
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The cloud's error code, e.g. `AccessDeniedException`, when it sent one.
    pub fn code(&self) -> Option<&str> {
        self.0.cause.code.as_deref()
    }

    /// The cloud's (or our) message, without the code.
    pub fn message(&self) -> &str {
        &self.0.cause.message
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        self.0.cause.status
    }

    /// How long the server asked us to wait before trying again, if it said (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.0.retry_after
    }

    /// True when the object does not exist.
    pub fn is_not_found(&self) -> bool {
        self.0.kind == ErrorKind::NotFound
    }

    /// True when the error has `code` and its message contains `fragment`: the building block of the
    /// named retry predicates, which quote the API's message.
    pub fn is_code_with_message(&self, code: &str, fragment: &str) -> bool {
        self.code() == Some(code) && self.message().contains(fragment)
    }
}

/// Reading a call's outcome where a missing object is an answer, not a failure (finders, and
/// deletes where gone is done).
pub(crate) trait GoneIsNone<T> {
    /// `Ok(None)` when the object is not found.
    fn none_if_not_found(self) -> Result<Option<T>, CloudError>;

    /// `Ok(None)` for the errors `gone` names (e.g. a selection whose plan is gone).
    fn none_if(self, gone: impl Fn(&CloudError) -> bool) -> Result<Option<T>, CloudError>;
}

impl<T> GoneIsNone<T> for Result<T, CloudError> {
    fn none_if_not_found(self) -> Result<Option<T>, CloudError> {
        self.none_if(CloudError::is_not_found)
    }

    fn none_if(self, gone: impl Fn(&CloudError) -> bool) -> Result<Option<T>, CloudError> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(err) if gone(&err) => Ok(None),
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_uses_the_one_format() {
        let err = CloudError::from_api(
            ErrorKind::AccessDenied,
            "creating Backup Vault",
            "org-root",
            Some("AccessDeniedException".into()),
            "User is not authorized",
            Some(403),
        );
        assert_eq!(
            err.to_string(),
            "creating Backup Vault (org-root): AccessDeniedException: User is not authorized"
        );
        assert_eq!(err.kind(), ErrorKind::AccessDenied);

        let plain = CloudError::new(
            ErrorKind::InvalidState,
            "deleting Backup Vault",
            "v",
            "holds 2 recovery points",
        );
        assert_eq!(
            plain.to_string(),
            "deleting Backup Vault (v): holds 2 recovery points"
        );

        let bare = CloudError::from_api(
            ErrorKind::from_status(Some(503)),
            "reading Backup Plan",
            "p",
            None,
            "",
            Some(503),
        );
        assert_eq!(bare.to_string(), "reading Backup Plan (p): HTTP 503");
        assert_eq!(bare.kind(), ErrorKind::Transient);
    }

    #[test]
    fn unknown_codes_fall_back_to_the_status() {
        let cases = [
            (Some(404), ErrorKind::NotFound),
            (Some(429), ErrorKind::Throttled),
            (Some(409), ErrorKind::Conflict),
            (Some(401), ErrorKind::AccessDenied),
            (Some(403), ErrorKind::AccessDenied),
            (Some(502), ErrorKind::Transient),
            (Some(400), ErrorKind::InvalidInput),
            (None, ErrorKind::Other),
        ];
        for (status, kind) in cases {
            assert_eq!(ErrorKind::from_status(status), kind, "{status:?}");
        }
    }

    #[test]
    fn message_predicate_needs_code_and_fragment() {
        let err = CloudError::from_api(
            ErrorKind::InvalidState,
            "deleting Backup Plan",
            "id",
            Some("InvalidRequestException".into()),
            "Related backup plan selections must be deleted prior to backup plan deletion",
            Some(400),
        );
        assert!(err.is_code_with_message("InvalidRequestException", "selections must be deleted"));
        assert!(!err.is_code_with_message("ConflictException", "selections must be deleted"));
        assert!(!err.is_code_with_message("InvalidRequestException", "vault lock"));
    }
}
