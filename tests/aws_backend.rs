//! The AWS backend against the emulator (ministack + backup_plus.py): vaults, plans, selections,
//! cross-account assume-role, the force-destroy guard, and retries through a fault-injecting proxy.
//!
//! All tests share one emulator and stay apart by unique names.

#[path = "support/aws_emulator.rs"]
mod aws_emulator;

use std::time::Duration;

use aws_emulator::{options, settings, unique, AwsEmulator, Fault, FaultProxy, REGION};
use hyper::Method;
use terraform_provider_backup::cloud::aws::{AssumeRole, AwsBackend, AwsContext, ConnectOptions};
use terraform_provider_backup::cloud::{
    BackupBackend, CopySpec, ErrorKind, LifecycleSpec, PlanSpec, RetryPolicy, RuleSpec,
    SelectionSpec, Tags, VaultLockSpec, VaultSpec,
};

const CENTRAL: &str = "111111111111";
const MEMBER: &str = "222222222222";

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn vault_spec(name: &str) -> VaultSpec {
    VaultSpec {
        name: name.into(),
        ..VaultSpec::default()
    }
}

async fn connect(account: &str) -> (AwsContext, AwsBackend) {
    AwsEmulator::shared().connect(account).await
}

fn rule(name: &str, vault: &str, retention: i64) -> RuleSpec {
    RuleSpec {
        name: name.into(),
        target_vault: vault.into(),
        schedule: "cron(0 5 ? * * *)".into(),
        start_window_minutes: 60,
        completion_window_minutes: 180,
        lifecycle: LifecycleSpec {
            cold_after_days: None,
            delete_after_days: retention,
        },
        ..RuleSpec::default()
    }
}

#[tokio::test]
async fn connect_learns_the_account_and_computes_vault_arns() {
    let (context, backend) = connect(CENTRAL).await;
    assert_eq!(context.account_id(), CENTRAL);
    assert_eq!(context.region(), REGION);
    assert_eq!(context.partition(), "aws");
    assert_eq!(
        context.vault_arn("org-root"),
        "arn:aws:backup:eu-west-1:111111111111:backup-vault:org-root"
    );
    assert_eq!(backend.vault_arn("org-root"), context.vault_arn("org-root"));
}

