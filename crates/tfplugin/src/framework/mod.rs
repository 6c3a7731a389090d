//! Protocol-independent resource framework.
