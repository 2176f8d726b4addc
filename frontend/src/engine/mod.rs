//! The map engine: view, tiles, decoding, style, hit-testing, labels and painting. It knows
//! nothing of Yew; only `render` touches the browser (a 2D canvas).

pub mod filters;
pub mod heatmap;
pub mod hit_test;
pub mod inertia;
pub mod labels;
pub mod map_state;
pub mod measure;
pub mod mercator;
pub mod render;
pub mod scale_bar;
pub mod style;
pub mod tile_cache;
pub mod tile_data;
pub mod tile_id;
pub mod url_hash;
pub mod vector_tile;
pub mod viewport;
pub mod wall_style;
