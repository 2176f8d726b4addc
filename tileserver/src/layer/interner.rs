//! Shares one allocation among equal strings while a layer loads: a million reports carry a
//! handful of distinct categories, statuses and wards.

use rustc_hash::FxHashSet;
use std::sync::Arc;

/// A set of shared strings.
#[derive(Debug, Default)]
pub struct Interner(FxHashSet<Arc<str>>);

impl Interner {
    /// The shared copy of `s`.
    pub fn intern(&mut self, s: &str) -> Arc<str> {
        if let Some(shared) = self.0.get(s) {
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(s);
        self.0.insert(Arc::clone(&shared));
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
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &i.intern("Tân Bình")));
    }
}
