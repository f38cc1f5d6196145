//! `split-wasm IN.wasm PKG_DIR`: splits the browser bundle at its lazy routes (the page
//! groups of `app::ui::pages`, one `#[lazy]` split point each), the step
//! `cargo leptos --split` runs.
//!
//! Writes into PKG_DIR: one `.wasm` module per group and one per piece of code several
//! groups share, the loader `__wasm_split.______________________.js` the main module
//! imports them through, and `__wasm_split_manifest.json`, which the server reads to
//! name a page's chunks in its head. The main module goes to `PKG_DIR/../vitrina_split.wasm`
//! for wasm-bindgen (`--keep-lld-exports`): the chunks are not passed through it.
//!
//! The input must be linked with `--emit-relocs` (`.cargo/config.toml`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [input, pkg] = args.as_slice() else {
        eprintln!("usage: split-wasm IN.wasm PKG_DIR");
        return ExitCode::from(2);
    };
    match run(input, pkg) {
        Ok(chunks) => {
            println!("{} chunks written to {}", chunks, pkg.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("split-wasm: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(
    input: &std::path::Path,
    pkg: &std::path::Path,
) -> Result<usize, Box<dyn std::error::Error>> {
    let wasm = std::fs::read(input).map_err(|e| format!("{}: {e}", input.display()))?;
    std::fs::create_dir_all(pkg)?;
    let main_out = pkg
        .parent()
        .ok_or("PKG_DIR has no parent folder")?
        .join("vitrina_split.wasm");
    let split = wasm_split_cli_support::transform({
        let mut o = wasm_split_cli_support::Options::new(&wasm);
        o.output_dir = pkg;
        o.main_out_path = &main_out;
        // The loader imports the main module's JS, which sits beside it.
        o.main_module = "./vitrina.js";
        o.link_name = "./__wasm_split.______________________.js";
        o
    })
    .map_err(|e| format!("splitting {}: {e:?}", input.display()))?;
    let manifest = serde_json::to_string_pretty(&split.prefetch_map)?;
    std::fs::write(pkg.join("__wasm_split_manifest.json"), manifest)?;
    Ok(split.split_modules.len())
}
