//! All or nothing: a run stages its files in a fresh folder beside `--out`
//! (unpredictable name, created exclusively, files created new, so no
//! planted link is followed), carries the user's own files over as hard
//! links, and swaps the staged folder into place in one step (Linux
//! `renameat2(RENAME_EXCHANGE)`). Whatever fails before the swap, the old
//! folder is untouched; a folder left by a killed run is removed by the
//! next one. A lock beside `--out` keeps a second run off the same folder.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{fault, manifest};

/// The manifest's name inside the output folder.
pub const MANIFEST: &str = ".jiko-manifest";
/// Marks staging folders beside the output: `.NAME.jiko-stage-RANDOM`.
pub const STAGE_MARK: &str = ".jiko-stage-";
/// The lock beside the output: `.NAME.jiko-lock`.
pub const LOCK_SUFFIX: &str = ".jiko-lock";

#[derive(Debug, Clone, Copy, Default)]
pub struct CommitMode {
    /// Replace files jiko did not write, in a folder it did not make.
    pub force: bool,
    /// Keep jiko's earlier files that this run does not make (a redraw of
    /// some charts keeps the report); otherwise they are removed.
    pub update: bool,
    /// The language of its messages.
    pub lang: crate::lang::Lang,
}

pub fn commit(out: &Path, files: BTreeMap<PathBuf, super::Content>, mode: CommitMode) -> Result<()> {
    stage(out, files, mode)?.finish()
}

/// A result written in full beside its folder, its lock held, waiting to
/// be swapped into place (`finish`); dropped unfinished, it is removed and
/// the folder is untouched. Several folders of one run (`aggregate
/// --years`) are all staged before any is swapped.
pub struct Staged {
    _lock: Lock,
    stage: PathBuf,
    out: PathBuf,
    parent: PathBuf,
    present: bool,
    lang: crate::lang::Lang,
    done: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.stage);
            super::cleanup::unregister(&self.stage);
        }
    }
}

impl Staged {
    /// Swap the staged folder into place.
    pub fn finish(mut self) -> Result<()> {
        let lang = self.lang;
        // From the swap on, the stage is the result (or holds the old one):
        // an interruption leaves it to the next run, not to the cleanup.
        super::cleanup::unregister(&self.stage);
        self.done = true;
        if let Err(e) = swap(&self.stage, &self.out, self.present) {
            // A swap refused outright changed nothing: the stage is only the
            // new result, not kept.
            if self.stage.exists() {
                let _ = std::fs::remove_dir_all(&self.stage);
            }
            return Err(e.context(crate::say!(lang, "nothing was changed in {p}", "{p} は何も変わっていません", p = self.out.display())));
        }
        fault::point();
        // The stage now holds the old folder.
        if self.present {
            remove(lang, &self.stage)?;
        }
        sync_dir(lang, &self.parent)?;
        Ok(())
    }
}

