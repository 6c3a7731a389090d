//! Pins the exact `policy_document` JSON and hashes of a representative lineage. Existing state
//! files store these strings, so any change to how documents are written or hashed must keep them
//! byte-identical. The expected values were produced by the original Value-based implementation.

mod common;

use backup_policy::{
    evaluate, AwsAnchor, AzureAnchor, CloudAnchorsPatch, CopyPatch, GuardrailsPatch,
    PolicyDocument, RulePatch,
};
use common::{app, copy, map, rule, AUDIT, DR, EU_DR};

/// A root and a child touching every part of a document: rules with copies, cold storage and
/// recovery point tags, tags with unicode and characters JSON must escape, every guardrail,
/// provenance across two apps, and both anchors.
fn lineage() -> (PolicyDocument, PolicyDocument) {
    let mut root = app("org-root \"Ω\"");
    root.policy.rules.insert(
        "daily".into(),
        RulePatch {
            start_window_minutes: Some(60),
            completion_window_minutes: Some(180),
            cold_storage_after_days: Some(30),
            copy_to: Some(vec![copy(DR, Some(400)), copy(AUDIT, None)]),
            recovery_point_tags: Some(map(&[
                ("commit", "abc123"),
                ("note", "line1\nline2\t\"quoted\" \\ back\u{1}\u{7f}"),
            ])),
            ..rule("cron(0 5 ? * * *)", 365)
        },
    );
    root.policy
        .rules
        .insert("monthly".into(), rule("cron(0 6 1 * ? *)", 365));
    root.policy.tags = map(&[
        ("owner", "platform"),
        ("Zebra", "upper sorts first"),
        ("émoji", "🦀 crab, ünïcödé, 日本語"),
        ("a/b", "</script>"),
    ]);
    root.guardrails = GuardrailsPatch {
        min_retention_days: Some(30),
        max_retention_days: Some(3650),
        require_copy: Some(true),
        locked: Some(vec![
            "rules.daily.schedule".into(),
            "tags.owner".into(),
            "rules.*.start_window_minutes".into(),
        ]),
        allow_new_rules: Some(true),
        ..Default::default()
    };
    root.anchors = CloudAnchorsPatch {
        aws: Some(AwsAnchor {
            app: "org-root \"Ω\"".into(),
            account_id: "111111111111".into(),
            region: "us-west-2".into(),
            vault_name: "org-root".into(),
            vault_arn: "arn:aws:backup:us-west-2:111111111111:backup-vault:org-root".into(),
            plan_name: "org-root-plan".into(),
            kms_key_arn: None,
            air_gapped_vault_arn: None,
        }),
        azure: None,
    };
    let root_doc = evaluate(None, &root).expect("root is valid");

    let mut child = app("payments-ü");
    child.policy.rules.insert(
        "daily".into(),
        RulePatch {
            retention_days: Some(500),
            enable_continuous_backup: Some(true),
            copy_to: Some(vec![
                CopyPatch {
                    vault_arn: EU_DR.into(),
                    retention_days: Some(800),
                    cold_storage_after_days: Some(100),
                },
                CopyPatch {
                    vault_arn: AUDIT.into(),
                    retention_days: None,
                    cold_storage_after_days: Some(0),
                },
            ]),
            recovery_point_tags: Some(map(&[("tier", "gold")])),
            ..Default::default()
        },
    );
    child.policy.rules.insert(
        "weekly".into(),
        RulePatch {
            copy_to: Some(vec![copy(DR, None)]),
            ..rule("cron(30 2 ? * MON#1 *)", 90)
        },
    );
    child.policy.tags = map(&[("environment", "prod\u{2028}")]);
    child.guardrails = GuardrailsPatch {
        min_retention_days: Some(60),
        locked: Some(vec!["tags.environment".into()]),
        allow_new_rules: Some(false),
        ..Default::default()
    };
    child.anchors = CloudAnchorsPatch {
        aws: None,
        azure: Some(AzureAnchor {
            app: "payments-ü".into(),
            subscription_id: "00000000-0000-0000-0000-000000000000".into(),
            resource_group: "rg-payments".into(),
            vault_name: "payments".into(),
            vault_id: "/subscriptions/x/resourceGroups/rg-payments/providers/Microsoft.RecoveryServices/vaults/payments".into(),
            policy_name: "payments-policy".into(),
        }),
    };
    let child_doc = evaluate(Some(&root_doc.to_json()), &child).expect("child is valid");
    (root_doc, child_doc)
}

const ROOT_JSON: &str = include_str!("golden/root.json");
const CHILD_JSON: &str = include_str!("golden/child.json");
const HASHES: &str = include_str!("golden/hashes.txt");

#[test]
fn documents_and_hashes_are_byte_identical() {
    let (root, child) = lineage();
    if std::env::var_os("BACKUP_POLICY_WRITE_GOLDEN").is_some() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
        std::fs::write(format!("{dir}/root.json"), root.to_json()).unwrap();
        std::fs::write(format!("{dir}/child.json"), child.to_json()).unwrap();
        let hashes = format!(
            "{}\n{}\n{}\n{}\n",
            root.hash(),
            root.rules_hash(),
            child.hash(),
            child.rules_hash()
        );
        std::fs::write(format!("{dir}/hashes.txt"), hashes).unwrap();
        return;
    }
    assert_eq!(root.to_json(), ROOT_JSON);
    assert_eq!(child.to_json(), CHILD_JSON);
    let hashes: Vec<&str> = HASHES.lines().collect();
    assert_eq!(
        [
            root.hash(),
            root.rules_hash().as_str(),
            child.hash(),
            child.rules_hash().as_str()
        ],
        hashes[..]
    );
    assert_eq!(
        child.anchors().azure.as_ref().unwrap().effective_hash,
        child.rules_hash()
    );
    assert_eq!(
        child.anchors().aws.as_ref().unwrap().effective_hash,
        root.rules_hash()
    );
}

#[test]
fn pinned_documents_parse_and_rewrite_unchanged() {
    for json in [ROOT_JSON, CHILD_JSON] {
        let doc = PolicyDocument::parse(json).expect("pinned documents verify");
        assert_eq!(doc.to_json(), json);
    }
    // A parent written with other key order and whitespace has the same content hash.
    let value: serde_json::Value = serde_json::from_str(CHILD_JSON).unwrap();
    let pretty = serde_json::to_string_pretty(&reverse_keys(&value)).unwrap();
    assert_eq!(
        PolicyDocument::parse(&pretty).unwrap().to_json(),
        CHILD_JSON
    );
}

fn reverse_keys(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.reverse();
            serde_json::Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), reverse_keys(v)))
                    .collect(),
            )
        }
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.iter().map(reverse_keys).collect())
        }
        other => other.clone(),
    }
}
