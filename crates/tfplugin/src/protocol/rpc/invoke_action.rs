//! `InvokeAction`: runs an action, streaming a `Progress` event per message it reports and one
//! `Completed` event with its diagnostics at the end.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::codegen::BoxStream;

use super::answer::decode;
use crate::framework::{Diagnostics, Progress, ProviderServer};
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

use pb::invoke_action::event::{Completed, Progress as ProgressEvent, Type};
use pb::invoke_action::Event;

/// `InvokeAction`: the event stream of one invocation. The action runs in its own task, so
/// progress reaches Terraform while it runs; a client that goes away does not stop it.
pub(in crate::protocol) fn invoke_action(
    server: Arc<ProviderServer>,
    request: pb::invoke_action::Request,
) -> BoxStream<Event> {
    let (events, stream) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let diagnostics = run(&server, request, events.clone()).await;
        let completed = Event {
            r#type: Some(Type::Completed(Completed {
                diagnostics: diagnostics_to_proto(&diagnostics),
            })),
        };
        let _ = events.send(Ok(completed));
    });
    Box::pin(UnboundedReceiverStream::new(stream))
}

async fn run(
    server: &ProviderServer,
    request: pb::invoke_action::Request,
    events: mpsc::UnboundedSender<Result<Event, tonic::Status>>,
) -> Diagnostics {
    let schema = match server.action_schema(&request.action_type) {
        Ok(schema) => schema,
        Err(d) => return d,
    };
    let config = match decode(
        request.config.as_ref(),
        schema.value_type(),
        "configuration",
    ) {
        Ok(config) => config,
        Err(d) => return d,
    };
    let progress = Progress::new(move |message| {
        let event = Event {
            r#type: Some(Type::Progress(ProgressEvent { message })),
        };
        let _ = events.send(Ok(event));
    });
    server
        .invoke_action(&request.action_type, &config, &progress)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        count_config, count_type, dynamic, garbage, server, COUNT,
    };
    use tfvalue::{Number, Value};
    use tokio_stream::StreamExt as _;

    fn request(config: Option<pb::DynamicValue>) -> pb::invoke_action::Request {
        pb::invoke_action::Request {
            action_type: COUNT.to_string(),
            config,
            client_capabilities: None,
        }
    }

    /// The progress messages, and the summaries of the completion's diagnostics.
    async fn events(config: Option<pb::DynamicValue>) -> (Vec<String>, Vec<String>) {
        let (server, _) = server();
        let mut stream = invoke_action(Arc::new(server), request(config));
        let (mut progress, mut completed) = (Vec::new(), None);
        while let Some(event) = stream.next().await {
            match event.expect("events are never errors").r#type {
                Some(Type::Progress(p)) => progress.push(p.message),
                Some(Type::Completed(c)) => {
                    assert!(completed.is_none(), "one completion");
                    completed = Some(c.diagnostics.into_iter().map(|d| d.summary).collect());
                }
                None => panic!("an event without a type"),
            }
        }
        (
            progress,
            completed.expect("a completion event ends the stream"),
        )
    }

    fn to(n: i64) -> Option<pb::DynamicValue> {
        dynamic(&count_config(Value::Number(Number::from(n))), &count_type())
    }

    #[tokio::test]
    async fn progress_streams_then_one_completion() {
        let (progress, diagnostics) = events(to(3)).await;
        assert_eq!(progress, ["1", "2", "3"]);
        assert!(diagnostics.is_empty());
    }

    #[tokio::test]
    async fn failures_complete_with_their_diagnostics() {
        let (progress, diagnostics) = events(to(0)).await;
        assert!(progress.is_empty());
        assert_eq!(diagnostics, ["Nothing to count"]);
        let (_, diagnostics) = events(garbage()).await;
        assert_eq!(diagnostics, ["Malformed configuration"]);
    }
}
