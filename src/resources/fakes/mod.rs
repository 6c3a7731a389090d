//! In-memory fakes of the backend traits, for unit tests of the resources.