#[tokio::test]
async fn vault_lifecycle_with_tags_access_policy_and_lock() {
    let (_, backend) = connect(CENTRAL).await;
    let name = unique("vault");
    let spec = VaultSpec {
        name: name.clone(),
        kms_key_arn: None,
        tags: tags(&[("owner", "platform"), ("env", "prod")]),
    };

    let created = backend.ensure_vault(&spec).await.unwrap();
    assert_eq!(
        created.arn,
        backend.vault_arn(&name),
        "the computed ARN is the real one"
    );
    assert_eq!(created.tags, spec.tags);
    assert_eq!((created.recovery_points, created.lock.clone()), (0, None));
    assert_eq!(
        backend.find_vault_by_name(&name).await.unwrap(),
        Some(created.clone())
    );

    // Adopting with other tags reconciles them (one untag, one tag call).
    let retagged = VaultSpec {
        tags: tags(&[("owner", "backup-team"), ("cost", "42")]),
        ..spec.clone()
    };
    assert_eq!(
        backend.ensure_vault(&retagged).await.unwrap().tags,
        retagged.tags
    );
    assert_eq!(
        backend
            .find_vault_by_name(&name)
            .await
            .unwrap()
            .unwrap()
            .tags,
        retagged.tags
    );

    // Access policy for cross-account copies.
    assert_eq!(backend.find_vault_access_policy(&name).await.unwrap(), None);
    let accounts = vec!["333333333333".to_string(), MEMBER.to_string()];
    backend
        .put_vault_access_policy(&name, &accounts)
        .await
        .unwrap();
    assert_eq!(
        backend.find_vault_access_policy(&name).await.unwrap(),
        Some(vec![MEMBER.to_string(), "333333333333".to_string()])
    );
    backend.put_vault_access_policy(&name, &[]).await.unwrap();
    assert_eq!(
        backend.find_vault_access_policy(&name).await.unwrap(),
        None,
        "an empty list removes the policy"
    );
    backend
        .put_vault_access_policy(&name, &accounts[..1])
        .await
        .unwrap();
    backend.delete_vault_access_policy(&name).await.unwrap();
    backend.delete_vault_access_policy(&name).await.unwrap();
    assert_eq!(backend.find_vault_access_policy(&name).await.unwrap(), None);

    // Vault lock in governance mode (no changeable_for_days), then removed.
    let lock = VaultLockSpec {
        min_retention_days: Some(7),
        max_retention_days: Some(3650),
        changeable_for_days: None,
    };
    backend.put_vault_lock(&name, &lock).await.unwrap();
    let locked = backend
        .find_vault_by_name(&name)
        .await
        .unwrap()
        .unwrap()
        .lock
        .expect("lock is read back");
    assert_eq!(
        (
            locked.min_retention_days,
            locked.max_retention_days,
            locked.lock_date
        ),
        (Some(7), Some(3650), None)
    );
    assert!(!locked.is_immutable());
    let bad = VaultLockSpec {
        changeable_for_days: Some(1),
        ..lock
    };
    let err = backend.put_vault_lock(&name, &bad).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    backend.delete_vault_lock(&name).await.unwrap();
    assert_eq!(
        backend
            .find_vault_by_name(&name)
            .await
            .unwrap()
            .unwrap()
            .lock,
        None
    );

    backend.delete_vault(&name, false).await.unwrap();
    assert_eq!(backend.find_vault_by_name(&name).await.unwrap(), None);
    backend
        .delete_vault(&name, false)
        .await
        .expect("deleting a deleted vault succeeds");
    let err = backend.count_recovery_points(&name).await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn plan_round_trips_through_create_find_update_delete() {
    let (_, backend) = connect(CENTRAL).await;
    let vault = unique("plan-vault");
    backend.ensure_vault(&vault_spec(&vault)).await.unwrap();

    let mut daily = rule("daily", &vault, 35);
    daily.lifecycle.cold_after_days = Some(7);
    daily.recovery_point_tags = tags(&[("commit", "abc123")]);
    daily.copy_actions = vec![
        CopySpec {
            destination_vault_arn: "arn:aws:backup:us-west-2:111111111111:backup-vault:dr".into(),
            lifecycle: LifecycleSpec {
                cold_after_days: None,
                delete_after_days: 90,
            },
        },
        CopySpec {
            destination_vault_arn: "arn:aws:backup:us-west-2:333333333333:backup-vault:dr".into(),
            lifecycle: LifecycleSpec {
                cold_after_days: Some(30),
                delete_after_days: 365,
            },
        },
    ];
    let mut monthly = rule("monthly", &vault, 0);
    monthly.schedule = "cron(0 6 1 * ? *)".into();
    monthly.enable_continuous_backup = true;
    let spec = PlanSpec {
        name: unique("plan"),
        rules: vec![daily, monthly],
        tags: tags(&[("owner", "platform")]),
    };
    assert_eq!(
        spec.clone().normalized(),
        spec,
        "the test spec is in canonical order"
    );

    let state = backend.create_plan(&spec).await.unwrap();
    let found = backend
        .find_plan_by_id(&state.plan_id)
        .await
        .unwrap()
        .expect("created plan is found");
    assert_eq!(found.state, state);
    assert_eq!(found.spec, spec, "flatten(expand(spec)) == spec");
    assert_eq!(
        backend.find_plan_by_name(&spec.name).await.unwrap(),
        Some(found)
    );

    let mut changed = spec.clone();
    changed.rules[0].lifecycle.delete_after_days = 60;
    changed.rules[0].copy_actions.pop();
    changed.rules.push(rule("weekly", &vault, 120));
    changed.tags = tags(&[("owner", "backup-team"), ("tier", "gold")]);
    let updated = backend.update_plan(&state.plan_id, &changed).await.unwrap();
    assert_eq!(updated.plan_id, state.plan_id);
    assert_ne!(
        updated.version_id, state.version_id,
        "every update is a new version"
    );
    let found = backend
        .find_plan_by_id(&state.plan_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((found.state, found.spec), (updated, changed));

    backend.delete_plan(&state.plan_id).await.unwrap();
    assert_eq!(backend.find_plan_by_id(&state.plan_id).await.unwrap(), None);
    assert_eq!(backend.find_plan_by_name(&spec.name).await.unwrap(), None);
    backend
        .delete_plan(&state.plan_id)
        .await
        .expect("deleting a deleted plan succeeds");
    let err = backend
        .update_plan(&state.plan_id, &spec)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "updating Backup Plan ({}): ResourceNotFoundException",
            state.plan_id
        )),
        "{err}"
    );
    backend.delete_vault(&vault, false).await.unwrap();
}

