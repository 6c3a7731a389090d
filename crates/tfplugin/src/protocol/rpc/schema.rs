//! `GetMetadata`, `GetProviderSchema` and `GetResourceIdentitySchemas`: what the provider
//! serves, and the schemas Terraform checks configuration and values against.

use crate::framework::ProviderServer;
use crate::protocol::convert::{function_to_proto, identity_schema_to_proto, schema_to_proto};
use crate::protocol::proto::tfplugin6 as pb;

/// What this server supports beyond the protocol's base.
fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: true,
        generate_resource_config: true,
    }
}

/// `GetMetadata`: the resource, data source, action and list resource types, the functions and the server's capabilities.
pub(in crate::protocol) fn get_metadata(server: &ProviderServer) -> pb::get_metadata::Response {
    let resources = server
        .resource_schemas()
        .map(|(name, _)| pb::get_metadata::ResourceMetadata {
            type_name: name.to_string(),
        })
        .collect();
    let data_sources = server
        .data_source_schemas()
        .map(|(name, _)| pb::get_metadata::DataSourceMetadata {
            type_name: name.to_string(),
        })
        .collect();
    let functions = server
        .function_signatures()
        .map(|(name, _)| pb::get_metadata::FunctionMetadata {
            name: name.to_string(),
        })
        .collect();
    let actions = server
        .action_schemas()
        .map(|(name, _)| pb::get_metadata::ActionMetadata {
            type_name: name.to_string(),
        })
        .collect();
    let list_resources = server
        .list_resource_schemas()
        .map(|(name, _)| pb::get_metadata::ListResourceMetadata {
            type_name: name.to_string(),
        })
        .collect();
    pb::get_metadata::Response {
        server_capabilities: Some(capabilities()),
        resources,
        data_sources,
        functions,
        actions,
        list_resources,
        ..Default::default()
    }
}

/// `GetProviderSchema`: the provider block's schema, every resource's, data source's, action's and
/// list resource's, and the functions.
pub(in crate::protocol) fn get_provider_schema(
    server: &ProviderServer,
) -> pb::get_provider_schema::Response {
    let resource_schemas = server
        .resource_schemas()
        .map(|(name, s)| (name.to_string(), schema_to_proto(s)))
        .collect();
    let data_source_schemas = server
        .data_source_schemas()
        .map(|(name, s)| (name.to_string(), schema_to_proto(s)))
        .collect();
    let functions = server
        .function_signatures()
        .map(|(name, s)| (name.to_string(), function_to_proto(s)))
        .collect();
    let action_schemas = server
        .action_schemas()
        .map(|(name, s)| {
            let schema = Some(schema_to_proto(s));
            (name.to_string(), pb::ActionSchema { schema })
        })
        .collect();
    let list_resource_schemas = server
        .list_resource_schemas()
        .map(|(name, s)| (name.to_string(), schema_to_proto(s)))
        .collect();
    pb::get_provider_schema::Response {
        provider: Some(schema_to_proto(server.provider_schema())),
        resource_schemas,
        data_source_schemas,
        functions,
        action_schemas,
        list_resource_schemas,
        server_capabilities: Some(capabilities()),
        ..Default::default()
    }
}

/// `GetResourceIdentitySchemas`: the identity schema of each resource type that has one.
pub(in crate::protocol) fn get_resource_identity_schemas(
    server: &ProviderServer,
) -> pb::get_resource_identity_schemas::Response {
    let identity_schemas = server
        .identity_schemas()
        .map(|(name, s)| (name.to_string(), identity_schema_to_proto(s)))
        .collect();
    pb::get_resource_identity_schemas::Response {
        identity_schemas,
        diagnostics: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{server, COUNT, ECHO, THING};

    #[test]
    fn metadata_lists_resources_and_capabilities() {
        let (server, _) = server();
        let response = get_metadata(&server);
        let names: Vec<_> = response
            .resources
            .iter()
            .map(|r| r.type_name.as_str())
            .collect();
        assert_eq!(names, [THING]);
        assert_eq!(response.data_sources[0].type_name, ECHO);
        assert_eq!(response.functions[0].name, "repeat");
        assert_eq!(
            (response.data_sources.len(), response.functions.len()),
            (1, 1)
        );
        let caps = response.server_capabilities.unwrap();
        assert!(caps.plan_destroy && caps.get_provider_schema_optional && caps.move_resource_state);
        assert!(caps.generate_resource_config);
        assert_eq!(response.list_resources[0].type_name, THING);
        assert!(response.diagnostics.is_empty());
    }

    #[test]
    fn provider_schema_maps_provider_and_resources() {
        let (server, _) = server();
        let response = get_provider_schema(&server);
        let provider = response.provider.unwrap().block.unwrap();
        assert_eq!(provider.description, "The test provider.");
        assert_eq!(provider.attributes[0].name, "region");
        assert!(provider.attributes[0].required);
        let thing = &response.resource_schemas[THING];
        assert_eq!(thing.version, 1);
        let names: Vec<_> = thing
            .block
            .as_ref()
            .unwrap()
            .attributes
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["id", "name", "size"]);
        assert!(response.server_capabilities.is_some());
        assert!(response.diagnostics.is_empty());
        let echo = response.data_source_schemas[ECHO].block.as_ref().unwrap();
        assert!(echo
            .attributes
            .iter()
            .any(|a| a.name == "output" && a.computed));
        let repeat = &response.functions["repeat"];
        assert_eq!(repeat.parameters.len(), 2);
        let count = response.action_schemas[COUNT].schema.as_ref().unwrap();
        assert_eq!(count.block.as_ref().unwrap().attributes[0].name, "to");
        let list = response.list_resource_schemas[THING]
            .block
            .as_ref()
            .unwrap();
        assert_eq!(list.attributes[0].name, "prefix");
    }

    #[test]
    fn identity_schemas_name_each_resource_with_one() {
        let (server, _) = server();
        let response = get_resource_identity_schemas(&server);
        let identity = &response.identity_schemas[THING];
        assert_eq!(identity.identity_attributes[0].name, "id");
        assert!(identity.identity_attributes[0].required_for_import);
        assert!(response.diagnostics.is_empty());
    }
}
