//! The files a run reads: those named, and below the folders named, the
//! regular files with a known extension. Nothing that could hang or loop
//! is opened: FIFOs and devices are skipped, links to folders are not
//! followed; Excel's `~$` lock files and hidden files are skipped with a note.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// Extensions read as CSV (separator found from the header).
const CSV_EXTENSIONS: &[&str] = &["csv", "tsv"];
/// Extensions read as workbooks (calamine).
const WORKBOOK_EXTENSIONS: &[&str] = &["xlsx", "xlsm", "xlsb", "xls", "ods"];

fn extension(path: &Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase())
}

pub(crate) fn is_workbook(path: &Path) -> bool {
    extension(path).is_some_and(|e| WORKBOOK_EXTENSIONS.contains(&e.as_str()))
}

fn is_readable_kind(path: &Path) -> bool {
    extension(path).is_some_and(|e| CSV_EXTENSIONS.contains(&e.as_str()) || WORKBOOK_EXTENSIONS.contains(&e.as_str()))
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The files to read, and what was passed over.
#[derive(Debug, Default)]
pub struct Inputs {
    /// The files to read, in order.
    pub files: Vec<PathBuf>,
    /// What was skipped in the folders, and why.
    pub notes: Vec<String>,
}

/// The files of the given files and folders (folders walked, in name order).
pub fn expand_inputs(lang: jiko_core::lang::Lang, paths: &[PathBuf]) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|_| anyhow::anyhow!(jiko_core::say!(lang, "{p}: no such file or folder", "{p}: ファイル又はフォルダがありません", p = p.display())))?;
        if meta.is_dir() {
            let before = inputs.files.len();
            walk(lang, p, &mut inputs).with_context(|| jiko_core::lang::doing(lang, "reading folder", "フォルダの読み込み", &p.display()))?;
            inputs.files[before..].sort();
            if inputs.files.len() == before {
                bail!(jiko_core::say!(
                    lang,
                    "no incident file (.csv, .tsv, .xlsx, .xlsm, .xlsb, .xls, .ods) in {p}",
                    "{p} に事故のファイル（.csv, .tsv, .xlsx, .xlsm, .xlsb, .xls, .ods）がありません",
                    p = p.display()
                ));
            }
        } else if !meta.is_file() {
            bail!(jiko_core::say!(
                lang,
                "{p}: not a regular file (a FIFO, device or socket cannot be read as incidents)",
                "{p}: 通常のファイルではありません（FIFO、デバイス、ソケットは読めません）",
                p = p.display()
            ));
        } else if file_name(p).starts_with("~$") {
            bail!(jiko_core::say!(
                lang,
                "{p}: an Excel lock file (Excel writes it while the workbook is open), not a workbook",
                "{p}: Excel のロックファイル（ブックを開いている間に Excel が作るもの）で、ブックではありません",
                p = p.display()
            ));
        } else if !is_readable_kind(p) {
            let kind = extension(p).map_or(jiko_core::say!(lang, "a file without an extension", "拡張子のないファイル"), |e| format!(".{e}"));
            bail!(jiko_core::say!(
                lang,
                "{p}: jiko reads .csv and .tsv text and .xlsx, .xlsm, .xlsb, .xls and .ods workbooks, not {kind}",
                "{p}: jiko が読めるのは .csv、.tsv のテキストと .xlsx、.xlsm、.xlsb、.xls、.ods のブックで、{kind} は読めません",
                p = p.display(),
                kind = kind
            ));
        } else {
            inputs.files.push(p.clone());
        }
    }
    named_once(lang, &inputs.files)?;
    Ok(inputs)
}

/// A file named twice (`in.csv ./in.csv`, or a folder and a file in it)
/// would be read twice: every row a duplicate of itself, every figure
/// doubled. Refused, naming both.
fn named_once(lang: jiko_core::lang::Lang, files: &[PathBuf]) -> Result<()> {
    let mut seen: std::collections::HashMap<PathBuf, &Path> = std::collections::HashMap::new();
    for f in files {
        let Ok(c) = std::fs::canonicalize(f) else { continue };
        if let Some(first) = seen.insert(c, f) {
            bail!(jiko_core::say!(
                lang,
                "{a} and {b} are the same file, named twice; each file is read once: name it once",
                "{a} と {b} は同じファイルです（2回指定されています）。1回だけ指定してください",
                a = first.display(),
                b = f.display()
            ));
        }
    }
    Ok(())
}

fn walk(lang: jiko_core::lang::Lang, dir: &Path, inputs: &mut Inputs) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let name = file_name(&path);
        // The entry itself, links not followed.
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            match std::fs::metadata(&path) {
                Ok(m) if m.is_file() && is_readable_kind(&path) && !name.starts_with('.') && !name.starts_with("~$") => {
                    inputs.files.push(path);
                }
                Ok(m) if m.is_dir() => inputs.notes.push(jiko_core::say!(
                    lang,
                    "{p}: a link to a folder, not followed",
                    "{p}: フォルダへのリンクはたどりません",
                    p = path.display()
                )),
                Ok(m) if !m.is_file() && is_readable_kind(&path) => inputs.notes.push(jiko_core::say!(
                    lang,
                    "{p}: a link to something that is not a regular file, skipped",
                    "{p}: 通常のファイルでないものへのリンクのため読み飛ばしました",
                    p = path.display()
                )),
                Err(_) if is_readable_kind(&path) => {
                    inputs.notes.push(jiko_core::say!(lang, "{p}: a broken link, skipped", "{p}: 切れたリンクのため読み飛ばしました", p = path.display()))
                }
                _ => {}
            }
        } else if kind.is_dir() {
            if name.starts_with('.') {
                continue;
            }
            walk(lang, &path, inputs)?;
        } else if !is_readable_kind(&path) {
            continue;
        } else if name.starts_with("~$") {
            inputs.notes.push(jiko_core::say!(lang, "{p}: an Excel lock file, skipped", "{p}: Excel のロックファイルのため読み飛ばしました", p = path.display()));
        } else if name.starts_with('.') {
            inputs.notes.push(jiko_core::say!(lang, "{p}: a hidden file, skipped", "{p}: 隠しファイルのため読み飛ばしました", p = path.display()));
        } else if !kind.is_file() {
            inputs.notes.push(jiko_core::say!(
                lang,
                "{p}: not a regular file (FIFO, device or socket), skipped",
                "{p}: 通常のファイルでない（FIFO、デバイス、ソケット）ため読み飛ばしました",
                p = path.display()
            ));
        } else {
            inputs.files.push(path);
        }
    }
    Ok(())
}
