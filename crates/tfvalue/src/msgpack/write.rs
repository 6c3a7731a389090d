//! Writing msgpack items in their most compact form.

/// An output buffer of msgpack items.
#[derive(Default)]
pub(crate) struct Writer {
    pub(crate) out: Vec<u8>,
}

/// The refined-unknown extension type code.
pub(crate) const EXT_REFINED_UNKNOWN: i8 = 12;

/// A wholly unknown value: fixext1 of type 0 with a single zero byte, as Terraform writes it.
pub(crate) const UNKNOWN: [u8; 3] = [0xd4, 0x00, 0x00];

/// Why an item could not be written; the text ends up in encode errors.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum WriteError {
    /// A length beyond msgpack's 32-bit limit.
    #[error("{what} of length {len} is too long for msgpack")]
    TooLong {
        /// What was being written: "string", "array", …
        what: &'static str,
        /// Its length.
        len: usize,
    },
}

impl Writer {
    pub(crate) fn nil(&mut self) {
        self.out.push(0xc0);
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.out.push(if b { 0xc3 } else { 0xc2 });
    }

    /// An integer in its smallest form (non-negative ones as unsigned, like Terraform).
    pub(crate) fn int(&mut self, i: i64) {
        if i >= 0 {
            let u = i.unsigned_abs();
            match u {
                0..=0x7f => self.out.push(u as u8),
                0x80..=0xff => self.out.extend_from_slice(&[0xcc, u as u8]),
                0x100..=0xffff => {
                    self.out.push(0xcd);
                    self.out.extend_from_slice(&(u as u16).to_be_bytes());
                }
                0x1_0000..=0xffff_ffff => {
                    self.out.push(0xce);
                    self.out.extend_from_slice(&(u as u32).to_be_bytes());
                }
                _ => {
                    self.out.push(0xcf);
                    self.out.extend_from_slice(&u.to_be_bytes());
                }
            }
        } else if i >= -32 {
            self.out.push(i as i8 as u8);
        } else if i >= i64::from(i8::MIN) {
            self.out.extend_from_slice(&[0xd0, i as i8 as u8]);
        } else if i >= i64::from(i16::MIN) {
            self.out.push(0xd1);
            self.out.extend_from_slice(&(i as i16).to_be_bytes());
        } else if i >= i64::from(i32::MIN) {
            self.out.push(0xd2);
            self.out.extend_from_slice(&(i as i32).to_be_bytes());
        } else {
            self.out.push(0xd3);
            self.out.extend_from_slice(&i.to_be_bytes());
        }
    }

    /// A float64 (Terraform never uses float32).
    pub(crate) fn float(&mut self, f: f64) {
        self.out.push(0xcb);
        self.out.extend_from_slice(&f.to_be_bytes());
    }

    fn sized(
        &mut self,
        len: usize,
        fix: Option<(u8, usize)>,
        markers: [u8; 3],
        what: &'static str,
    ) -> Result<(), WriteError> {
        match fix {
            Some((base, max)) if len <= max => self.out.push(base | len as u8),
            _ if len <= 0xff && markers[0] != 0 => {
                self.out.extend_from_slice(&[markers[0], len as u8])
            }
            _ if len <= 0xffff => {
                self.out.push(markers[1]);
                self.out.extend_from_slice(&(len as u16).to_be_bytes());
            }
            _ => {
                let len32 = u32::try_from(len).map_err(|_| WriteError::TooLong { what, len })?;
                self.out.push(markers[2]);
                self.out.extend_from_slice(&len32.to_be_bytes());
            }
        }
        Ok(())
    }

    pub(crate) fn str(&mut self, s: &str) -> Result<(), WriteError> {
        self.sized(s.len(), Some((0xa0, 31)), [0xd9, 0xda, 0xdb], "string")?;
        self.out.extend_from_slice(s.as_bytes());
        Ok(())
    }

    pub(crate) fn bin(&mut self, b: &[u8]) -> Result<(), WriteError> {
        self.sized(b.len(), None, [0xc4, 0xc5, 0xc6], "binary")?;
        self.out.extend_from_slice(b);
        Ok(())
    }

    pub(crate) fn array_len(&mut self, len: usize) -> Result<(), WriteError> {
        // msgpack has no array8: marker 0 makes `sized` skip that form.
        self.sized(len, Some((0x90, 15)), [0, 0xdc, 0xdd], "array")
    }

    pub(crate) fn map_len(&mut self, len: usize) -> Result<(), WriteError> {
        self.sized(len, Some((0x80, 15)), [0, 0xde, 0xdf], "map")
    }

    /// An extension value, using the fixext forms for payloads of 1, 2, 4, 8 or 16 bytes.
    pub(crate) fn ext(&mut self, code: i8, payload: &[u8]) -> Result<(), WriteError> {
        let fixed = match payload.len() {
            1 => Some(0xd4),
            2 => Some(0xd5),
            4 => Some(0xd6),
            8 => Some(0xd7),
            16 => Some(0xd8),
            _ => None,
        };
        match fixed {
            Some(marker) => self.out.push(marker),
            None => self.sized(payload.len(), None, [0xc7, 0xc8, 0xc9], "extension")?,
        }
        self.out.push(code as u8);
        self.out.extend_from_slice(payload);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msgpack::read::{Head, Reader};

    #[test]
    fn integers_round_trip_in_their_smallest_form() {
        let cases: &[(i64, &[u8])] = &[
            (0, &[0x00]),
            (127, &[0x7f]),
            (128, &[0xcc, 0x80]),
            (65535, &[0xcd, 0xff, 0xff]),
            (65536, &[0xce, 0x00, 0x01, 0x00, 0x00]),
            (1 << 32, &[0xcf, 0, 0, 0, 1, 0, 0, 0, 0]),
            (-1, &[0xff]),
            (-32, &[0xe0]),
            (-33, &[0xd0, 0xdf]),
            (-129, &[0xd1, 0xff, 0x7f]),
            (-32769, &[0xd2, 0xff, 0xff, 0x7f, 0xff]),
            (i64::MIN, &[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0]),
        ];
        for (i, bytes) in cases {
            let mut w = Writer::default();
            w.int(*i);
            assert_eq!(&w.out, bytes, "{i}");
            assert_eq!(Reader::new(&w.out).head(), Ok(Head::Int(i128::from(*i))));
        }
    }

    #[test]
    fn lengths_pick_the_right_form() {
        let mut w = Writer::default();
        w.array_len(15).unwrap();
        w.array_len(16).unwrap();
        w.map_len(70000).unwrap();
        w.str(&"x".repeat(32)).unwrap();
        assert_eq!(&w.out[..7], &[0x9f, 0xdc, 0x00, 0x10, 0xdf, 0x00, 0x01]);
        assert_eq!(&w.out[9..11], &[0xd9, 32]);
        let mut w = Writer::default();
        w.ext(EXT_REFINED_UNKNOWN, &[1, 2, 3]).unwrap();
        assert_eq!(w.out, [0xc7, 0x03, 0x0c, 1, 2, 3]);
    }
}
