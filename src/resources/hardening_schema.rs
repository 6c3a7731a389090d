//! The vault hardening members of `guardrails` (`require_delete_lock`, `require_encryption`,
//! `min_immutability`, `require_resource_guard`, `require_app_service_same_region`); the
//! policy core checks that they only tighten; and `azure.encryption`, the vault's customer-managed key.

use backup_policy::hardening::IMMUTABILITY_LEVELS;
use tfplugin::framework::{validators, Attribute};

/// The hardening members of `guardrails`.
pub(crate) fn hardening_guardrail_attributes() -> Vec<Attribute> {
    vec![
        Attribute::bool("require_delete_lock").optional().description(
            "Every vault of this app and its descendants carries a delete lock (Azure: a `CanNotDelete` management \
             lock on the Recovery Services vault, repaired on apply; destroy fails unless `force_destroy`). Once \
             `true`, no descendant can turn it off.",
        ),
        Attribute::bool("require_encryption").optional().description(
            "Every Azure vault of this app and its descendants is encrypted with a customer-managed key \
             (`azure.encryption`). Once `true`, no descendant can turn it off.",
        ),
        Attribute::bool("require_air_gapped_copy").optional().description(
            "Every app of this subtree with an `aws` block has an `aws.air_gapped_vault` that its plan's rules \
             copy to (a plan-time error names the app otherwise). Once `true`, no descendant can turn it off.",
        ),
        Attribute::string("min_immutability")
            .optional()
            .validator(validators::one_of(&IMMUTABILITY_LEVELS))
            .description(
                "The lowest immutability an Azure vault of this app and its descendants may have: `Disabled`, \
                 `Unlocked` or `Locked`. A descendant may only raise it.",
            ),
        Attribute::bool("require_resource_guard").optional().description(
            "Every Azure vault of this app and its descendants is associated with a Resource Guard \
             (`azure.resource_guard_id`, multi-user authorization): a vault without one is a plan-time error. \
             Once `true`, no descendant can turn it off.",
        ),
        Attribute::bool("require_app_service_same_region").optional().description(
            "Every App Service backup (`backup_child.azure.app_service`) of this app's descendants goes to a storage \
             account in the App Service's region: a plan-time error names both regions otherwise (without it, a \
             warning). Once `true`, no descendant can turn it off.",
        ),
    ]
}

/// `backup_app.azure.encryption`: the vault's customer-managed key.
pub(crate) fn encryption_attribute() -> Attribute {
    Attribute::single_nested(
        "encryption",
        vec![
            Attribute::string("key_uri").required().description(
                "URI of the Key Vault key encrypting the vault's backup data, e.g. \
                 `https://kv-backup.vault.azure.net/keys/backup` (without a version the newest is used).",
            ),
            Attribute::string("user_assigned_identity_id").optional().description(
                "Resource id of the user-assigned identity that reads the key; unset: the vault's \
                 system-assigned identity. The identity needs get, wrap and unwrap on the key.",
            ),
        ],
    )
    .optional_nested()
    .description(
        "Encrypt the vault with a customer-managed key. Once set it cannot be removed (Azure does not turn \
         customer-managed keys off): removing it is a plan-time error. The key or identity may change.",
    )
}
