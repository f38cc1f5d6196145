//! `precompress FILE…`: writes `FILE.br` and `FILE.gz` beside each file and prints the
//! sizes (see `server::precompress`).

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut failed = false;
    for arg in std::env::args_os().skip(1) {
        let path = std::path::PathBuf::from(arg);
        match server::precompress::file(&path) {
            Ok(s) => println!(
                "{}: {} bytes raw, {} gzip, {} brotli",
                path.display(),
                s.raw,
                s.gzip,
                s.brotli
            ),
            Err(e) => {
                eprintln!("{}: {e}", path.display());
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
