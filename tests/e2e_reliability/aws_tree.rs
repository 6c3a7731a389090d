//! The AWS tree the tests apply (a root app in 111111111111, joined children beside it, derived
//! children in 222222222222) and what must exist in the cloud for it, read with the AWS SDK
//! straight from the emulator (not through the provider, nor through the fault proxy).

use std::collections::BTreeMap;

use aws_sdk_backup::Client;
use serde_json::Value;

use crate::support::aws::{providers, CENTRAL, MEMBER};
use crate::support::aws_emulator::{unique, AwsEmulator, REGION};
use crate::support::state::state_resources;
use crate::support::terraform::Terraform;
use crate::support::workdir::Workdir;

/// One test's tree: `joined` joined children and `derived` derived children under one root, every
/// object named `{prefix}-...`.
pub(crate) struct AwsTree {
    pub(crate) prefix: String,
    pub(crate) joined: usize,
    pub(crate) derived: usize,
}

impl AwsTree {
    pub(crate) fn new(joined: usize, derived: usize) -> AwsTree {
        AwsTree {
            prefix: unique("rel"),
            joined,
            derived,
        }
    }

    fn root(&self) -> String {
        format!("{}-root", self.prefix)
    }

    /// How many objects the whole tree makes: the root's vault and plan, a selection per joined
    /// child, a vault, plan and selection per derived child.
    pub(crate) fn object_count(&self) -> usize {
        2 + self.joined + 3 * self.derived
    }

    /// The configuration: AWS Backup through `backup_endpoint` (a fault proxy), STS straight to the
    /// emulator.
    pub(crate) fn config(&self, backup_endpoint: &str) -> String {
        let sts = AwsEmulator::shared().endpoint();
        let root = self.root();
        let mut config = providers(backup_endpoint, &sts)
            + &format!(
                r#"
resource "backup_app" "root" {{
  name = "{root}"
  policy = {{
    rules = {{
      daily = {{ schedule = "cron(0 5 ? * * *)", retention_days = 35 }}
    }}
    tags = {{ owner = "platform" }}
  }}
  aws = {{
    vault_name               = "{root}"
    allow_copy_from_accounts = ["{MEMBER}"]
  }}
}}
"#
            );
        for i in 0..self.joined {
            config += &format!(
                r#"
resource "backup_child" "j{i}" {{
  name   = "{prefix}-j{i}"
  parent = backup_app.root.policy_document
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{CENTRAL}:table/orders{i}"]
    iam_role_arn = "arn:aws:iam::{CENTRAL}:role/backup"
  }}
}}
"#,
                prefix = self.prefix
            );
        }
        for i in 0..self.derived {
            config += &format!(
                r#"
resource "backup_child" "d{i}" {{
  provider = backup.member
  name     = "{prefix}-d{i}"
  parent   = backup_app.root.policy_document
  aws = {{
    resources    = ["arn:aws:dynamodb:{REGION}:{MEMBER}:table/payments{i}"]
    iam_role_arn = "arn:aws:iam::{MEMBER}:role/backup"
  }}
}}
"#,
                prefix = self.prefix
            );
        }
        config
    }

    /// What the tree must have in the cloud given the ids in `state`: one line per object,
    /// sorted (see [`AwsTree::inventory`]).
    pub(crate) fn expected(&self, state: &Value) -> Vec<String> {
        let ids: BTreeMap<String, &Value> = state_resources(state)
            .into_iter()
            .filter_map(|r| Some((r["address"].as_str()?.to_owned(), &r["values"])))
            .collect();
        let id = |address: &str, attribute: &str| -> String {
            ids.get(address)
                .and_then(|v| v[attribute].as_str())
                .unwrap_or_else(|| panic!("{address}.{attribute} is not in the state"))
                .to_owned()
        };
        let root = self.root();
        let root_plan = id("backup_app.root", "aws_plan_id");
        let mut lines = vec![
            format!("{CENTRAL} vault {root}"),
            format!("{CENTRAL} plan {root} {root_plan}"),
        ];
        for i in 0..self.joined {
            let address = format!("backup_child.j{i}");
            assert_eq!(id(&address, "aws_plan_id"), root_plan, "{address}");
            lines.push(format!(
                "{CENTRAL} selection {root}/{}-j{i} {}",
                self.prefix,
                id(&address, "aws_selection_id")
            ));
        }
        for i in 0..self.derived {
            let address = format!("backup_child.d{i}");
            let name = format!("{}-d{i}", self.prefix);
            let plan = id(&address, "aws_plan_id");
            lines.push(format!("{MEMBER} vault {name}"));
            lines.push(format!("{MEMBER} plan {name} {plan}"));
            lines.push(format!(
                "{MEMBER} selection {name}/{name} {}",
                id(&address, "aws_selection_id")
            ));
        }
        lines.sort();
        lines
    }

    /// Every object of this tree in either account, read from the emulator: `{account} vault
    /// {name}`, `{account} plan {name} {id}`, `{account} selection {plan name}/{name} {id}`,
    /// sorted; a duplicate shows as two lines.
    pub(crate) async fn inventory(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for account in [CENTRAL, MEMBER] {
            let client = client(account).await;
            let mut token = None;
            loop {
                let page = client
                    .list_backup_vaults()
                    .set_next_token(token)
                    .send()
                    .await
                    .expect("ListBackupVaults");
                for vault in page.backup_vault_list() {
                    let name = vault.backup_vault_name().unwrap_or_default();
                    if name.starts_with(&self.prefix) {
                        lines.push(format!("{account} vault {name}"));
                    }
                }
                token = page.next_token().map(str::to_owned);
                if token.is_none() {
                    break;
                }
            }
            for (plan, id) in plans(&client, &self.prefix).await {
                lines.push(format!("{account} plan {plan} {id}"));
                let mut token = None;
                loop {
                    let page = client
                        .list_backup_selections()
                        .backup_plan_id(&id)
                        .set_next_token(token)
                        .send()
                        .await
                        .expect("ListBackupSelections");
                    for selection in page.backup_selections_list() {
                        lines.push(format!(
                            "{account} selection {plan}/{} {}",
                            selection.selection_name().unwrap_or_default(),
                            selection.selection_id().unwrap_or_default()
                        ));
                    }
                    token = page.next_token().map(str::to_owned);
                    if token.is_none() {
                        break;
                    }
                }
            }
        }
        lines.sort();
        lines
    }

    /// Panics, showing both lists, unless the cloud holds exactly what `state` says: nothing
    /// missing, no duplicate, no orphan (an object the state does not know).
    pub(crate) async fn assert_cloud_matches(&self, state: &Value) {
        let expected = self.expected(state);
        let actual = self.inventory().await;
        if actual != expected {
            let missing: Vec<_> = expected.iter().filter(|l| !actual.contains(l)).collect();
            let extra: Vec<_> = actual.iter().filter(|l| !expected.contains(l)).collect();
            panic!(
                "the cloud does not hold exactly the tree in the state ({} expected, {} found)\n\
                 missing: {missing:#?}\nnot in the state (orphans or duplicates): {extra:#?}",
                expected.len(),
                actual.len()
            );
        }
    }

    /// The cloud holds exactly what `work`'s state says ([`assert_cloud_matches`]); then
    /// `terraform destroy` leaves nothing of the tree.
    ///
    /// [`assert_cloud_matches`]: AwsTree::assert_cloud_matches
    pub(crate) async fn assert_matches_state_then_destroy(&self, work: &Workdir) {
        let state = crate::blocking(|| work.state_json());
        self.assert_cloud_matches(&state).await;
        crate::destroy(work);
        assert_eq!(
            self.inventory().await,
            Vec::<String>::new(),
            "left after destroy"
        );
    }
}

