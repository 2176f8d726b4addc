//! Layers in memory: features loaded once, projected to Web Mercator, indexed in R-trees.

pub mod cluster_index;
mod edit_log;
mod feature;
mod id_index;
mod interner;
#[allow(clippy::module_inception)]
mod layer;
mod load;
mod local_time;
mod registry;
mod short_text;
mod text;
mod ward_locator;

pub use feature::{Feature, IndexedFeature, Value};
pub use interner::Interner;
pub use layer::{FieldType, Layer};
pub use load::{LoadError, Location, load_geojson_file, parse_geojson, to_value};
pub use local_time::{LocalTime, local_time};
pub use registry::{LayerRegistry, RegistryError};
pub use short_text::ShortText;
pub use text::Text;
pub use ward_locator::WardLocator;
