//! Precompressed copies of the browser bundle: `vitrina_bg.wasm.br` and `.gz` beside
//! each file, written once by the build (`.ci/build release` runs the `precompress`
//! binary) and sent as they are to browsers that accept them (leptos_axum's static files
//! prefer `.br`, then `.gz`). In Rust, so a machine without a `brotli` program still
//! gets brotli.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file's size raw and in each encoding, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    pub raw: usize,
    pub gzip: usize,
    pub brotli: usize,
}

/// Brotli at its best quality and largest window (slow, done once per build).
pub fn brotli(raw: &[u8]) -> io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: raw.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(raw.len() / 4);
    brotli::BrotliCompress(&mut &raw[..], &mut out, &params)?;
    Ok(out)
}

pub fn gzip(raw: &[u8]) -> io::Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(raw.len() / 3),
        flate2::Compression::best(),
    );
    enc.write_all(raw)?;
    enc.finish()
}

fn beside(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

/// Writes through a temporary name and renames, so a server reading the directory
/// never sends half a file.
fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let tmp = beside(path, "tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

/// Writes `path.br` and `path.gz`.
pub fn file(path: &Path) -> io::Result<Sizes> {
    let raw = std::fs::read(path)?;
    let gz = gzip(&raw)?;
    let br = brotli(&raw)?;
    write(&beside(path, "gz"), &gz)?;
    write(&beside(path, "br"), &br)?;
    Ok(Sizes {
        raw: raw.len(),
        gzip: gz.len(),
        brotli: br.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn both_copies_decompress_to_the_file() {
        let dir = std::env::temp_dir().join(format!("vitrina-precompress-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let path = dir.join("bundle.js");
        let text: Vec<u8> = (0..20_000u32)
            .flat_map(|i| format!("export const v{i} = {};\n", i % 97).into_bytes())
            .collect();
        std::fs::write(&path, &text).expect("write");
        let sizes = file(&path).expect("compress");
        assert_eq!(sizes.raw, text.len());
        assert!(
            sizes.brotli < sizes.gzip && sizes.gzip < sizes.raw,
            "{sizes:?}"
        );
        let br = std::fs::read(beside(&path, "br")).expect("br");
        assert_eq!(br.len(), sizes.brotli);
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut back)
            .expect("brotli");
        assert_eq!(back, text);
        let gz = std::fs::read(beside(&path, "gz")).expect("gz");
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .expect("gzip");
        assert_eq!(back, text);
        assert!(!beside(&path, "tmp").exists());
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