/// Every file written into a fresh folder beside `out`, checked against
/// what `out` holds: all the work of a commit but the swap.
pub fn stage(out: &Path, files: BTreeMap<PathBuf, super::Content>, mode: CommitMode) -> Result<Staged> {
    let lang = mode.lang;
    where_it_can_go(lang, out)?;
    let name = out
        .file_name()
        .filter(|n| *n != "." && *n != "..")
        .with_context(|| crate::say!(lang, "{p}: the output folder needs a name (give e.g. --out ./report)", "{p}: 出力フォルダに名前が必要です（例: --out ./report）", p = out.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| crate::lang::doing(lang, "creating", "作成", &parent.display()))?;
    let lock = lock(lang, &parent.join(format!(".{name}{LOCK_SUFFIX}")), out)?;
    clean_leftovers(lang, &parent, &name)?;

    let existing = Existing::read(lang, out)?;
    if existing.manifest.is_none() && !existing.files.is_empty() && !mode.force {
        let some = existing.files.iter().take(3).map(|p| manifest::portable(p)).collect::<Vec<_>>().join(", ");
        let more = if existing.files.len() > 3 { ", …" } else { "" };
        bail!(crate::say!(
            lang,
            "{p}: the folder holds files jiko did not write ({some}{more}); choose an empty or new --out, or pass --force to write beside them",
            "{p}: jiko が書いていないファイルがあるフォルダです（{some}{more}）。空のフォルダか新しい --out を選ぶか、それらのファイルを残したまま同じフォルダに書き出すなら --force を付けてください",
            p = out.display(),
            some = some,
            more = more
        ));
    }
    let mut manifest_files = files;
    // What the user keeps in the folder, carried over unchanged.
    let mut carried: Vec<PathBuf> = Vec::new();
    for rel in &existing.files {
        let ours = existing.manifest.as_ref().is_some_and(|m| m.contains(rel));
        if manifest_files.contains_key(rel) {
            if !ours && !mode.force {
                bail!(crate::say!(
                    lang,
                    "{p}: jiko did not write this file and would replace it; move it away, choose another --out, or pass --force",
                    "{p}: jiko が書いていないファイルを置き換えることになります。移動するか、別の --out を選ぶか、--force を付けてください",
                    p = out.join(rel).display()
                ));
            }
        } else if !ours {
            carried.push(rel.clone());
        } else if mode.update {
            let bytes = std::fs::read(out.join(rel)).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &out.join(rel).display()))?;
            manifest_files.insert(rel.clone(), super::Content::Bytes(bytes));
        }
    }

    let stage = create_stage(lang, &parent, &name)?;
    let staged = (|| -> Result<()> {
        for (rel, content) in &manifest_files {
            match content {
                super::Content::Bytes(bytes) => write_new(lang, &stage.join(rel), bytes)?,
                super::Content::Spooled(s) => copy_new(lang, &s.path, &stage.join(rel))?,
            }
            fault::point();
        }
        for rel in &carried {
            carry(lang, &out.join(rel), &stage.join(rel))?;
        }
        write_new(lang, &stage.join(MANIFEST), &manifest::render(manifest_files.iter().map(|(p, c)| (p, c.sha256()))))?;
        sync_dir(lang, &stage)?;
        fault::point();
        Ok(())
    })();
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&stage);
        super::cleanup::unregister(&stage);
        return Err(e.context(crate::say!(lang, "nothing was changed in {p}", "{p} は何も変わっていません", p = out.display())));
    }
    Ok(Staged { _lock: lock, stage, out: out.to_path_buf(), parent, present: existing.present, lang, done: false })
}

/// What the output folder holds now.
struct Existing {
    present: bool,
    /// Every file below it, relative, the manifest itself aside.
    files: Vec<PathBuf>,
    manifest: Option<BTreeSet<PathBuf>>,
}

impl Existing {
    fn read(lang: crate::lang::Lang, out: &Path) -> Result<Existing> {
        let meta = match std::fs::symlink_metadata(out) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing { present: false, files: Vec::new(), manifest: None }),
            Err(e) => return Err(e).with_context(|| crate::lang::doing(lang, "looking at", "確認", &out.display())),
        };
        if meta.file_type().is_symlink() {
            bail!(crate::say!(
                lang,
                "{p}: the output folder is a symbolic link; give the folder it points to",
                "{p}: 出力フォルダがシンボリックリンクです。リンク先のフォルダを指定してください",
                p = out.display()
            ));
        }
        if !meta.is_dir() {
            bail!(crate::say!(lang, "{p}: not a folder", "{p}: フォルダではありません", p = out.display()));
        }
        let mut files = Vec::new();
        list(lang, out, Path::new(""), &mut files)?;
        files.retain(|f| f != Path::new(MANIFEST));
        let manifest_path = out.join(MANIFEST);
        let manifest = manifest_path.exists().then(|| manifest::read(lang, &manifest_path)).transpose()?.map(|v| v.into_iter().collect());
        Ok(Existing { present: true, files, manifest })
    }
}

/// Files below `dir` (links listed as files, not followed), and empty
/// folders, which are the user's too.
fn list(lang: crate::lang::Lang, dir: &Path, rel: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut any = false;
    for entry in std::fs::read_dir(dir).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &dir.display()))? {
        let entry = entry?;
        any = true;
        let r = rel.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            list(lang, &entry.path(), &r, out)?;
        } else {
            out.push(r);
        }
    }
    if !any && !rel.as_os_str().is_empty() {
        out.push(rel.to_path_buf());
    }
    Ok(())
}

