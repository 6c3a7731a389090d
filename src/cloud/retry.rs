//! The one retry loop of both clouds: exponential backoff with full jitter, or the server's
//! `Retry-After` when it sent one; bounded attempts and total time; cancellable waits; retries only
//! on named predicates. Each retry is logged at debug level with the operation and the attempt.
//!
//! Every AWS call goes through it too, the SDK's own retries being off by default (see
//! `aws::ConnectOptions`), so attempts do not multiply: throttling, 5xx, dropped connections and
//! timeouts, and eventual-consistency errors such as "Related backup plan selections must be
//! deleted prior to backup plan deletion", which are retryable only for the operation that quotes
//! them. The Azure Resource Manager client sends every request through it.

use std::future::Future;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::error::{CloudError, ErrorKind};

/// Longest `Retry-After` honoured; a longer one is cut to this.
pub(crate) const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// `Retry-After` in seconds (neither cloud sends HTTP dates).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// Sleeps for `delay`, or less when `cancel` fires; false when it was cancelled.
pub(crate) async fn sleep_unless_cancelled(cancel: &CancellationToken, delay: Duration) -> bool {
    tokio::select! {
        biased;
        () = cancel.cancelled() => false,
        () = tokio::time::sleep(delay) => true,
    }
}

/// How long and how often to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first delay's upper bound; each later bound doubles.
    pub initial_delay: Duration,
    /// No single delay is longer than this.
    pub max_delay: Duration,
    /// Give up when the next delay would end past this much time since the first attempt.
    pub max_elapsed: Duration,
    /// Give up after this many attempts (the first call counts).
    pub max_attempts: u32,
}

impl RetryPolicy {
    /// For real clouds: up to two minutes, the propagation timeout terraform-provider-aws uses for
    /// IAM and Backup eventual consistency.
    pub fn standard() -> RetryPolicy {
        RetryPolicy {
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(20),
            max_elapsed: Duration::from_secs(120),
            max_attempts: 25,
        }
    }

    /// Tiny delays for tests against emulators and fault proxies.
    pub fn for_tests() -> RetryPolicy {
        RetryPolicy {
            initial_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(50),
            max_elapsed: Duration::from_secs(5),
            max_attempts: 10,
        }
    }

    /// The delay before retry number `retry` (0-based): a uniformly random duration up to
    /// `min(max_delay, initial_delay * 2^retry)` ("full jitter"), so that many clients throttled at
    /// once do not come back in lockstep.
    pub fn delay(&self, retry: u32) -> Duration {
        let cap = self
            .initial_delay
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max_delay);
        let cap_nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=cap_nanos))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::standard()
    }
}

/// The API asked us to slow down (`ThrottlingException`, `TooManyRequestsException`, HTTP 429).
pub fn is_throttling(err: &CloudError) -> bool {
    err.kind() == ErrorKind::Throttled
}

/// A server-side failure (HTTP 5xx) or a connection error / timeout that may pass.
pub fn is_transient(err: &CloudError) -> bool {
    err.kind() == ErrorKind::Transient
}

/// What every call retries on: throttling and transient failures.
pub fn is_retryable(err: &CloudError) -> bool {
    is_throttling(err) || is_transient(err)
}

/// Runs `op` until it succeeds, fails with an error `should_retry` rejects, the policy's attempts or
/// time run out (the last error is returned), or `cancel` fires during a backoff (an
/// [`ErrorKind::Cancelled`] error naming the last failure is returned). An error carrying the
/// server's `Retry-After` waits that long (at most two minutes) instead of the jittered backoff.
///
/// A request already in flight is not interrupted by `cancel`: dropping a create call half-way would
/// leave an object Terraform does not know about. The SDK's operation timeout bounds it instead.
pub async fn retry_when<T, F, Fut>(
    policy: &RetryPolicy,
    cancel: &CancellationToken,
    should_retry: impl Fn(&CloudError) -> bool,
    mut op: F,
) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, CloudError>>,
{
    let mut backoff = Backoff::new(policy, cancel);
    loop {
        let err = match op().await {
            Ok(value) => return Ok(value),
            Err(err) => err,
        };
        if !should_retry(&err) {
            return Err(err);
        }
        let Some(delay) = backoff.next_delay(err.retry_after()) else {
            return Err(err);
        };
        tracing::debug!(
            operation = err.operation(),
            name = err.name(),
            attempt = backoff.attempts,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "retrying: {err}"
        );
        if !backoff.sleep(delay).await {
            return Err(cancelled(err));
        }
    }
}

