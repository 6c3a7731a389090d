//! The values one cron field selects, as a fixed-size bitset.
//!
//! Every field spans at most 230 values (years 1970–2199), so a `[u64; 4]` offset by the field's
//! minimum holds any field without allocating; schedules are parsed on every plan, and a `*` year
//! used to build a 230-node tree each time.

use std::fmt;

/// A set of values of one cron field, iterated in ascending order.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ValueSet {
    /// The field's minimum: bit `i` stands for `min + i`.
    min: u16,
    bits: [u64; 4],
}

/// The widest span a [`ValueSet`] holds.
const CAPACITY: u16 = 256;

impl ValueSet {
    /// An empty set for a field whose values start at `min`.
    pub(super) const fn empty(min: u16) -> Self {
        Self { min, bits: [0; 4] }
    }

    /// Adds `start`, `start + step`, ... up to `end` inclusive; all within `min..min + 256`.
    pub(super) fn insert_stepped(&mut self, start: u16, end: u16, step: u16) {
        debug_assert!(start >= self.min && end - self.min < CAPACITY && step >= 1);
        let mut value = start;
        while value <= end {
            let bit = usize::from(value - self.min);
            self.bits[bit / 64] |= 1 << (bit % 64);
            value = match value.checked_add(step) {
                Some(next) => next,
                None => break,
            };
        }
    }

    /// How many values the set holds.
    pub fn len(&self) -> usize {
        self.bits.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Whether the set holds no value.
    pub fn is_empty(&self) -> bool {
        self.bits == [0; 4]
    }

    /// Whether `value` is in the set.
    pub fn contains(&self, value: u16) -> bool {
        match value.checked_sub(self.min) {
            Some(bit) if bit < CAPACITY => {
                let bit = usize::from(bit);
                self.bits[bit / 64] & (1 << (bit % 64)) != 0
            }
            _ => false,
        }
    }

    /// The smallest value, if any.
    pub fn first(&self) -> Option<u16> {
        self.iter().next()
    }

    /// The values in ascending order.
    pub fn iter(&self) -> Values {
        Values {
            set: *self,
            word: 0,
        }
    }
}

impl IntoIterator for &ValueSet {
    type Item = u16;
    type IntoIter = Values;

    fn into_iter(self) -> Values {
        self.iter()
    }
}

impl fmt::Debug for ValueSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// The values of a [`ValueSet`], ascending.
#[derive(Clone, Debug)]
pub struct Values {
    /// The values not yet yielded.
    set: ValueSet,
    /// The first word that may still hold a bit.
    word: usize,
}

impl Iterator for Values {
    type Item = u16;

    fn next(&mut self) -> Option<u16> {
        while self.word < self.set.bits.len() {
            let bits = &mut self.set.bits[self.word];
            if *bits != 0 {
                let bit = bits.trailing_zeros();
                *bits &= *bits - 1;
                return Some(self.set.min + (self.word * 64) as u16 + bit as u16);
            }
            self.word += 1;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_stepped_ranges_across_words() {
        let mut years = ValueSet::empty(1970);
        years.insert_stepped(1970, 2199, 1);
        assert_eq!(years.len(), 230);
        assert_eq!(years.first(), Some(1970));
        assert_eq!(years.iter().last(), Some(2199));
        assert!(years.contains(2100) && !years.contains(1969) && !years.contains(2200));

        let mut hours = ValueSet::empty(0);
        assert!(hours.is_empty());
        hours.insert_stepped(1, 10, 3);
        hours.insert_stepped(4, 4, 1);
        assert_eq!(hours.iter().collect::<Vec<_>>(), [1, 4, 7, 10]);
        assert_eq!(format!("{hours:?}"), "{1, 4, 7, 10}");
    }
}
