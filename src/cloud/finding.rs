//! A difference between an effective policy and a live cloud object, as the drift report
//! (`backup_compliance`) lists it. Both clouds' comparisons produce these.

/// What a finding says for a missing object or value.
pub const ABSENT: &str = "absent";

/// One difference between the effective policy and a live object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Where the policy sets the value, e.g. `policy.rules["daily"].retention_days`.
    pub path: String,
    /// What the effective policy asks for.
    pub expected: String,
    /// What the cloud reports (`absent` when the object or value is missing).
    pub actual: String,
}

impl Finding {
    /// A finding at `path`.
    pub(crate) fn new(path: String, expected: impl ToString, actual: impl ToString) -> Finding {
        Finding {
            path,
            expected: expected.to_string(),
            actual: actual.to_string(),
        }
    }
}
