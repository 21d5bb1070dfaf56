//! Writing results. A run makes every file in memory first (`Outputs`),
//! then `commit` stages them in a fresh folder beside `--out` and swaps it
//! into place, so the folder holds the old result or the new one, never a
//! mix; only files jiko wrote (its manifest) are ever replaced or removed.
//! `sinks` make text safe for where it goes: CSV cells that a spreadsheet
//! would run as formulas, Markdown that would become markup.

pub mod cleanup;
mod commit;
pub mod fault;
mod manifest;
pub(crate) mod ordered;
pub mod sinks;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use commit::{CommitMode, Staged, LOCK_SUFFIX, MANIFEST, STAGE_MARK};
pub use sinks::{csv_writer, md_cell, md_text, CsvOut};

/// A file's content: in memory, or spooled to a temporary file when it
/// may be as large as the input (incidents.csv).
pub(crate) enum Content {
    Bytes(Vec<u8>),
    Spooled(Spooled),
}

/// A finished temporary file and its SHA-256; removed when dropped.
#[derive(Debug)]
pub struct Spooled {
    pub path: PathBuf,
    pub sha256: String,
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        cleanup::unregister(&self.path);
    }
}

impl Content {
    fn sha256(&self) -> String {
        match self {
            Content::Bytes(b) => sha256_hex(b),
            Content::Spooled(s) => s.sha256.clone(),
        }
    }
}

/// Where spool files go: beside the output's staging folder when the
/// command writes one (on the same disk, not in a shared /tmp), else the
/// system's temporary folder.
static SPOOL_DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// Spool beside `out`: in its parent folder, where the staging folder will
/// be, or the nearest folder above it that exists (a failed run creates no
/// folder for its spool); never the shared temporary folder.
pub(crate) fn spool_beside(out: &Path) {
    let mut dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    while !dir.is_dir() {
        match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => dir = p.to_path_buf(),
            _ => {
                dir = PathBuf::from(".");
                break;
            }
        }
    }
    let _ = SPOOL_DIR.set(dir);
}

/// A new temporary file of this process, created exclusively (no planted
/// link is followed), for spooled outputs; removed if the run is
/// interrupted (`cleanup`).
pub(crate) fn temp_file(lang: crate::lang::Lang, what: &str) -> anyhow::Result<(PathBuf, std::fs::File)> {
    use anyhow::Context;
    let dir = SPOOL_DIR.get().cloned().unwrap_or_else(std::env::temp_dir);
    static CLEANED: std::sync::Once = std::sync::Once::new();
    CLEANED.call_once(|| remove_stale_temp_files(&dir));
    for n in 0..16 {
        let path = dir.join(format!(".jiko-{what}-{}-{n}-{}", std::process::id(), commit::random_suffix()));
        match cleanup::make(&path, || std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)) {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| crate::lang::doing(lang, "creating", "作成", &path.display())),
        }
    }
    anyhow::bail!("no free temporary file name in {}", dir.display())
}