/// Polls `check` with the policy's backoff until it answers `Ok(Some(value))` (`Ok(None)`: not yet).
/// Throttling and transient errors count as "not yet"; other errors end the wait. When the budget
/// runs out the error reads `{operation} ({name}): timed out waiting for {what}`.
pub async fn wait_for<T, F, Fut>(
    policy: &RetryPolicy,
    cancel: &CancellationToken,
    operation: &'static str,
    name: &str,
    what: &str,
    mut check: F,
) -> Result<T, CloudError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, CloudError>>,
{
    let mut backoff = Backoff::new(policy, cancel);
    loop {
        let last = match check().await {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => None,
            Err(err) if is_retryable(&err) => Some(err),
            Err(err) => return Err(err),
        };
        let kind = match backoff.next_delay(last.as_ref().and_then(CloudError::retry_after)) {
            Some(delay) => {
                tracing::debug!(
                    operation,
                    name,
                    attempt = backoff.attempts,
                    "waiting for {what}"
                );
                if backoff.sleep(delay).await {
                    continue;
                }
                ErrorKind::Cancelled
            }
            None => ErrorKind::Other,
        };
        let verb = if kind == ErrorKind::Cancelled {
            "cancelled while waiting"
        } else {
            "timed out waiting"
        };
        let mut message = format!("{verb} for {what}");
        if let Some(err) = &last {
            message.push_str(&format!("; last error: {}", cause_text(err)));
        }
        let err = CloudError::new(kind, operation, name, message);
        return Err(match last {
            Some(source) => err.with_source(source),
            None => err,
        });
    }
}

/// Attempt counting, the time budget and cancellable sleeps, shared by retries and waits.
struct Backoff<'a> {
    policy: &'a RetryPolicy,
    cancel: &'a CancellationToken,
    started: Instant,
    attempts: u32,
}

impl<'a> Backoff<'a> {
    fn new(policy: &'a RetryPolicy, cancel: &'a CancellationToken) -> Self {
        Backoff {
            policy,
            cancel,
            started: Instant::now(),
            attempts: 0,
        }
    }

    /// Called after a failed attempt: the delay before the next one (the server's `retry_after`
    /// when it gave one, else the jittered backoff), or `None` when the budget is spent.
    fn next_delay(&mut self, retry_after: Option<Duration>) -> Option<Duration> {
        self.attempts += 1;
        if self.attempts >= self.policy.max_attempts {
            return None;
        }
        let delay = retry_after
            .map(|d| d.min(MAX_RETRY_AFTER))
            .unwrap_or_else(|| self.policy.delay(self.attempts - 1));
        (self.started.elapsed() + delay <= self.policy.max_elapsed).then_some(delay)
    }

    /// Sleeps `delay`; false when `cancel` fired first.
    async fn sleep(&self, delay: Duration) -> bool {
        sleep_unless_cancelled(self.cancel, delay).await
    }
}

/// The cloud's part of an error message: `code: message`.
fn cause_text(err: &CloudError) -> String {
    match err.code() {
        Some(code) => format!("{code}: {}", err.message()),
        None => err.message().to_owned(),
    }
}

