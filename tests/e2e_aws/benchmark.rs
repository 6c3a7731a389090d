//! Wall time and AWS Backup calls per child for `N` derived children, ours and the same done by
//! hand with hashicorp/aws (the numbers in BENCHMARKS.md); the normal run checks the call budget.

use hyper::Method;

use crate::config::{derived_child, providers, root_app, workdir};
use crate::support::aws::{CENTRAL, MEMBER};
use crate::support::aws_emulator::{unique, AwsEmulator, FaultProxy, REGION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;
use crate::{blocking, Names};

/// Every request the proxy forwarded or answered.
fn calls(proxy: &FaultProxy) -> usize {
    [Method::GET, Method::PUT, Method::POST, Method::DELETE]
        .iter()
        .map(|m| proxy.requests(m))
        .sum()
}

/// `N` derived children (in 222222222222, copying to the root vault in 111111111111): wall time of
/// apply, no-op plan and destroy, and AWS Backup API calls per child, counted at a proxy in front
/// of the emulator. STS calls (one GetCallerIdentity per provider configuration, plus AssumeRole for
/// the alias, per command) go around the proxy and are not counted.
///
/// In the normal test run it measures 2 children and checks the call budget; for the numbers in
/// BENCHMARKS.md: `BACKUP_BENCH_CHILDREN=10,100 scripts/test --test e2e_aws -- --nocapture --test-threads=1 benchmark`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn benchmark_derived_children() {
    let counts = std::env::var("BACKUP_BENCH_CHILDREN").unwrap_or_else(|_| "2".into());
    let emulator = AwsEmulator::shared();
    for n in counts
        .split(',')
        .map(|c| c.trim().parse::<usize>().expect("a number"))
    {
        let proxy = FaultProxy::start(emulator.endpoint()).await;
        let names = Names::new();
        let mut work = workdir(&Terraform::v1_15());
        work.set_timeout(std::time::Duration::from_secs(1800));
        let base = providers(&proxy.endpoint(), &emulator.endpoint()) + &root_app(&names, 35);
        let timed = |args: &[&str]| {
            let before = calls(&proxy);
            let started = std::time::Instant::now();
            blocking(|| work.run_ok(args));
            (started.elapsed().as_secs_f64(), calls(&proxy) - before)
        };
        work.write_main_tf(&base);
        blocking(|| work.init());
        timed(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let (_, root_read) = timed(&["plan", "-input=false", "-no-color"]);

        let mut config = base.clone();
        for i in 0..n {
            config += &derived_child(&Names {
                root: names.root.clone(),
                joined: String::new(),
                derived: format!("{}-{i}", names.derived),
            })
            .replace(
                "\"backup_child\" \"derived\"",
                &format!("\"backup_child\" \"derived_{i}\""),
            );
        }
        work.write_main_tf(&config);
        let (apply_s, apply_calls) =
            timed(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let (plan_s, plan_calls) =
            timed(&["plan", "-detailed-exitcode", "-input=false", "-no-color"]);
        let (plan_nr_s, plan_nr_calls) =
            timed(&["plan", "-refresh=false", "-input=false", "-no-color"]);
        let (destroy_s, destroy_calls) =
            timed(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        let per = |c: usize, minus: usize| (c - minus) as f64 / n as f64;
        println!(
            "BENCH children={n} apply={apply_s:.2}s create_calls/child={:.2} \
             noop_plan={plan_s:.2}s read_calls/child={:.2} plan_no_refresh={plan_nr_s:.2}s calls={plan_nr_calls} \
             destroy={destroy_s:.2}s destroy_calls/child={:.2} (root read calls {root_read})",
            per(apply_calls, root_read),
            per(plan_calls, root_read),
            per(destroy_calls, root_read),
        );
        // The call budget per child: a regression here multiplies across every account.
        assert!(per(apply_calls, root_read) <= 8.0, "create calls per child");
        assert!(
            per(plan_calls, root_read) <= 5.0,
            "read calls per child in a no-op plan"
        );
        assert_eq!(plan_nr_calls, 0, "plan -refresh=false calls AWS Backup");
    }
}

/// The same `N` derived children done by hand with hashicorp/aws 5.100.0 (from the filesystem
/// mirror at `/opt/tf-plugins`): per child an `aws_backup_vault`, an `aws_backup_plan` copying to a
/// central vault, and an `aws_backup_selection`, in 222222222222, counted at the same proxy.
///
/// In the normal test run it measures 2 children and checks the call budget; for the numbers in
/// BENCHMARKS.md: `BACKUP_BENCH_CHILDREN=10,100 scripts/test --test e2e_aws -- --nocapture --test-threads=1 benchmark`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn benchmark_hashicorp_aws_equivalent() {
    let counts = std::env::var("BACKUP_BENCH_CHILDREN").unwrap_or_else(|_| "2".into());
    let mirror =
        std::env::var("BACKUP_TF_PLUGIN_MIRROR").unwrap_or_else(|_| "/opt/tf-plugins".into());
    let emulator = AwsEmulator::shared();
    for n in counts
        .split(',')
        .map(|c| c.trim().parse::<usize>().expect("a number"))
    {
        let proxy = FaultProxy::start(emulator.endpoint()).await;
        let prefix = unique("hc");
        let mut work = Workdir::new(&Terraform::v1_15());
        work.aws_credentials(MEMBER)
            .filesystem_mirror(&mirror, &["registry.terraform.io/hashicorp/*"])
            .set_timeout(std::time::Duration::from_secs(1800));
        let central = format!("arn:aws:backup:{REGION}:{CENTRAL}:backup-vault:{prefix}-central");
        let mut config = format!(
            r#"terraform {{
  required_providers {{
    aws = {{ source = "hashicorp/aws", version = "5.100.0" }}
  }}
}}
provider "aws" {{
  region                      = "{REGION}"
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_requesting_account_id  = true
  skip_region_validation      = true
  endpoints {{
    backup = "{backup}"
    sts    = "{sts}"
  }}
}}
"#,
            backup = proxy.endpoint(),
            sts = emulator.endpoint()
        );
        for i in 0..n {
            config += &format!(
                r#"
resource "aws_backup_vault" "c{i}" {{
  name = "{prefix}-{i}"
  tags = {{ owner = "platform" }}
}}
resource "aws_backup_plan" "c{i}" {{
  name = "{prefix}-{i}"
  rule {{
    rule_name         = "daily"
    target_vault_name = aws_backup_vault.c{i}.name
    schedule          = "cron(0 5 ? * * *)"
    start_window      = 60
    completion_window = 180
    lifecycle {{ delete_after = 35 }}
    copy_action {{
      destination_vault_arn = "{central}"
      lifecycle {{ delete_after = 35 }}
    }}
  }}
  tags = {{ owner = "platform" }}
}}
resource "aws_backup_selection" "c{i}" {{
  name         = "{prefix}-{i}"
  plan_id      = aws_backup_plan.c{i}.id
  iam_role_arn = "arn:aws:iam::{MEMBER}:role/backup"
  resources    = ["arn:aws:dynamodb:{REGION}:{MEMBER}:table/payments{i}"]
}}
"#
            );
        }
        work.write_main_tf(&config);
        blocking(|| work.init());
        let timed = |args: &[&str]| {
            let before = calls(&proxy);
            let started = std::time::Instant::now();
            blocking(|| work.run_ok(args));
            (started.elapsed().as_secs_f64(), calls(&proxy) - before)
        };
        let (apply_s, apply_calls) =
            timed(&["apply", "-auto-approve", "-input=false", "-no-color"]);
        let (plan_s, plan_calls) = timed(&["plan", "-input=false", "-no-color"]);
        let (destroy_s, destroy_calls) =
            timed(&["destroy", "-auto-approve", "-input=false", "-no-color"]);
        let per = |c: usize| c as f64 / n as f64;
        println!(
            "BENCH hashicorp/aws children={n} apply={apply_s:.2}s create_calls/child={:.2} \
             noop_plan={plan_s:.2}s read_calls/child={:.2} destroy={destroy_s:.2}s destroy_calls/child={:.2}",
            per(apply_calls),
            per(plan_calls),
            per(destroy_calls),
        );
        assert!(
            apply_calls >= 3 * n,
            "the peer made its vault, plan and selection per child"
        );
    }
}
