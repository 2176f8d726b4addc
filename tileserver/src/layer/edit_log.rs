//! Where a layer changed lately: each edit's version and the area it touched (the old and the
//! new envelope of the feature). The tile cache asks it whether a tile built at an older version
//! is still right, so an edit invalidates only the tiles around it. Bounded: when old edits are
//! forgotten, tiles older than the oldest remembered edit count as touched.

use crate::tile::MercatorBounds;
use std::collections::VecDeque;

/// Edits remembered per layer.
const MAX_EDITS: usize = 4096;

/// Recent edits of one layer, oldest first.
#[derive(Debug, Clone)]
pub struct EditLog {
    edits: VecDeque<(u64, MercatorBounds)>,
    /// Every edit that produced a version above this one is in `edits`.
    complete_after: u64,
}

impl EditLog {
    /// An empty log for a layer whose content is new at `version`.
    pub fn starting_at(version: u64) -> Self {
        Self {
            edits: VecDeque::new(),
            complete_after: version,
        }
    }

    /// Notes that the edit producing `version` touched `area`.
    pub fn record(&mut self, version: u64, area: MercatorBounds) {
        if self.edits.len() == MAX_EDITS
            && let Some((forgotten, _)) = self.edits.pop_front()
        {
            self.complete_after = forgotten;
        }
        self.edits.push_back((version, area));
    }

    /// Whether an edit after `version` touched `area` (true when the log does not reach back
    /// that far).
    pub fn touched_since(&self, version: u64, area: &MercatorBounds) -> bool {
        if version < self.complete_after {
            return true;
        }
        self.edits
            .iter()
            .rev()
            .take_while(|(v, _)| *v > version)
            .any(|(_, a)| a.intersects(area))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64) -> MercatorBounds {
        MercatorBounds {
            min_x: x,
            min_y: y,
            max_x: x + 1.0,
            max_y: y + 1.0,
        }
    }

    #[test]
    fn only_edits_after_the_version_and_in_the_area_count() {
        let mut log = EditLog::starting_at(1);
        log.record(2, square(0.0, 0.0));
        log.record(3, square(100.0, 100.0));
        assert!(log.touched_since(1, &square(0.5, 0.5)));
        assert!(!log.touched_since(2, &square(0.5, 0.5)), "edit 2 is older");
        assert!(log.touched_since(2, &square(100.5, 100.5)));
        assert!(!log.touched_since(1, &square(50.0, 50.0)), "nothing there");
        assert!(log.touched_since(0, &square(50.0, 50.0)), "before the log");
    }

    #[test]
    fn forgotten_edits_count_as_touching_everything() {
        let mut log = EditLog::starting_at(1);
        for v in 2..(2 + MAX_EDITS as u64 + 1) {
            log.record(v, square(0.0, 0.0));
        }
        assert!(log.touched_since(1, &square(50.0, 50.0)));
        assert!(!log.touched_since(2 + MAX_EDITS as u64, &square(0.0, 0.0)));
    }
}
