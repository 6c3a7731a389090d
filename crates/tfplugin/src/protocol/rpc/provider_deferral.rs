//! A provider block not known yet, with a client that allows deferral (Terraform Stacks):
//! configure is skipped, and plan, read, data source reads and action plans answer `Deferred`
//! (PROVIDER_CONFIG_UNKNOWN) instead of failing; without deferral nothing changes.

use tfvalue::{Number, Value};

use super::provider_config::configure_provider;
use super::test_provider::{
    assert_no_diagnostics, count_config, count_type, dynamic, echo_config, echo_type, server,
    thing, thing_type, value_of, COUNT, ECHO, THING,
};
use super::{plan, plan_action, read, read_data_source};
use crate::framework::ProviderServer;
use crate::protocol::proto::tfplugin6 as pb;

fn capabilities(deferral_allowed: bool) -> Option<pb::ClientCapabilities> {
    Some(pb::ClientCapabilities {
        deferral_allowed,
        write_only_attributes_allowed: false,
    })
}

/// Configures `server` with an unknown region.
async fn configure_unknown(server: &ProviderServer, deferral_allowed: bool) -> Vec<pb::Diagnostic> {
    let config = Value::Object([("region".to_string(), Value::unknown())].into());
    let request = pb::configure_provider::Request {
        config: dynamic(&config, server.provider_schema().value_type()),
        client_capabilities: capabilities(deferral_allowed),
        ..Default::default()
    };
    configure_provider(server, request).await.diagnostics
}

fn provider_unknown() -> Option<pb::Deferred> {
    Some(pb::Deferred {
        reason: pb::deferred::Reason::ProviderConfigUnknown as i32,
    })
}

#[tokio::test]
async fn an_unknown_provider_block_defers_what_needs_the_provider() {
    let (server, configured) = server();
    assert_no_diagnostics(&configure_unknown(&server, true).await);
    assert!(configured.lock().unwrap().is_none(), "configure is skipped");

    let config = thing("n", None);
    let planned = plan::plan_resource_change(
        &server,
        pb::plan_resource_change::Request {
            type_name: THING.into(),
            prior_state: dynamic(&Value::Null, &thing_type()),
            proposed_new_state: dynamic(&config, &thing_type()),
            config: dynamic(&config, &thing_type()),
            client_capabilities: capabilities(true),
            ..Default::default()
        },
    )
    .await;
    assert_no_diagnostics(&planned.diagnostics);
    assert_eq!(planned.deferred, provider_unknown());
    let state = value_of(planned.planned_state.as_ref(), &thing_type());
    assert!(state.get("id").unwrap().is_unknown());
    assert_eq!(state.get("name"), Some(&Value::String("n".into())));
    assert!(planned.planned_identity.is_none());

    let stored = thing("n", Some("i-1"));
    let refreshed = read::read_resource(
        &server,
        pb::read_resource::Request {
            type_name: THING.into(),
            current_state: dynamic(&stored, &thing_type()),
            private: b"kept".to_vec(),
            client_capabilities: capabilities(true),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(refreshed.deferred, provider_unknown());
    assert_eq!(
        value_of(refreshed.new_state.as_ref(), &thing_type()),
        stored
    );
    assert_eq!(refreshed.private, b"kept");

    let echo = echo_config(Value::String("ab".into()));
    let data = read_data_source::read_data_source(
        &server,
        pb::read_data_source::Request {
            type_name: ECHO.into(),
            config: dynamic(&echo, &echo_type()),
            provider_meta: None,
            client_capabilities: capabilities(true),
        },
    )
    .await;
    assert_eq!(data.deferred, provider_unknown());
    assert!(value_of(data.state.as_ref(), &echo_type())
        .get("output")
        .unwrap()
        .is_unknown());

    let action = plan_action::plan_action(
        &server,
        pb::plan_action::Request {
            action_type: COUNT.into(),
            config: dynamic(&count_config(Value::Number(Number::from(9))), &count_type()),
            client_capabilities: capabilities(true),
        },
    )
    .await;
    assert_eq!(action.deferred, provider_unknown());
    assert_no_diagnostics(&action.diagnostics);
}

#[tokio::test]
async fn without_deferral_the_provider_is_configured_as_before() {
    let (server, configured) = server();
    assert_no_diagnostics(&configure_unknown(&server, false).await);
    let seen = configured.lock().unwrap().clone().expect("configure ran");
    assert!(seen.get("region").unwrap().is_unknown());
    // A client that allows deferral, but a provider that was configured: nothing is deferred.
    let config = thing("n", None);
    let planned = plan::plan_resource_change(
        &server,
        pb::plan_resource_change::Request {
            type_name: THING.into(),
            prior_state: dynamic(&Value::Null, &thing_type()),
            proposed_new_state: dynamic(&config, &thing_type()),
            config: dynamic(&config, &thing_type()),
            client_capabilities: capabilities(true),
            ..Default::default()
        },
    )
    .await;
    assert!(planned.deferred.is_none());
    assert_eq!(
        planned.planned_private, b"planned",
        "the resource's own plan ran"
    );
}
