//! The Azure tree the tests apply on the fake ARM server (a root app's vault and policy, a child
//! per VM joining the root's policy) and what the fake must hold for it, read from the fake's own
//! store (not through the provider).

use crate::support::azure::{providers_via, vm_id};
use crate::support::fake_arm::server::{FakeArm, SUBSCRIPTION};
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;

const RG: &str = "rg-backup";
const VAULT: &str = "rsv-reliability";

/// `children` VMs, each protected by its own `backup_child`.
pub(crate) struct AzureTree {
    pub(crate) children: usize,
}

impl AzureTree {
    fn vm(i: usize) -> String {
        format!("vm{i}")
    }

    /// Makes the fake serve every VM of the tree.
    pub(crate) fn add_vms(&self, fake: &FakeArm) {
        for i in 0..self.children {
            fake.add_vm(&vm_id(&Self::vm(i)));
        }
    }

    /// The configuration: Resource Manager through `arm_endpoint` (a fault proxy), tokens straight
    /// from the fake.
    pub(crate) fn config(&self, fake: &FakeArm, arm_endpoint: &str) -> String {
        let mut config = providers_via(fake, arm_endpoint)
            + &format!(
                r#"
resource "backup_app" "root" {{
  name = "reliability"
  policy = {{
    rules = {{ daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }} }}
  }}
  azure = {{
    resource_group     = "{RG}"
    location           = "westeurope"
    vault_name         = "{VAULT}"
    storage_redundancy = "LocallyRedundant"
    soft_delete        = "Disabled"
  }}
}}
"#
            );
        for i in 0..self.children {
            let vm = vm_id(&Self::vm(i));
            config += &format!(
                r#"
resource "backup_child" "vm{i}" {{
  name   = "vm{i}"
  parent = backup_app.root.policy_document
  azure  = {{ vm_ids = ["{vm}"] }}
}}
"#
            );
        }
        config
    }

    /// The lower-cased paths the fake must hold: the vault, the root's policy and a protected
    /// item per VM.
    pub(crate) fn expected(&self) -> Vec<String> {
        let vault = format!(
            "/subscriptions/{SUBSCRIPTION}/resourceGroups/{RG}/providers/Microsoft.RecoveryServices/vaults/{VAULT}"
        );
        let mut paths = vec![vault.clone(), format!("{vault}/backupPolicies/reliability")];
        for i in 0..self.children {
            let vm = Self::vm(i);
            paths.push(format!(
                "{vault}/backupFabrics/Azure/protectionContainers/iaasvmcontainer;iaasvmcontainerv2;rg-app;{vm}/protectedItems/vm;iaasvmcontainerv2;rg-app;{vm}"
            ));
        }
        let mut paths: Vec<String> = paths.iter().map(|p| p.to_ascii_lowercase()).collect();
        paths.sort();
        paths
    }

    /// Panics, listing both, unless the fake holds exactly the expected objects.
    pub(crate) fn assert_fake_holds_exactly(&self, fake: &FakeArm) {
        let mut actual = fake.stored_paths();
        actual.sort();
        assert_eq!(actual, self.expected(), "the fake ARM server's objects");
    }
}

/// A working directory on Terraform 1.15 holding `tree`'s configuration; initialised.
pub(crate) fn workdir(tree: &AzureTree, fake: &FakeArm, arm_endpoint: &str) -> Workdir {
    let work = Workdir::new(&Terraform::v1_15());
    work.write_main_tf(&tree.config(fake, arm_endpoint));
    crate::blocking(|| work.init());
    work
}
