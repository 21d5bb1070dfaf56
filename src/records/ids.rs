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
    /// The hashes, in runs each sorted (one per worker and file).
    runs: Vec<Vec<u64>>,
    collisions: HashSet<u64>,
}

/// Runs compared pair by pair (no copy); more are put together and sorted.
const WALKED_RUNS: usize = 8;

/// The hash an id is checked by (after NFKC), the same in both looks at
/// the files.
#[inline]
pub fn id_key_hash(id: &str) -> u64 {
    fixed_hash(nfkc(id).as_bytes())
}

/// Foldhash with a fixed seed: the same in every run and on every thread
/// (ids, and the slots of small lookup tables).
#[inline]
pub fn fixed_hash(v: &[u8]) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::fast::FixedState::with_seed(0x6a69_6b6f).hash_one(v)
}

impl IdSet {
    /// Add one file's hashes as its threads found them, each list in any
    /// order. They are sorted here, all lists at once, after evening out
    /// their lengths (the reading thread checks fewer blocks than a
    /// worker, and a thread with more to sort would finish alone).
    pub fn add(&mut self, mut lists: Vec<Vec<u64>>) -> Result<()> {
        let total: usize = lists.iter().map(Vec::len).sum();
        let each = total.div_ceil(lists.len().max(1));
        let mut extra: Vec<u64> = Vec::new();
        for list in lists.iter_mut().filter(|l| l.len() > each) {
            extra.extend(list.drain(each..));
        }
        for list in lists.iter_mut() {
            let room = each.saturating_sub(list.len()).min(extra.len());
            list.extend(extra.drain(extra.len() - room..));
        }
        // Joined one by one: a scope alone does not wait for a thread's
        // exit past its closure (the fuzz target's leak check saw one still
        // going).
        std::thread::scope(|scope| {
            let sorting: Vec<_> = lists.iter_mut().map(|l| scope.spawn(|| l.sort_unstable())).collect();
            sorting.into_iter().try_for_each(|t| t.join().map_err(|_| anyhow::anyhow!("sorting the id hashes panicked")))
        })?;
        self.runs.extend(lists);
        Ok(())
    }

    /// Keep the hashes seen more than once (sorted runs are cheaper than a
    /// hash set at this size); true when there are any.
    pub fn find_collisions(&mut self) -> bool {
        let mut runs = std::mem::take(&mut self.runs);
        if runs.len() > WALKED_RUNS {
            let mut all: Vec<u64> = runs.concat();
            all.sort_unstable();
            runs = vec![all];
        }
        for (k, run) in runs.iter().enumerate() {
            // Twice in one run: side by side once sorted.
            self.collisions.extend(run.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]));
            // In two runs: walk both, the smaller head moving on (without a
            // branch to mispredict; a hash met in both is rare).
            for other in &runs[k + 1..] {
                let (mut i, mut j) = (0, 0);
                while let (Some(&a), Some(&b)) = (run.get(i), other.get(j)) {
                    if a == b {
                        self.collisions.insert(a);
                    }
                    i += usize::from(a <= b);
                    j += usize::from(b <= a);
                }
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
                if id.is_empty() || !self.collisions.contains(&fixed_hash(id.as_bytes())) {
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

#[cfg(test)]
mod tests {
    use super::IdSet;

    #[test]
    fn hashes_met_twice_are_found_across_runs() {
        for runs in [1, 2, 3, super::WALKED_RUNS + 3] {
            let mut ids = IdSet::default();
            for r in 0..runs as u64 {
                // Each run holds its own hashes and, in the last, one of the first's.
                let mut run: Vec<u64> = (0..50).map(|i| i * 1000 + r).collect();
                if r + 1 == runs as u64 && runs > 1 {
                    run.push(7000);
                }
                ids.add(vec![run]).unwrap();
            }
            assert_eq!(ids.find_collisions(), runs > 1, "{runs} runs");
            assert_eq!(ids.collisions.iter().copied().collect::<Vec<_>>(), if runs > 1 { vec![7000] } else { vec![] });
        }
        let mut ids = IdSet::default();
        ids.add(vec![vec![5, 3, 5]]).unwrap();
        assert!(ids.find_collisions());
    }
}
