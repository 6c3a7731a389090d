//! Unit tests of the App Service region check against the in-memory Azure backend.

use backup_policy::hardening::HardeningGuardrailsPatch;
use backup_policy::{
    AppInput, AzureAnchor, CloudAnchorsPatch, PolicyDocument, PolicyPatch, RulePatch,
};
use tfplugin::framework::{Diagnostics, Severity};

use super::*;
use crate::cloud::azure::VaultSpec;
use crate::resources::fakes::FakeAzure;

const SUB: &str = "sub-1";
const SITE: &str = "/subscriptions/sub-1/resourceGroups/rg-web/providers/Microsoft.Web/sites/shop";
const ACCOUNT: &str =
    "/subscriptions/sub-1/resourceGroups/rg-web/providers/Microsoft.Storage/storageAccounts/backupacct";
const SAS: &str =
    "https://backupacct.blob.core.windows.net/appbackups?sv=2024-11-04&sig=NeverQuoted%3D";

/// A root with an Azure anchor (vault `rsv` in `rg-backup`), the same-region guardrail when asked.
fn root(same_region: bool) -> PolicyDocument {
    let rule = RulePatch {
        schedule: Some("cron(0 5 ? * * *)".into()),
        retention_days: Some(35),
        ..RulePatch::default()
    };
    let mut input = AppInput {
        name: "org-root".into(),
        policy: PolicyPatch {
            rules: [("daily".to_string(), rule)].into(),
            ..Default::default()
        },
        anchors: CloudAnchorsPatch {
            aws: None,
            azure: Some(AzureAnchor {
                app: "org-root".into(),
                subscription_id: SUB.into(),
                resource_group: "rg-backup".into(),
                vault_name: "rsv".into(),
                vault_id: format!("/subscriptions/{SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv"),
                policy_name: "org-root".into(),
            }),
        },
        ..Default::default()
    };
    input.guardrails.hardening = HardeningGuardrailsPatch {
        require_app_service_same_region: same_region.then_some(true),
        ..Default::default()
    };
    backup_policy::evaluate(None, &input).unwrap()
}

fn check<'a>(id: Option<&'a str>, url: Option<&'a str>) -> RegionCheck<'a> {
    RegionCheck {
        site_id: SITE,
        storage_account_id: id,
        storage_account_url: url,
    }
}

/// Runs the check; (severity, path, detail) of each diagnostic.
async fn run(
    azure: &FakeAzure,
    document: &PolicyDocument,
    check: RegionCheck<'_>,
) -> Vec<(Severity, String, String)> {
    let mut diagnostics = Diagnostics::default();
    check_regions(azure, Some(document), &check, "shop", &mut diagnostics).await;
    let found: Vec<_> = diagnostics
        .into_iter()
        .map(|d| {
            let path = d.path.map(|p| p.to_string()).unwrap_or_default();
            (d.severity, path, d.detail)
        })
        .collect();
    for (_, _, detail) in &found {
        assert!(!detail.contains("sig="), "the SAS URL is quoted: {detail}");
    }
    found
}

#[test]
fn regions_compare_without_case_or_spaces() {
    assert_eq!(normalise_region("West Europe"), "westeurope");
    assert_eq!(
        normalise_region("westeurope"),
        normalise_region(" WestEurope ")
    );
    assert_ne!(normalise_region("West US"), normalise_region("West US 2"));
}

#[test]
fn the_account_is_the_first_label_of_a_blob_host() {
    assert_eq!(sas_account_name(SAS).as_deref(), Some("backupacct"));
    let gov = "https://Acct2.blob.core.usgovcloudapi.net/c?sig=x";
    assert_eq!(sas_account_name(gov).as_deref(), Some("acct2"));
    assert_eq!(
        sas_account_name("http://127.0.0.1:10000/devstoreaccount1/c?sig=x"),
        None
    );
    assert_eq!(
        sas_account_name("https://backups.example.com/c?sig=x"),
        None
    );
    assert_eq!(sas_account_name("not a url"), None);
}

