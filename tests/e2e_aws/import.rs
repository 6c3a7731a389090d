//! Import by name adopts the plans, vaults and selection that exist.

use crate::checks::assert_nothing_left;
use crate::config::{derived_child, providers, root_app, workdir};
use crate::support::aws_emulator::AwsEmulator;
use crate::support::state::resource_values;
use crate::support::terraform::Terraform;
use crate::{blocking, Names};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_adopts_existing_objects_by_name() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(
        &(providers(&endpoint, &endpoint) + &root_app(&names, 35) + &derived_child(&names)),
    );
    blocking(|| {
        work.init();
        work.apply();
    });
    let before = blocking(|| work.state_json());

    // Forget both, then import them by name: the same plans, vaults and selection are adopted.
    blocking(|| {
        work.state_rm("backup_child.derived");
        work.state_rm("backup_app.root");
        work.import("backup_app.root", &names.root);
        work.import("backup_child.derived", &names.derived);
        let plan = work.plan_json();
        assert_eq!(plan.counts(), (0, 2, 0), "{plan}");
        assert_eq!(
            plan.addresses(&["update"]),
            ["backup_app.root", "backup_child.derived"],
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let after = blocking(|| work.state_json());
    for (address, attribute) in [
        ("backup_app.root", "aws_plan_id"),
        ("backup_child.derived", "aws_plan_id"),
        ("backup_child.derived", "aws_selection_id"),
    ] {
        assert_eq!(
            resource_values(&after, address)[attribute],
            resource_values(&before, address)[attribute],
            "{address}.{attribute} after import"
        );
    }
    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}
