//! Restore testing plans and selections of the in-memory AWS account.

use async_trait::async_trait;

use super::aws::FakeAws;
use crate::cloud::{
    CloudError, ErrorKind, RestoreTestingBackend, RestoreTestingPlanSpec,
    RestoreTestingSelectionSpec,
};

fn conflict(name: &str) -> CloudError {
    CloudError::new(ErrorKind::Conflict, "creating", name, "already exists")
}

#[async_trait]
impl RestoreTestingBackend for FakeAws {
    async fn find_restore_testing_plan(
        &self,
        name: &str,
    ) -> Result<Option<RestoreTestingPlanSpec>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_restore_testing_plan", name)?;
        Ok(world.rt_plans.get(name).cloned())
    }

    async fn create_restore_testing_plan(
        &self,
        spec: &RestoreTestingPlanSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world
            .calls
            .record("create_restore_testing_plan", &spec.name)?;
        if world.rt_plans.contains_key(&spec.name) {
            return Err(conflict(&spec.name));
        }
        world.rt_plans.insert(spec.name.clone(), spec.clone());
        Ok(())
    }

    async fn update_restore_testing_plan(
        &self,
        spec: &RestoreTestingPlanSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world
            .calls
            .record("update_restore_testing_plan", &spec.name)?;
        match world.rt_plans.get_mut(&spec.name) {
            Some(plan) => {
                *plan = spec.clone();
                Ok(())
            }
            None => Err(super::not_found("updating", &spec.name)),
        }
    }

    async fn delete_restore_testing_plan(&self, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_restore_testing_plan", name)?;
        if world.rt_selections.keys().any(|(plan, _)| plan == name) {
            return Err(CloudError::new(
                ErrorKind::InvalidState,
                "deleting Restore Testing Plan",
                name,
                "Delete the plan's restore testing selections first.",
            ));
        }
        world.rt_plans.remove(name);
        Ok(())
    }

    async fn list_restore_testing_selection_names(
        &self,
        plan: &str,
    ) -> Result<Vec<String>, CloudError> {
        let mut world = self.world();
        world
            .calls
            .record("list_restore_testing_selections", plan)?;
        Ok(world
            .rt_selections
            .keys()
            .filter(|(p, _)| p == plan)
            .map(|(_, name)| name.clone())
            .collect())
    }

    async fn find_restore_testing_selection(
        &self,
        plan: &str,
        name: &str,
    ) -> Result<Option<RestoreTestingSelectionSpec>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_restore_testing_selection", name)?;
        Ok(world
            .rt_selections
            .get(&(plan.to_string(), name.to_string()))
            .cloned())
    }

    async fn create_restore_testing_selection(
        &self,
        plan: &str,
        spec: &RestoreTestingSelectionSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world
            .calls
            .record("create_restore_testing_selection", &spec.name)?;
        if !world.rt_plans.contains_key(plan) {
            return Err(super::not_found("creating", plan));
        }
        let key = (plan.to_string(), spec.name.clone());
        if world.rt_selections.contains_key(&key) {
            return Err(conflict(&spec.name));
        }
        world.rt_selections.insert(key, spec.clone());
        Ok(())
    }

    async fn update_restore_testing_selection(
        &self,
        plan: &str,
        spec: &RestoreTestingSelectionSpec,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world
            .calls
            .record("update_restore_testing_selection", &spec.name)?;
        match world
            .rt_selections
            .get_mut(&(plan.to_string(), spec.name.clone()))
        {
            Some(found) => {
                *found = spec.clone();
                Ok(())
            }
            None => Err(super::not_found("updating", &spec.name)),
        }
    }

    async fn delete_restore_testing_selection(
        &self,
        plan: &str,
        name: &str,
    ) -> Result<(), CloudError> {
        let mut world = self.world();
        world
            .calls
            .record("delete_restore_testing_selection", name)?;
        world
            .rt_selections
            .remove(&(plan.to_string(), name.to_string()));
        Ok(())
    }
}
