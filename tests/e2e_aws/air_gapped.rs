//! `aws.air_gapped_vault`: the app creates a logically air-gapped vault (range from its
//! guardrails), every plan rule copies to it, a vault an interrupted apply left is adopted, and
//! destroy keeps one that holds a recovery point.

use aws_sdk_backup::types::VaultType;

use crate::config::{derived_child, providers, workdir};
use crate::support::aws::{start_backup_job, CENTRAL};
use crate::support::aws_emulator::{AwsEmulator, REGION};
use crate::support::terraform::Terraform;
use crate::{backends, blocking, plan_named, Names};
use terraform_provider_backup::cloud::air_gapped_creator_request_id;

/// The root app of `names` with guardrails 7–365 days, a rule kept 35 days, and an air-gapped
/// vault named `air_gapped`.
fn app(names: &Names, air_gapped: &str, force_destroy: bool) -> String {
    format!(
        r#"
resource "backup_app" "root" {{
  name          = "{root}"
  force_destroy = {force_destroy}
  policy = {{
    rules = {{
      daily = {{
        schedule       = "cron(0 5 ? * * *)"
        retention_days = 35
      }}
    }}
  }}
  guardrails = {{
    min_retention_days = 7
    max_retention_days = 365
  }}
  aws = {{
    vault_name = "{root}"
    air_gapped_vault = {{
      name = "{air_gapped}"
    }}
  }}
}}
"#,
        root = names.root
    )
}

/// AWS Backup as the central account, through the SDK (not the provider's own calls).
async fn client(endpoint: &str) -> aws_sdk_backup::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            CENTRAL, "test", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_backup::Client::new(&sdk)
}