/// The output's lock, held for the run and removed when it ends (a refused
/// run's too), so no `.NAME.jiko-lock` is left beside the output.
pub(crate) struct Lock {
    file: File,
    path: PathBuf,
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held: a run that opened this file meanwhile
        // finds, once it holds it, that the path names another file (or
        // none) and opens the path again (`lock`).
        if same_file(&self.file, &self.path) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Whether `path` still names the file `f` has open.
fn same_file(f: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (f.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = (f, path);
        true
    }
}

/// Hold the output's lock for the run; a second run is refused, not queued.
pub(crate) fn lock(lang: crate::lang::Lang, path: &Path, out: &Path) -> Result<Lock> {
    // A few tries: the file may be removed by the run that held it between
    // our open and our lock.
    for _ in 0..16 {
        let mut o = OpenOptions::new();
        o.read(true).write(true).create(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.custom_flags(libc::O_NOFOLLOW).mode(0o600);
        }
        let f = o.open(path).with_context(|| crate::lang::doing(lang, "opening the lock", "ロックを開く", &path.display()))?;
        match f.try_lock() {
            Ok(()) if same_file(&f, path) => return Ok(Lock { file: f, path: path.to_path_buf() }),
            Ok(()) => continue,
            Err(std::fs::TryLockError::WouldBlock) => bail!(crate::say!(
                lang,
                "{p}: another jiko run is writing this folder (lock {lock}); wait for it to finish",
                "{p}: 別の jiko がこのフォルダに書き込み中です（ロック {lock}）。終わるまで待ってください",
                p = out.display(),
                lock = path.display()
            )),
            Err(std::fs::TryLockError::Error(e)) => return Err(e).with_context(|| crate::lang::doing(lang, "locking", "ロック", &path.display())),
        }
    }
    bail!(crate::say!(lang, "{p}: the lock kept changing; try again", "{p}: ロックが変わり続けました。やり直してください", p = path.display()))
}

/// Staging folders of runs that were killed (the lock is ours, so no live
/// run owns them).
fn clean_leftovers(lang: crate::lang::Lang, parent: &Path, name: &str) -> Result<()> {
    let prefix = format!(".{name}{STAGE_MARK}");
    for entry in std::fs::read_dir(parent).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &parent.display()))? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            remove(lang, &entry.path())?;
        }
    }
    Ok(())
}

/// Remove a folder, or only the link if it is one.
fn remove(lang: crate::lang::Lang, path: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_dir() {
        std::fs::remove_dir_all(path)
    } else {
        std::fs::remove_file(path)
    }
    .with_context(|| crate::lang::doing(lang, "removing", "削除", &path.display()))
}

/// A spooled file into the stage: moved when it is on the same file
/// system (it was synced when it was finished), else copied and synced.
fn copy_new(lang: crate::lang::Lang, from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).with_context(|| crate::lang::doing(lang, "creating", "作成", &dir.display()))?;
    }
    if std::fs::symlink_metadata(to).is_err() && std::fs::rename(from, to).is_ok() {
        return Ok(());
    }
    let mut src = std::fs::File::open(from).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &from.display()))?;
    write_new_from(lang, to, &mut src)
}

pub(super) fn random_suffix() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    h.write_u32(std::process::id());
    format!("{:016x}", h.finish())
}

fn create_stage(lang: crate::lang::Lang, parent: &Path, name: &str) -> Result<PathBuf> {
    for _ in 0..8 {
        let stage = parent.join(format!(".{name}{STAGE_MARK}{}", random_suffix()));
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o755);
        }
        match super::cleanup::make(&stage, || b.create(&stage)) {
            Ok(()) => return Ok(stage),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| crate::lang::doing(lang, "creating", "作成", &stage.display())),
        }
    }
    bail!(crate::say!(lang, "could not create a staging folder in {p}", "{p} に作業用フォルダを作れませんでした", p = parent.display()))
}

/// A new file (never an existing one or a link), written and synced.
fn write_new(lang: crate::lang::Lang, path: &Path, bytes: &[u8]) -> Result<()> {
    write_new_from(lang, path, &mut &bytes[..])
}

/// A new file (never an existing one or a link) with what `from` holds,
/// written in 1 MiB chunks (each a fault-injection point) and synced.
fn write_new_from(lang: crate::lang::Lang, path: &Path, from: &mut dyn std::io::Read) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| crate::lang::doing(lang, "creating", "作成", &dir.display()))?;
    }
    let mut write = || -> std::io::Result<()> {
        let mut f = OpenOptions::new().write(true).create_new(true).open(path)?;
        // The buffer grows only as far as the file needs (most are small).
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = std::io::Read::read_to_end(&mut std::io::Read::take(&mut *from, 1 << 20), &mut buf)?;
            if n == 0 {
                break;
            }
            fault::write(n)?;
            f.write_all(&buf)?;
        }
        f.sync_all()
    };
    write().with_context(|| crate::lang::doing(lang, "writing", "書き込み", &path.display()))
}

