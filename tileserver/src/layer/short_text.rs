//! Attribute text of up to 15 bytes kept inside the value slot itself: a tracking code, a status,
//! a zone code. No allocation, no pointer to follow, and the slot stays 16 bytes.

use std::fmt;

/// Inline text of at most [`ShortText::CAPACITY`] bytes. Unused bytes hold 0xFF, a byte UTF-8
/// never uses, so the length needs no byte of its own.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ShortText([u8; ShortText::CAPACITY]);

impl ShortText {
    /// The longest text held inline, in bytes.
    pub const CAPACITY: usize = 15;

    /// `s` inline, or None when it is longer than [`Self::CAPACITY`].
    pub fn new(s: &str) -> Option<Self> {
        let bytes = s.as_bytes();
        if bytes.len() > Self::CAPACITY {
            return None;
        }
        let mut inline = [0xFF; Self::CAPACITY];
        inline[..bytes.len()].copy_from_slice(bytes);
        Some(Self(inline))
    }

    pub fn as_str(&self) -> &str {
        let len = self
            .0
            .iter()
            .position(|&b| b == 0xFF)
            .unwrap_or(Self::CAPACITY);
        // SAFETY: the first `len` bytes were copied from a `str` in `new` and 0xFF (never part
        // of UTF-8) marks where they end, so they are valid UTF-8.
        unsafe { std::str::from_utf8_unchecked(&self.0[..len]) }
    }
}

impl fmt::Debug for ShortText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_up_to_fifteen_bytes_of_any_text() {
        for s in [
            "",
            "moi",
            "DX-26-K7M2QP",
            "Tân Phú",
            "123456789012345",
            "ổ gà ổ gà",
        ] {
            let t = ShortText::new(s).unwrap_or_else(|| panic!("{s:?} fits"));
            assert_eq!(t.as_str(), s);
        }
        assert!(ShortText::new("1234567890123456").is_none());
        // 16 bytes in UTF-8 although 12 letters.
        assert!(ShortText::new("Phường Tân B").is_none());
        assert_eq!(ShortText::new("a"), ShortText::new("a"));
        assert_ne!(ShortText::new("a"), ShortText::new("ab"));
    }
}
