//! go-plugin's housekeeping services, served next to the provider:
//! `plugin.GRPCController` (shutdown), `plugin.GRPCStdio` (output mirroring)
//! and `plugin.GRPCBroker` (extra connections, unused by Terraform providers).

use std::future::Future as _;
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio_stream::Stream;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tonic::codegen::BoxStream;
use tonic::{Request, Response, Status, Streaming};

use super::proto::plugin::grpc_broker_server::{GrpcBroker, GrpcBrokerServer};
use super::proto::plugin::grpc_controller_server::{GrpcController, GrpcControllerServer};
use super::proto::plugin::grpc_stdio_server::{GrpcStdio, GrpcStdioServer};
use super::proto::plugin::{ConnInfo, Empty, StdioData};

/// `GRPCController`: Terraform calls `Shutdown` when it no longer needs us.
#[derive(Debug, Clone)]
pub(crate) struct Controller {
    shutdown: CancellationToken,
}

impl Controller {
    /// A controller that cancels `shutdown` when asked to stop.
    pub(crate) fn server(shutdown: CancellationToken) -> GrpcControllerServer<Self> {
        GrpcControllerServer::new(Self { shutdown })
    }
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("Terraform asked the plugin to shut down");
        // Only signal here: the response still has to reach Terraform, and
        // the server's graceful shutdown lets it through.
        self.shutdown.cancel();
        Ok(Response::new(Empty {}))
    }
}

/// `GRPCStdio`: we never write to stdout/stderr outside the logger (which
/// Terraform reads from our real stderr), so the stream carries nothing and
/// simply stays open until shutdown.
#[derive(Debug, Clone)]
pub(crate) struct Stdio {
    shutdown: CancellationToken,
}

impl Stdio {
    /// A stdio service whose streams end at `shutdown`.
    pub(crate) fn server(shutdown: CancellationToken) -> GrpcStdioServer<Self> {
        GrpcStdioServer::new(Self { shutdown })
    }
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(&self, _: Request<()>) -> Result<Response<BoxStream<StdioData>>, Status> {
        Ok(Response::new(Box::pin(UntilShutdown::new(&self.shutdown))))
    }
}

/// `GRPCBroker`: Terraform opens the stream but never brokers anything for
/// providers; we read and discard whatever arrives and send nothing.
#[derive(Debug, Clone)]
pub(crate) struct Broker {
    shutdown: CancellationToken,
}

impl Broker {
    /// A broker whose streams end at `shutdown`.
    pub(crate) fn server(shutdown: CancellationToken) -> GrpcBrokerServer<Self> {
        GrpcBrokerServer::new(Self { shutdown })
    }
}

#[tonic::async_trait]
impl GrpcBroker for Broker {
    async fn start_stream(
        &self,
        request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<BoxStream<ConnInfo>>, Status> {
        let mut inbound = request.into_inner();
        let shutdown = self.shutdown.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    () = shutdown.cancelled() => break,
                    msg = inbound.message() => match msg {
                        Ok(Some(info)) => {
                            tracing::trace!(service_id = info.service_id, "ignoring broker message");
                        }
                        Ok(None) | Err(_) => break,
                    },
                }
            }
        });
        Ok(Response::new(Box::pin(UntilShutdown::new(&self.shutdown))))
    }
}

/// A response stream that yields nothing and ends when the server shuts
/// down, so open streams never hold up the exit.
pub(crate) struct UntilShutdown<T> {
    done: Pin<Box<WaitForCancellationFutureOwned>>,
    _item: std::marker::PhantomData<fn() -> T>,
}

impl<T> UntilShutdown<T> {
    fn new(shutdown: &CancellationToken) -> Self {
        Self {
            done: Box::pin(shutdown.clone().cancelled_owned()),
            _item: std::marker::PhantomData,
        }
    }
}

impl<T> Stream for UntilShutdown<T> {
    type Item = Result<T, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.done.as_mut().poll(cx).map(|()| None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio_stream::StreamExt as _;

    #[tokio::test]
    async fn shutdown_cancels_and_ends_streams() {
        let token = CancellationToken::new();
        let controller = Controller {
            shutdown: token.clone(),
        };
        let stdio = Stdio {
            shutdown: token.clone(),
        };
        let mut stream = stdio
            .stream_stdio(Request::new(()))
            .await
            .unwrap()
            .into_inner();

        let pending = tokio::time::timeout(std::time::Duration::from_millis(20), stream.next());
        assert!(pending.await.is_err(), "stdio stream must stay open");

        controller.shutdown(Request::new(Empty {})).await.unwrap();
        assert!(token.is_cancelled());
        assert!(stream.next().await.is_none());
    }
}
