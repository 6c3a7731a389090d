//! `PlanResourceChange`: the planned state, replace paths and private data of a change.

use super::answer::{answer, decode, encode_into, identity_data, note_client_capabilities};
use crate::framework::{DeferredReason, Diagnostics, PlanRequest, ProviderServer};
use crate::protocol::convert::{deferred_to_proto, diagnostics_to_proto, path_to_proto};
use crate::protocol::proto::tfplugin6 as pb;

/// `PlanResourceChange`: the framework's plan pipeline, then the resource's own step.
pub(in crate::protocol) async fn plan_resource_change(
    server: &ProviderServer,
    request: pb::plan_resource_change::Request,
) -> pb::plan_resource_change::Response {
    note_client_capabilities(server, request.client_capabilities.as_ref());
    answer(plan(server, request).await)
}

async fn plan(
    server: &ProviderServer,
    request: pb::plan_resource_change::Request,
) -> Result<pb::plan_resource_change::Response, Diagnostics> {
    let ty = server.resource_schema(&request.type_name)?.value_type();
    let prior_state = decode(request.prior_state.as_ref(), ty, "prior state")?;
    let proposed_state = decode(request.proposed_new_state.as_ref(), ty, "proposed state")?;
    let config = decode(request.config.as_ref(), ty, "configuration")?;
    let deferral_allowed = request
        .client_capabilities
        .as_ref()
        .is_some_and(|c| c.deferral_allowed);
    if server.defers_for_provider(deferral_allowed) {
        let planned = server.deferred_plan(&request.type_name, proposed_state)?;
        let mut diagnostics = Diagnostics::new();
        return Ok(pb::plan_resource_change::Response {
            planned_state: encode_into(&planned, ty, "planned state", &mut diagnostics),
            planned_private: request.prior_private,
            diagnostics: diagnostics_to_proto(&diagnostics),
            deferred: Some(deferred_to_proto(DeferredReason::ProviderConfigUnknown)),
            ..Default::default()
        });
    }
    let plan = server
        .plan(
            &request.type_name,
            PlanRequest {
                config,
                prior_state,
                proposed_state,
                prior_private: request.prior_private,
            },
        )
        .await;
    let mut diagnostics = plan.diagnostics;
    let planned_state = encode_into(&plan.planned_state, ty, "planned state", &mut diagnostics);
    let planned_identity = identity_data(
        server,
        &request.type_name,
        &plan.planned_state,
        &mut diagnostics,
    );
    Ok(pb::plan_resource_change::Response {
        planned_state,
        requires_replace: plan.requires_replace.iter().map(path_to_proto).collect(),
        planned_private: plan.planned_private,
        diagnostics: diagnostics_to_proto(&diagnostics),
        legacy_type_system: false,
        deferred: None,
        planned_identity,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{
        assert_no_diagnostics, dynamic, garbage, server, summaries, thing, thing_type, value_of,
        THING,
    };
    use tfvalue::Value;

    fn request(
        prior: &Value,
        proposed: &Value,
        config: &Value,
    ) -> pb::plan_resource_change::Request {
        let ty = thing_type();
        pb::plan_resource_change::Request {
            type_name: THING.to_string(),
            prior_state: dynamic(prior, &ty),
            proposed_new_state: dynamic(proposed, &ty),
            config: dynamic(config, &ty),
            prior_private: b"prior".to_vec(),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn undecodable_values_answer_only_diagnostics() {
        let (server, _) = server();
        let config = thing("n", None);
        for (field, summary) in [
            (0, "Malformed prior state"),
            (1, "Malformed proposed state"),
            (2, "Malformed configuration"),
        ] {
            let mut request = request(&Value::Null, &config, &config);
            match field {
                0 => request.prior_state = garbage(),
                1 => request.proposed_new_state = garbage(),
                _ => request.config = garbage(),
            }
            let response = plan_resource_change(&server, request).await;
            assert_eq!(summaries(&response.diagnostics), [summary]);
            assert!(response.planned_state.is_none() && response.planned_private.is_empty());
        }
    }

    #[tokio::test]
    async fn create_plans_computed_unknown_without_identity() {
        let (server, _) = server();
        let config = thing("n", None);
        let response = plan_resource_change(&server, request(&Value::Null, &config, &config)).await;
        assert_no_diagnostics(&response.diagnostics);
        let planned = value_of(response.planned_state.as_ref(), &thing_type());
        assert!(planned.get("id").unwrap().is_unknown());
        assert_eq!(planned.get("name"), Some(&Value::String("n".into())));
        assert_eq!(response.planned_private, b"planned");
        assert!(response.requires_replace.is_empty());
        assert!(
            response.planned_identity.is_none(),
            "unknown id: no identity yet"
        );
        assert!(!response.legacy_type_system);
    }

    #[tokio::test]
    async fn replace_paths_and_identity_are_mapped() {
        let (server, _) = server();
        let prior = thing("old", Some("i-1"));
        let config = thing("replace-me", None);
        let proposed = thing("replace-me", Some("i-1"));
        let response = plan_resource_change(&server, request(&prior, &proposed, &config)).await;
        assert_eq!(response.requires_replace.len(), 1);
        assert_eq!(
            response.requires_replace[0].steps[0].selector,
            Some(pb::attribute_path::step::Selector::AttributeName(
                "name".into()
            ))
        );
    }

    #[tokio::test]
    async fn an_unchanged_object_keeps_its_state_and_identity() {
        let (server, _) = server();
        let prior = thing("n", Some("i-1"));
        let response =
            plan_resource_change(&server, request(&prior, &prior, &thing("n", None))).await;
        assert_eq!(
            value_of(response.planned_state.as_ref(), &thing_type()),
            prior
        );
        assert!(response.planned_identity.is_some());
    }
}
