//! Shares one allocation among equal strings while a layer loads: a million reports carry a
//! handful of distinct categories, statuses and wards.

use super::Text;
use rustc_hash::FxHashSet;

/// A set of shared strings.
#[derive(Debug, Default)]
pub struct Interner(FxHashSet<Text>);

impl Interner {
    /// The shared copy of `s`.
    pub fn intern(&mut self, s: &str) -> Text {
        if let Some(shared) = self.0.get(s) {
            return shared.clone();
        }
        let shared = Text::from(s);
        self.0.insert(shared.clone());
        shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_strings_share_one_allocation() {
        let mut i = Interner::default();
        let (a, b) = (i.intern("Tân Phú"), i.intern("Tân Phú"));
        assert!(Text::ptr_eq(&a, &b));
        assert!(!Text::ptr_eq(&a, &i.intern("Tân Bình")));
    }
}
