//! Audit frameworks and report plans of the in-memory AWS account.

use async_trait::async_trait;

use super::aws::FakeAws;
use crate::cloud::{
    AuditBackend, BackupBackend, CloudError, ErrorKind, FrameworkSpec, ReportPlanSpec,
};

#[async_trait]
impl AuditBackend for FakeAws {
    async fn find_framework(
        &self,
        name: &str,
    ) -> Result<Option<(String, FrameworkSpec)>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_framework", name)?;
        Ok(world.frameworks.get(name).cloned())
    }

    async fn create_framework(&self, spec: &FrameworkSpec) -> Result<String, CloudError> {
        let arn = format!(
            "arn:aws:backup:{}:{}:framework:{}",
            self.region(),
            self.account_id(),
            spec.name
        );
        let mut world = self.world();
        world.calls.record("create_framework", &spec.name)?;
        if world.frameworks.contains_key(&spec.name) {
            return Err(CloudError::new(
                ErrorKind::Conflict,
                "creating",
                &spec.name,
                "exists",
            ));
        }
        world
            .frameworks
            .insert(spec.name.clone(), (arn.clone(), spec.clone()));
        Ok(arn)
    }

    async fn update_framework(&self, spec: &FrameworkSpec) -> Result<String, CloudError> {
        let mut world = self.world();
        world.calls.record("update_framework", &spec.name)?;
        match world.frameworks.get_mut(&spec.name) {
            Some((arn, found)) => {
                *found = spec.clone();
                Ok(arn.clone())
            }
            None => Err(super::not_found("updating", &spec.name)),
        }
    }

    async fn delete_framework(&self, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_framework", name)?;
        world.frameworks.remove(name);
        Ok(())
    }

    async fn find_report_plan(&self, name: &str) -> Result<Option<ReportPlanSpec>, CloudError> {
        let mut world = self.world();
        world.calls.record("find_report_plan", name)?;
        Ok(world.report_plans.get(name).cloned())
    }

    async fn create_report_plan(&self, spec: &ReportPlanSpec) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("create_report_plan", &spec.name)?;
        if world.report_plans.contains_key(&spec.name) {
            return Err(CloudError::new(
                ErrorKind::Conflict,
                "creating",
                &spec.name,
                "exists",
            ));
        }
        world.report_plans.insert(spec.name.clone(), spec.clone());
        Ok(())
    }

    async fn update_report_plan(&self, spec: &ReportPlanSpec) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("update_report_plan", &spec.name)?;
        match world.report_plans.get_mut(&spec.name) {
            Some(found) => {
                *found = spec.clone();
                Ok(())
            }
            None => Err(super::not_found("updating", &spec.name)),
        }
    }

    async fn delete_report_plan(&self, name: &str) -> Result<(), CloudError> {
        let mut world = self.world();
        world.calls.record("delete_report_plan", name)?;
        world.report_plans.remove(name);
        Ok(())
    }
}
