//! Applies under a seeded schedule of faults (throttling, 5xx, dropped connections, lost answers,
//! slow answers) on at least 20 % of the requests, with `-parallelism=10`: the apply succeeds, the
//! next plan is clean, the cloud holds exactly the tree, and the retries are in the debug log.

use std::time::Duration;

use crate::aws_tree::{workdir, AwsTree};
use crate::azure_tree::{workdir as azure_workdir, AzureTree};
use crate::support::aws_emulator::AwsEmulator;
use crate::support::fake_arm::server::FakeArm;
use crate::support::fault_proxy::{ErrorStyle, FaultKind, FaultProxy, Schedule};
use crate::support::workdir::Workdir;
use crate::{blocking, destroy, APPLY};

/// The seed of the fault schedule: a failure names it, and the same seed draws the same faults.
const SEED: u64 = 13;

/// Faults that fail a request (slow answers aside).
fn failing(proxy: &FaultProxy) -> (usize, usize) {
    let seen = proxy.seen();
    let failed = seen
        .iter()
        .filter(|s| s.fault.as_deref().is_some_and(|f| !f.starts_with("Slow")))
        .count();
    (failed, seen.len())
}

/// Retry lines of the provider in Terraform's debug log.
fn retries_logged(log: &std::path::Path) -> usize {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    text.lines()
        .filter(|l| l.contains("[DEBUG]") && l.contains("retrying:"))
        .count()
}

/// Applies `work` with Terraform's debug log on, while `proxy` draws one of `kinds` for 30 % of the
/// requests; then checks that at least 20 % of the requests failed by a fault, that the retries are
/// in the debug log, and that a plan under the same faults is clean.
fn apply_under_faults(work: &mut Workdir, proxy: &FaultProxy, kinds: Vec<FaultKind>) {
    let log = work.path().join("terraform-debug.log");
    work.env("TF_LOG", "debug")
        .env("TF_LOG_PATH", &log.to_string_lossy());
    proxy.schedule(Schedule {
        seed: SEED,
        probability: 0.3,
        kinds,
        operations: Vec::new(),
    });
    blocking(|| {
        work.run_ok(APPLY);
    });
    let (failed, total) = failing(proxy);
    println!("seed {SEED}: {failed} of {total} requests failed by a fault");
    assert!(
        failed * 5 >= total,
        "seed {SEED}: only {failed} of {total} requests got a fault"
    );
    let retried = retries_logged(&log);
    assert!(
        retried >= failed / 2,
        "seed {SEED}: {failed} faults but only {retried} retries in the debug log"
    );
    // Reading back under the same faults: nothing to change.
    blocking(|| {
        let plan = work.plan_json();
        assert_eq!(
            plan.output.code(),
            0,
            "seed {SEED}: plan not clean:\n{plan}"
        );
    });
    proxy.clear_schedule();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_tree_of_100_children_converges_under_20_percent_faults() {
    let proxy = FaultProxy::start(AwsEmulator::shared().endpoint()).await;
    let tree = AwsTree::new(50, 50);
    let mut work = workdir(&tree, &proxy.endpoint());
    let kinds = vec![
        FaultKind::aws_throttling(),
        FaultKind::too_many_requests(),
        FaultKind::server_error(500),
        FaultKind::server_error(503),
        FaultKind::Drop,
        FaultKind::DropAnswer,
        FaultKind::Slow(Duration::from_millis(300)),
    ];
    apply_under_faults(&mut work, &proxy, kinds);
    tree.assert_matches_state_then_destroy(&work).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_tree_of_100_children_converges_under_20_percent_faults() {
    let fake = FakeArm::start().await;
    let tree = AzureTree { children: 100 };
    tree.add_vms(&fake);
    let proxy = FaultProxy::start_with(fake.url().to_owned(), ErrorStyle::Arm).await;
    let mut work = azure_workdir(&tree, &fake, &proxy.endpoint());
    let kinds = vec![
        FaultKind::arm_throttling(),
        FaultKind::server_error(500),
        FaultKind::server_error(503),
        FaultKind::Drop,
        FaultKind::DropAnswer,
        FaultKind::Slow(Duration::from_millis(300)),
    ];
    apply_under_faults(&mut work, &proxy, kinds);
    tree.assert_fake_holds_exactly(&fake);
    fake.assert_valid();
    destroy(&work);
    fake.assert_nothing_left();
}
