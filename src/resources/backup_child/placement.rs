//! Where a child's AWS selection lives: in its AWS-backed ancestor's plan (joined) or in a plan
//! and vault of its own (derived), decided from its effective policy at plan time.

use backup_policy::PolicyDocument;

use super::model::ChildAwsModel;
use crate::cloud::BackupBackend;

/// `mode` of a child whose selection is in its ancestor's plan.
pub(crate) const JOINED: &str = "joined";
/// `mode` of a child with its own plan and vault.
pub(crate) const DERIVED: &str = "derived";

/// Where a child's selection lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Placement {
    /// In the anchor app's plan, found by name at apply time.
    Joined {
        /// The anchor's plan name.
        plan_name: String,
        /// The anchor app, for error messages.
        anchor_app: String,
        /// The anchor vault's KMS key: a new key replaces the anchor's vault and plan, so the
        /// child's selection moves into the new plan.
        vault_key: Option<String>,
    },
    /// In the child's own plan writing to its own vault.
    Derived {
        /// The child's plan name (its name).
        plan_name: String,
        /// The child's vault.
        vault_name: String,
        /// The anchor's vault when it is in another account: every rule also copies there.
        central_vault_arn: Option<String>,
    },
}

impl Placement {
    /// Decides the placement: joined when the child acts in the nearest AWS-backed ancestor's
    /// account and region and its effective rules and tags equal the ancestor's.
    pub(crate) fn decide(
        document: &PolicyDocument,
        backend: &dyn BackupBackend,
        child: &str,
        model: &ChildAwsModel,
    ) -> Placement {
        Placement::decide_in(
            document,
            backend.account_id(),
            backend.region(),
            child,
            model,
        )
    }

    /// [`Placement::decide`] for a child acting in `account_id` and `region`.
    pub(crate) fn decide_in(
        document: &PolicyDocument,
        account_id: &str,
        region: &str,
        child: &str,
        model: &ChildAwsModel,
    ) -> Placement {
        let anchor = document.anchors().aws.as_ref();
        if let Some(anchor) = anchor {
            let here = anchor.location.account_id == account_id && anchor.location.region == region;
            // Access and alerts other than the anchor's need a vault of the child's own.
            let same_governance = document.governance().hash() == anchor.governance_hash;
            if here && document.rules_hash() == anchor.effective_hash && same_governance {
                return Placement::Joined {
                    plan_name: anchor.location.plan_name.clone(),
                    anchor_app: anchor.location.app.clone(),
                    vault_key: anchor.location.kms_key_arn.clone(),
                };
            }
        }
        Placement::Derived {
            plan_name: child.to_string(),
            vault_name: model.vault_name(child),
            central_vault_arn: anchor
                .filter(|a| a.location.account_id != account_id)
                .map(|a| a.location.vault_arn.clone()),
        }
    }

    /// The `mode` attribute value.
    pub(crate) fn mode(&self) -> &'static str {
        match self {
            Placement::Joined { .. } => JOINED,
            Placement::Derived { .. } => DERIVED,
        }
    }
}
