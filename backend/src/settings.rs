//! Typed settings of the server, built from the command line (SPEC §8).

use std::path::{Path, PathBuf};

use dtpilot_domain::PolicyProfile;

use crate::db::DatabaseUrl;

/// Everything `dtpilot serve` needs. No globals: this is passed to the application.
#[derive(Clone)]
pub struct Settings {
    pub bind: String,
    pub database_url: DatabaseUrl,
    pub data_dir: PathBuf,
    pub profile: PolicyProfile,
    /// Database connections in the pool.
    pub pool_size: u32,
    /// `DTPILOT_JWT_SECRET`; when absent a key is generated into the data dir.
    pub jwt_secret: Option<String>,
    /// Lifetime of an access token.
    pub access_ttl_secs: u64,
    /// `--demo`: fill an empty database with the demo of [`crate::demo`] before serving.
    pub demo: bool,
    /// `--demo-public`: let `--demo` listen on an address other machines reach.
    pub demo_public: bool,
    /// `--hsts`: send `Strict-Transport-Security` ([`crate::security`]).
    pub hsts: bool,
    /// `--static-dir`: the built frontend, served at `/` ([`crate::static_files`]).
    pub static_dir: PathBuf,
}

impl std::fmt::Debug for Settings {
    /// Never prints the JWT secret.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("database_url", &self.database_url)
            .field("data_dir", &self.data_dir)
            .field("profile", &self.profile.id)
            .field("pool_size", &self.pool_size)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("access_ttl_secs", &self.access_ttl_secs)
            .field("demo", &self.demo)
            .field("demo_public", &self.demo_public)
            .field("hsts", &self.hsts)
            .field("static_dir", &self.static_dir)
            .finish()
    }
}

/// The database in use: the given URL, or SQLite at `<data dir>/dtpilot.db` (SPEC §8).
pub fn database_url(given: Option<&str>, data_dir: &Path) -> Result<DatabaseUrl, String> {
    match given {
        Some(url) => DatabaseUrl::parse(url).map_err(|e| e.to_string()),
        None => Ok(DatabaseUrl::Sqlite(data_dir.join("dtpilot.db"))),
    }
}

/// The policy profile: the file given, or the shipped `changzhi-2025`.
pub fn policy_profile(path: Option<&Path>) -> Result<PolicyProfile, String> {
    match path {
        None => Ok(PolicyProfile::changzhi_2025()),
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("无法读取政策配置 {}: {e}", path.display()))?;
            PolicyProfile::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
        }
    }
}
