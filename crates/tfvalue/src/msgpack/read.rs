//! Reading msgpack items one header at a time, without trusting any length.

/// One msgpack item's header, with the payload for strings, binaries and extensions.
///
/// Arrays and maps only give their counts; their items follow in the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Head<'a> {
    Nil,
    Bool(bool),
    /// Any integer format; msgpack integers span `i64::MIN..=u64::MAX`.
    Int(i128),
    Float(f64),
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(usize),
    Map(usize),
    Ext(i8, &'a [u8]),
}

impl Head<'_> {
    /// What was found, for error messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Head::Nil => "nil".into(),
            Head::Bool(b) => format!("the boolean {b}"),
            Head::Int(i) => format!("the integer {i}"),
            Head::Float(f) => format!("the float {f}"),
            Head::Str(s) => match std::str::from_utf8(s) {
                Ok(s) if s.len() <= 40 => format!("the string {s:?}"),
                _ => format!("a string of {} bytes", s.len()),
            },
            Head::Bin(b) => format!("binary data of {} bytes", b.len()),
            Head::Array(n) => format!("an array of {n} elements"),
            Head::Map(n) => format!("a map of {n} entries"),
            Head::Ext(code, _) => format!("an extension value of type {code}"),
        }
    }
}

/// Why msgpack bytes could not be read; the texts end up in decode errors.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(crate) enum ReadError {
    /// The input ends inside an item.
    #[error("unexpected end of input: {needed} more bytes needed at byte {at}, {left} left")]
    UnexpectedEnd {
        /// Bytes the item still needs.
        needed: usize,
        /// Where the item's missing part starts.
        at: usize,
        /// Bytes left in the input.
        left: usize,
    },
    /// A 32-bit length that does not fit in `usize`.
    #[error("length does not fit in memory")]
    LengthTooLarge,
    /// A container that claims more items than the bytes left could hold.
    #[error("a container claims {items} items but only {left} bytes are left")]
    ContainerTooLong {
        /// The claimed item count.
        items: usize,
        /// Bytes left in the input.
        left: usize,
    },
    /// The one marker msgpack never uses.
    #[error("invalid msgpack marker 0xc1")]
    InvalidMarker,
    /// Containers nested past the depth limit while skipping.
    #[error("msgpack is nested too deeply")]
    TooDeep,
}

