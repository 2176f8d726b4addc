//! Staff authentication: argon2 password hashes, random session and API tokens (stored as
//! SHA-256 hashes), and who may do what. Knows nothing of HTTP.

use crate::store::{Role, Store, StoreError, User};
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a sign-in lasts.
pub const SESSION_HOURS: i64 = 12;

/// Someone authenticated: a signed-in staff member or an integration's token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: User,
    /// Set when authenticated by an API token: the token's label (e.g. "1022 Bình Phước").
    pub token_label: Option<String>,
}

impl Principal {
    /// May change reports (status, notes, duplicates, hiding).
    pub fn can_manage_reports(&self) -> bool {
        matches!(self.user.role, Role::Operator | Role::Admin)
    }

    /// May report camera status (operators, admins and their integrations' API tokens).
    pub fn can_report_camera_status(&self) -> bool {
        matches!(self.user.role, Role::Operator | Role::Admin)
    }

    /// May change planning data: switch the version a layer serves (planners, admins).
    pub fn can_change_planning_data(&self) -> bool {
        matches!(self.user.role, Role::Planner | Role::Admin)
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches a stored argon2 hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A new random secret token (256 bits, URL-safe base64).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the store keeps of a token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a username and password; on success opens a session and returns its token.
pub fn sign_in(
    store: &Store,
    username: &str,
    password: &str,
) -> Result<Option<(User, String)>, StoreError> {
    let Some((user, hash)) = store.user_with_password(username)? else {
        // Spend the same time as a real check, so timing does not reveal which names exist.
        static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let dummy = DUMMY.get_or_init(|| hash_password("no such user").unwrap_or_default());
        let _ = verify_password(password, dummy);
        return Ok(None);
    };
    if !verify_password(password, &hash) {
        return Ok(None);
    }
    let token = new_token();
    store.create_session(
        &token_hash(&token),
        user.id,
        Utc::now() + Duration::hours(SESSION_HOURS),
    )?;
    Ok(Some((user, token)))
}

/// The principal of a session token or API token, if valid.
pub fn authenticate(
    store: &Store,
    session: Option<&str>,
    bearer: Option<&str>,
) -> Result<Option<Principal>, StoreError> {
    if let Some(token) = bearer {
        let hash = token_hash(token);
        if let Some((user, label)) = store.api_token_user(&hash)? {
            return Ok(Some(Principal {
                user,
                token_label: Some(label),
            }));
        }
        if let Some(user) = store.session_user(&hash)? {
            return Ok(Some(Principal {
                user,
                token_label: None,
            }));
        }
        return Ok(None);
    }
    match session {
        Some(token) => Ok(store
            .session_user(&token_hash(token))?
            .map(|user| Principal {
                user,
                token_label: None,
            })),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let store = crate::store::SqliteStore::open(dir.path()).unwrap();
        let hash = hash_password("mật khẩu đủ dài").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        let user = store.create_user("lan", &hash, Role::Operator).unwrap();
        assert!(sign_in(&store, "lan", "sai").unwrap().is_none());
        assert!(sign_in(&store, "nobody", "x").unwrap().is_none());
        let (signed, token) = sign_in(&store, "lan", "mật khẩu đủ dài").unwrap().unwrap();
        assert_eq!(signed, user);
        let p = authenticate(&store, Some(&token), None).unwrap().unwrap();
        assert!(p.can_manage_reports());
        assert!(
            authenticate(&store, Some("forged"), None)
                .unwrap()
                .is_none()
        );
        store.delete_session(&token_hash(&token)).unwrap();
        assert!(authenticate(&store, Some(&token), None).unwrap().is_none());

        let api = new_token();
        store
            .create_api_token(&token_hash(&api), user.id, "1022")
            .unwrap();
        let p = authenticate(&store, None, Some(&api)).unwrap().unwrap();
        assert_eq!(p.token_label.as_deref(), Some("1022"));
    }
}
