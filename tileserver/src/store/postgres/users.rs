//! Staff users, sessions and API tokens in PostgreSQL.

use super::PostgresStore;
use crate::store::{Role, StoreError, User};
use chrono::{DateTime, Utc};
use postgres::Row;

fn to_user(r: &Row) -> Result<User, StoreError> {
    Ok(User {
        id: r.try_get(0)?,
        username: r.try_get(1)?,
        role: r
            .try_get::<_, &str>(2)?
            .parse()
            .map_err(StoreError::Corrupt)?,
    })
}

impl PostgresStore {
    pub fn create_user(
        &self,
        username: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<User, StoreError> {
        let row = self
            .client()?
            .query_one(
                "INSERT INTO users (username, password_hash, role, created_at) \
                 VALUES ($1, $2, $3, now()) RETURNING id, username, role",
                &[&username, &password_hash, &role.as_str()],
            )
            .map_err(|e| match StoreError::from(e) {
                StoreError::Conflict(_) => {
                    StoreError::Conflict(format!("user {username:?} already exists"))
                }
                other => other,
            })?;
        to_user(&row)
    }

    pub fn user_with_password(&self, username: &str) -> Result<Option<(User, String)>, StoreError> {
        self.client()?
            .query_opt(
                "SELECT id, username, role, password_hash FROM users WHERE username = $1",
                &[&username],
            )?
            .map(|r| Ok((to_user(&r)?, r.try_get(3)?)))
            .transpose()
    }

    pub fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut client = self.client()?;
        client.execute("DELETE FROM sessions WHERE expires_at < now()", &[])?;
        client.execute(
            "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            &[&token_hash, &user_id, &expires_at],
        )?;
        Ok(())
    }

    pub fn session_user(&self, token_hash: &str) -> Result<Option<User>, StoreError> {
        self.client()?
            .query_opt(
                "SELECT u.id, u.username, u.role FROM sessions s JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = $1 AND s.expires_at > now()",
                &[&token_hash],
            )?
            .map(|r| to_user(&r))
            .transpose()
    }

    pub fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.client()?
            .execute("DELETE FROM sessions WHERE token_hash = $1", &[&token_hash])?;
        Ok(())
    }

    pub fn create_api_token(
        &self,
        token_hash: &str,
        user_id: i64,
        label: &str,
    ) -> Result<(), StoreError> {
        self.client()?.execute(
            "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, now())",
            &[&token_hash, &user_id, &label],
        )?;
        Ok(())
    }

    pub fn api_token_user(&self, token_hash: &str) -> Result<Option<(User, String)>, StoreError> {
        self.client()?
            .query_opt(
                "SELECT u.id, u.username, u.role, t.label FROM api_tokens t \
                 JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
                &[&token_hash],
            )?
            .map(|r| Ok((to_user(&r)?, r.try_get(3)?)))
            .transpose()
    }
}
