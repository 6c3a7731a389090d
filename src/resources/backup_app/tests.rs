//! Unit tests of `backup_app` against in-memory backends.
