//! An app-of-apps tree on AWS Backup with real Terraform against the emulator: a root app in
//! 111111111111, a joined child beside it, a derived child in 222222222222 (through assume_role)
//! copying to the root vault. Everything Terraform claims is
//! checked through the AWS API as well.
//!
//! Each test uses its own names on the one shared emulator.

#[path = "support/aws_emulator.rs"]
mod aws_emulator;
mod common;

use aws_emulator::{unique, AwsEmulator, Fault, FaultProxy, REGION};
use common::{required_providers, resource_values, Terraform, Workdir};
use hyper::Method;
use serde_json::Value;
use terraform_provider_backup::cloud::aws::AwsBackend;
use terraform_provider_backup::cloud::{BackupBackend, CopySpec, LifecycleSpec, Plan};

const CENTRAL: &str = "111111111111";
const MEMBER: &str = "222222222222";

/// Names of one test's objects.
struct Names {
    root: String,
    joined: String,
    derived: String,
}

impl Names {
    fn new() -> Names {
        Names {
            root: unique("root"),
            joined: unique("joined"),
            derived: unique("derived"),
        }
    }
}

/// Both provider configurations: the default one in 111111111111, `member` assuming a role in
/// 222222222222. `backup_endpoint` may be a fault proxy; STS always goes to the emulator.
fn providers(backup_endpoint: &str, sts_endpoint: &str) -> String {
    format!(
        r#"{required}
provider "backup" {{
  aws = {{
    region    = "{REGION}"
    endpoints = {{ backup = "{backup_endpoint}", sts = "{sts_endpoint}" }}
  }}
}}

provider "backup" {{
  alias = "member"
  aws = {{
    region      = "{REGION}"
    assume_role = {{ role_arn = "arn:aws:iam::{MEMBER}:role/x" }}
    endpoints   = {{ backup = "{backup_endpoint}", sts = "{sts_endpoint}" }}
  }}
}}
"#,
        required = required_providers()
    )
}

fn root_app(names: &Names, retention_days: u32) -> String {
    format!(
        r#"
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{
      daily = {{
        schedule                  = "cron(0 5 ? * * *)"
        start_window_minutes      = 60
        completion_window_minutes = 180
        retention_days            = {retention_days}
      }}
    }}
    tags = {{ owner = "platform" }}
  }}
  aws = {{
    vault_name               = "{root}"
    allow_copy_from_accounts = ["{MEMBER}"]
  }}
}}
"#,
        root = names.root
    )
}

fn joined_child(names: &Names) -> String {
    joined_child_as("joined", &names.joined)
}

fn joined_child_as(label: &str, name: &str) -> String {
    format!(
        r#"
resource "backup_child" "{label}" {{
  name   = "{name}"
  parent = backup_app.root.policy_document
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}
"#
    )
}

fn derived_child(names: &Names) -> String {
    format!(
        r#"
resource "backup_child" "derived" {{
  provider = backup.member
  name     = "{derived}"
  parent   = backup_app.root.policy_document
  aws = {{
    resources      = ["arn:aws:dynamodb:{REGION}:{MEMBER}:table/payments"]
    selection_tags = {{ backup = "gold" }}
    iam_role_arn   = "arn:aws:iam::{MEMBER}:role/backup"
  }}
}}
"#,
        derived = names.derived
    )
}

/// A working directory whose provider acts as 111111111111 against the emulator.
fn workdir(tf: &Terraform) -> Workdir {
    let mut work = Workdir::new(tf);
    work.env("AWS_ACCESS_KEY_ID", CENTRAL)
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    work
}

async fn backends() -> (AwsBackend, AwsBackend) {
    let emulator = AwsEmulator::shared();
    let (_, central) = emulator.connect(CENTRAL).await;
    let (_, member) = emulator.connect(MEMBER).await;
    (central, member)
}

async fn plan_named(backend: &AwsBackend, name: &str) -> Option<Plan> {
    backend.find_plan_by_name(name).await.expect("find plan")
}

async fn vault_exists(backend: &AwsBackend, name: &str) -> bool {
    backend
        .find_vault_by_name(name)
        .await
        .expect("find vault")
        .is_some()
}

/// Runs a blocking Terraform command without starving the runtime's other tasks (the proxy).
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    tokio::task::block_in_place(f)
}

