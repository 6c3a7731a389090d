//! Sending SDK requests: each attempt's error mapped to a [`CloudError`] naming the operation, our
//! retry layer around the attempts, paging, and waits for eventual consistency.

use std::error::Error;
use std::future::Future;
use std::ops::ControlFlow;

use aws_sdk_backup::config::http::HttpResponse;
use aws_sdk_backup::error::{ProvideErrorMetadata, SdkError};

use super::errors::from_sdk;
use super::AwsBackend;
use crate::cloud::error::CloudError;
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
        retry::retry_when(
            &self.retry,
            &self.cancel,
            |e| retry::is_retryable(e) || also(e),
            || {
                let attempt = request();
                async move { attempt.await.map_err(|e| from_sdk(operation, name, e)) }
            },
        )
        .await
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
