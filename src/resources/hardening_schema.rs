//! The vault hardening members of `guardrails` (`require_delete_lock`, `min_immutability`); the
//! policy core checks that they only tighten. `require_encryption` waits for `azure.encryption`.

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
        Attribute::string("min_immutability")
            .optional()
            .validator(validators::one_of(&IMMUTABILITY_LEVELS))
            .description(
                "The lowest immutability an Azure vault of this app and its descendants may have: `Disabled`, \
                 `Unlocked` or `Locked`. A descendant may only raise it.",
            ),
    ]
}
