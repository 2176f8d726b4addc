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
            || {
                Value::String(Text::from(
                    at.with_timezone(&tz)
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                ))
            },
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

/// A feature stored in the R-tree, with its envelope computed once.
#[derive(Debug, Clone)]
pub struct IndexedFeature {
    envelope: AABB<[f64; 2]>,
    pub feature: Arc<Feature>,
}

impl IndexedFeature {
    /// Wraps a feature, computing its envelope. None for an empty geometry.
    pub fn new(feature: Arc<Feature>) -> Option<Self> {
        let rect = feature.geometry.bounding_rect()?;
        let envelope =
            AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        Some(Self { envelope, feature })
    }
}

impl IndexedFeature {
    /// The envelope as Web Mercator bounds.
    pub fn bounds(&self) -> crate::tile::MercatorBounds {
        let (lo, hi) = (self.envelope.lower(), self.envelope.upper());
        crate::tile::MercatorBounds {
            min_x: lo[0],
            min_y: lo[1],
            max_x: hi[0],
            max_y: hi[1],
        }
    }

    /// Width and height of the envelope, in metres.
    pub fn size(&self) -> (f64, f64) {
        let (lo, hi) = (self.envelope.lower(), self.envelope.upper());
        (hi[0] - lo[0], hi[1] - lo[1])
    }
}

impl PartialEq for IndexedFeature {
    fn eq(&self, other: &Self) -> bool {
        self.feature.id == other.feature.id
    }
}

impl RTreeObject for IndexedFeature {
    type Envelope = AABB<[f64; 2]>;

    fn envelope(&self) -> Self::Envelope {
        self.envelope
    }
}
