//! Report photos as files in the data folder, each written whole and synced before it counts.

use super::SqliteStore;
use crate::store::{StoreError, is_photo_name};
use std::io::Write;

impl SqliteStore {
    pub fn put_photo(&self, name: &str, jpeg: &[u8]) -> Result<(), StoreError> {
        let path = self.photo_path(name)?;
        let tmp = self.photos_dir.join(format!(".{name}.tmp"));
        let file_error = |error| StoreError::File {
            path: path.clone(),
            error,
        };
        let mut file = std::fs::File::create(&tmp).map_err(file_error)?;
        file.write_all(jpeg).map_err(file_error)?;
        file.sync_all().map_err(file_error)?;
        std::fs::rename(&tmp, &path).map_err(file_error)?;
        std::fs::File::open(&self.photos_dir)
            .and_then(|d| d.sync_all())
            .map_err(file_error)
    }

    pub fn photo(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let path = self.photo_path(name)?;
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(error) => Err(StoreError::File { path, error }),
        }
    }

    pub fn delete_photo(&self, name: &str) -> Result<(), StoreError> {
        let path = self.photo_path(name)?;
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(StoreError::File { path, error: e })
            }
            _ => Ok(()),
        }
    }

    fn photo_path(&self, name: &str) -> Result<std::path::PathBuf, StoreError> {
        if !is_photo_name(name) {
            return Err(StoreError::Conflict(format!("not a photo name: {name:?}")));
        }
        Ok(self.photos_dir.join(name))
    }
}