/// `err`, re-labelled as cancelled: Terraform asked us to stop while we waited to retry it.
fn cancelled(err: CloudError) -> CloudError {
    let message = format!(
        "cancelled while waiting to retry; last error: {}",
        cause_text(&err)
    );
    CloudError::new(
        ErrorKind::Cancelled,
        err.operation().to_owned(),
        err.name(),
        message,
    )
    .with_source(err)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn throttled() -> CloudError {
        CloudError::from_api(
            ErrorKind::Throttled,
            "creating Backup Vault",
            "v",
            Some("ThrottlingException".into()),
            "Rate exceeded",
            Some(400),
        )
    }

    #[test]
    fn delays_stay_under_the_doubling_cap() {
        let policy = RetryPolicy {
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(1000),
            max_elapsed: Duration::from_secs(60),
            max_attempts: 10,
        };
        for _ in 0..200 {
            assert!(policy.delay(0) <= Duration::from_millis(100));
            assert!(policy.delay(2) <= Duration::from_millis(400));
            assert!(policy.delay(30) <= Duration::from_millis(1000));
        }
    }

    #[tokio::test]
    async fn retries_named_errors_until_success() {
        let calls = AtomicU32::new(0);
        let out = retry_when(
            &RetryPolicy::for_tests(),
            &CancellationToken::new(),
            is_retryable,
            || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 3 {
                    Err(throttled())
                } else {
                    Ok(7)
                }
            },
        )
        .await
        .unwrap();
        assert_eq!(out, 7);
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn the_servers_retry_after_replaces_the_backoff() {
        let calls = AtomicU32::new(0);
        let started = Instant::now();
        retry_when(
            &RetryPolicy::for_tests(),
            &CancellationToken::new(),
            is_retryable,
            || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 1 {
                    Err(throttled().with_retry_after(Some(Duration::from_millis(300))))
                } else {
                    Ok(())
                }
            },
        )
        .await
        .unwrap();
        // The test policy's own delays are at most 50 ms.
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_retry_after_past_the_time_budget_ends_the_retries() {
        let calls = AtomicU32::new(0);
        let err = retry_when(
            &RetryPolicy::for_tests(),
            &CancellationToken::new(),
            is_retryable,
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(throttled().with_retry_after(Some(Duration::from_secs(60))))
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Throttled);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn retry_after_is_in_seconds() {
        assert_eq!(parse_retry_after(" 10 "), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }

    #[tokio::test]
    async fn does_not_retry_other_errors() {
        let calls = AtomicU32::new(0);
        let err = retry_when(
            &RetryPolicy::for_tests(),
            &CancellationToken::new(),
            is_retryable,
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err::<(), _>(CloudError::new(
                    ErrorKind::AccessDenied,
                    "creating Backup Vault",
                    "v",
                    "no",
                ))
            },
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::AccessDenied);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn gives_up_after_max_attempts_with_the_last_error() {
        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::for_tests()
        };
        let calls = AtomicU32::new(0);
        let err = retry_when(&policy, &CancellationToken::new(), is_retryable, || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(throttled())
        })
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Throttled);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn gives_up_when_time_runs_out() {
        let policy = RetryPolicy {
            initial_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(20),
            max_elapsed: Duration::from_millis(60),
            max_attempts: 1000,
        };
        let started = Instant::now();
        let err = retry_when(&policy, &CancellationToken::new(), is_retryable, || async {
            Err::<(), _>(throttled())
        })
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Throttled);
        assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[tokio::test]
    async fn wait_for_polls_then_times_out_with_the_subject() {
        let calls = AtomicU32::new(0);
        let got = wait_for(
            &RetryPolicy::for_tests(),
            &CancellationToken::new(),
            "deleting Backup Vault",
            "v",
            "x",
            || async { Ok((calls.fetch_add(1, Ordering::SeqCst) >= 2).then_some(9)) },
        )
        .await
        .unwrap();
        assert_eq!((got, calls.load(Ordering::SeqCst)), (9, 3));

        let policy = RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::for_tests()
        };
        let err = wait_for(
            &policy,
            &CancellationToken::new(),
            "deleting Backup Vault",
            "v",
            "recovery points",
            || async { Ok(None::<()>) },
        )
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "deleting Backup Vault (v): timed out waiting for recovery points"
        );
    }

    #[tokio::test]
    async fn cancellation_interrupts_the_backoff() {
        let policy = RetryPolicy {
            initial_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(30),
            max_elapsed: Duration::from_secs(300),
            max_attempts: 10,
        };
        let cancel = CancellationToken::new();
        let trigger = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(20)).await;
            trigger.cancel();
        });
        let started = Instant::now();
        // Jitter could pick a near-zero delay; keep failing so a backoff is eventually in progress.
        let err = retry_when(&policy, &cancel, is_retryable, || async {
            Err::<(), _>(throttled())
        })
        .await
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Cancelled);
        assert!(err.to_string().contains("ThrottlingException"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
