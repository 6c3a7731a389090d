//! The pure policy core of the App-of-Apps backup provider: no I/O, no async.
//!
//! Every app in a backup tree has an effective policy: its parent's effective policy (read from the
//! parent's `policy_document`) with the app's own changes merged in, under guardrails that
//! accumulate down the tree and may only tighten. [`evaluate`] computes it, or every problem with it
//! as [`PolicyDiagnostic`]s at the attribute path to fix. The rules are written down in
//! `docs/guides/inheritance.md`.
//!
//! ```
//! use backup_policy::{evaluate, AppInput, PolicyPatch, RulePatch};
//!
//! let mut root = AppInput { name: "org-root".into(), ..Default::default() };
//! root.policy.rules.insert(
//!     "daily".into(),
//!     RulePatch { schedule: Some("cron(0 5 ? * * *)".into()), retention_days: Some(35), ..Default::default() },
//! );
//! let root_doc = evaluate(None, &root).unwrap();
//!
//! let mut child = AppInput { name: "payments".into(), ..Default::default() };
//! child.policy.rules.insert("daily".into(), RulePatch { retention_days: Some(90), ..Default::default() });
//! let doc = evaluate(Some(&root_doc.to_json()), &child).unwrap();
//! assert_eq!(doc.rules()["daily"].retention_days, 90);
//! assert_eq!(doc.rules()["daily"].schedule, "cron(0 5 ? * * *)");
//! assert_eq!(doc.lineage(), ["org-root", "payments"]);
//! ```

#![warn(missing_docs)]

pub mod access;
pub mod alerts;
mod canonical;
pub mod cron;
mod diagnostic;
mod document;
mod evaluate;
mod governance;
mod guardrails;
pub mod hardening;
mod merge;
mod model;
mod provenance;
mod restore_testing;
mod validate;

pub use diagnostic::{paths, PolicyDiagnostic};
pub use document::{Anchor, Anchors, PolicyDocument, FORMAT};
pub use evaluate::evaluate;
pub use governance::Governance;
pub use guardrails::{parse_lock, EffectiveGuardrails, LockError, LockTarget, LockedPath, Setting};
pub use model::{
    AppInput, AwsAnchor, AzureAnchor, CloudAnchorsPatch, CopyPatch, EffectiveCopy, EffectiveRule,
    GuardrailsPatch, PolicyPatch, RulePatch, DEFAULT_COMPLETION_WINDOW_MINUTES,
    DEFAULT_START_WINDOW_MINUTES, RULE_FIELDS,
};
pub use provenance::{CopyProvenance, Provenance, RuleProvenance};
pub use restore_testing::{
    EffectiveRestoreTesting, RestoreTestingGuardrails, RestoreTestingGuardrailsPatch,
    RestoreTestingPatch, ALGORITHMS, DEFAULT_ALGORITHM, DEFAULT_RESTORE_START_WINDOW_HOURS,
    DEFAULT_SELECTION_WINDOW_DAYS, RESTORE_TESTING_FIELDS,
};
pub use validate::{check_vault_arn, VaultArnError};
