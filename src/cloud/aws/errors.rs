//! SDK errors to [`CloudError`]: AWS's code and message kept verbatim, the kind derived from them
//! by [`classify`], the AWS half of the error classification (Azure has its own).

use std::error::Error;

use aws_config::retry::ErrorKind as RetryKind;
use aws_sdk_backup::config::http::HttpResponse;
use aws_sdk_backup::error::{BuildError, ProvideErrorMetadata, SdkError};

use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::retry::parse_retry_after;

/// A spec the SDK's builders refuse: a member the API requires is missing. Shown to the user as
/// the message of an [`ErrorKind::InvalidInput`] error.
#[derive(Debug, thiserror::Error)]
pub(crate) enum IncompleteInput {
    /// The plan, a copy action, a selection or one of its conditions.
    #[error("{0}")]
    Member(#[from] BuildError),
    /// A plan's rule, named.
    #[error("rule {rule}: {source}")]
    Rule {
        /// The rule's name.
        rule: String,
        /// What the SDK's builder said.
        source: BuildError,
    },
}

/// The kind AWS means by an error `code` (the codes AWS Backup and STS document) and HTTP
/// `status`; the status decides only when the code is unknown or missing.
pub(crate) fn classify(code: Option<&str>, status: Option<u16>) -> ErrorKind {
    match code.unwrap_or_default() {
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
        _ => ErrorKind::from_status(status),
    }
}

/// An error AWS answered, classified by [`classify`].
pub(crate) fn api_error(
    operation: &'static str,
    name: &str,
    code: Option<String>,
    message: impl Into<String>,
    status: Option<u16>,
) -> CloudError {
    let kind = classify(code.as_deref(), status);
    CloudError::from_api(kind, operation, name, code, message, status)
}

/// Maps an SDK error for `operation` on `name` (e.g. "creating Backup Vault", "org-root").
pub(crate) fn from_sdk<E>(
    operation: &'static str,
    name: &str,
    err: SdkError<E, HttpResponse>,
) -> CloudError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    describe(operation, name, &err).with_source(err)
}

/// The [`CloudError`] an SDK error amounts to, without keeping the SDK error as its source (for
/// errors only borrowed, e.g. found inside another error's chain).
pub(crate) fn describe<E>(
    operation: &'static str,
    name: &str,
    err: &SdkError<E, HttpResponse>,
) -> CloudError
where
    E: ProvideErrorMetadata + Error + Send + Sync + 'static,
{
    match err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = service.err().code().map(str::to_owned);
            let message = service.err().message().unwrap_or_default().to_owned();
            api_error(operation, name, code, message, Some(status))
                .with_retry_after(retry_after(service.raw()))
        }
        SdkError::TimeoutError(_) => {
            CloudError::new(ErrorKind::Transient, operation, name, chain_text(err))
        }
        SdkError::DispatchFailure(failure) => {
            let kind = dispatch_kind(failure.is_io() || failure.is_timeout(), failure.as_other());
            CloudError::new(kind, operation, name, chain_text(err))
        }
        SdkError::ResponseError(response) => {
            // An answer the SDK could not parse: usually a 5xx page from a proxy or load balancer.
            let status = response.raw().status().as_u16();
            let kind = match ErrorKind::from_status(Some(status)) {
                ErrorKind::InvalidInput => ErrorKind::Other,
                kind => kind,
            };
            CloudError::new(
                kind,
                operation,
                name,
                format!("HTTP {status}: {}", chain_text(err)),
            )
            .with_retry_after(retry_after(response.raw()))
        }
        _ => CloudError::new(ErrorKind::Other, operation, name, chain_text(err)),
    }
}

/// True for a failure without an answer: the connection was refused or dropped, or the endpoint
/// did not answer in time (HTTP errors carry a status, service errors a code).
pub(crate) fn is_unreachable(err: &CloudError) -> bool {
    err.kind() == ErrorKind::Transient && err.status().is_none() && err.code().is_none()
}