/// A cursor over msgpack bytes.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ReadError> {
        if n > self.remaining() {
            return Err(ReadError::UnexpectedEnd {
                needed: n,
                at: self.pos,
                left: self.remaining(),
            });
        }
        let slice = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(slice)
    }

    fn be<const N: usize>(&mut self) -> Result<[u8; N], ReadError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn len8(&mut self) -> Result<usize, ReadError> {
        Ok(usize::from(self.be::<1>()?[0]))
    }

    fn len16(&mut self) -> Result<usize, ReadError> {
        Ok(usize::from(u16::from_be_bytes(self.be()?)))
    }

    fn len32(&mut self) -> Result<usize, ReadError> {
        usize::try_from(u32::from_be_bytes(self.be()?)).map_err(|_| ReadError::LengthTooLarge)
    }

    /// A container count, checked against what is left: every item takes at least one byte.
    fn count(&self, items: usize, per_item: usize) -> Result<usize, ReadError> {
        if items.saturating_mul(per_item) > self.remaining() {
            return Err(ReadError::ContainerTooLong {
                items,
                left: self.remaining(),
            });
        }
        Ok(items)
    }

    /// Reads the next item's header (and payload, for strings, binaries and extensions).
    pub(crate) fn head(&mut self) -> Result<Head<'a>, ReadError> {
        let marker = self.be::<1>()?[0];
        Ok(match marker {
            0x00..=0x7f => Head::Int(i128::from(marker)),
            0x80..=0x8f => Head::Map(self.count(usize::from(marker & 0x0f), 2)?),
            0x90..=0x9f => Head::Array(self.count(usize::from(marker & 0x0f), 1)?),
            0xa0..=0xbf => Head::Str(self.take(usize::from(marker & 0x1f))?),
            0xc0 => Head::Nil,
            0xc1 => return Err(ReadError::InvalidMarker),
            0xc2 => Head::Bool(false),
            0xc3 => Head::Bool(true),
            0xc4 => Head::Bin(self.sized(Self::len8)?),
            0xc5 => Head::Bin(self.sized(Self::len16)?),
            0xc6 => Head::Bin(self.sized(Self::len32)?),
            0xc7 => self.ext(Self::len8)?,
            0xc8 => self.ext(Self::len16)?,
            0xc9 => self.ext(Self::len32)?,
            0xca => Head::Float(f64::from(f32::from_be_bytes(self.be()?))),
            0xcb => Head::Float(f64::from_be_bytes(self.be()?)),
            0xcc => Head::Int(i128::from(u8::from_be_bytes(self.be()?))),
            0xcd => Head::Int(i128::from(u16::from_be_bytes(self.be()?))),
            0xce => Head::Int(i128::from(u32::from_be_bytes(self.be()?))),
            0xcf => Head::Int(i128::from(u64::from_be_bytes(self.be()?))),
            0xd0 => Head::Int(i128::from(i8::from_be_bytes(self.be()?))),
            0xd1 => Head::Int(i128::from(i16::from_be_bytes(self.be()?))),
            0xd2 => Head::Int(i128::from(i32::from_be_bytes(self.be()?))),
            0xd3 => Head::Int(i128::from(i64::from_be_bytes(self.be()?))),
            0xd4 => self.fixext(1)?,
            0xd5 => self.fixext(2)?,
            0xd6 => self.fixext(4)?,
            0xd7 => self.fixext(8)?,
            0xd8 => self.fixext(16)?,
            0xd9 => Head::Str(self.sized(Self::len8)?),
            0xda => Head::Str(self.sized(Self::len16)?),
            0xdb => Head::Str(self.sized(Self::len32)?),
            0xdc => {
                let n = self.len16()?;
                Head::Array(self.count(n, 1)?)
            }
            0xdd => {
                let n = self.len32()?;
                Head::Array(self.count(n, 1)?)
            }
            0xde => {
                let n = self.len16()?;
                Head::Map(self.count(n, 2)?)
            }
            0xdf => {
                let n = self.len32()?;
                Head::Map(self.count(n, 2)?)
            }
            0xe0..=0xff => Head::Int(i128::from(marker as i8)),
        })
    }

    fn sized(
        &mut self,
        len: fn(&mut Self) -> Result<usize, ReadError>,
    ) -> Result<&'a [u8], ReadError> {
        let n = len(self)?;
        self.take(n)
    }

    fn ext(
        &mut self,
        len: fn(&mut Self) -> Result<usize, ReadError>,
    ) -> Result<Head<'a>, ReadError> {
        let n = len(self)?;
        let code = i8::from_be_bytes(self.be()?);
        Ok(Head::Ext(code, self.take(n)?))
    }

    fn fixext(&mut self, n: usize) -> Result<Head<'a>, ReadError> {
        let code = i8::from_be_bytes(self.be()?);
        Ok(Head::Ext(code, self.take(n)?))
    }

    /// Skips one whole item, containers included, refusing to go deeper than `depth_left`.
    pub(crate) fn skip(&mut self, depth_left: usize) -> Result<(), ReadError> {
        match self.head()? {
            Head::Array(n) | Head::Map(n) if depth_left == 0 && n > 0 => Err(ReadError::TooDeep),
            Head::Array(n) => (0..n).try_for_each(|_| self.skip(depth_left - 1)),
            Head::Map(n) => (0..n * 2).try_for_each(|_| self.skip(depth_left - 1)),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_integer_format() {
        let cases: &[(&[u8], i128)] = &[
            (&[0x05], 5),
            (&[0xff], -1),
            (&[0xe0], -32),
            (&[0xcc, 0xff], 255),
            (&[0xcd, 0x01, 0x00], 256),
            (&[0xce, 0, 1, 0, 0], 65536),
            (
                &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
                u64::MAX as i128,
            ),
            (&[0xd0, 0x80], -128),
            (&[0xd1, 0x80, 0x00], -32768),
            (&[0xd2, 0x80, 0, 0, 0], i32::MIN as i128),
            (&[0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0], i64::MIN as i128),
        ];
        for (bytes, want) in cases {
            assert_eq!(
                Reader::new(bytes).head(),
                Ok(Head::Int(*want)),
                "{bytes:02x?}"
            );
        }
    }

    #[test]
    fn lengths_are_checked_before_use() {
        // array32 claiming 4 billion elements, with nothing after it
        assert!(Reader::new(&[0xdd, 0xff, 0xff, 0xff, 0xff]).head().is_err());
        // str32 claiming 4 GiB
        assert!(Reader::new(&[0xdb, 0xff, 0xff, 0xff, 0xff, b'a'])
            .head()
            .is_err());
        // fixext missing its payload
        assert!(Reader::new(&[0xd4, 0x00]).head().is_err());
        assert!(Reader::new(&[0xc1]).head().is_err());
        assert!(Reader::new(&[]).head().is_err());
    }

    #[test]
    fn skip_is_depth_limited() {
        let deep = vec![0x91u8; 10_000];
        assert!(Reader::new(&deep).skip(64).is_err());
        assert_eq!(
            Reader::new(&[0x92, 0x01, 0x81, 0xa1, b'a', 0xc0]).skip(64),
            Ok(())
        );
    }
}
