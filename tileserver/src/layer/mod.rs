//! Layers in memory: features loaded once, projected to Web Mercator, indexed in R-trees.

pub mod cluster_index;
mod edit_log;
mod feature;
mod interner;
#[allow(clippy::module_inception)]
mod layer;
mod load;
mod registry;
mod text;
mod ward_locator;

pub use feature::{Feature, IndexedFeature, Value};
pub use interner::Interner;
pub use layer::{FieldType, Layer};
pub use load::{LoadError, Location, load_geojson_file, parse_geojson, to_value};
pub use registry::{LayerRegistry, RegistryError};
pub use text::Text;
pub use ward_locator::WardLocator;
