//! Issue #13's reliability suite, on loopback only: a fault proxy in front of the AWS emulator and
//! the fake ARM server injects throttling, 5xx, dropped connections and slow answers on a seeded
//! schedule (`faults`); Terraform is killed or interrupted mid-apply (`killed`); the endpoint goes
//! down mid-apply (`endpoint_down`). After each, the next apply converges and the objects in the
//! cloud, read through the cloud's API and not through the provider, are exactly the expected ones.

#[path = "../support/mod.rs"]
mod support;

mod aws_tree;
mod azure_tree;
mod endpoint_down;
mod faults;
mod killed;

use std::time::Duration;

/// Runs a blocking Terraform command without starving the runtime's other tasks (the proxy).
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// `terraform apply` with `-parallelism=10`, the arguments every test applies with.
const APPLY: &[&str] = &[
    "apply",
    "-auto-approve",
    "-input=false",
    "-no-color",
    "-parallelism=10",
];

/// The next apply (no faults left) succeeds and the plan after it is clean.
#[track_caller]
fn converge(work: &support::workdir::Workdir) {
    blocking(|| {
        work.run_ok(APPLY);
        let plan = work.plan_json();
        assert_eq!(
            plan.output.code(),
            0,
            "plan not clean after converging:\n{plan}"
        );
    });
}

/// `terraform destroy` with `-parallelism=10`, which must succeed.
#[track_caller]
fn destroy(work: &support::workdir::Workdir) {
    blocking(|| {
        work.run_ok(&[
            "destroy",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=10",
        ]);
    });
}

/// Polls `count` every 200 ms until it reaches `at_least`; panics after `within`.
async fn wait_until_count<F, Fut>(what: &str, at_least: usize, within: Duration, mut count: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = usize>,
{
    let started = std::time::Instant::now();
    loop {
        let n = count().await;
        if n >= at_least {
            println!("{n} {what} exist after {:?}", started.elapsed());
            return;
        }
        assert!(
            started.elapsed() < within,
            "only {n} of the {at_least} {what} wanted exist after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