#[tokio::test]
async fn same_region_is_quiet_and_found_by_the_sas_account_name() {
    let azure = FakeAzure::new(SUB);
    azure.add_site(SITE, "West Europe");
    azure.add_storage_account(ACCOUNT, "westeurope");
    assert_eq!(run(&azure, &root(true), check(None, Some(SAS))).await, []);
    assert_eq!(
        azure.world().calls.operations(),
        ["find_storage_account_named", "site_location", "find_vault"]
    );
}

#[tokio::test]
async fn another_region_warns_naming_the_site_the_account_and_both_regions() {
    let azure = FakeAzure::new(SUB);
    azure.add_site(SITE, "eastus");
    azure.add_storage_account(ACCOUNT, "westeurope");
    let found = run(&azure, &root(false), check(None, Some(SAS))).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let (severity, path, detail) = &found[0];
    assert_eq!(*severity, Severity::Warning);
    assert_eq!(path, "azure.app_service.storage_account_url");
    assert!(
        detail.starts_with(
            "The App Service \"shop\" is in eastus, but its backups go to the storage account \"backupacct\" in westeurope."
        ),
        "{detail}"
    );

    let found = run(&azure, &root(false), check(Some(ACCOUNT), Some(SAS))).await;
    assert_eq!(found[0].1, "azure.app_service.storage_account_id");
}

#[tokio::test]
async fn the_guardrail_makes_another_region_an_error_naming_the_ancestor_and_the_rule() {
    let azure = FakeAzure::new(SUB);
    azure.add_site(SITE, "eastus");
    azure.add_storage_account(ACCOUNT, "West Europe");
    let found = run(&azure, &root(true), check(Some(ACCOUNT), None)).await;
    assert_eq!(found.len(), 1, "{found:?}");
    let (severity, path, detail) = &found[0];
    assert_eq!(*severity, Severity::Error);
    assert_eq!(path, "azure.app_service.storage_account_id");
    assert!(
        detail.contains(
            "guardrails.require_app_service_same_region = true set by app \"org-root\" requires App Service \
             backups in the App Service's region. Use a storage account in eastus."
        ),
        "{detail}"
    );
    assert!(same_region_required(&root(true)) && !same_region_required(&root(false)));
}

#[tokio::test]
async fn an_id_that_disagrees_with_the_sas_url_or_an_unknown_account_is_not_checked() {
    let azure = FakeAzure::new(SUB);
    azure.add_site(SITE, "westeurope");
    let other = ACCOUNT.replace("backupacct", "otheracct");
    let found = run(&azure, &root(false), check(Some(&other), Some(SAS))).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].0,
        Severity::Error,
        "a mismatch is an error even without the guardrail"
    );
    assert_eq!(found[0].1, "azure.app_service.storage_account_id");
    assert!(
        found[0].2.starts_with(
            "storage_account_id names the storage account \"otheracct\", but storage_account_url writes to the \
             account \"backupacct\""
        ),
        "{found:?}"
    );

    // Under the guardrail what cannot be checked is an error.
    let found = run(&azure, &root(true), check(None, Some(SAS))).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, Severity::Error);
    assert_eq!(found[0].1, "azure.app_service.storage_account_url");
    assert!(found[0]
        .2
        .contains("\"backupacct\" of storage_account_url is not in subscription sub-1"));
}

