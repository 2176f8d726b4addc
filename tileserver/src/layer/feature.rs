//! A feature as the tile builder sees it: an id, a Web Mercator geometry and its published values.

use super::{Interner, LocalTime, ShortText, Text};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use geo::{BoundingRect, Geometry};
use rstar::{AABB, RTreeObject};
use std::borrow::Cow;
use std::sync::Arc;

/// A published attribute value, typed as in the source file. Text comes in three forms that
/// all read as text (see [`Value::as_str`], [`Value::to_text`]) and compare by content: short
/// text inline, longer text shared, and a moment written as local time. Each fits the 16-byte
/// slot a feature keeps per attribute.
#[derive(Debug, Clone)]
pub enum Value {
    /// Text longer than [`ShortText::CAPACITY`] bytes (any text, when built directly).
    String(Text),
    /// Text of up to [`ShortText::CAPACITY`] bytes.
    Short(ShortText),
    /// A moment, read as ISO 8601 local time text.
    Time(LocalTime),
    Int(i64),
    Float(f64),
    Bool(bool),
}

impl Value {
    /// Text, inline when short.
    pub fn text(s: &str) -> Self {
        ShortText::new(s).map_or_else(|| Value::String(Text::from(s)), Value::Short)
    }

    /// Text that many features share: inline when short, else the interner's shared copy.
    pub fn shared(s: &str, strings: &mut Interner) -> Self {
        ShortText::new(s).map_or_else(|| Value::String(strings.intern(s)), Value::Short)
    }

    /// A moment as the clock of `tz` shows it (`2026-11-22T20:30:00+07:00`).
    pub fn time(at: DateTime<Utc>, tz: Tz) -> Self {
        LocalTime::new(at, tz).map_or_else(
            || Value::String(Text::from(super::local_time(at, tz))),
            Value::Time,
        )
    }

    /// The text of a `String` or `Short` value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            Value::Short(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The value written as text, whatever its type.
    pub fn to_text(&self) -> Cow<'_, str> {
        match self {
            Value::String(s) => Cow::Borrowed(s),
            Value::Short(s) => Cow::Borrowed(s.as_str()),
            Value::Time(t) => Cow::Owned(t.to_text()),
            Value::Int(i) => Cow::Owned(i.to_string()),
            Value::Float(f) => Cow::Owned(f.to_string()),
            Value::Bool(b) => Cow::Owned(b.to_string()),
        }
    }
}

/// Text compares by content whichever form holds it; a `Time` equals only the same moment.
impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Time(a), Value::Time(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            _ => match (self.as_str(), other.as_str()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }
}

/// One feature of a layer. Geometry is in Web Mercator metres; `values` follow the layer's
/// `attributes` list (None where the source had no value).
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: u64,
    pub geometry: Geometry<f64>,
    pub values: Box<[Option<Value>]>,
}

impl Feature {
    /// The value at `index` (an attribute's place, see `Layer::attribute_index`) as text, for
    /// text, times and integers.
    pub fn text(&self, index: Option<usize>) -> Option<String> {
        match index.and_then(|i| self.values.get(i)?.as_ref()) {
            Some(Value::Float(_) | Value::Bool(_)) | None => None,
            Some(v) => Some(v.to_text().into_owned()),
        }
    }
}

/// A feature stored in the R-tree: its envelope in single precision rounded outward (never
/// smaller than the feature, at most 2 m larger anywhere on Earth), its id, and the feature.
/// 32 bytes: a tile sorts its candidates by id without reading a feature, and the tree of a
/// million reports stays small.
#[derive(Debug, Clone)]
pub struct IndexedFeature {
    envelope: AABB<[f32; 2]>,
    pub id: u64,
    pub feature: Arc<Feature>,
}

/// `lo..hi` in single precision, rounded outward.
fn outward(lo: f64, hi: f64) -> (f32, f32) {
    let (mut a, mut b) = (lo as f32, hi as f32);
    if f64::from(a) > lo {
        a = a.next_down();
    }
    if f64::from(b) < hi {
        b = b.next_up();
    }
    (a, b)
}

/// Web Mercator bounds as an R-tree envelope (rounded outward).
pub fn envelope_of(bounds: &crate::tile::MercatorBounds) -> AABB<[f32; 2]> {
    let (x0, x1) = outward(bounds.min_x, bounds.max_x);
    let (y0, y1) = outward(bounds.min_y, bounds.max_y);
    AABB::from_corners([x0, y0], [x1, y1])
}

impl IndexedFeature {
    /// Wraps a feature, computing its envelope. None for an empty geometry.
    pub fn new(feature: Arc<Feature>) -> Option<Self> {
        let rect = feature.geometry.bounding_rect()?;
        let envelope = envelope_of(&crate::tile::MercatorBounds {
            min_x: rect.min().x,
            min_y: rect.min().y,
            max_x: rect.max().x,
            max_y: rect.max().y,
        });
        Some(Self {
            envelope,
            id: feature.id,
            feature,
        })
    }
}

impl IndexedFeature {
    /// The envelope as Web Mercator bounds (rounded outward, see the type).
    pub fn bounds(&self) -> crate::tile::MercatorBounds {
        let (lo, hi) = (self.envelope.lower(), self.envelope.upper());
        crate::tile::MercatorBounds {
            min_x: f64::from(lo[0]),
            min_y: f64::from(lo[1]),
            max_x: f64::from(hi[0]),
            max_y: f64::from(hi[1]),
        }
    }

    /// Width and height of the envelope, in metres.
    pub fn size(&self) -> (f64, f64) {
        let b = self.bounds();
        (b.max_x - b.min_x, b.max_y - b.min_y)
    }
}

impl PartialEq for IndexedFeature {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl RTreeObject for IndexedFeature {
    type Envelope = AABB<[f32; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tile::MercatorBounds;

    #[test]
    fn single_precision_envelopes_hold_the_feature_and_little_more() {
        let half_world = 20_037_508.342_789_244;
        for &(x, y) in &[
            (11_899_617.123_456, 1_293_567.987_654),
            (-half_world, half_world),
            (0.1, -0.3),
            (12_345_678.5, -7_654_321.25),
        ] {
            let exact = MercatorBounds {
                min_x: x,
                min_y: y,
                max_x: x + 0.01,
                max_y: y,
            };
            let e = envelope_of(&exact);
            let (lo, hi) = (e.lower(), e.upper());
            assert!(f64::from(lo[0]) <= exact.min_x && f64::from(hi[0]) >= exact.max_x);
            assert!(f64::from(lo[1]) <= exact.min_y && f64::from(hi[1]) >= exact.max_y);
            assert!(exact.min_x - f64::from(lo[0]) <= 2.0 && f64::from(hi[0]) - exact.max_x <= 2.0);
            assert!(exact.min_y - f64::from(lo[1]) <= 2.0 && f64::from(hi[1]) - exact.max_y <= 2.0);
        }
        assert_eq!(std::mem::size_of::<IndexedFeature>(), 32);
    }
}