/// Checks the objects the tree should have in each account, with `retention` on every rule.
async fn assert_tree_in_aws(names: &Names, state: &Value, retention: i64) {
    let (central, member) = backends().await;
    let root_vault_arn = central.vault_arn(&names.root);

    // 111111111111: the root vault (with the access policy) and plan; the joined child's selection.
    assert!(vault_exists(&central, &names.root).await);
    assert_eq!(
        central.find_vault_access_policy(&names.root).await.unwrap(),
        Some(vec![MEMBER.to_string()])
    );
    let root_plan = plan_named(&central, &names.root)
        .await
        .expect("root plan in 111111111111");
    assert_eq!(root_plan.spec.rules.len(), 1);
    let rule = &root_plan.spec.rules[0];
    assert_eq!(
        (rule.name.as_str(), rule.target_vault.as_str()),
        ("daily", names.root.as_str())
    );
    assert_eq!(rule.lifecycle.delete_after_days, retention);
    assert!(rule.copy_actions.is_empty());
    assert_eq!(
        root_plan.spec.tags.get("owner").map(String::as_str),
        Some("platform")
    );
    let joined = central
        .find_selection_by_name(&root_plan.state.plan_id, &names.joined)
        .await
        .unwrap()
        .expect("joined child's selection in the root plan");
    assert_eq!(
        joined.spec.resources,
        vec![format!("arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders")]
    );
    assert!(plan_named(&central, &names.joined).await.is_none());
    assert!(!vault_exists(&central, &names.joined).await);
    assert!(plan_named(&central, &names.derived).await.is_none());

    // 222222222222: the derived child's vault, plan (copying to the root vault) and selection.
    assert!(vault_exists(&member, &names.derived).await);
    let derived_plan = plan_named(&member, &names.derived)
        .await
        .expect("derived plan in 222222222222");
    assert_eq!(derived_plan.spec.rules.len(), 1);
    let rule = &derived_plan.spec.rules[0];
    assert_eq!(rule.target_vault, names.derived);
    assert_eq!(rule.lifecycle.delete_after_days, retention);
    assert_eq!(
        rule.copy_actions,
        vec![CopySpec {
            destination_vault_arn: root_vault_arn,
            lifecycle: LifecycleSpec {
                cold_after_days: None,
                delete_after_days: retention
            },
        }]
    );
    let selection = member
        .find_selection_by_name(&derived_plan.state.plan_id, &names.derived)
        .await
        .unwrap()
        .expect("derived child's selection");
    assert_eq!(
        selection
            .spec
            .selection_tags
            .get("backup")
            .map(String::as_str),
        Some("gold")
    );
    assert!(plan_named(&member, &names.root).await.is_none());
    assert!(!vault_exists(&member, &names.root).await);
    assert!(!vault_exists(&member, &names.joined).await);

    // Terraform's view agrees.
    let root = resource_values(state, "backup_app.root");
    assert_eq!(
        root["aws_vault_arn"],
        central.vault_arn(&names.root).as_str()
    );
    assert_eq!(root["aws_plan_id"], root_plan.state.plan_id.as_str());
    let joined_state = resource_values(state, "backup_child.joined");
    assert_eq!(joined_state["mode"], "joined");
    assert_eq!(
        joined_state["aws_plan_id"],
        root_plan.state.plan_id.as_str()
    );
    assert_eq!(
        joined_state["aws_selection_id"],
        joined.selection_id.as_str()
    );
    let derived_state = resource_values(state, "backup_child.derived");
    assert_eq!(derived_state["mode"], "derived");
    assert_eq!(
        derived_state["aws_plan_id"],
        derived_plan.state.plan_id.as_str()
    );
    assert_eq!(
        derived_state["aws_selection_id"],
        selection.selection_id.as_str()
    );
}

