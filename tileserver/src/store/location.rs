//! Where the store lives: a folder holding the SQLite file, or a PostgreSQL URL.

use std::fmt;
use std::path::PathBuf;

/// A store location as given on the command line (`--store`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// The data folder holding `citygis.sqlite` and report photos.
    Sqlite(PathBuf),
    /// A `postgres://` (or `postgresql://`) connection URL.
    Postgres(String),
}

impl StoreLocation {
    /// A `postgres://…` URL, or else a folder for the SQLite file.
    pub fn parse(text: &str) -> Self {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            StoreLocation::Postgres(text.to_owned())
        } else {
            StoreLocation::Sqlite(PathBuf::from(text.strip_prefix("sqlite:").unwrap_or(text)))
        }
    }
}

/// Shows the location without a password, for logs and messages.
impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreLocation::Sqlite(dir) => write!(f, "{}", dir.display()),
            StoreLocation::Postgres(url) => f.write_str(&without_password(url)),
        }
    }
}

/// The URL with any password replaced by `***`.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or("");
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{tail}")
        }
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tells_urls_from_folders_and_hides_passwords() {
        assert_eq!(
            StoreLocation::parse("var"),
            StoreLocation::Sqlite(PathBuf::from("var"))
        );
        let pg = StoreLocation::parse("postgres://citygis:bí-mật@db.local:5432/citygis");
        assert!(matches!(pg, StoreLocation::Postgres(_)));
        assert_eq!(
            pg.to_string(),
            "postgres://citygis:***@db.local:5432/citygis"
        );
        assert_eq!(
            StoreLocation::parse("postgresql://db/citygis").to_string(),
            "postgresql://db/citygis"
        );
    }
}