/// Remove temporary files of jiko runs that were killed (their process is
/// gone): `jiko-WHAT-PID-N-RANDOM`. Linux only (it asks /proc).
fn remove_stale_temp_files(dir: &Path) {
    if !cfg!(target_os = "linux") {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(".jiko-").or_else(|| name.strip_prefix("jiko-")) else { continue };
        let parts: Vec<&str> = rest.rsplitn(4, '-').collect();
        let [_, _, pid, _] = parts.as_slice() else { continue };
        let Ok(pid) = pid.parse::<u32>() else { continue };
        let mine = e.file_type().is_ok_and(|t| t.is_file());
        if mine && pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The files of one run, by path relative to the output folder.
pub(crate) struct Outputs {
    root: PathBuf,
    files: BTreeMap<PathBuf, Content>,
}

impl Outputs {
    pub fn new(root: &Path) -> Outputs {
        Outputs { root: root.to_path_buf(), files: BTreeMap::new() }
    }

    /// A file at `rel` below the output folder.
    pub fn add(&mut self, rel: impl AsRef<Path>, bytes: Vec<u8>) {
        self.files.insert(rel.as_ref().to_path_buf(), Content::Bytes(bytes));
    }

    /// A spooled file at `rel`, moved or copied into place at the commit.
    pub(crate) fn add_spooled(&mut self, rel: impl AsRef<Path>, spooled: Spooled) {
        self.files.insert(rel.as_ref().to_path_buf(), Content::Spooled(spooled));
    }

    pub(crate) fn paths(&self) -> impl Iterator<Item = PathBuf> + '_ {
        self.files.keys().map(|p| self.root.join(p))
    }

    /// Put the files in place, all or nothing (see `commit`); none of them
    /// over one of the run's `inputs`, whatever the mode.
    pub fn commit(self, mode: CommitMode, inputs: &[PathBuf]) -> anyhow::Result<()> {
        for p in self.paths() {
            not_an_input(mode.lang, &p, inputs)?;
        }
        commit::commit(&self.root, self.files, mode)
    }

    /// Write the files beside their folder, to be swapped in by
    /// `Staged::finish` (several folders, all or nothing).
    pub fn stage(self, mode: CommitMode, inputs: &[PathBuf]) -> anyhow::Result<Staged> {
        for p in self.paths() {
            not_an_input(mode.lang, &p, inputs)?;
        }
        commit::stage(&self.root, self.files, mode)
    }
}

/// One file written beside its place, renamed into it by `finish`;
/// removed if dropped unfinished.
pub(crate) struct StagedFile {
    tmp: PathBuf,
    path: PathBuf,
    lang: crate::lang::Lang,
}

impl StagedFile {
    pub(crate) fn new(lang: crate::lang::Lang, path: &Path, bytes: &[u8]) -> anyhow::Result<StagedFile> {
        use anyhow::Context;
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).with_context(|| crate::lang::doing(lang, "creating", "作成", &dir.display()))?;
        let name = path.file_name().context("output path has no file name")?.to_string_lossy();
        let tmp = dir.join(format!(".{name}.jiko-tmp-{}-{}", std::process::id(), commit::random_suffix()));
        let staged = StagedFile { tmp, path: path.to_path_buf(), lang };
        let result = (|| -> std::io::Result<()> {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&staged.tmp)?;
            f.write_all(bytes)?;
            f.sync_all()
        })();
        result.with_context(|| crate::lang::doing(lang, "writing", "書き込み", &path.display()))?;
        Ok(staged)
    }

    pub(crate) fn finish(self) -> anyhow::Result<()> {
        use anyhow::Context;
        std::fs::rename(&self.tmp, &self.path).with_context(|| crate::lang::doing(self.lang, "writing", "書き込み", &self.path.display()))
    }
}

impl Drop for StagedFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.tmp);
    }
}

/// One file replaced in one step (a new file beside it, renamed over it):
/// for files that are not part of a report folder, such as the shipped
/// reconstruction that `jiko generate` rewrites.
pub fn write_atomic(lang: crate::lang::Lang, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic_from(lang, path, &mut &bytes[..])
}

/// `write_atomic` from a reader (a spooled file), without holding it in
/// memory.
pub(crate) fn write_atomic_from(lang: crate::lang::Lang, path: &Path, from: &mut dyn std::io::Read) -> anyhow::Result<()> {
    use anyhow::Context;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| crate::lang::doing(lang, "creating", "作成", &dir.display()))?;
    let name = path.file_name().context("output path has no file name")?.to_string_lossy();
    let tmp = dir.join(format!(".{name}.jiko-tmp-{}", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        std::io::copy(from, &mut f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| crate::lang::doing(lang, "writing", "書き込み", &path.display()))
}

/// The SHA-256 of bytes, as lowercase hex (the manifest's and the footer's).
pub use crate::records::{hex, sha256_hex};

/// The one check before jiko writes a single file (`--out`, `--details`):
/// never over one of the run's inputs, even with `--force` (the same file
/// by device and inode, so `./in.csv`, `in.csv` and a link to it are one);
/// never over any other existing file without `--force`.
pub fn may_write(lang: crate::lang::Lang, path: &Path, force: bool, inputs: &[PathBuf]) -> anyhow::Result<()> {
    not_an_input(lang, path, inputs)?;
    if path.exists() && !force {
        anyhow::bail!(crate::say!(
            lang,
            "{p}: already exists; choose another --out or pass --force",
            "{p}: 既にあります。別の --out を選ぶか --force を付けてください",
            p = path.display()
        ));
    }
    Ok(())
}

/// `path` is none of `inputs` (see `may_write`).
pub fn not_an_input(lang: crate::lang::Lang, path: &Path, inputs: &[PathBuf]) -> anyhow::Result<()> {
    let Ok(out) = std::fs::metadata(path) else { return Ok(()) };
    let canonical = std::fs::canonicalize(path).ok();
    let same = |i: &PathBuf| canonical.is_some() && std::fs::canonicalize(i).ok() == canonical || std::fs::metadata(i).is_ok_and(|m| same_file(&m, &out));
    if inputs.iter().any(same) {
        anyhow::bail!(crate::say!(
            lang,
            "{p}: is one of this run's inputs; jiko never writes over its input, even with --force: choose another --out",
            "{p}: この実行の入力ファイルです。jiko は --force があっても入力を上書きしません。別の --out を選んでください",
            p = path.display()
        ));
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}
