//! The browser bundle's files and their build: pages load them from `/v/{build}/pkg/…`,
//! so a page and the bundle it hydrates with always come from one build — also when a
//! service worker serves both from its cache — and the files can be cached for good.

use leptos::prelude::LeptosOptions;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// What the running server serves as its bundle.
#[derive(Debug)]
pub struct Assets {
    /// A digest of the bundle's files (16 hex digits): changes with every new bundle.
    pub build: String,
    /// Every file of the bundle, relative to the pkg folder (`vitrina.js`, `snippets/…`),
    /// without the precompressed copies.
    pub files: Vec<String>,
}

impl Assets {
    /// The URL prefix pages load the bundle from.
    pub fn root(&self) -> String {
        format!("/v/{}", self.build)
    }
}

/// Read once, at the first page: the bundle does not change under a running server.
pub fn assets(options: &LeptosOptions) -> &'static Assets {
    static ASSETS: OnceLock<Assets> = OnceLock::new();
    ASSETS.get_or_init(|| {
        let pkg = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
        scan(&pkg)
    })
}

fn scan(pkg: &Path) -> Assets {
    let mut files = Vec::new();
    walk(pkg, pkg, &mut files);
    files.sort();
    let mut h = Sha256::new();
    for f in &files {
        h.update(f.as_bytes());
        h.update([0]);
        if let Ok(bytes) = std::fs::read(pkg.join(f)) {
            h.update(&bytes);
        }
    }
    let build = h.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Assets { build, files }
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path: PathBuf = entry.path();
        if path.is_dir() {
            walk(base, &path, out);
            continue;
        }
        let name = path.to_string_lossy();
        if name.ends_with(".br") || name.ends_with(".gz") || name.contains("/.") {
            continue;
        }
        if let Ok(rel) = path.strip_prefix(base) {
            if let Some(rel) = rel.to_str() {
                if !rel.starts_with('.') {
                    out.push(rel.replace('\\', "/"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_follows_the_files_and_leaves_out_compressed_copies() {
        let dir = std::env::temp_dir().join(format!("vitrina-assets-{}", std::process::id()));
        let snippets = dir.join("snippets/app-1/src/ui");
        std::fs::create_dir_all(&snippets).expect("dirs");
        std::fs::write(dir.join("vitrina.js"), "a").expect("js");
        std::fs::write(dir.join("vitrina.js.br"), "x").expect("br");
        std::fs::write(dir.join(".stamp"), "x").expect("stamp");
        std::fs::write(snippets.join("offline.js"), "b").expect("snippet");
        let one = scan(&dir);
        assert_eq!(
            one.files,
            vec!["snippets/app-1/src/ui/offline.js", "vitrina.js"]
        );
        assert_eq!(one.build.len(), 16);
        assert_eq!(
            scan(&dir).build,
            one.build,
            "the same files, the same build"
        );
        std::fs::write(dir.join("vitrina.js"), "c").expect("js");
        assert_ne!(scan(&dir).build, one.build, "a new bundle, a new build");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
