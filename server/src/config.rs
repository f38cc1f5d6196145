//! Settings from the environment, with defaults that work from the repository root.

use leptos::config::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub data_dir: PathBuf,
    pub site_addr: SocketAddr,
    pub site_root: String,
}

impl std::fmt::Debug for Settings {
    // The database URL may carry a password: show only its scheme.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let scheme = self.database_url.split(':').next().unwrap_or("");
        f.debug_struct("Settings")
            .field("database", &scheme)
            .field("data_dir", &self.data_dir)
            .field("site_addr", &self.site_addr)
            .field("site_root", &self.site_root)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("LEPTOS_SITE_ADDR is not an address like 127.0.0.1:3000: {0}")]
    Addr(String),
}

impl Settings {
    /// Reads `DATABASE_URL`, `VITRINA_DATA_DIR`, `LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`.
    pub fn from_env() -> Result<Settings, ConfigError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let data_dir = PathBuf::from(var("VITRINA_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("DATABASE_URL").unwrap_or_else(|| app::db::default_url(&data_dir));
        let addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr = addr.parse().map_err(|_| ConfigError::Addr(addr.clone()))?;
        let site_root = var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into());
        Ok(Settings {
            database_url,
            data_dir,
            site_addr,
            site_root,
        })
    }

    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name("vitrina")
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .site_addr(self.site_addr)
            .build()
    }
}
