//! Label placement without overlaps: candidates in priority order, each kept only when its box
//! (plus padding) is on screen and touches no label kept before it.

use rstar::RTree;
use rstar::primitives::Rectangle;

/// Space kept free around a label, CSS pixels.
pub const PADDING: f64 = 4.0;
/// The same text is not repeated closer than this, CSS pixels.
pub const REPEAT_PX: f64 = 450.0;

/// A label that would like to be drawn, centred on (x, y).
#[derive(Debug, Clone, PartialEq)]
pub struct LabelCandidate {
    pub text: String,
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// Higher first.
    pub priority: i32,
}

impl LabelCandidate {
    fn rect(&self) -> Rectangle<[f64; 2]> {
        let (hw, hh) = (self.width / 2.0 + PADDING, self.height / 2.0 + PADDING);
        Rectangle::from_corners([self.x - hw, self.y - hh], [self.x + hw, self.y + hh])
    }
}

/// The labels to draw, in drawing order; duplicates of the same text within `REPEAT_PX` are
/// dropped (a ward or street split across tiles is named once per screenful).
pub fn place(mut candidates: Vec<LabelCandidate>, width: f64, height: f64) -> Vec<LabelCandidate> {
    candidates.sort_by_key(|c| std::cmp::Reverse(c.priority));
    let mut placed: RTree<Rectangle<[f64; 2]>> = RTree::new();
    let mut kept: Vec<LabelCandidate> = Vec::new();
    for c in candidates {
        let inside = c.x - c.width / 2.0 >= 0.0
            && c.y - c.height / 2.0 >= 0.0
            && c.x + c.width / 2.0 <= width
            && c.y + c.height / 2.0 <= height;
        if !inside {
            continue;
        }
        let r = c.rect();
        if placed
            .locate_in_envelope_intersecting(&r.envelope_of())
            .next()
            .is_some()
        {
            continue;
        }
        if kept
            .iter()
            .any(|k| k.text == c.text && (k.x - c.x).hypot(k.y - c.y) < REPEAT_PX)
        {
            continue;
        }
        placed.insert(r);
        kept.push(c);
    }
    kept
}

trait EnvelopeOf {
    fn envelope_of(&self) -> rstar::AABB<[f64; 2]>;
}

impl EnvelopeOf for Rectangle<[f64; 2]> {
    fn envelope_of(&self) -> rstar::AABB<[f64; 2]> {
        rstar::RTreeObject::envelope(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn label(text: &str, x: f64, y: f64, priority: i32) -> LabelCandidate {
        LabelCandidate {
            text: text.into(),
            x,
            y,
            width: 80.0,
            height: 14.0,
            priority,
        }
    }

    #[test]
    fn overlapping_labels_keep_the_more_important() {
        let kept = place(
            vec![
                label("Tân Phú", 100.0, 100.0, 1),
                label("Phường Tân Bình", 120.0, 105.0, 5),
                label("Tiến Thành", 400.0, 300.0, 1),
            ],
            800.0,
            600.0,
        );
        let texts: Vec<&str> = kept.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts, ["Phường Tân Bình", "Tiến Thành"]);
    }

    #[test]
    fn labels_off_screen_or_repeated_are_dropped() {
        let kept = place(
            vec![
                label("QL14", 10.0, 100.0, 1),
                label("QL14", 300.0, 100.0, 1),
                label("QL14", 380.0, 200.0, 1),
                label("QL14", 780.0, 500.0, 0),
            ],
            800.0,
            600.0,
        );
        assert_eq!(kept.len(), 1, "the far one is off screen too");
        assert_eq!(kept[0].x, 300.0);
    }
}
