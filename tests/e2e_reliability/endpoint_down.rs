//! The endpoint goes down mid-apply (the proxy in front of it stops listening): the apply fails
//! within the bound the reliability guide states, with an error naming the endpoint and the
//! operation, without a provider crash; the state holds what was finished; once the endpoint is
//! back, the next apply converges.

use std::time::{Duration, Instant};

use crate::aws_tree::{self, assert_state_holds_finished, AwsTree};
use crate::azure_tree::{workdir, AzureTree};
use crate::support::aws_emulator::AwsEmulator;
use crate::support::fake_arm::server::FakeArm;
use crate::support::fault_proxy::{Down, ErrorStyle, FaultKind, FaultProxy, Schedule};
use crate::support::state::{resource_values, state_resources};
use crate::support::terraform::Output;
use crate::{blocking, converge, destroy, wait_until_count, APPLY};

/// docs/guides/reliability.md and docs/guides/azure.md: a request to an endpoint that refuses
/// connections fails within 60 s.
const DOCUMENTED_BOUND: Duration = Duration::from_secs(60);
/// What this busy test machine may add to it: Terraform finishing the walk and writing state.
const SLACK: Duration = Duration::from_secs(20);

/// Panics unless `output` is a failure without a crash of the provider.
#[track_caller]
fn assert_failed_without_crash(output: &Output) {
    assert!(
        !output.success(),
        "the apply succeeded with the endpoint down:\n{output}"
    );
    let text = output.combined();
    for crash in ["panic", "plugin crashed", "Plugin did not respond"] {
        assert!(!text.contains(crash), "{crash:?} in the output:\n{output}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn azure_endpoint_refusing_mid_apply_fails_in_bound_and_the_next_apply_converges() {
    let fake = FakeArm::start().await;
    // At most -parallelism resources, so every unfinished one is in flight when the endpoint goes
    // down and each fails within one request's bound (queued ones would start later).
    let tree = AzureTree { children: 8 };
    tree.add_vms(&fake);
    let proxy = FaultProxy::start_with(fake.url().to_owned(), ErrorStyle::Arm).await;
    let work = workdir(&tree, &fake, &proxy.endpoint());
    proxy.schedule(Schedule {
        seed: 2,
        probability: 1.0,
        // Delays of different lengths, so the children finish at different times.
        kinds: [100, 1000, 2000, 4000]
            .map(|ms| FaultKind::Slow(Duration::from_millis(ms)))
            .to_vec(),
        operations: Vec::new(),
    });
    let running = work.start(APPLY);
    let half = tree.expected().len() / 2;
    wait_until_count("objects", half, Duration::from_secs(120), || async {
        fake.stored_paths().len()
    })
    .await;
    proxy.set_down(Down::Refuse);
    let down_at = Instant::now();
    let output = blocking(|| running.wait(work.timeout())).unwrap_or_else(|t| panic!("{t}"));
    let took = down_at.elapsed();
    println!("the apply failed {took:?} after the endpoint went down");
    assert_failed_without_crash(&output);
    assert!(
        took <= DOCUMENTED_BOUND + SLACK,
        "the apply took {took:?} to fail after the endpoint went down:\n{output}"
    );
    let text = output.unwrapped();
    let named = format!(
        "): no answer from Azure Resource Manager at {}",
        proxy.endpoint()
    );
    assert!(
        text.contains(&named),
        "no error naming the operation and {named:?}:\n{output}"
    );

    // The state is readable, holds the root app, and every child it holds as made (not tainted:
    // a create that failed half-way is kept tainted, to be replaced) is protected in the fake.
    let state = blocking(|| work.state_json());
    assert!(resource_values(&state, "backup_app.root")["azure_policy_id"].is_string());
    let stored = fake.stored_paths();
    for resource in state_resources(&state) {
        let address = resource["address"].as_str().unwrap_or_default();
        let Some(vm) = address.strip_prefix("backup_child.") else {
            continue;
        };
        if resource["tainted"] == true {
            continue;
        }
        let item = format!("protecteditems/vm;iaasvmcontainerv2;rg-app;{vm}");
        assert!(
            stored.iter().any(|p| p.ends_with(&item)),
            "{address} is in the state as made but its VM is not protected"
        );
    }

    proxy.set_down(Down::Up);
    proxy.clear_schedule();
    converge(&work);
    tree.assert_fake_holds_exactly(&fake);
    destroy(&work);
    fake.assert_nothing_left();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_endpoint_refusing_mid_apply_fails_in_bound_and_the_next_apply_converges() {
    let proxy = FaultProxy::start(AwsEmulator::shared().endpoint()).await;
    // At most -parallelism resources, so every unfinished one is in flight when the endpoint goes
    // down and each fails within one call's bound (queued ones would start their calls later).
    let tree = AwsTree::new(4, 4);
    let work = aws_tree::workdir(&tree, &proxy.endpoint());
    proxy.schedule(Schedule {
        seed: 2,
        probability: 1.0,
        kinds: vec![FaultKind::Slow(Duration::from_millis(300))],
        operations: Vec::new(),
    });
    let running = work.start(APPLY);
    wait_until_count(
        "objects",
        tree.object_count() / 2,
        Duration::from_secs(120),
        || async { tree.inventory().await.len() },
    )
    .await;
    proxy.set_down(Down::Refuse);
    let down_at = Instant::now();
    let output = blocking(|| running.wait(work.timeout())).unwrap_or_else(|t| panic!("{t}"));
    let took = down_at.elapsed();
    println!("the apply failed {took:?} after the endpoint went down");
    assert_failed_without_crash(&output);
    assert!(
        took <= DOCUMENTED_BOUND + SLACK,
        "the apply took {took:?} to fail after the endpoint went down:\n{output}"
    );
    let text = output.unwrapped();
    let named = format!("): cannot reach AWS Backup at {}", proxy.endpoint());
    assert!(
        text.contains(&named),
        "no error naming the operation and {named:?}:\n{output}"
    );

    let state = blocking(|| work.state_json());
    assert_state_holds_finished(&tree, &state).await;

    proxy.set_down(Down::Up);
    proxy.clear_schedule();
    converge(&work);
    tree.assert_matches_state_then_destroy(&work).await;
}
