//! Writing results: a run makes every file in memory first and writes only
//! when all of them are made; each goes to a temporary name beside its
//! target and is renamed into place. A failed run leaves no half report.

use std::path::Path;

use anyhow::{Context, Result};

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let name = path.file_name().context("output path has no file name")?.to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
    Ok(())
}

/// A CSV writer with LF line ends on every platform, so that outputs are
/// byte-identical wherever they are made.
pub fn csv_writer<W: std::io::Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::Any(b'\n')).from_writer(out)
}

/// The files of one run, made before any is written.
#[derive(Default)]
pub struct Outputs {
    files: Vec<(std::path::PathBuf, Vec<u8>)>,
    stale: Vec<std::path::PathBuf>,
}

impl Outputs {
    pub fn add(&mut self, path: std::path::PathBuf, bytes: Vec<u8>) {
        self.files.push((path, bytes));
    }

    /// A file a previous run may have left that this run does not make.
    pub fn remove(&mut self, path: std::path::PathBuf) {
        self.stale.push(path);
    }

    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(p, _)| p.as_path())
    }

    pub fn commit(self) -> Result<()> {
        for (path, bytes) in &self.files {
            write_atomic(path, bytes)?;
        }
        for path in self.stale.iter().filter(|p| p.exists()) {
            std::fs::remove_file(path).with_context(|| format!("removing stale {}", path.display()))?;
        }
        Ok(())
    }
}