/// A user's file into the staged folder: a hard link (same file, nothing
/// copied), or a copy where links cannot be made.
fn carry(lang: crate::lang::Lang, from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).with_context(|| crate::lang::doing(lang, "creating", "作成", &dir.display()))?;
    }
    let meta = std::fs::symlink_metadata(from)?;
    if meta.is_dir() {
        return std::fs::create_dir_all(to).with_context(|| crate::lang::doing(lang, "keeping", "保持", &from.display()));
    }
    if meta.file_type().is_symlink() {
        #[cfg(unix)]
        {
            let target = std::fs::read_link(from)?;
            std::os::unix::fs::symlink(target, to).with_context(|| crate::lang::doing(lang, "keeping the link", "リンクの保持", &from.display()))?;
            return Ok(());
        }
    }
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).with_context(|| crate::lang::doing(lang, "keeping", "保持", &from.display()))?;
    }
    Ok(())
}

fn sync_dir(lang: crate::lang::Lang, dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).with_context(|| crate::lang::doing(lang, "syncing", "同期", &dir.display()))?;
    Ok(())
}

/// Put the staged folder at `out`; the old folder ends up at `stage`.
fn swap(stage: &Path, out: &Path, present: bool) -> Result<()> {
    if !present {
        return std::fs::rename(stage, out).with_context(|| format!("moving {} to {}", stage.display(), out.display()));
    }
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(stage.as_os_str().as_bytes())?;
        let b = CString::new(out.as_os_str().as_bytes())?;
        // SAFETY: two valid NUL-terminated paths; the call only renames.
        let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
        if rc == 0 {
            return Ok(());
        }
        let err = std::io::Error::last_os_error();
        // Filesystems without the exchange fall back to two renames.
        if err.raw_os_error() != Some(libc::EINVAL) && err.raw_os_error() != Some(libc::ENOSYS) {
            return Err(err).with_context(|| format!("swapping {} into {}", stage.display(), out.display()));
        }
    }
    // Two renames: the old folder goes to a name the next run cleans up.
    let old = stage.with_file_name(format!("{}-old", stage.file_name().unwrap_or_default().to_string_lossy()));
    std::fs::rename(out, &old).with_context(|| format!("moving {} aside", out.display()))?;
    if let Err(e) = std::fs::rename(stage, out) {
        let _ = std::fs::rename(&old, out);
        return Err(e).with_context(|| format!("moving {} to {}", stage.display(), out.display()));
    }
    std::fs::rename(&old, stage).with_context(|| format!("moving {} back", old.display()))?;
    Ok(())
}

/// Said before anything is made: `--out` is a folder jiko can swap whole.
/// Not `DIR/.` (the folder has no name of its own there), not below a
/// file (`afile/sub`), not a mount point (it cannot be renamed).
fn where_it_can_go(lang: crate::lang::Lang, out: &Path) -> Result<()> {
    use std::path::Component;
    // `components()` drops a trailing `.`: the text is looked at too.
    let text = out.as_os_str().to_string_lossy();
    let text = text.trim_end_matches('/');
    let dotted = [".", ".."].iter().any(|d| text == *d || text.ends_with(&format!("/{d}")));
    if dotted || matches!(out.components().next_back(), None | Some(Component::CurDir | Component::ParentDir | Component::RootDir)) {
        bail!(crate::say!(lang, "{p}: the output folder needs a name (give e.g. --out ./report)", "{p}: 出力フォルダに名前が必要です（例: --out ./report）", p = out.display()));
    }
    for a in out.ancestors().skip(1).filter(|a| !a.as_os_str().is_empty()) {
        if std::fs::metadata(a).is_ok_and(|m| !m.is_dir()) {
            bail!(crate::say!(lang, "{p}: {a} is a file, not a folder; give --out a folder path", "{p}: {a} はファイルでフォルダではありません。--out にはフォルダのパスを指定してください", p = out.display(), a = a.display()));
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if let (Ok(o), Ok(p)) = (std::fs::symlink_metadata(out), std::fs::metadata(parent)) {
            if o.is_dir() && o.dev() != p.dev() {
                bail!(crate::say!(
                    lang,
                    "{p}: is a mount point; jiko replaces the output folder whole, which a mount point cannot be: give a folder inside it (e.g. --out {p}/report)",
                    "{p}: マウントポイントです。jiko は出力フォルダを丸ごと置き換えるため、マウントポイントには書けません。中のフォルダを指定してください（例: --out {p}/report）",
                    p = out.display()
                ));
            }
        }
    }
    Ok(())
}
