//! The fake ARM server's OpenAPI validator, on its own: it accepts what the specs allow and
//! rejects what they do not.

mod support;

use serde_json::{json, Value};
use support::fake_arm::validator::{Direction, Validator};

const BMS: &str = "bms.json";
const VAULTS: &str = "RecoveryServices/stable/2026-11-01/openapi.json";
const WEB: &str = "web-sites-config-backup.json";

fn validator() -> Validator {
    Validator::load_default()
}

/// Panics, listing them, unless one of `errors` mentions `fragment`.
#[track_caller]
fn assert_reports(errors: &[String], fragment: &str) {
    assert!(
        errors.iter().any(|e| e.contains(fragment)),
        "no error mentions {fragment:?}: {errors:?}"
    );
}

/// The problems with `body` sent as a backup policy (`ProtectionPolicyResource`).
fn policy_request_errors(v: &Validator, body: &Value) -> Vec<String> {
    v.specs
        .check_definition(BMS, "ProtectionPolicyResource", body, Direction::Request)
}

fn iaas_policy() -> Value {
    json!({
        "properties": {
            "backupManagementType": "AzureIaasVM",
            "timeZone": "UTC",
            "schedulePolicy": {"schedulePolicyType": "SimpleSchedulePolicy", "scheduleRunFrequency": "Daily", "scheduleRunTimes": ["2020-01-01T05:00:00Z"]},
            "retentionPolicy": {"retentionPolicyType": "LongTermRetentionPolicy", "dailySchedule": {"retentionTimes": ["2020-01-01T05:00:00Z"], "retentionDuration": {"count": 35, "durationType": "Days"}}}
        }
    })
}

#[test]
fn loads_every_operation() {
    let v = validator();
    assert!(
        v.specs.operation_count() > 80,
        "{}",
        v.specs.operation_count()
    );
    let op = v
        .specs
        .find("PUT", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/v/backupPolicies/p")
        .unwrap();
    assert_eq!(op.operation_id, "ProtectionPolicies_CreateOrUpdate");
    assert_eq!(op.api_version, "2026-11-01");
    let op = v
        .specs
        .find("POST", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop/config/backup/list")
        .unwrap();
    assert_eq!(op.operation_id, "WebApps_GetBackupConfiguration");
    assert!(v
        .specs
        .find(
            "GET",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/shop/config/backup"
        )
        .is_none());
}

#[test]
fn accepts_a_correct_policy_through_the_discriminators() {
    let v = validator();
    let errors = v.specs.check_definition(
        BMS,
        "ProtectionPolicyResource",
        &iaas_policy(),
        Direction::Request,
    );
    assert_eq!(errors, Vec::<String>::new());
}

#[test]
fn rejects_a_missing_required_property() {
    let v = validator();
    let mut body = iaas_policy();
    body["properties"]["schedulePolicy"]
        .as_object_mut()
        .unwrap()
        .remove("schedulePolicyType");
    let errors = policy_request_errors(&v, &body);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("schedulePolicy") && e.contains("schedulePolicyType")),
        "{errors:?}"
    );

    let errors = v.specs.check_definition(
        WEB,
        "BackupRequest",
        &json!({"properties": {"enabled": true}}),
        Direction::Request,
    );
    assert_reports(&errors, "missing required property \"storageAccountUrl\"");
}

#[test]
fn rejects_a_wrong_type() {
    let v = validator();
    let mut body = iaas_policy();
    body["properties"]["retentionPolicy"]["dailySchedule"]["retentionDuration"]["count"] =
        json!("35");
    let errors = policy_request_errors(&v, &body);
    assert_reports(&errors, "retentionDuration.count: expected integer");
}

#[test]
fn rejects_a_bad_enum() {
    let v = validator();
    let body = json!({"location": "westeurope", "sku": {"name": "Standard"}, "properties": {"redundancySettings": {"standardTierStorageRedundancy": "SuperRedundant"}}});
    let errors = v
        .specs
        .check_definition(VAULTS, "Vault", &body, Direction::Request);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("standardTierStorageRedundancy") && e.contains("not one of")),
        "{errors:?}"
    );
    let good = json!({"location": "westeurope", "sku": {"name": "Standard"}, "properties": {"redundancySettings": {"standardTierStorageRedundancy": "GeoRedundant"}}});
    assert_eq!(
        v.specs
            .check_definition(VAULTS, "Vault", &good, Direction::Request),
        Vec::<String>::new()
    );
}

#[test]
fn rejects_an_unknown_discriminator() {
    let v = validator();
    let mut body = iaas_policy();
    body["properties"]["backupManagementType"] = json!("AzureQuantumVM");
    let errors = policy_request_errors(&v, &body);
    assert_reports(&errors, "unknown discriminator value \"AzureQuantumVM\"");
    let mut body = iaas_policy();
    body["properties"]["schedulePolicy"]["schedulePolicyType"] = json!("FancySchedulePolicy");
    let errors = policy_request_errors(&v, &body);
    assert_reports(&errors, "FancySchedulePolicy");
}

#[test]
fn rejects_read_only_in_requests_and_unknown_properties() {
    let v = validator();
    let body = json!({"id": "/x", "location": "westeurope", "sku": {"name": "Standard"}, "properties": {"provisioningState": "Succeeded"}});
    let errors = v
        .specs
        .check_definition(VAULTS, "Vault", &body, Direction::Request);
    assert_reports(&errors, "$.id: readOnly");
    assert_reports(&errors, "provisioningState: readOnly");
    assert!(v
        .specs
        .check_definition(VAULTS, "Vault", &body, Direction::Response)
        .is_empty());
    let typo = json!({"location": "westeurope", "properties": {"redundancySetings": {}}});
    let errors = v
        .specs
        .check_definition(VAULTS, "Vault", &typo, Direction::Request);
    assert_reports(&errors, "redundancySetings: unknown property");
}

#[test]
fn subtype_properties_are_checked_too() {
    let v = validator();
    let item = json!({"properties": {"protectedItemType": "Microsoft.Compute/virtualMachines", "sourceResourceId": "/vm", "policyId": "/p", "protectionState": "Sleeping"}});
    let errors = v
        .specs
        .check_definition(BMS, "ProtectedItemResource", &item, Direction::Request);
    assert!(
        errors
            .iter()
            .any(|e| e.contains("protectionState") && e.contains("not one of")),
        "{errors:?}"
    );
}

#[test]
fn the_vendored_examples_validate() {
    // The specs' own examples are the reference: a validator rejecting them would be wrong.
    let v = validator();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/specs/azure/specification/recoveryservicesbackup/resource-manager/Microsoft.RecoveryServices/RecoveryServicesBackup/stable/2026-11-01/examples/AzureIaasVm");
    let example: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("ProtectionPolicies_CreateOrUpdate_Simple.json"))
            .unwrap(),
    )
    .unwrap();
    let errors = v.specs.check_definition(
        BMS,
        "ProtectionPolicyResource",
        &example["parameters"]["parameters"],
        Direction::Request,
    );
    assert_eq!(errors, Vec::<String>::new());
    let errors = v.specs.check_definition(
        BMS,
        "ProtectionPolicyResource",
        &example["responses"]["200"]["body"],
        Direction::Response,
    );
    assert_eq!(errors, Vec::<String>::new());
}
