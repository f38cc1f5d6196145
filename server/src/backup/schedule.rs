//! Nightly backups from cron: `vitrina backup /var/backups/vitrina/ --keep 14` names the
//! archive by its time (`vitrina-20261206-023000.zip`) inside the folder and removes the
//! oldest of its kind beyond the last 14.

use super::BackupError;
use std::path::{Path, PathBuf};

const PREFIX: &str = "vitrina-";
const SUFFIX: &str = ".zip";

/// Where the archive goes: `target` itself, or a timestamped name inside it when it is a
/// folder (or ends with `/`).
pub fn archive_path(target: &Path, now_ms: i64) -> Result<PathBuf, BackupError> {
    let as_text = target.to_string_lossy();
    if target.is_dir() || as_text.ends_with('/') {
        std::fs::create_dir_all(target).map_err(|e| BackupError::io(target.display(), e))?;
        let at = jiff::Timestamp::from_millisecond(now_ms)
            .map_err(|e| BackupError::Format(e.to_string()))?;
        let name = at.strftime("%Y%m%d-%H%M%S").to_string();
        Ok(target.join(format!("{PREFIX}{name}{SUFFIX}")))
    } else {
        Ok(target.to_path_buf())
    }
}

/// Removes the oldest `vitrina-*.zip` archives in `folder` so `keep` remain; returns
/// what it removed. Names sort by time, so the oldest sort first.
pub fn prune(folder: &Path, keep: usize) -> Result<Vec<PathBuf>, BackupError> {
    let mut archives: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| BackupError::io(folder.display(), e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(PREFIX) && n.ends_with(SUFFIX))
        })
        .collect();
    archives.sort();
    let excess = archives.len().saturating_sub(keep);
    let removed: Vec<PathBuf> = archives.into_iter().take(excess).collect();
    for path in &removed {
        std::fs::remove_file(path).map_err(|e| BackupError::io(path.display(), e))?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_gets_timestamped_names_and_keeps_the_newest() {
        let dir = std::env::temp_dir().join(format!("vitrina_prune_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let mut made = Vec::new();
        for day in 0..5 {
            // 2026-12-01 02:30 UTC plus `day` days
            let at = 1_796_092_200_000 + day * 86_400_000;
            let path = archive_path(&dir, at).expect("path");
            std::fs::write(&path, b"x").expect("write");
            made.push(path);
        }
        std::fs::write(dir.join("notes.txt"), b"keep me").expect("write");
        assert!(made[0]
            .to_string_lossy()
            .ends_with("vitrina-20261201-023000.zip"));
        let removed = prune(&dir, 3).expect("prune");
        assert_eq!(removed, made[..2].to_vec());
        assert!(made[2..].iter().all(|p| p.exists()));
        assert!(dir.join("notes.txt").exists(), "other files are left alone");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_file_name_is_used_as_it_is() {
        let path = archive_path(Path::new("/tmp/some-backup.zip"), 0).expect("path");
        assert_eq!(path, PathBuf::from("/tmp/some-backup.zip"));
    }
}
