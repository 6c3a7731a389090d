//! Destroy of a vault that holds recovery points fails and says why, until `force_destroy`.

use crate::checks::assert_nothing_left;
use crate::config::{providers, root_app, workdir};
use crate::support::aws::start_backup_job;
use crate::support::aws_emulator::AwsEmulator;
use crate::support::terraform::Terraform;
use crate::{backends, blocking, vault_exists, Names};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vault_with_recovery_points_needs_force_destroy() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let config = providers(&endpoint, &endpoint) + &root_app(&names, 35);
    work.write_main_tf(&config);
    blocking(|| {
        work.init();
        work.apply();
    });
    start_backup_job(&endpoint, &names.root).await;

    blocking(|| {
        let out = work
            .run(&["destroy", "-auto-approve", "-input=false", "-no-color"])
            .assert_failure();
        let text = out.unwrapped();
        assert!(text.contains("backup_app.root"), "{text}");
        assert!(text.contains("holds 1 recovery point(s)"), "{text}");
        assert!(text.contains("set force_destroy = true"), "{text}");
    });
    let (central, _) = backends().await;
    assert!(
        vault_exists(&central, &names.root).await,
        "the vault was kept"
    );

    work.write_main_tf(&config.replace(
        "  aws = {\n    vault_name",
        "  force_destroy = true\n  aws = {\n    vault_name",
    ));
    blocking(|| {
        work.apply();
        work.destroy();
    });
    assert_nothing_left(&names).await;
}
