//! The `export-apigee` command line: what the scheduled job runs, built by `backup_child` (its
//! `apigee_export_job`) and parsed by the command, so both always agree.

use super::ManifestTags;

/// The provider binary's subcommand that makes one export.
pub const EXPORT_COMMAND: &str = "export-apigee";
/// Environment variable holding the Apigee access token (a secret).
pub const TOKEN_VARIABLE: &str = "APIGEE_ACCESS_TOKEN";
/// Environment variable holding the container's SAS URL (a secret).
pub const CONTAINER_URL_VARIABLE: &str = "APIGEE_CONTAINER_URL";
/// Environment variable naming the Apigee API endpoint when it is not Google's.
pub const ENDPOINT_VARIABLE: &str = "APIGEE_ENDPOINT";

/// The flags of one scheduled export.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportJobArgs {
    /// `--organization`.
    pub organization: String,
    /// `--environment`, repeated; `None`: every environment the organization has when the job runs.
    pub environments: Option<Vec<String>>,
    /// `--retention-days`.
    pub retention_days: i64,
    /// `--schedule` (recorded in the manifest).
    pub schedule: String,
    /// `--policy-hash` (recorded in the manifest).
    pub policy_hash: String,
    /// `--tag key=value`, repeated.
    pub tags: ManifestTags,
}

impl ExportJobArgs {
    /// The arguments after the binary's name: `export-apigee --organization ...`.
    pub fn to_args(&self) -> Vec<String> {
        let mut args = vec![
            EXPORT_COMMAND.to_owned(),
            "--organization".to_owned(),
            self.organization.clone(),
        ];
        for env in self.environments.iter().flatten() {
            args.extend(["--environment".to_owned(), env.clone()]);
        }
        args.extend([
            "--retention-days".to_owned(),
            self.retention_days.to_string(),
            "--schedule".to_owned(),
            self.schedule.clone(),
            "--policy-hash".to_owned(),
            self.policy_hash.clone(),
        ]);
        for (key, value) in &self.tags {
            args.extend(["--tag".to_owned(), format!("{key}={value}")]);
        }
        args
    }

    /// Parses the arguments after `export-apigee`; an error says which flag is wrong.
    pub fn parse(args: &[String]) -> Result<ExportJobArgs, String> {
        let mut parsed = ExportJobArgs::default();
        let mut environments = Vec::new();
        let mut retention = None;
        let mut iter = args.iter();
        while let Some(flag) = iter.next() {
            let mut value = || {
                iter.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--organization" => parsed.organization = value()?,
                "--environment" => environments.push(value()?),
                "--retention-days" => {
                    let text = value()?;
                    retention = Some(
                        text.parse::<i64>()
                            .ok()
                            .filter(|d| *d >= 1)
                            .ok_or_else(|| format!("--retention-days {text:?} is not a whole number of days (1 or more)"))?,
                    );
                }
                "--schedule" => parsed.schedule = value()?,
                "--policy-hash" => parsed.policy_hash = value()?,
                "--tag" => {
                    let text = value()?;
                    let (key, val) = text
                        .split_once('=')
                        .filter(|(k, _)| !k.is_empty())
                        .ok_or_else(|| format!("--tag {text:?} is not key=value"))?;
                    parsed.tags.insert(key.to_owned(), val.to_owned());
                }
                other => return Err(format!("unknown flag {other:?}")),
            }
        }
        if parsed.organization.is_empty() {
            return Err("--organization is required".into());
        }
        parsed.retention_days = retention.ok_or("--retention-days is required")?;
        parsed.environments = (!environments.is_empty()).then_some(environments);
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_round_trips() {
        let job = ExportJobArgs {
            organization: "acme".into(),
            environments: Some(vec!["prod".into()]),
            retention_days: 35,
            schedule: "0 5 * * *".into(),
            policy_hash: "abc".into(),
            tags: [("commit".to_owned(), "1234".to_owned())].into(),
        };
        let args = job.to_args();
        assert_eq!(args[0], EXPORT_COMMAND);
        assert_eq!(ExportJobArgs::parse(&args[1..]), Ok(job));
        let bad = |args: &[&str]| {
            ExportJobArgs::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
        };
        assert!(bad(&["--retention-days", "7"])
            .unwrap_err()
            .contains("--organization"));
        assert!(bad(&["--organization", "o", "--retention-days", "0"]).is_err());
        assert!(bad(&["--organization", "o", "--retention-days", "7", "--tag", "x"]).is_err());
        assert!(bad(&["--organization", "o", "--bogus"])
            .unwrap_err()
            .contains("--bogus"));
    }
}
