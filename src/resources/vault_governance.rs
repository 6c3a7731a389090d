//! Reading and releasing what the policy's access and alerts put on an AWS vault (its access
//! statements and notifications), shared by `backup_app` and a derived `backup_child`.

use backup_policy::PolicyDocument;

use crate::cloud::aws::access_policy::{access_statements_differ, vault_access_spec};
use crate::cloud::aws::notifications::vault_notification_spec;
use crate::cloud::{BackupBackend, CloudError};

/// Reads the vault's access policy and notifications against `document`. Returns the accounts the
/// copy statement names (`None`: no policy; only read when `with_accounts`, or when the access
/// statements had to be read anyway) and whether the statements or notifications drifted from the
/// document, which the caller reports by nulling `policy_document` (the next plan restores them).
pub(crate) async fn read_vault_governance(
    backend: &dyn BackupBackend,
    vault: &str,
    document: &PolicyDocument,
    with_accounts: bool,
) -> Result<(Option<Vec<String>>, bool), CloudError> {
    let mut drifted = false;
    let expected = vault_access_spec(document, &[]);
    let accounts = if expected.has_access_statements() {
        let remote = backend.find_vault_access(vault).await?;
        drifted |= access_statements_differ(&remote.clone().unwrap_or_default(), &expected);
        remote.map(|r| r.copy_from_accounts)
    } else if with_accounts {
        backend.find_vault_access_policy(vault).await?
    } else {
        None
    };
    if let Some(expected) = vault_notification_spec(document) {
        drifted |= backend.find_vault_notifications(vault).await?.as_ref() != Some(&expected);
    }
    Ok((accounts, drifted))
}

/// Removes the vault's notifications and access statements before the vault is deleted: a
/// protecting statement would deny the recovery point deletions `force_destroy` makes.
pub(crate) async fn release_vault_governance(
    backend: &dyn BackupBackend,
    vault: &str,
    document: Option<&PolicyDocument>,
) -> Result<(), CloudError> {
    let Some(document) = document else {
        return Ok(());
    };
    if vault_notification_spec(document).is_some() {
        backend.delete_vault_notifications(vault).await?;
    }
    if vault_access_spec(document, &[]).has_access_statements() {
        backend.delete_vault_access_policy(vault).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use backup_policy::access::AccessPatch;
    use backup_policy::alerts::AlertsPatch;
    use backup_policy::{AppInput, GuardrailsPatch};

    use super::*;
    use crate::cloud::aws::access_policy::converge_vault_access;
    use crate::cloud::aws::notifications::converge_vault_notifications;
    use crate::cloud::VaultSpec;
    use crate::resources::fakes::FakeAws;

    const RESTORE: &str = "arn:aws:iam::111111111111:role/restore";
    const TOPIC: &str = "arn:aws:sns:eu-west-1:111111111111:alerts";

    fn document(governed: bool) -> PolicyDocument {
        let mut app = AppInput {
            name: "org-root".into(),
            ..Default::default()
        };
        if governed {
            app.policy.access = Some(AccessPatch {
                restorers: Some(vec![RESTORE.into()]),
                ..Default::default()
            });
            app.policy.alerts = Some(AlertsPatch {
                sns_topic_arn: Some(TOPIC.into()),
                ..Default::default()
            });
            app.guardrails = GuardrailsPatch {
                protect_recovery_points: Some(true),
                ..Default::default()
            };
        }
        backup_policy::evaluate(None, &app).unwrap()
    }

    async fn converge(aws: &FakeAws, document: &PolicyDocument, accounts: &[String]) {
        converge_vault_access(aws, "v", &vault_access_spec(document, accounts))
            .await
            .unwrap();
        let notifications = vault_notification_spec(document);
        converge_vault_notifications(aws, "v", notifications.as_ref(), true)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn drift_is_seen_and_one_converge_repairs_it_and_release_leaves_nothing() {
        let aws = FakeAws::new("111111111111", "eu-west-1");
        aws.ensure_vault(&VaultSpec {
            name: "v".into(),
            ..Default::default()
        })
        .await
        .unwrap();
        let doc = document(true);
        let accounts = vec!["222222222222".to_string()];
        converge(&aws, &doc, &accounts).await;
        {
            let world = aws.world();
            assert_eq!(world.access_statements["v"].restorers, [RESTORE]);
            assert!(world.access_statements["v"].protect_recovery_points);
            assert_eq!(world.access["v"], accounts, "the copy statement is kept");
            assert_eq!(world.notifications["v"].sns_topic_arn, TOPIC);
            assert!(world.notifications["v"]
                .events
                .contains(&"COPY_JOB_FAILED".into()));
        }
        let read = read_vault_governance(&*aws, "v", &doc, true).await.unwrap();
        assert_eq!(read, (Some(accounts.clone()), false));

        aws.world().notifications.clear();
        aws.world().access_statements.clear();
        assert!(
            read_vault_governance(&*aws, "v", &doc, true)
                .await
                .unwrap()
                .1
        );
        converge(&aws, &doc, &accounts).await;
        assert!(
            !read_vault_governance(&*aws, "v", &doc, true)
                .await
                .unwrap()
                .1
        );

        aws.world().calls.log.clear();
        converge(&aws, &doc, &accounts).await;
        assert_eq!(
            aws.world().calls.operations(),
            ["find_vault_access", "find_vault_notifications"],
            "nothing is written when nothing changed"
        );

        release_vault_governance(&*aws, "v", Some(&doc))
            .await
            .unwrap();
        let world = aws.world();
        assert!(world.notifications.is_empty() && world.access_statements.is_empty());
        assert!(world.access.is_empty());
    }

    #[tokio::test]
    async fn without_governance_nothing_extra_is_read_or_released() {
        let aws = FakeAws::new("111111111111", "eu-west-1");
        let plain = document(false);
        let read = read_vault_governance(&*aws, "v", &plain, false)
            .await
            .unwrap();
        assert_eq!(read, (None, false));
        release_vault_governance(&*aws, "v", Some(&plain))
            .await
            .unwrap();
        assert!(aws.world().calls.operations().is_empty());
        read_vault_governance(&*aws, "v", &plain, true)
            .await
            .unwrap();
        assert_eq!(aws.world().calls.operations(), ["find_vault_access_policy"]);
    }
}