/// Nothing the tree created remains in either account.
async fn assert_nothing_left(names: &Names) {
    let (central, member) = backends().await;
    for backend in [&central, &member] {
        for name in [&names.root, &names.joined, &names.derived] {
            assert!(
                plan_named(backend, name).await.is_none(),
                "plan {name} left in {}",
                backend.account_id()
            );
            assert!(
                !vault_exists(backend, name).await,
                "vault {name} left in {}",
                backend.account_id()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tree_across_accounts_on_terraform_1_15() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let config = |retention: u32| {
        providers(&endpoint, &endpoint)
            + &root_app(&names, retention)
            + &joined_child(&names)
            + &derived_child(&names)
    };
    work.write_main_tf(&config(35));
    blocking(|| {
        work.init();
        let plan = work.plan();
        // Vault ARN and modes are known at plan time.
        let arn = format!(
            "arn:aws:backup:{REGION}:{CENTRAL}:backup-vault:{}",
            names.root
        );
        assert!(
            plan.stdout.contains(&arn),
            "vault ARN not in the plan:\n{plan}"
        );
        assert!(
            plan.stdout.contains(r#"mode             = "joined""#),
            "{plan}"
        );
        assert!(
            plan.stdout.contains(r#"mode             = "derived""#),
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    assert_tree_in_aws(&names, &state, 35).await;

    // A retention change at the root updates every affected plan in place, in one plan.
    work.write_main_tf(&config(40));
    blocking(|| {
        let plan = work.plan();
        assert!(
            plan.stdout.contains("0 to add, 3 to change, 0 to destroy"),
            "expected three in-place updates:\n{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    assert_tree_in_aws(&names, &state, 40).await;

    // The derived child's plan deleted out of band: the next plan shows it, apply restores it.
    let (_, member) = backends().await;
    let plan = plan_named(&member, &names.derived).await.unwrap();
    let selection = member
        .find_selection_by_name(&plan.state.plan_id, &names.derived)
        .await
        .unwrap()
        .unwrap();
    member
        .delete_selection(&plan.state.plan_id, &selection.selection_id)
        .await
        .unwrap();
    member.delete_plan(&plan.state.plan_id).await.unwrap();
    blocking(|| {
        let plan = work.plan_detailed();
        assert_eq!(plan.code(), 2, "the deleted plan does not show:\n{plan}");
        assert!(
            plan.stdout.contains("backup_child.derived will be created"),
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    assert_tree_in_aws(&names, &state, 40).await;

    // Out-of-band rule change on the root plan: the next plan restores it in place.
    let (central, _) = backends().await;
    let root_plan = plan_named(&central, &names.root).await.unwrap();
    let mut spec = root_plan.spec.clone();
    spec.rules[0].lifecycle.delete_after_days = 99;
    central
        .update_plan(&root_plan.state.plan_id, &spec)
        .await
        .unwrap();
    blocking(|| {
        let plan = work.plan_detailed();
        assert_eq!(plan.code(), 2, "the changed rule does not show:\n{plan}");
        assert!(
            plan.stdout
                .contains("backup_app.root will be updated in-place"),
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    assert_tree_in_aws(&names, &state, 40).await;

    // A selection change is an update in place: the new selection is made, then the old deleted.
    let old_selection = resource_values(&state, "backup_child.joined")["aws_selection_id"].clone();
    work.write_main_tf(&config(40).replace(
        "table/orders\"]",
        "table/orders\", \"arn:aws:dynamodb:eu-west-1:111111111111:table/invoices\"]",
    ));
    blocking(|| {
        let plan = work.plan();
        assert!(
            plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let state = blocking(|| work.state_json());
    let joined = resource_values(&state, "backup_child.joined");
    assert_ne!(joined["aws_selection_id"], old_selection);
    let (central, _) = backends().await;
    let root_plan = plan_named(&central, &names.root).await.unwrap();
    let selection = central
        .find_selection(
            &root_plan.state.plan_id,
            joined["aws_selection_id"].as_str().unwrap(),
        )
        .await
        .unwrap()
        .expect("the new selection");
    assert_eq!(selection.spec.resources.len(), 2);
    assert!(central
        .find_selection(&root_plan.state.plan_id, old_selection.as_str().unwrap())
        .await
        .unwrap()
        .is_none());

    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_changing_its_policy_moves_from_joined_to_derived_and_back_in_place() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let joined = providers(&endpoint, &endpoint) + &root_app(&names, 35) + &joined_child(&names);
    let derived = joined.replace(
        "  parent = backup_app.root.policy_document\n",
        "  parent = backup_app.root.policy_document\n  policy = { rules = { daily = { retention_days = 90 } } }\n",
    );
    work.write_main_tf(&joined);
    blocking(|| {
        work.init();
        work.apply();
    });
    let (central, _) = backends().await;
    let root_plan = plan_named(&central, &names.root).await.unwrap();

    work.write_main_tf(&derived);
    blocking(|| {
        let plan = work.plan();
        assert!(
            plan.stdout
                .contains(r#"~ mode             = "joined" -> "derived""#),
            "{plan}"
        );
        assert!(
            plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    let own = plan_named(&central, &names.joined)
        .await
        .expect("the child's own plan");
    assert_eq!(own.spec.rules[0].lifecycle.delete_after_days, 90);
    assert!(
        own.spec.rules[0].copy_actions.is_empty(),
        "same account: no copy to the root vault"
    );
    assert!(vault_exists(&central, &names.joined).await);
    assert!(central
        .find_selection_by_name(&own.state.plan_id, &names.joined)
        .await
        .unwrap()
        .is_some());
    assert!(
        central
            .find_selection_by_name(&root_plan.state.plan_id, &names.joined)
            .await
            .unwrap()
            .is_none(),
        "the old selection in the root plan is gone"
    );

    work.write_main_tf(&joined);
    blocking(|| {
        let plan = work.plan();
        assert!(
            plan.stdout
                .contains(r#"~ mode             = "derived" -> "joined""#),
            "{plan}"
        );
        work.apply();
        work.assert_plan_clean();
    });
    assert!(
        plan_named(&central, &names.joined).await.is_none(),
        "own plan deleted"
    );
    assert!(
        !vault_exists(&central, &names.joined).await,
        "own vault deleted"
    );
    assert!(central
        .find_selection_by_name(&root_plan.state.plan_id, &names.joined)
        .await
        .unwrap()
        .is_some());
    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}

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
        let plan = work.plan();
        assert!(
            plan.stdout.contains("backup_app.root must be replaced"),
            "{plan}"
        );
        work.apply();
        // The old plan took the joined child's selection with it: the child is re-created.
        let plan = work.plan_detailed();
        assert_eq!(plan.code(), 2, "{plan}");
        assert!(
            plan.stdout.contains("backup_child.joined will be created"),
            "{plan}"
        );
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
        let plan = work.plan();
        assert!(
            plan.stdout.contains("0 to add, 2 to change, 0 to destroy"),
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
        let text = out
            .combined()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
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

/// Puts a recovery point into `vault` of 111111111111: the emulator completes backup jobs at once.
async fn start_backup_job(endpoint: &str, vault: &str) {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            CENTRAL, "test", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_backup::Client::new(&sdk)
        .start_backup_job()
        .backup_vault_name(vault)
        .resource_arn(format!(
            "arn:aws:dynamodb:{REGION}:{CENTRAL}:table/payments"
        ))
        .iam_role_arn(format!("arn:aws:iam::{CENTRAL}:role/backup"))
        .send()
        .await
        .expect("start a backup job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_and_child_on_terraform_1_0() {
    let endpoint = AwsEmulator::shared().endpoint();
    let names = Names::new();
    let work = workdir(&Terraform::v1_0());
    work.write_main_tf(
        &(providers(&endpoint, &endpoint) + &root_app(&names, 35) + &derived_child(&names)),
    );
    blocking(|| {
        work.init();
        work.plan();
        work.apply();
        work.assert_plan_clean();
    });
    let (central, member) = backends().await;
    assert!(plan_named(&central, &names.root).await.is_some());
    let derived = plan_named(&member, &names.derived)
        .await
        .expect("derived plan");
    assert_eq!(
        derived.spec.rules[0].copy_actions[0].destination_vault_arn,
        central.vault_arn(&names.root)
    );
    blocking(|| work.destroy());
    assert_nothing_left(&names).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_block_without_provider_aws_settings_is_an_error_at_the_block() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(&format!(
        "{}\nprovider \"backup\" {{}}\n{}",
        required_providers(),
        root_app(&names, 35)
    ));
    blocking(|| {
        work.init();
        let out = work
            .run(&["plan", "-input=false", "-no-color"])
            .assert_failure();
        let text = out.combined();
        assert!(text.contains("Provider has no AWS settings"), "{text}");
        assert!(text.contains(r#"provider "backup" { aws = {"#), "{text}");
        assert!(text.contains("backup_app.root"), "{text}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_aws_input_fails_validate_at_its_path() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let header = format!("{}\nprovider \"backup\" {{}}\n", required_providers());
    let bad_account = root_app(&names, 35).replace(&format!("[\"{MEMBER}\"]"), "[\"2222\"]");
    // Terraform does not validate what depends on an invalid resource: one config each.
    let bad_role = root_app(&names, 35)
        + &joined_child(&names).replace(
            &format!("arn:aws:iam::{CENTRAL}:role/backup"),
            "backup-role",
        );
    let validate = |config: &str| {
        work.write_main_tf(&format!("{header}{config}"));
        let out = work.run(&["validate", "-no-color"]).assert_failure();
        out.combined()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    blocking(|| {
        work.write_main_tf(&header);
        work.init();
        let text = validate(&bad_account);
        assert!(
            text.contains("\"2222\" is not a 12-digit account id"),
            "{text}"
        );
        assert!(
            text.contains("Attribute: aws.allow_copy_from_accounts"),
            "{text}"
        );
        let text = validate(&bad_role);
        assert!(
            text.contains("\"backup-role\" is not an ARN of service `iam`"),
            "{text}"
        );
        assert!(text.contains("backup_child.joined"), "{text}");
        assert!(text.contains("aws.iam_role_arn"), "{text}");
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_is_retried_and_a_permanent_error_names_the_resource() {
    let emulator = AwsEmulator::shared();
    let proxy = FaultProxy::start(emulator.endpoint()).await;
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    let config = providers(&proxy.endpoint(), &emulator.endpoint()) + &root_app(&names, 35);
    work.write_main_tf(&config);
    blocking(|| work.init());

    proxy.inject((0..4).map(|_| Fault::new(429, "ThrottlingException", "Rate exceeded")));
    blocking(|| {
        work.apply();
    });
    assert_eq!(
        proxy.faults_answered(),
        4,
        "every throttling answer was retried"
    );
    let (central, _) = backends().await;
    assert!(plan_named(&central, &names.root).await.is_some());

    // A permanent error on the joined child's first write (creating its selection) fails the apply with a
    // diagnostic naming the resource and AWS's message.
    let denied = unique("denied");
    work.write_main_tf(&(config.clone() + &joined_child_as("denied", &denied)));
    proxy.inject([Fault {
        method: Some(Method::PUT),
        ..Fault::new(
            403,
            "AccessDeniedException",
            "User is not authorized to perform backup:CreateBackupSelection",
        )
    }]);
    blocking(|| {
        let out = work
            .run(&["apply", "-auto-approve", "-input=false", "-no-color"])
            .assert_failure();
        // Terraform wraps long lines: compare with whitespace collapsed.
        let text = out
            .combined()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(text.contains("backup_child.denied"), "{text}");
        assert!(
            text.contains("AccessDeniedException: User is not authorized to perform backup:CreateBackupSelection"),
            "{text}"
        );
        // The next apply converges (the failed child was saved tainted and is replaced).
        work.apply();
        work.assert_plan_clean();
        work.destroy();
    });
    assert_nothing_left(&names).await;
    assert!(plan_named(&central, &denied).await.is_none());
}

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
        let mut work = workdir(&Terraform::v1_15());
        work.filesystem_mirror(&mirror, &["registry.terraform.io/hashicorp/*"])
            .env("AWS_ACCESS_KEY_ID", MEMBER)
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
