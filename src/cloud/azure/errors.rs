//! Azure errors to [`CloudError`]: the Azure half of the error classification (AWS has its own),
//! and ARM error bodies read into code and message.

use reqwest::StatusCode;
use serde_json::Value;

use super::arm::Subject;
use super::bodies::{ErrorDetail, ErrorResponse};
use crate::cloud::error::{CloudError, ErrorKind};

/// The kind Azure means by an error `code` (Resource Manager's common codes, Recovery Services'
/// refusal to delete a vault that still holds items) and HTTP `status`; the status decides only
/// when the code is unknown or missing.
pub(crate) fn classify(code: Option<&str>, status: Option<u16>) -> ErrorKind {
    match code.unwrap_or_default() {
        "ResourceNotFound" | "ResourceGroupNotFound" | "ParentResourceNotFound" => {
            ErrorKind::NotFound
        }
        "TooManyRequests" | "SubscriptionRequestsThrottled" | "ResourceRequestsThrottled" => {
            ErrorKind::Throttled
        }
        // A vault that still holds items answers 400, but the request itself was fine.
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
        "GatewayTimeout"
        | "InternalError"
        | "InternalServerError"
        | "ServiceUnavailable"
        | "RequestTimeout" => ErrorKind::Transient,
        _ => ErrorKind::from_status(status),
    }
}

/// An error Azure answered, classified by [`classify`]. A message quoting a secret the provider
/// registered (a SAS URL or signature echoed back, a token) has it replaced, so diagnostics never
/// show it.
pub(crate) fn api_error(
    operation: impl Into<std::borrow::Cow<'static, str>>,
    name: impl Into<String>,
    code: Option<String>,
    message: impl Into<String>,
    status: Option<u16>,
) -> CloudError {
    let kind = classify(code.as_deref(), status);
    let message = message.into();
    let message = tfplugin::logging::scrub(&message).unwrap_or(message);
    CloudError::from_api(kind, operation, name, code, message, status)
}

/// ARM's `{"error": {"code", "message", "details": [...]}}` (also the Web `DefaultErrorResponse`
/// and the Backup `CloudError`), as a [`CloudError`]; the details' messages are appended.
pub(crate) fn arm_error(
    subject: Subject<'_>,
    status: StatusCode,
    body: Option<&Value>,
) -> CloudError {
    let error = body
        .and_then(|b| serde_json::from_value::<ErrorResponse>(b.clone()).ok())
        .and_then(|b| b.error);
    let (code, message) = error_parts(error);
    api_error(
        subject.operation,
        subject.name,
        code,
        message,
        Some(status.as_u16()),
    )
}

fn error_parts(error: Option<ErrorDetail>) -> (Option<String>, String) {
    let Some(error) = error else {
        return (None, String::new());
    };
    let mut message = error.message.unwrap_or_default();
    let details: Vec<String> = error
        .details
        .into_iter()
        .flatten()
        .filter_map(|d| {
            let msg = d.message?;
            Some(match d.code {
                Some(code) => format!("{code}: {msg}"),
                None => msg,
            })
        })
        .filter(|d| !message.contains(d.as_str()))
        .collect();
    if !details.is_empty() {
        message.push_str(" (");
        message.push_str(&details.join("; "));
        message.push(')');
    }
    (error.code, message)
}

/// A long-running operation that ended Failed or Canceled: its `error`, classified by code.
pub(crate) fn operation_failed(
    subject: Subject<'_>,
    status: &str,
    error: Option<ErrorDetail>,
) -> CloudError {
    let (code, message) = error_parts(error);
    let message = if message.is_empty() {
        format!("the operation ended {status}")
    } else {
        message
    };
    api_error(subject.operation, subject.name, code, message, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
            assert_eq!(classify(Some(code), Some(status)), kind, "{code}");
        }
    }

    #[test]
    fn registered_secrets_are_replaced_in_azure_messages() {
        let _sas = super::super::settings::Secret::sas_url(
            "https://acct.blob.core.windows.net/c?sv=1&sig=U2lnbmF0dXJlRWNob2Vk%2B",
        );
        let body = json!({"error": {"code": "BadRequest", "message": "signature U2lnbmF0dXJlRWNob2Vk+ does not match"}});
        let err = arm_error(
            Subject {
                operation: "configuring App Service backup",
                name: "shop",
            },
            StatusCode::BAD_REQUEST,
            Some(&body),
        );
        assert_eq!(
            err.to_string(),
            "configuring App Service backup (shop): BadRequest: signature <redacted> does not match"
        );
    }

    #[test]
    fn error_body_with_details() {
        let body = json!({"error": {"code": "Conflict", "message": "busy", "details": [{"code": "X", "message": "more"}]}});
        let err = arm_error(
            Subject {
                operation: "creating Recovery Services Vault",
                name: "v",
            },
            StatusCode::CONFLICT,
            Some(&body),
        );
        assert_eq!(err.code(), Some("Conflict"));
        assert_eq!(err.kind(), ErrorKind::Conflict);
        assert_eq!(
            err.to_string(),
            "creating Recovery Services Vault (v): Conflict: busy (X: more)"
        );
    }
}