#[tokio::test]
async fn selection_create_find_delete() {
    let (_, backend) = connect(CENTRAL).await;
    let vault = unique("sel-vault");
    backend.ensure_vault(&vault_spec(&vault)).await.unwrap();
    let plan = backend
        .create_plan(&PlanSpec {
            name: unique("sel-plan"),
            rules: vec![rule("daily", &vault, 35)],
            tags: Tags::new(),
        })
        .await
        .unwrap();

    let spec = SelectionSpec {
        name: "payments-prod".into(),
        iam_role_arn: "arn:aws:iam::111111111111:role/service-role/AWSBackupDefaultServiceRole"
            .into(),
        resources: vec![
            "arn:aws:dynamodb:eu-west-1:111111111111:table/payments".into(),
            "arn:aws:dynamodb:eu-west-1:111111111111:table/ledger".into(),
        ],
        selection_tags: tags(&[("backup", "gold")]),
    };
    let id = backend
        .create_selection(&plan.plan_id, &spec)
        .await
        .unwrap();
    let found = backend
        .find_selection(&plan.plan_id, &id)
        .await
        .unwrap()
        .expect("created selection is found");
    assert_eq!(
        (
            found.plan_id.as_str(),
            found.selection_id.as_str(),
            &found.spec
        ),
        (plan.plan_id.as_str(), id.as_str(), &spec)
    );
    assert_eq!(
        backend
            .find_selection_by_name(&plan.plan_id, "payments-prod")
            .await
            .unwrap(),
        Some(found)
    );
    assert_eq!(
        backend
            .find_selection_by_name(&plan.plan_id, "nope")
            .await
            .unwrap(),
        None
    );

    backend.delete_selection(&plan.plan_id, &id).await.unwrap();
    assert_eq!(
        backend.find_selection(&plan.plan_id, &id).await.unwrap(),
        None
    );
    backend
        .delete_selection(&plan.plan_id, &id)
        .await
        .expect("deleting a deleted selection succeeds");
    backend.delete_plan(&plan.plan_id).await.unwrap();
    assert_eq!(
        backend.find_selection(&plan.plan_id, &id).await.unwrap(),
        None,
        "a selection of a gone plan is gone"
    );
    backend.delete_vault(&vault, false).await.unwrap();
}

#[tokio::test]
async fn assumed_role_acts_in_the_other_account() {
    let endpoint = AwsEmulator::shared().endpoint();
    let mut cross = settings(&endpoint, &endpoint);
    cross.assume_role = Some(AssumeRole {
        role_arn: format!("arn:aws:iam::{MEMBER}:role/x"),
        ..AssumeRole::default()
    });
    let context = AwsContext::connect_with(&cross, options(CENTRAL))
        .await
        .expect("assume role");
    assert_eq!(context.account_id(), MEMBER);
    assert!(
        context.caller_arn().contains("terraform-provider-backup"),
        "default session name: {}",
        context.caller_arn()
    );
    let assumed = AwsBackend::new(&context);

    let name = unique("member-vault");
    let state = assumed.ensure_vault(&vault_spec(&name)).await.unwrap();
    assert_eq!(
        state.arn,
        format!("arn:aws:backup:{REGION}:{MEMBER}:backup-vault:{name}")
    );

    let (_, member) = connect(MEMBER).await;
    let (_, central) = connect(CENTRAL).await;
    assert_eq!(
        member
            .find_vault_by_name(&name)
            .await
            .unwrap()
            .map(|v| v.arn),
        Some(state.arn.clone())
    );
    assert_eq!(
        central.find_vault_by_name(&name).await.unwrap(),
        None,
        "nothing lands in the caller's own account"
    );
    assumed.delete_vault(&name, false).await.unwrap();
    assert_eq!(member.find_vault_by_name(&name).await.unwrap(), None);

    // A refused AssumeRole names the role and carries STS's answer.
    cross.assume_role = Some(AssumeRole {
        role_arn: "not-an-arn".into(),
        ..AssumeRole::default()
    });
    let err = AwsContext::connect_with(&cross, options(CENTRAL))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput, "{err}");
    assert_eq!(
        err.to_string(),
        "assuming IAM Role (not-an-arn): ValidationError: Invalid RoleArn: not-an-arn"
    );
}

