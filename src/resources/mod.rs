//! The provider's resources.
