//! [`CloudPart`]: what one cloud realises of a resource (its anchor, planned ids, objects), behind
//! one trait that the AWS and Azure parts of `backup_app` and `backup_child` implement, so that
//! the converge, read and destroy skeleton of a resource exists once.

use async_trait::async_trait;
use backup_policy::{CloudAnchorsPatch, PolicyDocument};
use tfplugin::framework::{Diagnostics, PlanRequest};
use tfvalue::Value;

/// A step of a cloud part failed; the diagnostics it added say why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartFailed;

/// What reading a part's objects back found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// The objects exist; the state was brought in line with them.
    Present,
    /// An object is gone: the resource leaves the state, so the next plan re-creates it.
    Gone,
}

/// One cloud's share of a resource, built for one request from the provider's backend for that
/// cloud and the resource's typed model.
///
/// Every step records what it made in the resource's state as soon as it exists, so a failure
/// part-way leaves a state the next apply converges from.
#[async_trait]
pub trait CloudPart: Send + Sync {
    /// What the part sets in the resource's state (computed ids, drift): the resource's typed
    /// update, written back once at the end of each step.
    type Update;

    /// Adds where this part keeps the resource's objects to the anchors its `policy_document`
    /// publishes; false when that is not known yet (plan time). Parts that publish nothing
    /// (children) answer true.
    fn anchor(&self, anchors: &mut CloudAnchorsPatch) -> bool;

    /// Plans the computed attributes this part owns, given the effective policy when it is known.
    fn plan(
        &self,
        request: &PlanRequest,
        document: Option<&PolicyDocument>,
        planned: &mut Self::Update,
        diagnostics: &mut Diagnostics,
    );

    /// Creates or updates the part's objects for `document`, recording their ids in `update`.
    async fn converge(
        &self,
        document: &PolicyDocument,
        prior_state: &Value,
        update: &mut Self::Update,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed>;

    /// Reads the part's objects back: what differs from `state` goes into `update` (drift nulls
    /// what it affects).
    async fn read(
        &self,
        state: &Value,
        update: &mut Self::Update,
        diagnostics: &mut Diagnostics,
    ) -> Result<Presence, PartFailed>;

    /// Deletes the part's objects as `prior_state` records them.
    async fn destroy(
        &self,
        prior_state: &Value,
        diagnostics: &mut Diagnostics,
    ) -> Result<(), PartFailed>;
}
