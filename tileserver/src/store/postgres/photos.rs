//! Report photos in PostgreSQL, so that every server behind the load balancer serves every photo.

use super::PostgresStore;
use crate::store::{StoreError, is_photo_name};

impl PostgresStore {
    pub fn put_photo(&self, name: &str, jpeg: &[u8]) -> Result<(), StoreError> {
        if !is_photo_name(name) {
            return Err(StoreError::Conflict(format!("not a photo name: {name:?}")));
        }
        self.client()?.execute(
            "INSERT INTO photo_files (name, jpeg) VALUES ($1, $2)",
            &[&name, &jpeg],
        )?;
        Ok(())
    }

    pub fn photo(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .client()?
            .query_opt("SELECT jpeg FROM photo_files WHERE name = $1", &[&name])?
            .map(|r| r.get(0)))
    }

    pub fn delete_photo(&self, name: &str) -> Result<(), StoreError> {
        self.client()?
            .execute("DELETE FROM photo_files WHERE name = $1", &[&name])?;
        Ok(())
    }
}
