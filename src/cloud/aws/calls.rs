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
        A: Fn() -> AFut,
        AFut: Future<Output = Result<Option<T>, CloudError>>,
    {
        let answer_lost = AtomicBool::new(false);
        self.attempts(also, || {
            // Boxed: the finder's future nests a whole retried call, too deep a type to inline.
            let check = answer_lost
                .load(Ordering::SeqCst)
                .then(|| Box::pin(find_created()));
            let attempt = request();
            let answer_lost = &answer_lost;
            async move {
                if let Some(check) = check {
                    if let Some(created) = check.await? {
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
            if is_unreachable(&e) {
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

    /// Polls `check` until it answers `Some`, within the retry policy's budget.
    pub(super) async fn wait_for<T, F, Fut>(
        &self,
        operation: &'static str,
        name: &str,
        what: &str,
        check: F,
    ) -> Result<T, CloudError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<T>, CloudError>>,
    {
        retry::wait_for(&self.retry, &self.cancel, operation, name, what, check).await
    }
}
