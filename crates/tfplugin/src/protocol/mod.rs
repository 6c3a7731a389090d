//! Terraform plugin protocol: handshake, TLS, gRPC services.
