//! Incident ids must be unique across all inputs. Ids are kept as 64-bit
//! hashes, so ten million stay small (8 bytes each); a repeated hash is
//! confirmed by a second look at the files, so a collision costs time,
//! never a wrong answer. Ids are compared after NFKC (`Ａ１` is `A1`).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use anyhow::Result;

use super::header::{col, COLUMNS};
use super::normalize::nfkc;
use super::{open, place, ReadOptions, RowError};

#[derive(Default)]
pub struct IdSet {
    pub hashes: Vec<u64>,
    collisions: HashSet<u64>,
}

/// The hash an id is checked by (after NFKC): foldhash with a fixed seed,
/// the same in both looks at the files.
pub fn id_key_hash(id: &str) -> u64 {
    id_hash(&nfkc(id))
}

fn id_hash(id: &str) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::fast::FixedState::with_seed(0x6a69_6b6f).hash_one(id.as_bytes())
}

impl IdSet {
    /// Sort the hashes (cheaper than a hash set at this size) and keep
    /// those seen more than once; true when there are any. The workers
    /// hand them in sorted runs, which a stable sort merges in one pass.
    pub fn find_collisions(&mut self) -> bool {
        self.hashes.sort();
        for w in self.hashes.windows(2) {
            if w[0] == w[1] {
                self.collisions.insert(w[0]);
            }
        }
        !self.collisions.is_empty()
    }

    /// The real duplicates among the colliding hashes, each naming both places.
    pub fn resolve(&self, files: &[PathBuf], opts: &ReadOptions) -> Result<Vec<RowError>> {
        let mut first: HashMap<String, String> = HashMap::new();
        let mut errors = Vec::new();
        for path in files {
            let opened = open::open(path, &ReadOptions { progress: None, ..opts.clone() })?;
            let Some(column) = (opened.layout.has(col::ID)).then(|| opened.layout.at[col::ID]) else { continue };
            let name = opened.name.clone();
            let sheet = opened.sheet.clone();
            let column_name = opened.layout.name(col::ID).to_string();
            opened.each_record(|rec| {
                let raw = rec.get(column).unwrap_or("").trim();
                let id = nfkc(raw);
                if id.is_empty() || !self.collisions.contains(&id_hash(&id)) {
                    return;
                }
                let here = place(&name, sheet.as_deref(), rec.line);
                match first.get(id.as_ref()) {
                    Some(at) => errors.push(RowError {
                        file: name.clone(),
                        sheet: sheet.clone(),
                        line: rec.line,
                        column: column_name.clone(),
                        value: raw.to_string(),
                        message: crate::say!("duplicate {id}, first at {at}", "{id}が重複しています（最初は {at}）", id = COLUMNS[col::ID].name, at = at),
                        fatal: true,
                    }),
                    None => {
                        first.insert(id.into_owned(), here);
                    }
                }
            })?;
        }
        Ok(errors)
    }
}
