//! In-memory fakes of the backend traits ([`BackupBackend`](crate::cloud::BackupBackend),
//! [`AzureBackend`](crate::cloud::azure::AzureBackend)), for unit tests of the resources below
//! the end-to-end ones. Each records its calls, so tests can assert call counts, and can be told
//! to fail one call.

mod apigee;
mod aws;
mod aws_air_gapped;
mod aws_audit;
mod aws_recovery_points;
mod aws_restore_testing;
mod azure;
mod azure_regions;
mod azure_resource_guards;
mod list_reader;

pub(crate) use apigee::FakeApigee;
pub(crate) use aws::FakeAws;
pub(crate) use aws_recovery_points::FakeRecoveryPoints;
pub(crate) use azure::FakeAzure;
pub(crate) use list_reader::ListReader;

use std::collections::BTreeMap;

use backup_policy::PolicyDocument;
use tfplugin::framework::{Diagnostics, PlanRequest, PlanResponse};
use tfvalue::Value;

use super::model::NodeUpdate;
use crate::cloud::part::{CloudPart, PartFailed, Presence};
use crate::cloud::{CloudError, ErrorKind};

/// A resource's cloud part, as the tests drive it.
pub(crate) type TestPart = dyn CloudPart<Update = NodeUpdate>;

/// Reads `part` back into `state`, as the read skeleton does.
pub(crate) async fn read_into(
    part: &TestPart,
    state: &mut Value,
    diagnostics: &mut Diagnostics,
) -> Result<Presence, PartFailed> {
    let mut update = NodeUpdate::default();
    let outcome = part.read(state, &mut update, diagnostics).await;
    update.write(state);
    outcome
}

/// Converges `part` for `document`, recording what it made in `state`.
pub(crate) async fn converge_into(
    part: &TestPart,
    document: &PolicyDocument,
    prior_state: &Value,
    state: &mut Value,
    diagnostics: &mut Diagnostics,
) -> Result<(), PartFailed> {
    let mut update = NodeUpdate::default();
    let outcome = part
        .converge(document, prior_state, &mut update, diagnostics)
        .await;
    update.write(state);
    outcome
}

/// An object value of the given members, for building configurations and states in tests.
pub(crate) fn object(members: &[(&str, Value)]) -> Value {
    Value::Object(
        members
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// The plan of a create, as Terraform asks for it: `config` as proposed state with `id`,
/// `policy_document` and the resource's `computed` attributes unknown; and the response the
/// framework's pipeline hands the resource's `modify_plan`.
pub(crate) fn create_plan(config: &Value, computed: &[&str]) -> (PlanRequest, PlanResponse) {
    let mut proposed = config.clone();
    for name in ["id", "policy_document"].iter().chain(computed) {
        super::state::set_attr(&mut proposed, name, Value::unknown());
    }
    let request = PlanRequest {
        config: config.clone(),
        prior_state: Value::Null,
        proposed_state: proposed.clone(),
        prior_private: Vec::new(),
    };
    let response = PlanResponse {
        planned_state: proposed,
        ..PlanResponse::default()
    };
    (request, response)
}

/// A string attribute of a state, for assertions.
pub(crate) fn str_attr<'a>(value: &'a Value, name: &str) -> Option<&'a str> {
    value.get(name).and_then(Value::as_str)
}

/// A call log with an optional injected failure.
#[derive(Debug, Default)]
pub(crate) struct Calls {
    /// Every call made, as `operation subject`.
    pub(crate) log: Vec<String>,
    /// The operation that fails (once it is called), if any.
    pub(crate) fail_on: Option<&'static str>,
}

impl Calls {
    /// Records a call; the injected failure when `operation` is the one set to fail.
    pub(crate) fn record(
        &mut self,
        operation: &'static str,
        subject: &str,
    ) -> Result<(), CloudError> {
        self.log.push(format!("{operation} {subject}"));
        if self.fail_on == Some(operation) {
            return Err(CloudError::new(
                ErrorKind::AccessDenied,
                operation,
                subject,
                "injected failure",
            ));
        }
        Ok(())
    }

    /// The operations called, without their subjects.
    pub(crate) fn operations(&self) -> Vec<&str> {
        self.log
            .iter()
            .map(|c| c.split(' ').next().unwrap_or_default())
            .collect()
    }
}

/// A not-found error, as the real backends report one.
fn not_found(operation: &'static str, subject: &str) -> CloudError {
    CloudError::new(ErrorKind::NotFound, operation, subject, "not found")
}
