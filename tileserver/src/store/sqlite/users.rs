//! Staff users, sessions and API tokens in SQLite.

use super::SqliteStore;
use crate::store::{Role, StoreError, User, timestamp};
use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

fn user_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
}

fn to_user((id, username, role): (i64, String, String)) -> Result<User, StoreError> {
    Ok(User {
        id,
        username,
        role: role.parse().map_err(StoreError::Corrupt)?,
    })
}

impl SqliteStore {
    /// Adds a user; Conflict when the name is taken.
    pub fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<User, StoreError> {
        let conn = self.conn();
        let result = conn.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                username,
                password_hash,
                role.as_str(),
                timestamp(Utc::now())
            ],
        );
        if let Err(rusqlite::Error::SqliteFailure(e, _)) = &result
            && e.code == rusqlite::ErrorCode::ConstraintViolation
        {
            return Err(StoreError::Conflict(format!(
                "user {username:?} already exists"
            )));
        }
        result?;
        Ok(User {
            id: conn.last_insert_rowid(),
            username: username.to_owned(),
            role,
        })
    }

    /// A user and their password hash, by name.
    pub fn user_with_password(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT id, username, role, password_hash FROM users WHERE username = ?1",
                [username],
                |r| Ok((user_row(r)?, r.get::<_, String>(3)?)),
            )
            .optional()?;
        row.map(|(u, hash)| Ok((to_user(u)?, hash))).transpose()
    }

    /// Records a session until `expires_at`.
    pub fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let conn = self.conn();
        conn.execute(
            "DELETE FROM sessions WHERE expires_at < ?1",
            [timestamp(Utc::now())],
        )?;
        conn.execute(
            "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
            params![token_hash, user_id, timestamp(expires_at)],
        )?;
        Ok(())
    }

    /// The user of an unexpired session.
    pub fn session_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2",
                params![token_hash, timestamp(Utc::now())],
                user_row,
            )
            .optional()?;
        row.map(to_user).transpose()
    }

    pub fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.conn()
            .execute("DELETE FROM sessions WHERE token_hash = ?1", [token_hash])?;
        Ok(())
    }

    /// Records a long-lived API token for a user (integrations, Open311 `api_key`).
    pub fn create_api_token(
        &self,
        token_hash: &str,
        user_id: i64,
        label: &str,
    ) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![token_hash, user_id, label, timestamp(Utc::now())],
        )?;
        Ok(())
    }

    /// The user and label of an API token.
    pub fn api_token_user(&self, token_hash: &str) -> Result<Option<(User, String)>, StoreError> {
        let row = self
            .conn()
            .query_row(
                "SELECT u.id, u.username, u.role, t.label FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ?1",
                [token_hash],
                |r| Ok((user_row(r)?, r.get::<_, String>(3)?)),
            )
            .optional()?;
        row.map(|(u, label)| Ok((to_user(u)?, label))).transpose()
    }
}
