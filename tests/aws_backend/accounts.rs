//! Which account a connection acts in: the caller's own (learnt from STS), or another one
//! through `assume_role`; a refused AssumeRole names the role.

use terraform_provider_backup::cloud::aws::{AssumeRole, AwsBackend, AwsContext};
use terraform_provider_backup::cloud::{BackupBackend, ErrorKind};

use crate::support::aws::{CENTRAL, MEMBER};
use crate::support::aws_emulator::{options, settings, unique, AwsEmulator, REGION};
use crate::{connect, vault_spec};

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
