//! A new KMS key replaces the root app (a vault's key cannot change); its joined child, whose
//! selection goes with the old plan, moves into the new plan in the same apply.

use crate::checks::assert_nothing_left;
use crate::config::{joined_child, providers, root_app, workdir};
use crate::support::aws::CENTRAL;
use crate::support::aws_emulator::{AwsEmulator, REGION};
use crate::support::terraform::Terraform;
use crate::{backends, blocking, plan_named, Names};
use terraform_provider_backup::cloud::BackupBackend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_kms_key_replaces_the_app_and_its_joined_child_follows() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let config = providers(&endpoint, &endpoint) + &root_app(&names, 35) + &joined_child(&names);
    let key = format!("arn:aws:kms:{REGION}:{CENTRAL}:key/0000-1111");
    let rekeyed = config.replace(
        "    allow_copy_from_accounts",
        &format!("    kms_key_arn              = \"{key}\"\n    allow_copy_from_accounts"),
    );
    work.write_main_tf(&config);
    blocking(|| {
        work.init();
        work.apply();
    });
    work.write_main_tf(&rekeyed);
    blocking(|| {
        let plan = work.plan_json();
        assert!(plan.change("backup_app.root").is_replace(), "{plan}");
        // The key is part of the anchor the child reads: the child is updated in place, its
        // selection moving into the new plan.
        assert!(plan.change("backup_child.joined").is(&["update"]), "{plan}");
        work.apply();
        work.assert_plan_clean();
    });
    let (central, _) = backends().await;
    let vault = central
        .find_vault_by_name(&names.root)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(vault.kms_key_arn.as_deref(), Some(key.as_str()));
    let plan = plan_named(&central, &names.root)
        .await
        .expect("one root plan");
    assert!(central
        .find_selection_by_name(&plan.state.plan_id, &names.joined)
        .await
        .unwrap()
        .is_some());
    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}
