//! Long-running ARM operations: a 201/202 answer followed through `Azure-AsyncOperation` or
//! `Location`, waiting `Retry-After` (or the default poll interval) between polls, within the
//! operation timeout.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::arm::{header_string, retry_after, ArmClient, FinalState, Subject};
use super::bodies::{to_json, OperationStatus};
use super::errors::operation_failed;
use crate::cloud::error::{CloudError, ErrorKind, GoneIsNone};
use crate::cloud::retry::{sleep_unless_cancelled, MAX_RETRY_AFTER};

impl ArmClient {
    /// A create-or-update (a long-running PUT or PATCH of `body`) and the resource as ARM then
    /// reports it: the operation's final answer when it `holds` the resource, else read back with
    /// a GET; a resource gone by then is a NotFound error saying `gone`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn write<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        api_version: &str,
        body: &B,
        subject: Subject<'_>,
        gone: &str,
        holds: impl Fn(&T) -> bool,
    ) -> Result<T, CloudError> {
        let result = self
            .long_running(
                method,
                path,
                api_version,
                Some(&to_json(body)),
                FinalState::Location,
                subject,
            )
            .await?;
        if let Some(written) = result
            .and_then(|v| serde_json::from_value::<T>(v).ok())
            .filter(|t| holds(t))
        {
            return Ok(written);
        }
        self.get_as(path, api_version, subject)
            .await?
            .ok_or_else(|| {
                CloudError::new(ErrorKind::NotFound, subject.operation, subject.name, gone)
            })
    }

    /// A long-running DELETE; `Ok(false)` when there was nothing to delete (404).
    pub(crate) async fn delete(
        &self,
        path: &str,
        api_version: &str,
        subject: Subject<'_>,
    ) -> Result<bool, CloudError> {
        self.long_running(
            Method::DELETE,
            path,
            api_version,
            None,
            FinalState::None,
            subject,
        )
        .await
        .none_if_not_found()
        .map(|gone| gone.is_some())
    }

    /// Sends a request that may start a long-running operation and waits for it to finish:
    /// 201/202 answers are followed through `Azure-AsyncOperation` (status polling until
    /// Succeeded, Failed or Canceled) or `Location` (polling until it stops answering 202), waiting
    /// `Retry-After` between polls; then the result is read per `final_state`.
    pub(crate) async fn long_running(
        &self,
        method: Method,
        path: &str,
        api_version: &str,
        body: Option<&Value>,
        final_state: FinalState,
        subject: Subject<'_>,
    ) -> Result<Option<Value>, CloudError> {
        let first = self
            .send(method.clone(), path, api_version, body, subject)
            .await?;
        let async_op = header_string(&first.headers, "azure-asyncoperation");
        let location = header_string(&first.headers, "location");
        if !matches!(first.status, 201 | 202) || (async_op.is_none() && location.is_none()) {
            return Ok(first.body);
        }
        let deadline = Instant::now() + self.options.operation_timeout;
        let mut wait = retry_after(&first.headers);
        if let Some(status_url) = async_op {
            loop {
                self.poll_pause(&mut wait, deadline, subject).await?;
                let poll = self
                    .send(Method::GET, &status_url, api_version, None, subject)
                    .await?;
                wait = retry_after(&poll.headers);
                let body: OperationStatus = poll
                    .body
                    .and_then(|b| serde_json::from_value(b).ok())
                    .unwrap_or_default();
                let status = body.status.as_deref().unwrap_or("InProgress");
                match status.to_ascii_lowercase().as_str() {
                    "succeeded" => break,
                    "failed" | "canceled" | "cancelled" => {
                        return Err(operation_failed(subject, status, body.error));
                    }
                    _ => {}
                }
            }
            let target = match (final_state, method.as_str()) {
                (FinalState::None, _) | (_, "DELETE") => return Ok(None),
                (FinalState::Location, _) => location.unwrap_or_else(|| path.to_owned()),
            };
            return self
                .poll_location(&target, api_version, deadline, None, subject)
                .await;
        }
        let location = location.unwrap_or_default();
        let result = self
            .poll_location(&location, api_version, deadline, wait, subject)
            .await?;
        match final_state {
            FinalState::None => Ok(None),
            _ if method == Method::DELETE => Ok(None),
            FinalState::Location if result.is_none() => self.get(path, api_version, subject).await,
            FinalState::Location => Ok(result),
        }
    }

    /// GETs `url` until it answers something other than 202; its body is the result.
    async fn poll_location(
        &self,
        url: &str,
        api_version: &str,
        deadline: Instant,
        mut wait: Option<Duration>,
        subject: Subject<'_>,
    ) -> Result<Option<Value>, CloudError> {
        let mut first = true;
        loop {
            if !first || wait.is_some() {
                self.poll_pause(&mut wait, deadline, subject).await?;
            }
            first = false;
            let poll = self
                .send(Method::GET, url, api_version, None, subject)
                .await?;
            if poll.status != StatusCode::ACCEPTED.as_u16() {
                return Ok(poll.body);
            }
            wait = retry_after(&poll.headers);
        }
    }

    async fn poll_pause(
        &self,
        wait: &mut Option<Duration>,
        deadline: Instant,
        subject: Subject<'_>,
    ) -> Result<(), CloudError> {
        let delay = wait
            .take()
            .unwrap_or(self.options.default_poll_interval)
            .min(MAX_RETRY_AFTER);
        if Instant::now() + delay > deadline {
            return Err(CloudError::new(
                ErrorKind::Other,
                subject.operation,
                subject.name,
                "timed out waiting for the long-running operation to finish",
            ));
        }
        if sleep_unless_cancelled(&self.options.cancel, delay).await {
            return Ok(());
        }
        Err(CloudError::new(
            ErrorKind::Cancelled,
            subject.operation,
            subject.name,
            "cancelled while waiting for the long-running operation",
        ))
    }
}
