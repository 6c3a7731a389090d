//! The provider's data sources, actions and list resources by type name, each with its schema
//! computed once: one registry for every kind, so lookup, "unknown type" diagnostics and config
//! validation are written once.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use tfvalue::Value;

use super::diagnostics::{Diagnostic, Diagnostics};
use super::resource::Context;
use super::schema::Schema;
use super::validate::validate_config;

/// What the registry needs of a kind of provider object.
#[async_trait]
pub(crate) trait Registered: Send + Sync {
    /// How diagnostics name the kind, e.g. `data source`.
    const KIND: &'static str;

    /// The type name.
    fn registered_name(&self) -> &'static str;

    /// The configuration's schema.
    fn registered_schema(&self) -> Schema;

    /// The object's own configuration checks, after the schema's validators.
    async fn registered_validate(
        &self,
        ctx: &Context,
        config: &Value,
        diagnostics: &mut Diagnostics,
    );
}

/// One registered object and its schema.
pub(crate) struct Entry<T: ?Sized> {
    /// The object.
    pub(crate) object: Arc<T>,
    /// Its schema, computed once.
    pub(crate) schema: Schema,
}

/// Objects of one kind by type name.
pub(crate) struct Registry<T: ?Sized> {
    entries: BTreeMap<String, Entry<T>>,
}

impl<T: ?Sized> Default for Registry<T> {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
        }
    }
}

impl<T: ?Sized + Registered> Registry<T> {
    /// Indexes the objects by type name.
    pub(crate) fn new(objects: Vec<Arc<T>>) -> Self {
        let entries = objects
            .into_iter()
            .map(|object| {
                let name = object.registered_name().to_string();
                let schema = object.registered_schema();
                (name, Entry { object, schema })
            })
            .collect();
        Self { entries }
    }

    /// Every type with its schema.
    pub(crate) fn schemas(&self) -> impl Iterator<Item = (&str, &Schema)> {
        self.entries.iter().map(|(n, e)| (n.as_str(), &e.schema))
    }

    /// The schema of a type, or a diagnostic naming the known types.
    pub(crate) fn schema(&self, type_name: &str) -> Result<&Schema, Diagnostics> {
        self.entry(type_name).map(|e| &e.schema)
    }

    /// The entry of a type, or a diagnostic naming the known types.
    pub(crate) fn entry(&self, type_name: &str) -> Result<&Entry<T>, Diagnostics> {
        self.entries.get(type_name).ok_or_else(|| {
            let known: Vec<_> = self.entries.keys().map(String::as_str).collect();
            let kind = T::KIND;
            Diagnostic::error(
                format!("Unknown {kind} type"),
                format!(
                    "This provider has no {kind} type {type_name:?}; it has: {}.",
                    known.join(", ")
                ),
            )
            .into()
        })
    }

    /// Validates a configuration: schema validators, then the object's own checks.
    pub(crate) async fn validate(
        &self,
        ctx: &Context,
        type_name: &str,
        config: &Value,
    ) -> Diagnostics {
        let entry = match self.entry(type_name) {
            Ok(e) => e,
            Err(d) => return d,
        };
        let mut diagnostics = Diagnostics::new();
        validate_config(&entry.schema.attributes, config, &mut diagnostics);
        entry
            .object
            .registered_validate(ctx, config, &mut diagnostics)
            .await;
        diagnostics
    }
}
