//! `ListResource`: runs a list, streaming one event per object found (its identity, display name
//! and, when asked, its state) and one per batch of diagnostics.

use std::sync::Arc;

use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use tonic::codegen::BoxStream;

use super::answer::{decode, encode_into};
use crate::framework::{Diagnostics, ListEvent, ListRequest, ListResults, Listed, ProviderServer};
use crate::protocol::convert::diagnostics_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

use pb::list_resource::Event;

/// `ListResource`: the event stream of one list. The list runs in its own task and stops at the
/// limit, or as soon as Terraform drops the stream (it has enough, or was interrupted).
pub(in crate::protocol) fn list_resource(
    server: Arc<ProviderServer>,
    request: pb::list_resource::Request,
) -> BoxStream<Event> {
    let (events, stream) = mpsc::unbounded_channel();
    tokio::spawn(async move { run(&server, request, events).await });
    Box::pin(UnboundedReceiverStream::new(stream))
}

async fn run(
    server: &Arc<ProviderServer>,
    request: pb::list_resource::Request,
    events: mpsc::UnboundedSender<Result<Event, tonic::Status>>,
) {
    let type_name = request.type_name.clone();
    let config = server.list_resource_schema(&type_name).and_then(|schema| {
        decode(
            request.config.as_ref(),
            schema.value_type(),
            "configuration",
        )
    });
    let config = match config {
        Ok(config) => config,
        Err(d) => {
            let _ = events.send(Ok(diagnostics_event(&d)));
            return;
        }
    };
    let list_request = ListRequest {
        config,
        include_resource_object: request.include_resource_object,
        limit: request.limit,
    };
    let encoder = server.clone();
    let mut results = ListResults::new(request.limit, move |event| {
        let event = match event {
            ListEvent::Found(listed) => found_event(&encoder, &type_name, *listed),
            ListEvent::Diagnostics(d) => diagnostics_event(&d),
        };
        events.send(Ok(event)).is_ok()
    });
    server
        .list(&request.type_name, &list_request, &mut results)
        .await;
}

fn diagnostics_event(diagnostics: &Diagnostics) -> Event {
    Event {
        diagnostic: diagnostics_to_proto(diagnostics),
        ..Default::default()
    }
}

/// One found object, its identity and state encoded with the resource type's schemas; what cannot
/// be encoded travels as the event's diagnostic.
fn found_event(server: &ProviderServer, type_name: &str, listed: Listed) -> Event {
    let mut diagnostics = Diagnostics::new();
    let identity = server.identity_schema(type_name).and_then(|schema| {
        encode_into(
            &listed.identity,
            schema.value_type(),
            "resource identity",
            &mut diagnostics,
        )
    });
    let resource_object = listed.state.as_ref().and_then(|state| {
        let schema = server.resource_schema(type_name).ok()?;
        encode_into(
            state,
            schema.value_type(),
            "resource object",
            &mut diagnostics,
        )
    });
    Event {
        identity: identity.map(|v| pb::ResourceIdentityData {
            identity_data: Some(v),
        }),
        display_name: listed.display_name,
        resource_object,
        diagnostic: diagnostics_to_proto(&diagnostics),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        dynamic, garbage, identity_type, list_config_type, server, thing_type, value_of, THING,
    };
    use tfvalue::Value;
    use tokio_stream::StreamExt as _;

    fn request(
        config: Option<pb::DynamicValue>,
        include_resource_object: bool,
        limit: i64,
    ) -> pb::list_resource::Request {
        pb::list_resource::Request {
            type_name: THING.to_string(),
            config,
            include_resource_object,
            limit,
        }
    }

    fn prefix(p: &str) -> Option<pb::DynamicValue> {
        let config = Value::Object([("prefix".to_string(), Value::from(p))].into());
        dynamic(&config, &list_config_type())
    }

    async fn events(request: pb::list_resource::Request) -> Vec<Event> {
        let (server, _) = server();
        list_resource(Arc::new(server), request)
            .map(|e| e.expect("events are never errors"))
            .collect()
            .await
    }

    #[tokio::test]
    async fn streams_identities_names_and_states_up_to_the_limit() {
        let all = events(request(prefix("t"), true, 100)).await;
        let names: Vec<_> = all.iter().map(|e| e.display_name.as_str()).collect();
        assert_eq!(names, ["t0", "t1", "t2"]);
        let first = &all[0];
        assert!(first.diagnostic.is_empty());
        let identity = value_of(
            first.identity.as_ref().unwrap().identity_data.as_ref(),
            &identity_type(),
        );
        assert_eq!(identity.get("id"), Some(&Value::from("id-t0")));
        let state = value_of(first.resource_object.as_ref(), &thing_type());
        assert_eq!(state.get("name"), Some(&Value::from("t0")));

        let limited = events(request(prefix("t"), false, 2)).await;
        assert_eq!(limited.len(), 2);
        assert!(limited.iter().all(|e| e.resource_object.is_none()));
    }

    #[tokio::test]
    async fn failures_stream_as_diagnostics() {
        let bad = events(request(garbage(), true, 10)).await;
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].diagnostic[0].summary, "Malformed configuration");
        let mut unknown = request(prefix("t"), true, 10);
        unknown.type_name = "test_nope".into();
        let unknown = events(unknown).await;
        assert_eq!(
            unknown[0].diagnostic[0].summary,
            "Unknown list resource type"
        );
    }
}
