//! Terraform stopped mid-apply, when about half the tree exists in the cloud: killed outright
//! (`SIGKILL` to Terraform and its provider), or interrupted (`SIGINT`, which makes Terraform call
//! StopProvider and wait). The next apply converges with no orphan and no duplicate, on AWS and on
//! the fake ARM server.

use std::time::Duration;

use crate::aws_tree::{workdir, AwsTree};
use crate::azure_tree::{workdir as azure_workdir, AzureTree};
use crate::support::aws_emulator::AwsEmulator;
use crate::support::fake_arm::server::FakeArm;
use crate::support::fault_proxy::{ErrorStyle, FaultKind, FaultProxy, Schedule};
use crate::support::terraform::Running;
use crate::support::workdir::Workdir;
use crate::{blocking, converge, destroy, wait_until_count, APPLY};

/// How the apply is stopped.
#[derive(Clone, Copy, Debug)]
enum Stop {
    Kill,
    Interrupt,
}

/// Stops the running apply as `stop` says and waits for Terraform; panics unless it was stopped
/// without a crash (and, interrupted, saw the interrupt).
fn stop_apply(running: Running, stop: Stop, work: &Workdir) {
    match stop {
        Stop::Kill => running.kill_group(),
        Stop::Interrupt => running.signal("INT"),
    }
    let output = blocking(|| running.wait(work.timeout())).unwrap_or_else(|t| panic!("{t}"));
    let text = output.combined();
    assert!(
        !output.success(),
        "{stop:?}: the apply was not stopped:\n{output}"
    );
    assert!(!text.contains("panic"), "{stop:?}:\n{output}");
    if let Stop::Interrupt = stop {
        assert!(
            text.contains("Interrupt received"),
            "{stop:?}: Terraform did not see the interrupt:\n{output}"
        );
    }
}

/// Applies a tree of 20 joined and 20 derived children with every AWS Backup answer slowed down,
/// stops Terraform when half the objects exist, then applies again.
async fn stopped_mid_apply_then_converges(stop: Stop) {
    let proxy = FaultProxy::start(AwsEmulator::shared().endpoint()).await;
    let tree = AwsTree::new(20, 20);
    let work = workdir(&tree, &proxy.endpoint());
    // Slow answers stretch the apply to several seconds, so it is caught half-way.
    proxy.schedule(Schedule {
        seed: 1,
        probability: 1.0,
        kinds: vec![FaultKind::Slow(Duration::from_millis(150))],
        operations: Vec::new(),
    });
    let running = work.start(APPLY);
    let half = tree.object_count() / 2;
    wait_until_count("objects", half, Duration::from_secs(120), || async {
        tree.inventory().await.len()
    })
    .await;
    stop_apply(running, stop, &work);
    let before = tree.inventory().await.len();
    println!(
        "{stop:?}: {before} of {} objects existed",
        tree.object_count()
    );
    assert!(
        before < tree.object_count(),
        "{stop:?}: the whole tree was made before the stop"
    );

    proxy.clear_schedule();
    converge(&work);
    tree.assert_matches_state_then_destroy(&work).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_killed_half_way_converges_without_orphans_or_duplicates() {
    stopped_mid_apply_then_converges(Stop::Kill).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apply_interrupted_half_way_converges_without_orphans_or_duplicates() {
    stopped_mid_apply_then_converges(Stop::Interrupt).await;
}

/// The same on Azure: 40 VM children on the fake ARM server, every answer slowed down, Terraform
/// stopped when half the objects exist, then applied again.
async fn azure_stopped_mid_apply_then_converges(stop: Stop) {
    let fake = FakeArm::start().await;
    let tree = AzureTree { children: 40 };
    tree.add_vms(&fake);
    let proxy = FaultProxy::start_with(fake.url().to_owned(), ErrorStyle::Arm).await;
    let work = azure_workdir(&tree, &fake, &proxy.endpoint());
    proxy.schedule(Schedule {
        seed: 3,
        probability: 1.0,
        // Delays of different lengths, so the children finish at different times.
        kinds: [100, 500, 1000, 2000]
            .map(|ms| FaultKind::Slow(Duration::from_millis(ms)))
            .to_vec(),
        operations: Vec::new(),
    });
    let running = work.start(APPLY);
    let all = tree.expected().len();
    wait_until_count("objects", all / 2, Duration::from_secs(120), || async {
        fake.stored_paths().len()
    })
    .await;
    stop_apply(running, stop, &work);
    let before = fake.stored_paths().len();
    println!("{stop:?}: {before} of {all} objects existed");
    assert!(
        before < all,
        "{stop:?}: the whole tree was made before the stop"
    );

    proxy.clear_schedule();
    converge(&work);
    tree.assert_fake_holds_exactly(&fake);
    destroy(&work);
    fake.assert_nothing_left();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_apply_killed_half_way_converges() {
    azure_stopped_mid_apply_then_converges(Stop::Kill).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_apply_interrupted_half_way_converges() {
    azure_stopped_mid_apply_then_converges(Stop::Interrupt).await;
}
