//! The manifest: the files a run wrote, so the next run knows which files
//! in the folder are jiko's to replace or remove, and which are the user's.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// First line of a manifest; what follows is `sha256  path` a file.
const HEAD: &str = "# jiko manifest: files written by jiko (do not edit)";

pub fn render<'a>(files: impl Iterator<Item = (&'a PathBuf, String)>) -> Vec<u8> {
    let mut out = format!("{HEAD}\n");
    for (path, sha) in files {
        out += &format!("{sha}  {}\n", portable(path));
    }
    out.into_bytes()
}

/// A relative path with `/` on every platform.
pub(crate) fn portable(path: &Path) -> String {
    path.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The files a manifest lists (relative paths).
pub fn read(lang: crate::lang::Lang, path: &Path) -> Result<Vec<PathBuf>> {
    let text = std::fs::read_to_string(path).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &path.display()))?;
    let mut lines = text.lines();
    if lines.next() != Some(HEAD) {
        bail!(crate::say!(lang, "{p}: not a jiko manifest", "{p}: jiko のマニフェストではありません", p = path.display()));
    }
    let mut files = Vec::new();
    for (i, line) in lines.enumerate() {
        let Some((_, rel)) = line.split_once("  ") else {
            bail!(crate::say!(lang, "{p}:{n}: not a manifest line", "{p}:{n}: マニフェストの行ではありません", p = path.display(), n = i + 2));
        };
        let rel = PathBuf::from(rel);
        // Only plain relative paths: a manifest cannot point outside.
        if rel.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
            bail!(crate::say!(
                lang,
                "{p}:{n}: {rel:?} is not a path inside the folder",
                "{p}:{n}: {rel:?} はフォルダ内のパスではありません",
                p = path.display(),
                n = i + 2,
                rel = rel
            ));
        }
        files.push(rel);
    }
    Ok(files)
}