#[tokio::test]
async fn vault_with_recovery_points_is_not_deleted_without_force() {
    let (context, backend) = connect(CENTRAL).await;
    let name = unique("full-vault");
    backend.ensure_vault(&vault_spec(&name)).await.unwrap();

    // StartBackupJob is outside the backend's surface: call the emulator with the SDK directly. The
    // emulator completes the job at once and counts a recovery point in the vault.
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(AwsEmulator::shared().endpoint())
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            CENTRAL, "test", None, None, "test",
        ))
        .load()
        .await;
    aws_sdk_backup::Client::new(&sdk)
        .start_backup_job()
        .backup_vault_name(&name)
        .resource_arn(format!(
            "arn:aws:dynamodb:{REGION}:{CENTRAL}:table/payments"
        ))
        .iam_role_arn(format!("arn:aws:iam::{CENTRAL}:role/backup"))
        .send()
        .await
        .unwrap();
    assert_eq!(backend.count_recovery_points(&name).await.unwrap(), 1);

    let err = backend.delete_vault(&name, false).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState);
    assert_eq!(
        err.to_string(),
        format!(
            "deleting Backup Vault ({name}): the vault holds 1 recovery point(s), which are not deleted silently: \
             delete them, or set force_destroy = true"
        )
    );
    assert!(
        backend.find_vault_by_name(&name).await.unwrap().is_some(),
        "the vault is still there"
    );

    // With force the recovery points are listed and deleted first. The emulator lists none (its
    // ListRecoveryPointsByBackupVault is always empty), so only the vault deletion is exercised.
    backend.delete_vault(&name, true).await.unwrap();
    assert_eq!(backend.find_vault_by_name(&name).await.unwrap(), None);
    drop(context);
}

#[tokio::test]
async fn a_compliance_lock_becomes_immutable_at_its_lock_date() {
    // A private emulator where a "day" lasts a second, so the lock date arrives within the test.
    let emulator = AwsEmulator::start_with(&[("BACKUP_PLUS_DAY_SECONDS", "1")]);
    let endpoint = emulator.endpoint();
    let context = AwsContext::connect_with(&settings(&endpoint, &endpoint), options(CENTRAL))
        .await
        .unwrap();
    let backend = AwsBackend::new(&context);
    let name = unique("compliance");
    backend.ensure_vault(&vault_spec(&name)).await.unwrap();
    let lock = VaultLockSpec {
        min_retention_days: Some(7),
        max_retention_days: None,
        changeable_for_days: Some(3),
    };
    backend.put_vault_lock(&name, &lock).await.unwrap();
    let state = backend
        .find_vault_by_name(&name)
        .await
        .unwrap()
        .unwrap()
        .lock
        .unwrap();
    assert!(
        state.lock_date.is_some() && !state.is_immutable(),
        "{state:?}"
    );

    tokio::time::sleep(Duration::from_millis(3200)).await;
    let state = backend
        .find_vault_by_name(&name)
        .await
        .unwrap()
        .unwrap()
        .lock
        .unwrap();
    assert!(state.is_immutable(), "{state:?}");
    let err = backend.delete_vault_lock(&name).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState, "{err}");
    assert!(
        err.to_string().starts_with(&format!(
            "deleting Backup Vault Lock Configuration ({name}): InvalidRequestException"
        )),
        "{err}"
    );
    let err = backend.delete_vault(&name, true).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidState, "{err}");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_transient_and_names_the_call() {
    let closed = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    );
    let options = ConnectOptions {
        retry: RetryPolicy {
            max_attempts: 2,
            ..RetryPolicy::for_tests()
        },
        ..options(CENTRAL)
    };
    let err = AwsContext::connect_with(&settings(&closed, &closed), options)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Transient, "{err}");
    assert!(
        err.to_string()
            .starts_with("getting AWS caller identity (default credentials): "),
        "{err}"
    );
}

