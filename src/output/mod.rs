//! Writing results. A run makes every file in memory first (`Outputs`),
//! then `commit` stages them in a fresh folder beside `--out` and swaps it
//! into place, so the folder holds the old result or the new one, never a
//! mix; only files jiko wrote (its manifest) are ever replaced or removed.
//! `sinks` make text safe for where it goes: CSV cells that a spreadsheet
//! would run as formulas, Markdown that would become markup.

mod commit;
pub mod fault;
mod manifest;
pub mod sinks;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use commit::{CommitMode, LOCK_SUFFIX, MANIFEST, STAGE_MARK};
pub use sinks::{csv_writer, md_cell, md_text, CsvOut};

/// The files of one run, by path relative to the output folder.
pub struct Outputs {
    root: PathBuf,
    files: BTreeMap<PathBuf, Vec<u8>>,
}

impl Outputs {
    pub fn new(root: &Path) -> Outputs {
        Outputs { root: root.to_path_buf(), files: BTreeMap::new() }
    }

    /// A file at `rel` below the output folder.
    pub fn add(&mut self, rel: impl AsRef<Path>, bytes: Vec<u8>) {
        self.files.insert(rel.as_ref().to_path_buf(), bytes);
    }

    pub fn paths(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.files.keys().map(|p| self.root.join(p))
    }

    /// Put the files in place, all or nothing (see `commit`).
    pub fn commit(self, mode: CommitMode) -> anyhow::Result<()> {
        commit::commit(&self.root, self.files, mode)
    }
}

/// One file replaced in one step (a new file beside it, renamed over it):
/// for files that are not part of a report folder, such as the shipped
/// reconstruction that `jiko generate` rewrites.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use anyhow::Context;
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| crate::lang::doing("creating", "作成", &dir.display()))?;
    let name = path.file_name().context("output path has no file name")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.jiko-tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| crate::lang::doing("writing", "書き込み", &path.display()))
}
