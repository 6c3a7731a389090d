//! A provider with one resource shaped like Terraform's built-in `terraform_data`
//! (`id`, `input`, `output`), served by the `tfplugin` framework and doing no work of its
//! own. `scripts/bench-plan` plans it beside `backup_app` and `terraform_data` to show what
//! any resource served over the plugin protocol costs Terraform, apart from what a resource
//! does: the floor under the `backup_app` / `terraform_data` ratio.
//!
//! Binary name as Terraform expects it: build with
//! `cargo build --release --example echo_provider` and link it as
//! `terraform-provider-echo` in a `dev_overrides` directory for `appofapps/echo`.

use std::any::Any;
use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::{
    ApplyRequest, ApplyResponse, Attribute, Context, Diagnostics, Provider, ProviderServer,
    ReadRequest, ReadResponse, Resource, Schema,
};
use tfplugin::protocol::{run, ProviderService, ServeOptions};
use tfvalue::{Type, Value};

/// `echo_data`: `output` is `input`, `id` is fixed at create.
struct EchoData;

#[async_trait]
impl Resource for EchoData {
    fn type_name(&self) -> &'static str {
        "echo_data"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "Echoes `input` into `output`; calls nothing.",
            vec![
                Attribute::string("id").computed().use_state_for_unknown(),
                Attribute::typed("input", Type::Dynamic).optional(),
                Attribute::typed("output", Type::Dynamic).computed(),
            ],
        )
    }

    async fn modify_plan(
        &self,
        _: &Context,
        request: &tfplugin::framework::PlanRequest,
        response: &mut tfplugin::framework::PlanResponse,
    ) {
        if let Value::Object(planned) = &mut response.planned_state {
            let input = request.config.get("input").cloned().unwrap_or(Value::Null);
            planned.insert("output".to_string(), input);
        }
    }

    async fn create(&self, _: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        response.new_state = request.planned_state.clone();
        if let Value::Object(state) = &mut response.new_state {
            state.insert("id".to_string(), Value::String("echo".to_string()));
        }
    }

    async fn read(&self, _: &Context, request: &ReadRequest, response: &mut ReadResponse) {
        response.new_state = request.current_state.clone();
    }

    async fn update(&self, _: &Context, request: &ApplyRequest, response: &mut ApplyResponse) {
        response.new_state = request.planned_state.clone();
    }

    async fn delete(&self, _: &Context, _: &ApplyRequest, response: &mut ApplyResponse) {
        response.new_state = Value::Null;
    }
}

struct EchoProvider;

#[async_trait]
impl Provider for EchoProvider {
    fn type_name(&self) -> &'static str {
        "echo"
    }

    fn schema(&self) -> Schema {
        Schema::default()
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(EchoData)]
    }

    async fn configure(
        &self,
        _: &Value,
        _: &mut Diagnostics,
    ) -> Option<Arc<dyn Any + Send + Sync>> {
        None
    }
}

fn main() {
    let debug = std::env::args().skip(1).any(|a| a == "--debug");
    let service = ProviderService::new(ProviderServer::new(EchoProvider));
    let options = ServeOptions {
        debug,
        provider_address: "registry.terraform.io/appofapps/echo".to_string(),
    };
    std::process::exit(run(service, options));
}
