//! Errors: AWS settings missing or invalid fail at the attribute; throttling is retried; a
//! permanent AWS error names the resource and carries AWS's message.

use hyper::Method;

use crate::checks::assert_nothing_left;
use crate::config::{joined_child, joined_child_as, providers, root_app, workdir};
use crate::support::aws::{CENTRAL, MEMBER};
use crate::support::aws_emulator::{unique, AwsEmulator, Fault, FaultProxy};
use crate::support::terraform::{providers_without_clouds, Terraform};
use crate::{backends, blocking, plan_named, Names};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_block_without_provider_aws_settings_is_an_error_at_the_block() {
    let names = Names::new();
    let work = workdir(&Terraform::v1_15());
    work.write_main_tf(&(providers_without_clouds() + &root_app(&names, 35)));
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
    let header = providers_without_clouds();
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
        out.unwrapped()
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
        let text = out.unwrapped();
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
