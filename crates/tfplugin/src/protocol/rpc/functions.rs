//! `GetFunctions`: provider-defined functions (this framework offers none yet).

use crate::protocol::proto::tfplugin6 as pb;

/// `GetFunctions`: no functions.
pub(in crate::protocol) fn get_functions() -> pb::get_functions::Response {
    pb::get_functions::Response::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_functions_and_no_diagnostics() {
        let response = get_functions();
        assert!(response.functions.is_empty() && response.diagnostics.is_empty());
    }
}
