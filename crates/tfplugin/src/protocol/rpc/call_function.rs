//! `CallFunction`: runs a provider-defined function on decoded arguments.

use tfvalue::Value;

use crate::framework::{check_count, FunctionError, ProviderServer};
use crate::protocol::convert::{decode_dynamic, encode_dynamic, function_error_to_proto};
use crate::protocol::proto::tfplugin6 as pb;

/// `CallFunction`: the result, or a function error naming the argument at fault.
pub(in crate::protocol) fn call_function(
    server: &ProviderServer,
    request: pb::call_function::Request,
) -> pb::call_function::Response {
    match call(server, &request) {
        Ok(result) => pb::call_function::Response {
            result: Some(result),
            error: None,
        },
        Err(error) => pb::call_function::Response {
            result: None,
            error: Some(function_error_to_proto(&error)),
        },
    }
}

fn call(
    server: &ProviderServer,
    request: &pb::call_function::Request,
) -> Result<pb::DynamicValue, FunctionError> {
    let signature = server.function_signature(&request.name)?;
    // Checked before decoding: pairing arguments with parameters must not drop any.
    check_count(&request.name, signature, request.arguments.len())?;
    let arguments = request
        .arguments
        .iter()
        .zip(&signature.parameters)
        .enumerate()
        .map(|(index, (argument, parameter))| {
            decode_dynamic(Some(argument), &parameter.ty, "function argument")
                .map_err(|d| FunctionError::argument(index, d.detail))
        })
        .collect::<Result<Vec<Value>, _>>()?;
    let result = server.call_function(&request.name, &arguments)?;
    encode_dynamic(&result, &signature.return_type, "function result")
        .map_err(|d| FunctionError::new(d.detail))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::{dynamic, garbage, server, value_of};
    use tfvalue::{Number, Type};

    fn request(name: &str, arguments: Vec<Option<pb::DynamicValue>>) -> pb::call_function::Request {
        pb::call_function::Request {
            name: name.to_string(),
            arguments: arguments.into_iter().map(Option::unwrap).collect(),
        }
    }

    fn text(s: &str) -> Option<pb::DynamicValue> {
        dynamic(&Value::String(s.into()), &Type::String)
    }

    fn number(n: i64) -> Option<pb::DynamicValue> {
        dynamic(&Value::Number(Number::from(n)), &Type::Number)
    }

    #[test]
    fn result_is_encoded_with_the_return_type() {
        let (server, _) = server();
        let response = call_function(&server, request("repeat", vec![text("ab"), number(3)]));
        assert!(response.error.is_none(), "{:?}", response.error);
        assert_eq!(
            value_of(response.result.as_ref(), &Type::String),
            Value::String("ababab".into())
        );
    }

    #[test]
    fn function_errors_name_the_argument() {
        let (server, _) = server();
        let response = call_function(&server, request("repeat", vec![text("ab"), number(-1)]));
        let error = response.error.unwrap();
        assert_eq!(error.function_argument, Some(1));
        assert!(error.text.contains("negative"), "{}", error.text);
        assert!(response.result.is_none());
    }

    #[test]
    fn undecodable_null_and_miscounted_arguments_are_errors() {
        let (server, _) = server();
        let garbled = call_function(&server, request("repeat", vec![text("ab"), garbage()]));
        assert_eq!(garbled.error.unwrap().function_argument, Some(1));
        let null = call_function(
            &server,
            request(
                "repeat",
                vec![dynamic(&Value::Null, &Type::String), number(1)],
            ),
        );
        assert_eq!(null.error.unwrap().function_argument, Some(0));
        let short = call_function(&server, request("repeat", vec![text("ab")]));
        let error = short.error.unwrap();
        assert_eq!(error.function_argument, None);
        assert!(error.text.contains("takes 2 arguments"), "{}", error.text);
    }

    #[test]
    fn an_unknown_function_names_the_known_ones() {
        let (server, _) = server();
        let response = call_function(&server, request("nope", vec![]));
        assert!(response.error.unwrap().text.contains("repeat"));
    }
}
