//! Documents that describe the tiles: TileJSON, the catalog and the MapLibre style. Plain JSON
//! built from the configuration and the layers; no HTTP here.

mod base_style;
mod catalog;
mod style;
mod tilejson;

pub use catalog::catalog;
pub use style::style;
pub use tilejson::{base_tilejson, tilejson};
