//! Vault-lock and KMS-key drift: a lock removed or changed out of band shows in the next plan as an
//! update in place of the root app that puts the configured lock back, a vault with another key as
//! its replacement; once applied, the plan is clean.

use crate::checks::assert_nothing_left;
use crate::config::{providers, root_app, workdir};
use crate::support::aws::CENTRAL;
use crate::support::aws_emulator::{AwsEmulator, REGION};
use crate::support::terraform::Terraform;
use crate::{backends, blocking, Names};
use terraform_provider_backup::cloud::BackupBackend;

/// The AWS SDK's Backup client for [`CENTRAL`] at `endpoint`: the out-of-band hand.
async fn sdk_client(endpoint: &str) -> aws_sdk_backup::Client {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vault_lock_removed_out_of_band_is_planned_back_and_restored() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let key = format!("arn:aws:kms:{REGION}:{CENTRAL}:key/drift-lock");
    let config = providers(&endpoint, &endpoint)
        + &root_app(&names, 35).replace(
            "    allow_copy_from_accounts",
            &format!(
                "    kms_key_arn = \"{key}\"\n    \
                 vault_lock = {{\n      min_retention_days = 7\n      max_retention_days = 365\n      \
                 changeable_for_days = 30\n    }}\n    allow_copy_from_accounts"
            ),
        );
    work.write_main_tf(&config);
    blocking(|| {
        work.init();
        work.apply();
        work.assert_plan_clean();
    });

    // The emulator keeps the configured key, and the lock is in place.
    let (central, _) = backends().await;
    let vault = central
        .find_vault_by_name(&names.root)
        .await
        .unwrap()
        .expect("root vault");
    assert_eq!(vault.kms_key_arn.as_deref(), Some(key.as_str()));
    let lock = vault.lock.expect("vault lock");
    assert_eq!(
        (lock.min_retention_days, lock.max_retention_days),
        (Some(7), Some(365))
    );

    sdk_client(&endpoint)
        .await
        .delete_backup_vault_lock_configuration()
        .backup_vault_name(&names.root)
        .send()
        .await
        .expect("remove the lock out of band");

    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(plan.output.code(), 2, "{plan}");
        let change = plan.change("backup_app.root");
        assert!(change.is(&["update"]), "{plan}");
        assert!(change.before["aws"]["vault_lock"].is_null(), "{plan}");
        let lock = &change.after["aws"]["vault_lock"];
        assert_eq!(lock["min_retention_days"], 7, "{plan}");
        assert_eq!(lock["max_retention_days"], 365, "{plan}");
        assert_eq!(lock["changeable_for_days"], 30, "{plan}");
        assert_eq!(change.after["aws"]["kms_key_arn"], key.as_str(), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    let lock = central
        .find_vault_by_name(&names.root)
        .await
        .unwrap()
        .expect("root vault")
        .lock
        .expect("lock put back");
    assert_eq!(
        (lock.min_retention_days, lock.max_retention_days),
        (Some(7), Some(365))
    );

    // A lock changed out of band: the plan shows what the vault has and puts the configured back.
    let sdk = sdk_client(&endpoint).await;
    sdk.put_backup_vault_lock_configuration()
        .backup_vault_name(&names.root)
        .min_retention_days(1)
        .max_retention_days(30)
        .send()
        .await
        .expect("change the lock out of band");
    blocking(|| {
        let plan = work.plan_json();
        let change = plan.change("backup_app.root");
        assert!(change.is(&["update"]), "{plan}");
        let before = &change.before["aws"]["vault_lock"];
        assert_eq!(before["min_retention_days"], 1, "{plan}");
        assert_eq!(before["max_retention_days"], 30, "{plan}");
        assert_eq!(
            change.after["aws"]["vault_lock"]["min_retention_days"], 7,
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });

    // The vault re-created out of band with another key (AWS cannot re-key a vault): replaced.
    let other = format!("arn:aws:kms:{REGION}:{CENTRAL}:key/other");
    sdk.delete_backup_vault_lock_configuration()
        .backup_vault_name(&names.root)
        .send()
        .await
        .expect("remove the lock");
    sdk.delete_backup_vault()
        .backup_vault_name(&names.root)
        .send()
        .await
        .expect("delete the vault");
    sdk.create_backup_vault()
        .backup_vault_name(&names.root)
        .encryption_key_arn(&other)
        .send()
        .await
        .expect("re-create the vault with another key");
    blocking(|| {
        let plan = work.plan_json();
        let change = plan.change("backup_app.root");
        assert!(change.is_replace(), "{plan}");
        assert_eq!(
            change.before["aws"]["kms_key_arn"],
            other.as_str(),
            "{plan}"
        );
        assert_eq!(change.after["aws"]["kms_key_arn"], key.as_str(), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    let vault = central
        .find_vault_by_name(&names.root)
        .await
        .unwrap()
        .expect("root vault");
    assert_eq!(vault.kms_key_arn.as_deref(), Some(key.as_str()));
    assert!(vault.lock.is_some(), "the replacement has the lock");
    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}
