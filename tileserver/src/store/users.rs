//! Staff users, their sign-in sessions and integration tokens in SQL. Only hashes of secrets are
//! stored: argon2 for passwords, SHA-256 for random session and API tokens.

use std::fmt;
use std::str::FromStr;

/// What a staff member may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// IOC operator: works on reports (and camera status).
    Operator,
    /// Planner: changes planning data.
    Planner,
    /// Everything.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Planner => "planner",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "operator" => Ok(Role::Operator),
            "planner" => Ok(Role::Planner),
            "admin" => Ok(Role::Admin),
            other => Err(format!(
                "unknown role {other:?}; one of operator, planner, admin"
            )),
        }
    }
}

/// A staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
}
