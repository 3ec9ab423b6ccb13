//! What a failed SDK call means, in one line: access denied (naming the IAM action), throttled
//! past retries, timed out, unreachable. Shared by the probes and the S3 baseline store; a call
//! that was not answered is an error verdict, never a pass.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Error codes AWS services use for a missing permission.
const ACCESS_DENIED: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "Forbidden",
];
/// Error codes for throttling.
const THROTTLED: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "SlowDown",
    "RequestThrottled",
    "RequestThrottledException",
];

/// The error code of a service error, if the call got that far.
pub fn error_code<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> Option<&str> {
    match err {
        SdkError::ServiceError(e) => e.err().code(),
        _ => None,
    }
}

/// One line saying why a call failed, naming the IAM action when access was denied.
pub fn describe_error<E, R>(action: &str, err: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("Unknown");
            let message = e.message().unwrap_or("");
            if ACCESS_DENIED.contains(&code) {
                format!("access denied: the caller may not call `{action}` ({code}: {message})")
            } else if THROTTLED.contains(&code) {
                format!("throttled on `{action}` past all retries ({code}: {message})")
            } else {
                format!("`{action}` failed: {code}: {message}")
            }
        }
        SdkError::TimeoutError(_) => format!("`{action}` timed out"),
        SdkError::DispatchFailure(_) => {
            format!(
                "`{action}` could not reach the endpoint: {}",
                DisplayErrorContext(err)
            )
        }
        SdkError::ResponseError(_) => format!(
            "`{action}`: unreadable response: {}",
            DisplayErrorContext(err)
        ),
        other => format!("`{action}` failed: {}", DisplayErrorContext(other)),
    }
}
