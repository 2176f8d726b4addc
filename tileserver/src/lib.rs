//! CityGIS tile server: loads a city's layers into R-trees and serves them as Mapbox Vector
//! Tiles, with TileJSON, a catalog and a MapLibre style. See ARCHITECTURE.md for the map.

pub mod area_query;
pub mod auth;
pub mod base_map;
pub mod cameras;
pub mod change_follower;
pub mod config;
pub mod crs;
pub mod http;
pub mod import;
pub mod layer;
pub mod layer_versions;
pub mod mercator;
pub mod metadata;
pub mod ogc_features;
pub mod open311;
pub mod places;
pub mod rate_limit;
pub mod reports;
pub mod stats;
pub mod store;
pub mod tile;
pub mod tile_cache;
pub mod validation;