/// `err` (an [`is_unreachable`] failure of `service` at `endpoint`) restated so that the user sees
/// which endpoint failed and how long it was tried: `creating Backup Plan (p): cannot reach AWS
/// Backup at http://127.0.0.1:1234: ...: Connection refused (after 4 attempts over 12.0 s)`.
pub(crate) fn unreachable(
    err: CloudError,
    service: &str,
    endpoint: &str,
    attempts: u32,
    elapsed: std::time::Duration,
) -> CloudError {
    let plural = if attempts == 1 { "" } else { "s" };
    let message = format!(
        "cannot reach {service} at {endpoint}: {} (after {attempts} attempt{plural} over {:.1} s)",
        err.message(),
        elapsed.as_secs_f64()
    );
    CloudError::new(
        ErrorKind::Transient,
        err.operation().to_owned(),
        err.name(),
        message,
    )
    .with_source(err)
}

/// What a request that got no answer amounts to (`io_or_timeout`: the SDK says so; `other`: the
/// retry kind its HTTP client gave an error of no other class). Connections refused, reset or closed before the
/// answer was complete ("connection closed before message completed", which the SDK's HTTP client
/// marks as a transient "other" error) and timeouts may pass; anything else here (e.g. credentials
/// that could not be loaded) will not, and the chain of causes says why.
fn dispatch_kind(io_or_timeout: bool, other: Option<RetryKind>) -> ErrorKind {
    match other {
        _ if io_or_timeout => ErrorKind::Transient,
        Some(RetryKind::TransientError | RetryKind::ServerError) => ErrorKind::Transient,
        Some(RetryKind::ThrottlingError) => ErrorKind::Throttled,
        _ => ErrorKind::Other,
    }
}

/// The answer's `Retry-After`, if AWS sent one.
fn retry_after(response: &HttpResponse) -> Option<std::time::Duration> {
    response
        .headers()
        .get("retry-after")
        .and_then(parse_retry_after)
}

/// The first error of type `T` in `err`'s chain of sources (`err` included).
pub(crate) fn find_in_chain<'a, T: Error + 'static>(
    err: &'a (dyn Error + 'static),
) -> Option<&'a T> {
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// The messages of an error and its sources joined with ": ", like `DisplayErrorContext` but without
/// its trailing debug dump, which users should not have to read.
fn chain_text(err: &(dyn Error + 'static)) -> String {
    let mut text = String::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let part = e.to_string();
        if !part.is_empty() && !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        current = e.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl Error for Layer {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            self.1.as_deref().map(|l| l as &(dyn Error + 'static))
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
            assert_eq!(classify(code, status), want, "{code:?} {status:?}");
        }
    }

    #[test]
    fn dropped_connections_and_timeouts_are_transient() {
        assert_eq!(dispatch_kind(true, None), ErrorKind::Transient);
        // "connection closed before message completed"
        assert_eq!(
            dispatch_kind(false, Some(RetryKind::TransientError)),
            ErrorKind::Transient
        );
        assert_eq!(
            dispatch_kind(false, Some(RetryKind::ThrottlingError)),
            ErrorKind::Throttled
        );
        // e.g. credentials that could not be loaded
        assert_eq!(dispatch_kind(false, None), ErrorKind::Other);
        assert_eq!(
            dispatch_kind(false, Some(RetryKind::ClientError)),
            ErrorKind::Other
        );
    }

    #[test]
    fn chain_text_joins_causes_once() {
        let err = Layer(
            "dispatch failure",
            Some(Box::new(Layer(
                "io error",
                Some(Box::new(Layer("io error", None))),
            ))),
        );
        assert_eq!(chain_text(&err), "dispatch failure: io error");
        assert_eq!(
            find_in_chain::<Layer>(&err).map(|l| l.0),
            Some("dispatch failure")
        );
    }
}
