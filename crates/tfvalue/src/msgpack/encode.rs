//! [`Value`] → msgpack bytes, driven by the [`Type`].

use super::write::{WriteError, Writer, EXT_REFINED_UNKNOWN, UNKNOWN};
use crate::encode::{encode, Sink};
use crate::error::EncodeError;
use crate::number::Number;
use crate::types::Type;
use crate::value::{NumberBound, Refinements, Value};

/// Terraform truncates string-prefix refinements longer than this before sending them.
const MAX_PREFIX_LEN: usize = 256;

/// Encodes `value` as a msgpack `DynamicValue` of type `ty`, the way Terraform does.
///
/// Numbers are written as integers when they are integers in `i64` range, as
/// float64 when a float holds them exactly, and as decimal strings otherwise.
/// Object attributes are written in name order; an attribute missing from the
/// value is an error unless the type marks it optional (it is then written as
/// null). Unknowns without refinements are written as extension 0; with
/// refinements as extension 12 (an unknown refined as "definitely null" is
/// written as null). A value at a `dynamic` position is written as
/// `[type JSON, value]`, using the type of [`Value::Dynamic`] or else the type
/// the value implies ([`Value::implied_type`]).
///
/// The variants of the value need not match the type exactly where the meaning is
/// clear: a `List` is accepted for a set or tuple, a `Tuple` for a list, a `Set`
/// for a list, an `Object` for a map and a `Map` for an object.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut writer = Writer::default();
    encode(value, ty, &mut writer)?;
    Ok(writer.out)
}

/// Why a value could not be written as msgpack.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EncodeProblem {
    /// A length beyond msgpack's limits.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A string prefix on an unknown that is not a string.
    #[error("a string prefix refinement does not apply to a {0}")]
    PrefixOnNonString(&'static str),
    /// Number bounds on an unknown that is not a number.
    #[error("number bound refinements do not apply to a {0}")]
    BoundsOnNonNumber(&'static str),
    /// Length bounds on an unknown that is not a collection.
    #[error("length bound refinements do not apply to a {0}")]
    LengthOnNonCollection(&'static str),
}

impl Sink for Writer {
    type Error = EncodeProblem;

    fn expected(ty: &Type) -> String {
        match ty {
            Type::Object { .. } => "an object".into(),
            other => format!("a {}", other.kind_name()),
        }
    }

    const UNTYPED_NOTE: &'static str = " (its elements differ in type)";

    fn null(&mut self) {
        self.nil();
    }

    fn bool(&mut self, b: bool) {
        Writer::bool(self, b);
    }

    fn number(&mut self, n: &Number) -> Result<(), EncodeProblem> {
        Ok(write_number(self, n)?)
    }

    fn string(&mut self, s: &str) -> Result<(), EncodeProblem> {
        Ok(self.str(s)?)
    }

    fn unknown(&mut self, refinements: &Refinements, ty: &Type) -> Result<(), EncodeProblem> {
        if *ty == Type::Dynamic {
            // The type is not known either, so no refinement can apply.
            self.out.extend_from_slice(&UNKNOWN);
            return Ok(());
        }
        write_unknown(self, refinements, ty)
    }

    fn begin_array(&mut self, len: usize) -> Result<(), EncodeProblem> {
        Ok(self.array_len(len)?)
    }

    fn element(&mut self, _index: usize) {}

    fn end_array(&mut self) {}

    fn begin_map(&mut self, len: usize) -> Result<(), EncodeProblem> {
        Ok(self.map_len(len)?)
    }

    fn key(&mut self, _index: usize, key: &str) -> Result<(), EncodeProblem> {
        Ok(self.str(key)?)
    }

    fn end_map(&mut self) {}

    fn begin_dynamic(&mut self, ty: &Type) -> Result<(), EncodeProblem> {
        self.array_len(2)?;
        Ok(self.bin(&ty.to_json_bytes())?)
    }

    fn end_dynamic(&mut self, _ty: &Type) {}
}

/// An integer when it is one in `i64` range, a float64 when that holds it exactly, else its text.
fn write_number(writer: &mut Writer, n: &Number) -> Result<(), WriteError> {
    if let Some(i) = n.as_i64() {
        writer.int(i);
    } else if let Some(f) = (!n.is_integer()).then(|| n.to_f64_exact()).flatten() {
        writer.float(f);
    } else {
        writer.str(n.as_str())?;
    }
    Ok(())
}

/// An unknown of a known type: null, extension 0, or extension 12 with its refinements.
fn write_unknown(
    writer: &mut Writer,
    refinements: &Refinements,
    ty: &Type,
) -> Result<(), EncodeProblem> {
    if refinements.is_null == Some(true) {
        // "Unknown but definitely null" is just null.
        writer.nil();
        return Ok(());
    }
    if refinements.string_prefix.is_some() && *ty != Type::String {
        return Err(EncodeProblem::PrefixOnNonString(ty.kind_name()));
    }
    if (refinements.number_lower.is_some() || refinements.number_upper.is_some())
        && *ty != Type::Number
    {
        return Err(EncodeProblem::BoundsOnNonNumber(ty.kind_name()));
    }
    if (refinements.length_lower.is_some() || refinements.length_upper.is_some())
        && !ty.is_collection()
    {
        return Err(EncodeProblem::LengthOnNonCollection(ty.kind_name()));
    }
    let mut entries = 0;
    let mut body = Writer::default();
    if refinements.is_null == Some(false) {
        entries += 1;
        body.int(1);
        body.bool(false);
    }
    if let Some(prefix) = refinements
        .string_prefix
        .as_deref()
        .map(truncate_prefix)
        .filter(|p| !p.is_empty())
    {
        entries += 1;
        body.int(2);
        body.str(prefix)?;
    }
    for (key, bound) in [
        (3, &refinements.number_lower),
        (4, &refinements.number_upper),
    ] {
        if let Some(NumberBound { value, inclusive }) = bound {
            entries += 1;
            body.int(key);
            body.array_len(2)?;
            write_number(&mut body, value)?;
            body.bool(*inclusive);
        }
    }
    // Zero is no lower bound; bounds beyond i64 are dropped, which only weakens them.
    let lower = refinements.length_lower.filter(|n| *n > 0);
    for (key, bound) in [(5, lower), (6, refinements.length_upper)] {
        if let Some(bound) = bound.and_then(|b| i64::try_from(b).ok()) {
            entries += 1;
            body.int(key);
            body.int(bound);
        }
    }
    if entries == 0 {
        writer.out.extend_from_slice(&UNKNOWN);
        return Ok(());
    }
    let mut payload = Writer::default();
    payload.map_len(entries)?;
    payload.out.extend_from_slice(&body.out);
    Ok(writer.ext(EXT_REFINED_UNKNOWN, &payload.out)?)
}

/// A prefix short enough for Terraform's refinement size limit.
///
/// Cutting a known prefix shorter only weakens it, but the cut must not land
/// where the next character could combine with the last one kept, so one more
/// character is dropped after cutting at a character boundary.
fn truncate_prefix(prefix: &str) -> &str {
    if prefix.len() <= MAX_PREFIX_LEN {
        return prefix;
    }
    let mut end = MAX_PREFIX_LEN - 1;
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    let kept = &prefix[..end];
    match kept.char_indices().next_back() {
        Some((last, _)) => &kept[..last],
        None => kept,
    }
}
