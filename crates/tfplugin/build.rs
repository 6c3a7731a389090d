//! Compiles the plugin protocol definitions in `/proto` into Rust.
//!
//! `protox` parses the `.proto` files in pure Rust (no system `protoc`), and
//! `tonic-prost-build` turns the descriptors into prost messages plus tonic
//! server traits. Client stubs are not generated: we only ever serve. RPCs a
//! service does not implement answer `UNIMPLEMENTED` (default stubs), which
//! Terraform tolerates for optional RPCs such as `GetMetadata`.

use std::path::PathBuf;

const PROTOS: &[&str] = &[
    "tfplugin6.proto",
    "grpc_controller.proto",
    "grpc_stdio.proto",
    "grpc_broker.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../proto");
    for file in PROTOS {
        println!("cargo:rerun-if-changed={}", proto_dir.join(file).display());
    }
    let descriptors = protox::compile(PROTOS, [&proto_dir])?;
    tonic_prost_build::configure()
        .build_client(false)
        .build_server(true)
        .generate_default_stubs(true)
        .compile_fds(descriptors)?;
    Ok(())
}