/// Panics unless every child whose selection exists in the cloud (its last object) is in `state`
/// with that selection's id, and the root app is in it once its plan exists: what an apply
/// finished is in the state even when the apply failed.
pub(crate) async fn assert_state_holds_finished(tree: &AwsTree, state: &Value) {
    let resources = state_resources(state);
    let value = |address: &str, attribute: &str| -> Option<String> {
        resources
            .iter()
            .find(|r| r["address"] == address)
            .and_then(|r| r["values"][attribute].as_str().map(str::to_owned))
    };
    let root = tree.root();
    for line in tree.inventory().await {
        let parts: Vec<&str> = line.split(' ').collect();
        let (address, attribute, id) = match parts.as_slice() {
            [_, "plan", name, id] if *name == root => {
                ("backup_app.root".to_owned(), "aws_plan_id", *id)
            }
            [_, "selection", path, id] => {
                let child = path.rsplit('/').next().unwrap_or_default();
                let label = child.trim_start_matches(&format!("{}-", tree.prefix));
                (format!("backup_child.{label}"), "aws_selection_id", *id)
            }
            _ => continue,
        };
        assert_eq!(
            value(&address, attribute).as_deref(),
            Some(id),
            "{line} exists but {address}.{attribute} is not it in the state"
        );
    }
}

/// The plans named `{prefix}...` in the client's account: (name, id).
async fn plans(client: &Client, prefix: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_backup_plans()
            .set_next_token(token)
            .send()
            .await
            .expect("ListBackupPlans");
        for plan in page.backup_plans_list() {
            let name = plan.backup_plan_name().unwrap_or_default();
            if name.starts_with(prefix) {
                out.push((
                    name.to_owned(),
                    plan.backup_plan_id().unwrap_or_default().to_owned(),
                ));
            }
        }
        token = page.next_token().map(str::to_owned);
        if token.is_none() {
            return out;
        }
    }
}

/// An AWS Backup client of `account` on the emulator itself.
async fn client(account: &str) -> Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(AwsEmulator::shared().endpoint())
        .credentials_provider(aws_sdk_backup::config::Credentials::new(
            account, "test", None, None, "test",
        ))
        .load()
        .await;
    Client::new(&sdk)
}

/// A working directory on Terraform 1.15 acting as 111111111111, holding `tree`'s configuration
/// with AWS Backup reached through `backup_endpoint`; initialised.
pub(crate) fn workdir(tree: &AwsTree, backup_endpoint: &str) -> Workdir {
    let mut work = Workdir::new(&Terraform::v1_15());
    work.aws_credentials(CENTRAL);
    work.write_main_tf(&tree.config(backup_endpoint));
    crate::blocking(|| work.init());
    work
}