fn arn_of(vault: &str) -> String {
    format!("arn:aws:backup:{REGION}:{CENTRAL}:backup-vault:{vault}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_creates_an_air_gapped_vault_its_rules_copy_to() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let air_gapped = format!("{}-airgap", names.root);
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(
        &(providers(&endpoint, &endpoint)
            + &app(&names, &air_gapped, false)
            + &derived_child(&names)),
    );
    blocking(|| {
        work.init();
        let plan = work.plan_json();
        assert_eq!(
            plan.change("backup_app.root").after["aws_air_gapped_vault_arn"],
            arn_of(&air_gapped).as_str(),
            "the ARN is known at plan:\n{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });

    let aws = client(&endpoint).await;
    let vault = aws
        .describe_backup_vault()
        .backup_vault_name(&air_gapped)
        .send()
        .await
        .expect("describe the air-gapped vault");
    assert_eq!(
        vault.vault_type(),
        Some(&VaultType::LogicallyAirGappedBackupVault)
    );
    assert_eq!(
        (vault.min_retention_days(), vault.max_retention_days()),
        (Some(7), Some(365))
    );
    let listed = aws
        .list_backup_vaults()
        .by_vault_type(VaultType::LogicallyAirGappedBackupVault)
        .send()
        .await
        .expect("list air-gapped vaults");
    assert!(listed
        .backup_vault_list()
        .iter()
        .any(|v| v.backup_vault_name() == Some(air_gapped.as_str())));
    assert!(listed
        .backup_vault_list()
        .iter()
        .all(|v| v.vault_type() == Some(&VaultType::LogicallyAirGappedBackupVault)));

    let (central, _) = backends().await;
    let plan = plan_named(&central, &names.root)
        .await
        .expect("the app's plan");
    let copies = &plan.spec.rules[0].copy_actions;
    assert_eq!(copies.len(), 1, "{copies:?}");
    assert_eq!(copies[0].destination_vault_arn, arn_of(&air_gapped));
    assert_eq!(copies[0].lifecycle.delete_after_days, 35);
    // A derived child (another account) copies there too, besides the app's own vault.
    let (_, member) = backends().await;
    let derived = plan_named(&member, &names.derived)
        .await
        .expect("derived plan");
    let mut targets: Vec<_> = derived.spec.rules[0]
        .copy_actions
        .iter()
        .map(|c| c.destination_vault_arn.clone())
        .collect();
    targets.sort();
    let mut expected = vec![arn_of(&names.root), arn_of(&air_gapped)];
    expected.sort();
    assert_eq!(targets, expected);

    blocking(|| work.destroy());
    assert!(aws
        .describe_backup_vault()
        .backup_vault_name(&air_gapped)
        .send()
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vault_an_interrupted_apply_created_is_adopted_not_duplicated() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let air_gapped = format!("{}-airgap", names.root);
    // What a create whose answer never reached state leaves: the vault, made with our token.
    let aws = client(&endpoint).await;
    let token = air_gapped_creator_request_id(CENTRAL, REGION, &air_gapped);
    aws.create_logically_air_gapped_backup_vault()
        .backup_vault_name(&air_gapped)
        .min_retention_days(7)
        .max_retention_days(365)
        .creator_request_id(&token)
        .send()
        .await
        .expect("the interrupted create");
    // The same request again is the same vault (the token is the idempotency key).
    aws.create_logically_air_gapped_backup_vault()
        .backup_vault_name(&air_gapped)
        .min_retention_days(7)
        .max_retention_days(365)
        .creator_request_id(&token)
        .send()
        .await
        .expect("a retried create answers with the vault");

    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(&(providers(&endpoint, &endpoint) + &app(&names, &air_gapped, false)));
    blocking(|| {
        work.init();
        work.apply();
        work.assert_plan_clean();
    });
    let listed = aws
        .list_backup_vaults()
        .by_vault_type(VaultType::LogicallyAirGappedBackupVault)
        .send()
        .await
        .expect("list air-gapped vaults");
    let named = listed
        .backup_vault_list()
        .iter()
        .filter(|v| v.backup_vault_name() == Some(air_gapped.as_str()))
        .count();
    assert_eq!(named, 1);
    blocking(|| work.destroy());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn destroy_keeps_an_air_gapped_vault_holding_a_recovery_point() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let air_gapped = format!("{}-airgap", names.root);
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(&(providers(&endpoint, &endpoint) + &app(&names, &air_gapped, false)));
    blocking(|| {
        work.init();
        work.apply();
    });
    start_backup_job(&endpoint, &air_gapped).await;

    blocking(|| {
        let out = work
            .run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .assert_failure();
        let text = out.unwrapped();
        assert!(text.contains("backup_app.root"), "{text}");
        assert!(text.contains(&air_gapped), "names the vault: {text}");
        assert!(text.contains("holds 1 recovery point(s)"), "{text}");
    });
    let aws = client(&endpoint).await;
    let vault = aws
        .describe_backup_vault()
        .backup_vault_name(&air_gapped)
        .send()
        .await
        .expect("the air-gapped vault was kept");
    assert_eq!(vault.number_of_recovery_points(), 1);
    // The app's own vault is refused after the air-gapped one: it is still there too.
    let (central, _) = backends().await;
    assert!(crate::vault_exists(&central, &names.root).await);

    // Renaming the vault is refused by the same rule, and changes nothing.
    work.write_main_tf(
        &(providers(&endpoint, &endpoint) + &app(&names, &format!("{air_gapped}-2"), false)),
    );
    blocking(|| {
        let out = work
            .run(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .assert_failure();
        let text = out.unwrapped();
        assert!(
            text.contains(&air_gapped) && text.contains("recovery point"),
            "{text}"
        );
    });
    assert!(aws
        .describe_backup_vault()
        .backup_vault_name(format!("{air_gapped}-2"))
        .send()
        .await
        .is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_apply_killed_after_the_create_took_effect_is_adopted_by_the_next() {
    use crate::support::fault_proxy::{FaultKind, FaultProxy, Operation, Schedule};

    let emulator = AwsEmulator::shared().endpoint();
    let proxy = FaultProxy::start(emulator.clone()).await;
    // Every create reaches AWS, and its answer never comes back.
    proxy.schedule(Schedule {
        seed: 1,
        probability: 1.0,
        kinds: vec![FaultKind::DropAnswer],
        operations: vec![Operation {
            method: Some(hyper::Method::PUT),
            path_contains: "/logically-air-gapped-backup-vaults/",
        }],
    });
    let names = Names::new();
    let air_gapped = format!("{}-airgap", names.root);
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(
        &(providers(&proxy.endpoint(), &emulator) + &app(&names, &air_gapped, false)),
    );
    blocking(|| work.init());
    let running = work.start(&["apply", "-auto-approve", "-input=false", "-no-color"]);
    let aws = client(&emulator).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while aws
        .describe_backup_vault()
        .backup_vault_name(&air_gapped)
        .send()
        .await
        .is_err()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the create never reached AWS"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    running.kill_group();
    let killed = blocking(|| running.wait(work.timeout())).unwrap_or_else(|t| panic!("{t}"));
    assert!(!killed.success(), "the apply was not stopped:\n{killed}");
    proxy.clear_schedule();

    blocking(|| {
        work.apply();
        work.assert_plan_clean();
    });
    let listed = aws
        .list_backup_vaults()
        .by_vault_type(VaultType::LogicallyAirGappedBackupVault)
        .send()
        .await
        .expect("list air-gapped vaults");
    let named = listed
        .backup_vault_list()
        .iter()
        .filter(|v| v.backup_vault_name() == Some(air_gapped.as_str()))
        .count();
    assert_eq!(named, 1);
    blocking(|| work.destroy());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_backend_waits_while_aws_sets_the_vault_up_and_refuses_another_range() {
    use terraform_provider_backup::cloud::{AirGappedVaultSpec, AirGappedVaults, BackupBackend};

    // A new air-gapped vault answers CREATING to its first three describes.
    let emulator = AwsEmulator::start_with(&[("BACKUP_PLUS_AIR_GAPPED_CREATING_POLLS", "3")]);
    let (_, backend) = emulator.connect(CENTRAL).await;
    let spec = AirGappedVaultSpec {
        name: "org-airgap".into(),
        min_retention_days: 7,
        max_retention_days: 365,
        tags: Default::default(),
    };
    let vault = backend
        .ensure_air_gapped_vault(&spec)
        .await
        .expect("created");
    assert_eq!(vault.state, "AVAILABLE");
    assert_eq!(vault.arn, arn_of("org-airgap"));
    assert_eq!(
        (vault.min_retention_days, vault.max_retention_days),
        (Some(7), Some(365))
    );

    let other = AirGappedVaultSpec {
        max_retention_days: 100,
        ..spec.clone()
    };
    let error = backend
        .ensure_air_gapped_vault(&other)
        .await
        .expect_err("another range is not adopted");
    assert!(error.to_string().contains("7–365"), "{error}");

    // A standard vault's name is not taken for an air-gapped one, nor deleted as one.
    let standard = "org-standard";
    backend
        .ensure_vault(&terraform_provider_backup::cloud::VaultSpec {
            name: standard.into(),
            ..Default::default()
        })
        .await
        .expect("standard vault");
    let error = backend
        .ensure_air_gapped_vault(&AirGappedVaultSpec {
            name: standard.into(),
            ..spec
        })
        .await
        .expect_err("a standard vault's name");
    assert!(error.to_string().contains("BACKUP_VAULT"), "{error}");
    assert!(backend
        .delete_air_gapped_vault(standard, false)
        .await
        .is_err());
    assert!(backend
        .find_vault_by_name(standard)
        .await
        .unwrap()
        .is_some());

    backend
        .delete_air_gapped_vault("org-airgap", false)
        .await
        .expect("an empty vault is deleted");
    assert!(backend
        .find_air_gapped_vault("org-airgap")
        .await
        .unwrap()
        .is_none());
}
