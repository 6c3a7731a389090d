//! Sending SDK requests: each attempt's error mapped to a [`CloudError`] naming the operation, our
//! retry layer around the attempts, paging, and waits for eventual consistency.

use std::error::Error;
use std::future::Future;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Instant;

use aws_sdk_backup::config::http::HttpResponse;
use aws_sdk_backup::error::{ProvideErrorMetadata, SdkError};

use super::errors::{from_sdk, is_unreachable, unreachable};
use super::AwsBackend;
use crate::cloud::error::{CloudError, ErrorKind};
use crate::cloud::retry;

impl AwsBackend {
    /// Sends `request` for `operation` on `name` (e.g. "creating Backup Vault", "org-root"),
    /// retrying throttling and transient failures. `request` builds a fresh request per attempt.
    pub(super) async fn send<T, E, F, Fut>(
        &self,
        operation: &'static str,
        name: &str,
        request: F,
    ) -> Result<T, CloudError>
    where
        E: ProvideErrorMetadata + Error + Send + Sync + 'static,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    {
        self.send_retrying(operation, name, |_| false, request)
            .await
    }

    /// [`send`](Self::send), also retrying the errors `also` names (eventual-consistency errors
    /// only this operation may see).
    pub(super) async fn send_retrying<T, E, F, Fut>(
        &self,
        operation: &'static str,
        name: &str,
        also: impl Fn(&CloudError) -> bool,
        mut request: F,
    ) -> Result<T, CloudError>
    where
        E: ProvideErrorMetadata + Error + Send + Sync + 'static,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
    {
        self.attempts(also, || {
            let attempt = request();
            async move { attempt.await.map_err(|e| from_sdk(operation, name, e)) }
        })
        .await
    }

    /// Sends a create `request` as [`send_retrying`](Self::send_retrying) does, but after an
    /// attempt whose answer may have been lost (a dropped connection, a timeout, a 5xx) first asks
    /// `find_created` whether that attempt made the object, and adopts it instead of creating a
    /// second one. AWS would honour the create's `CreatorRequestId` the same way; emulators and
    /// proxies may not.
    pub(super) async fn send_create<T, E, F, Fut, A, AFut>(
        &self,
        operation: &'static str,
        name: &str,
        also: impl Fn(&CloudError) -> bool,
        find_created: A,
        mut request: F,
    ) -> Result<T, CloudError>
    where
        E: ProvideErrorMetadata + Error + Send + Sync + 'static,
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        A: Fn(AwsBackend) -> AFut,
        AFut: Future<Output = Result<Option<T>, CloudError>>,
    {
        let answer_lost = AtomicBool::new(false);
        // The finder makes one attempt per call: its failure is a failed attempt of this loop,
        // which stays the only one, so the time bound holds.
        let once = self.single_attempt();
        self.attempts(also, || {
            // Boxed: the finder's future nests a whole retried call, too deep a type to inline.
            let check = answer_lost
                .load(Ordering::SeqCst)
                .then(|| Box::pin(find_created(once.clone())));
            let attempt = request();
            let answer_lost = &answer_lost;
            async move {
                if let Some(check) = check {
                    let found = check.await.map_err(|e| e.in_operation(operation, name))?;
                    if let Some(created) = found {
                        tracing::debug!(operation, name, "adopting what a lost attempt created");
                        return Ok(created);
                    }
                }
                let result = attempt.await.map_err(|e| from_sdk(operation, name, e));
                if result
                    .as_ref()
                    .is_err_and(|e| e.kind() == ErrorKind::Transient)
                {
                    answer_lost.store(true, Ordering::SeqCst);
                }
                result
            }
        })
        .await
    }

    /// Runs `attempt` through the one retry loop (retryable errors and those `also` names), counting
    /// the attempts; an endpoint that never answered is named in the final error, with how long and
    /// how often it was tried.
    async fn attempts<T, F, Fut>(
        &self,
        also: impl Fn(&CloudError) -> bool,
        mut attempt: F,
    ) -> Result<T, CloudError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, CloudError>>,
    {
        let started = Instant::now();
        let attempts = AtomicU32::new(0);
        retry::retry_when(
            &self.retry,
            &self.cancel,
            |e| retry::is_retryable(e) || also(e),
            || {
                attempts.fetch_add(1, Ordering::Relaxed);
                attempt()
            },
        )
        .await
        .map_err(|e| {
            if is_unreachable(&e) && !self.single_attempt {
                unreachable(
                    e,
                    "AWS Backup",
                    &self.endpoint,
                    attempts.load(Ordering::Relaxed),
                    started.elapsed(),
                )
            } else {
                e
            }
        })
    }

    /// This backend making one attempt per call, without restating errors: for calls made inside
    /// an attempt of another call's retry loop.
    fn single_attempt(&self) -> AwsBackend {
        let mut once = self.clone();
        once.retry.max_attempts = 1;
        once.single_attempt = true;
        once
    }

    /// Sends `request` once per page, each time with the previous page's token (`None` first) and
    /// as [`send`](Self::send) does; hands each page to `visit` until the last one or a break.
    pub(super) async fn send_pages<P, E, F, Fut>(
        &self,
        operation: &'static str,
        name: &str,
        mut request: F,
        next_token: impl Fn(&P) -> Option<&str>,
        mut visit: impl FnMut(&P) -> ControlFlow<()>,
    ) -> Result<(), CloudError>
    where
        E: ProvideErrorMetadata + Error + Send + Sync + 'static,
        F: FnMut(Option<String>) -> Fut,
        Fut: Future<Output = Result<P, SdkError<E, HttpResponse>>>,
    {
        let mut token: Option<String> = None;
        loop {
            let page = self
                .send(operation, name, || request(token.clone()))
                .await?;
            if visit(&page).is_break() {
                return Ok(());
            }
            // An empty token ends the listing as no token does.
            token = next_token(&page)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            if token.is_none() {
                return Ok(());
            }
        }
    }

    /// Polls `check` until it answers `Some`, within the retry policy's budget. `check` gets a
    /// backend making one attempt per call, so that the wait is the only retry loop and the time
    /// bound holds; an unreachable endpoint is named in the final error.
    pub(super) async fn wait_for<T, F, Fut>(
        &self,
        operation: &'static str,
        name: &str,
        what: &str,
        mut check: F,
    ) -> Result<T, CloudError>
    where
        F: FnMut(AwsBackend) -> Fut,
        Fut: Future<Output = Result<Option<T>, CloudError>>,
    {
        let started = Instant::now();
        let polls = AtomicU32::new(0);
        let once = self.single_attempt();
        let waited = retry::wait_for(&self.retry, &self.cancel, operation, name, what, || {
            polls.fetch_add(1, Ordering::Relaxed);
            check(once.clone())
        })
        .await;
        waited.map_err(|err| {
            let last = Error::source(&err).and_then(|s| s.downcast_ref::<CloudError>());
            match last {
                Some(last) if is_unreachable(last) && !self.single_attempt => {
                    let last = CloudError::new(
                        ErrorKind::Transient,
                        operation,
                        name,
                        last.message().to_owned(),
                    );
                    let polls = polls.load(Ordering::Relaxed);
                    unreachable(last, "AWS Backup", &self.endpoint, polls, started.elapsed())
                }
                _ => err,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::cloud::aws::{AwsContext, ConnectOptions};
    use crate::cloud::{BackupBackend, PlanSpec, RetryPolicy};

    /// Options with a one-second retry budget and short timeouts.
    fn short() -> ConnectOptions {
        ConnectOptions {
            retry: RetryPolicy {
                initial_delay: Duration::from_millis(20),
                max_delay: Duration::from_millis(100),
                max_elapsed: Duration::from_secs(1),
                max_attempts: 100,
            },
            connect_timeout: Duration::from_millis(500),
            attempt_timeout: Duration::from_millis(300),
            operation_timeout: Duration::from_millis(300),
            ..ConnectOptions::default()
        }
    }

    async fn backend_at(endpoint: &str) -> AwsBackend {
        AwsBackend::new(&AwsContext::offline(endpoint, short()).await)
    }

    fn plan() -> PlanSpec {
        PlanSpec {
            name: "p".into(),
            ..PlanSpec::default()
        }
    }

    /// Asserts `err` names the call and the endpoint, and says it was retried.
    fn assert_names_endpoint(err: &CloudError, operation: &str, endpoint: &str) {
        assert_eq!(err.kind(), ErrorKind::Transient, "{err}");
        let text = err.to_string();
        let head = format!("{operation}: cannot reach AWS Backup at {endpoint}: ");
        assert!(text.starts_with(&head), "{text}");
        assert!(text.contains(" attempts over "), "retried: {text}");
    }

    #[tokio::test]
    async fn a_refused_connection_fails_within_the_budget_naming_endpoint_and_call() {
        // A port that was just free: nothing listens there, so connections are refused.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let endpoint = format!("http://127.0.0.1:{port}");
        let backend = backend_at(&endpoint).await;
        let started = Instant::now();
        let err = backend.create_plan(&plan()).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(3), "{err}");
        assert_names_endpoint(&err, "creating Backup Plan (p)", &endpoint);
        assert!(err.to_string().to_lowercase().contains("refused"), "{err}");
    }

    #[tokio::test]
    async fn an_endpoint_that_never_answers_fails_within_budget_and_one_attempt() {
        // Accepts connections and holds them without a word.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let endpoint = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        let backend = backend_at(&endpoint).await;
        let started = Instant::now();
        let err = backend.find_vault_by_name("v").await.unwrap_err();
        // The budget (1 s) plus one attempt (0.3 s), with room for a busy machine.
        assert!(started.elapsed() < Duration::from_secs(4), "{err}");
        assert_names_endpoint(&err, "reading Backup Vault (v)", &endpoint);
    }
}
