//! `GetFunctions`: the provider-defined functions and their signatures.

use crate::framework::ProviderServer;
use crate::protocol::convert::function_to_proto;
use crate::protocol::proto::tfplugin6 as pb;

/// `GetFunctions`: every function's definition, by name.
pub(in crate::protocol) fn get_functions(server: &ProviderServer) -> pb::get_functions::Response {
    pb::get_functions::Response {
        functions: server
            .function_signatures()
            .map(|(name, signature)| (name.to_string(), function_to_proto(signature)))
            .collect(),
        diagnostics: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::server;

    #[test]
    fn lists_each_function_with_its_signature() {
        let (server, _) = server();
        let response = get_functions(&server);
        assert!(response.diagnostics.is_empty());
        let repeat = &response.functions["repeat"];
        let names: Vec<_> = repeat.parameters.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["text", "times"]);
        assert_eq!(repeat.parameters[1].r#type, b"\"number\"");
        assert!(
            !repeat.parameters[0].allow_null_value && !repeat.parameters[0].allow_unknown_values
        );
        assert_eq!(repeat.r#return.as_ref().unwrap().r#type, b"\"string\"");
        assert_eq!(repeat.summary, "Repeats text.");
        assert_eq!(response.functions.len(), 1);
    }
}