#[tokio::test]
async fn without_an_account_to_look_up_nothing_is_called() {
    let azure = FakeAzure::new(SUB);
    azure.add_site(SITE, "eastus");
    let config = tfvalue::Value::Object(
        [(
            "azure".to_string(),
            crate::resources::fakes::object(&[(
                "app_service",
                crate::resources::fakes::object(&[
                    ("site_id", SITE.into()),
                    ("storage_account_url", tfvalue::Value::Null),
                    ("storage_account_id", tfvalue::Value::Null),
                ]),
            )]),
        )]
        .into(),
    );
    let check = RegionCheck::of_config(&config).unwrap();
    assert_eq!(check, self::check(None, None));
    let mut diagnostics = Diagnostics::default();
    check_regions(
        &*azure,
        Some(&root(false)),
        &check,
        "shop",
        &mut diagnostics,
    )
    .await;
    assert!(diagnostics.is_empty());
    // An unknown account id waits for apply.
    let mut unknown = config.clone();
    if let tfvalue::Value::Object(top) = &mut unknown {
        let app = crate::resources::fakes::object(&[
            ("site_id", SITE.into()),
            ("storage_account_id", tfvalue::Value::unknown()),
        ]);
        top.insert(
            "azure".into(),
            crate::resources::fakes::object(&[("app_service", app)]),
        );
    }
    assert_eq!(RegionCheck::of_config(&unknown), None);
}

#[tokio::test]
async fn a_vault_in_another_region_is_a_warning_at_the_site() {
    let azure = FakeAzure::new(SUB);
    azure.add_site(SITE, "westeurope");
    azure.add_storage_account(ACCOUNT, "westeurope");
    azure
        .ensure_vault(&VaultSpec::new("rg-backup", "rsv", "northeurope"))
        .await
        .unwrap();
    let found = run(&azure, &root(true), check(Some(ACCOUNT), Some(SAS))).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].0,
        Severity::Warning,
        "the guardrail is about storage"
    );
    assert_eq!(found[0].1, "azure.app_service.site_id");
    assert!(found[0].2.contains("vault \"rsv\""), "{found:?}");
    assert!(found[0].2.contains("northeurope"), "{found:?}");
}

#[tokio::test]
async fn under_the_guardrail_apply_checks_before_writing_the_backup_configuration() {
    use crate::cloud::part::PartFailed;
    use crate::resources::backup_child::model::{AppServiceModel, ChildAzureModel};
    use crate::resources::backup_child::ChildAzurePart;
    use crate::resources::fakes::{converge_into, object};

    let azure = FakeAzure::new(SUB);
    azure.add_site(SITE, "eastus");
    azure.add_storage_account(ACCOUNT, "westeurope");
    let shop = AppInput {
        name: "shop".into(),
        ..Default::default()
    };
    let document = backup_policy::evaluate(Some(&root(true).to_json()), &shop).unwrap();
    // The account id was unknown at plan time; apply knows it.
    let model = ChildAzureModel {
        vm_ids: None,
        app_service: Some(AppServiceModel {
            site_id: SITE.into(),
            storage_account_url: Some(SAS.into()),
            storage_account_id: Some(ACCOUNT.into()),
        }),
    };
    let config = object(&[("name", "shop".into())]);
    let part = ChildAzurePart::new(azure.clone(), &config, Some(model.clone()));
    let mut state = config.clone();
    let mut diagnostics = Diagnostics::default();
    let outcome = converge_into(
        &part,
        &document,
        &tfvalue::Value::Null,
        &mut state,
        &mut diagnostics,
    )
    .await;
    assert_eq!(outcome, Err(PartFailed));
    let errors: Vec<_> = diagnostics.into_iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].detail.contains("set by app \"org-root\""),
        "{errors:?}"
    );
    assert!(
        azure.world().sites.is_empty(),
        "the backup configuration was written"
    );

    // In the site's region the same apply writes it.
    azure.add_storage_account(&ACCOUNT.replace("backupacct", "eastacct"), "eastus");
    let mut east = model;
    let app = east.app_service.as_mut().unwrap();
    app.storage_account_id = Some(ACCOUNT.replace("backupacct", "eastacct"));
    app.storage_account_url = Some(SAS.replace("backupacct", "eastacct"));
    let part = ChildAzurePart::new(azure.clone(), &config, Some(east));
    let mut diagnostics = Diagnostics::default();
    converge_into(
        &part,
        &document,
        &tfvalue::Value::Null,
        &mut state,
        &mut diagnostics,
    )
    .await
    .unwrap();
    assert!(azure.world().sites.contains_key(SITE));
}
