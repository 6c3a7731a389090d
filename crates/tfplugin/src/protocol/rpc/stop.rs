//! `StopProvider`: Terraform's Ctrl-C; in-flight operations see their context cancelled.

use crate::framework::ProviderServer;
use crate::protocol::proto::tfplugin6 as pb;

/// `StopProvider`: cancels the server's work and answers with no error.
pub(in crate::protocol) fn stop_provider(server: &ProviderServer) -> pb::stop_provider::Response {
    server.stop();
    pb::stop_provider::Response {
        error: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::rpc::test_provider::server;

    #[test]
    fn stop_cancels_the_server() {
        let (server, _) = server();
        assert!(!server.is_stopped());
        let response = stop_provider(&server);
        assert!(response.error.is_empty());
        assert!(server.is_stopped());
    }
}
