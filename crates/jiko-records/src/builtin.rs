//! The shipped reconstruction carried in the binary (compressed by
//! build.rs): the default input when no file is named, read the same way
//! as a file. Its paths are `<builtin>/data/incidents/fyYYYY.csv` inside
//! the program and print as `data/incidents/fyYYYY.csv`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const PREFIX: &str = "<builtin>";

static FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/builtin_incidents.rs"));

/// The built-in files, as paths the reader opens.
pub fn files() -> Vec<PathBuf> {
    FILES.iter().map(|(name, _)| Path::new(PREFIX).join(name)).collect()
}

/// The shipped name of a built-in path (`data/incidents/fy2020.csv`).
pub fn name(path: &Path) -> Option<&str> {
    let rest = path.strip_prefix(PREFIX).ok()?.to_str()?;
    FILES.iter().map(|(n, _)| *n).find(|n| *n == rest)
}

/// A built-in file's bytes, decompressed once per run.
pub fn bytes(path: &Path) -> Option<&'static [u8]> {
    static CACHE: OnceLock<Vec<OnceLock<Vec<u8>>>> = OnceLock::new();
    let name = name(path)?;
    let i = FILES.iter().position(|(n, _)| *n == name)?;
    let cache = CACHE.get_or_init(|| FILES.iter().map(|_| OnceLock::new()).collect());
    Some(cache[i].get_or_init(|| {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(FILES[i].1).read_to_end(&mut out).expect("the build wrote a valid gzip");
        out
    }))
}
