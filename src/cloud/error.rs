//! The one error type every cloud backend returns.
//!
//! Resources act on the [`ErrorKind`] (drop a vanished object from state, refuse a destroy, retry)
//! and show the error to the user as it is: `creating Backup Vault (org-root): AccessDeniedException:
//! User ... is not authorized ...`, the format terraform-provider-aws uses for every diagnostic.

use std::borrow::Cow;
use std::fmt;

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
    /// The kind a cloud means by an error `code` and HTTP `status`: the codes AWS Backup and STS
    /// document, and the common Azure Resource Manager and Recovery Services ones. The status
    /// decides only when the code is unknown or missing.
    pub fn classify(code: Option<&str>, status: Option<u16>) -> ErrorKind {
        let code = code.unwrap_or_default();
        match code {
            "ResourceNotFoundException" | "NoSuchEntity" => ErrorKind::NotFound,
            "ThrottlingException"
            | "Throttling"
            | "TooManyRequestsException"
            | "RequestLimitExceeded" => ErrorKind::Throttled,
            "AlreadyExistsException" | "ConflictException" => ErrorKind::Conflict,
            "InvalidRequestException" | "InvalidResourceStateException" => ErrorKind::InvalidState,
            "AccessDeniedException"
            | "AccessDenied"
            | "UnauthorizedOperation"
            | "UnrecognizedClientException"
            | "InvalidClientTokenId"
            | "ExpiredToken"
            | "ExpiredTokenException"
            | "SignatureDoesNotMatch" => ErrorKind::AccessDenied,
            "InvalidParameterValueException"
            | "ValidationException"
            | "MissingParameterValueException"
            | "SerializationException"
            | "MalformedPolicyDocument" => ErrorKind::InvalidInput,
            "ServiceUnavailableException"
            | "InternalFailure"
            | "InternalServerError"
            | "ServiceUnavailable"
            | "DependencyFailureException"
            | "RequestTimeout"
            | "RequestTimeoutException" => ErrorKind::Transient,
            _ => Self::classify_azure(code).unwrap_or(match status {
                Some(404) => ErrorKind::NotFound,
                Some(429) => ErrorKind::Throttled,
                Some(409) => ErrorKind::Conflict,
                Some(401 | 403) => ErrorKind::AccessDenied,
                Some(500..=599) => ErrorKind::Transient,
                Some(400..=499) => ErrorKind::InvalidInput,
                _ => ErrorKind::Other,
            }),
        }
    }

    /// Azure Resource Manager's common error codes, and Recovery Services' refusal to delete a
    /// vault that still holds items: a 400 that is about the vault's state, not the request.
    fn classify_azure(code: &str) -> Option<ErrorKind> {
        Some(match code {
            "ResourceNotFound" | "ResourceGroupNotFound" | "ParentResourceNotFound" => {
                ErrorKind::NotFound
            }
            "TooManyRequests" | "SubscriptionRequestsThrottled" | "ResourceRequestsThrottled" => {
                ErrorKind::Throttled
            }
            "ServiceResourceNotEmpty" | "ServiceResourceNotEmptyWithContainerDetails" => {
                ErrorKind::InvalidState
            }
            "AuthorizationFailed"
            | "LinkedAuthorizationFailed"
            | "InvalidAuthenticationToken"
            | "ExpiredAuthenticationToken"
            | "AuthenticationFailed" => ErrorKind::AccessDenied,
            "InvalidParameter" | "InvalidRequestContent" | "InvalidResourceName" => {
                ErrorKind::InvalidInput
            }
            "GatewayTimeout" | "InternalError" => ErrorKind::Transient,
            _ => return None,
        })
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
            source: None,
        }))
    }

    /// An error answered by the cloud API: the kind follows from `code` and `status`
    /// (see [`ErrorKind::classify`]).
    pub fn from_api(
        operation: impl Into<Cow<'static, str>>,
        name: impl Into<String>,
        code: Option<String>,
        message: impl Into<String>,
        status: Option<u16>,
    ) -> CloudError {
        let kind = ErrorKind::classify(code.as_deref(), status);
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
            source: None,
        }))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_uses_the_one_format() {
        let err = CloudError::from_api(
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

        let bare = CloudError::from_api("reading Backup Plan", "p", None, "", Some(503));
        assert_eq!(bare.to_string(), "reading Backup Plan (p): HTTP 503");
        assert_eq!(bare.kind(), ErrorKind::Transient);
    }

    #[test]
    fn azure_codes_outrank_their_status() {
        let cases = [
            ("ResourceGroupNotFound", 404, ErrorKind::NotFound),
            ("SubscriptionRequestsThrottled", 429, ErrorKind::Throttled),
            // A vault that still holds items answers 400, but the request itself was fine.
            ("ServiceResourceNotEmpty", 400, ErrorKind::InvalidState),
            (
                "ServiceResourceNotEmptyWithContainerDetails",
                400,
                ErrorKind::InvalidState,
            ),
            ("AuthorizationFailed", 403, ErrorKind::AccessDenied),
            ("ExpiredAuthenticationToken", 401, ErrorKind::AccessDenied),
            ("InvalidParameter", 400, ErrorKind::InvalidInput),
            ("GatewayTimeout", 504, ErrorKind::Transient),
            // Unknown codes fall back to the status.
            ("BMSUserErrorSomethingNew", 409, ErrorKind::Conflict),
        ];
        for (code, status, kind) in cases {
            assert_eq!(
                ErrorKind::classify(Some(code), Some(status)),
                kind,
                "{code}"
            );
        }
    }

    #[test]
    fn classify_by_code_then_status() {
        let cases = [
            (
                Some("ResourceNotFoundException"),
                Some(400),
                ErrorKind::NotFound,
            ),
            (Some("ThrottlingException"), Some(400), ErrorKind::Throttled),
            (
                Some("TooManyRequestsException"),
                Some(429),
                ErrorKind::Throttled,
            ),
            (None, Some(429), ErrorKind::Throttled),
            (
                Some("AlreadyExistsException"),
                Some(400),
                ErrorKind::Conflict,
            ),
            (
                Some("InvalidRequestException"),
                Some(400),
                ErrorKind::InvalidState,
            ),
            (
                Some("AccessDeniedException"),
                Some(403),
                ErrorKind::AccessDenied,
            ),
            (
                Some("InvalidParameterValueException"),
                Some(400),
                ErrorKind::InvalidInput,
            ),
            (
                Some("ServiceUnavailableException"),
                Some(503),
                ErrorKind::Transient,
            ),
            (Some("SomethingNew"), Some(502), ErrorKind::Transient),
            (Some("SomethingNew"), Some(404), ErrorKind::NotFound),
            (None, None, ErrorKind::Other),
        ];
        for (code, status, want) in cases {
            assert_eq!(
                ErrorKind::classify(code, status),
                want,
                "{code:?} {status:?}"
            );
        }
    }

    #[test]
    fn message_predicate_needs_code_and_fragment() {
        let err = CloudError::from_api(
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