/// A backend whose AWS Backup calls go through a fresh fault proxy (STS goes straight to the emulator).
async fn proxied(options: ConnectOptions) -> (FaultProxy, AwsBackend) {
    let emulator = AwsEmulator::shared().endpoint();
    let proxy = FaultProxy::start(emulator.clone()).await;
    let context = AwsContext::connect_with(&settings(&proxy.endpoint(), &emulator), options)
        .await
        .unwrap();
    (proxy, AwsBackend::new(&context))
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_until_success() {
    // The SDK makes one attempt per call here (ConnectOptions::for_tests), so every retry is ours.
    let (proxy, backend) = proxied(options(CENTRAL)).await;
    proxy.inject([
        Fault::new(429, "ThrottlingException", "Rate exceeded"),
        Fault::new(400, "TooManyRequestsException", "Too many requests"),
        Fault::new(503, "ServiceUnavailableException", "Service unavailable"),
        Fault::new(429, "ThrottlingException", "Rate exceeded"),
    ]);
    let name = unique("throttled");
    let state = backend.ensure_vault(&vault_spec(&name)).await.unwrap();
    assert_eq!(state.name, name);
    assert_eq!(proxy.faults_answered(), 4);
    backend.delete_vault(&name, false).await.unwrap();
}

#[tokio::test]
async fn the_sdk_retries_throttling_on_its_own_too() {
    // Our layer off, the SDK's standard mode on: its retry configuration is applied.
    let options = ConnectOptions {
        retry: RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::for_tests()
        },
        sdk_max_attempts: 3,
        ..options(CENTRAL)
    };
    let (proxy, backend) = proxied(options).await;
    proxy.inject([
        Fault::new(429, "ThrottlingException", "Rate exceeded"),
        Fault::new(500, "InternalFailure", "oops"),
    ]);
    assert_eq!(
        backend.find_vault_by_name(&unique("absent")).await.unwrap(),
        None
    );
    assert_eq!(proxy.faults_answered(), 2);
}

#[tokio::test]
async fn throttling_that_outlasts_the_budget_surfaces_as_throttled() {
    let options = ConnectOptions {
        retry: RetryPolicy {
            max_attempts: 3,
            ..RetryPolicy::for_tests()
        },
        ..options(CENTRAL)
    };
    let (proxy, backend) = proxied(options).await;
    proxy.inject(std::iter::repeat_n(
        Fault::new(429, "ThrottlingException", "Rate exceeded"),
        5,
    ));
    let name = unique("storm");
    let err = backend.find_vault_by_name(&name).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Throttled);
    assert_eq!(
        err.to_string(),
        format!("reading Backup Vault ({name}): ThrottlingException: Rate exceeded")
    );
    assert_eq!(proxy.faults_answered(), 3);
}

#[tokio::test]
async fn access_denied_is_not_retried_and_names_the_vault_and_aws_message() {
    let (proxy, backend) = proxied(options(CENTRAL)).await;
    let message = "User: arn:aws:iam::111111111111:user/ci is not authorized to perform: backup:CreateBackupVault";
    // Only the create (PUT /backup-vaults/{name}) is denied; the read before it passes.
    proxy.inject([Fault {
        method: Some(Method::PUT),
        ..Fault::new(403, "AccessDeniedException", message)
    }]);
    let name = unique("denied");
    let err = backend.ensure_vault(&vault_spec(&name)).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::AccessDenied);
    assert_eq!(
        (err.code(), err.message(), err.status()),
        (Some("AccessDeniedException"), message, Some(403))
    );
    assert_eq!(
        err.to_string(),
        format!("creating Backup Vault ({name}): AccessDeniedException: {message}")
    );
    assert_eq!(
        proxy.requests(&Method::PUT),
        1,
        "a permanent error is not retried"
    );
    assert_eq!(backend.find_vault_by_name(&name).await.unwrap(), None);
}
