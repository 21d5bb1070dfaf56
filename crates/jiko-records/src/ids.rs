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
pub(crate) struct IdSet {
    /// Every file's hashes, by bucket: each thread's part as it was (a
    /// copy into one list would be work for one thread while others wait).
    buckets: Vec<Vec<Vec<u64>>>,
    collisions: HashSet<u64>,
    /// Rejected rows with an id, by (file index, line): their problems.
    pub(crate) rejected: HashMap<(usize, u64), u64>,
}

/// A rejected row whose id one valid row has (fixed and fed back): the
/// valid row counts, this one is set aside as superseded, not an error.
#[derive(Debug, Clone)]
pub(crate) struct Superseded {
    pub file: usize,
    pub line: u64,
    pub end_line: u64,
    pub fields: Vec<String>,
    pub id: String,
    /// Where the valid row is.
    pub by: String,
}

/// One row met with a repeated id, while the files are looked at again.
struct Met {
    file: usize,
    name: String,
    sheet: Option<String>,
    line: u64,
    end_line: u64,
    column: String,
    raw: String,
    fields: Vec<String>,
    here: String,
    rejected: bool,
    /// The row it was fixed from, when it comes from a rejects file
    /// (`source_file`, `source_line`).
    source: Option<(String, u64)>,
}

/// Columns a rejects file puts before the input's own, naming the row a
/// line came from (`cmd::aggregate::REJECT_COLUMNS`).
const SOURCE_FILE: &str = "source_file";
const SOURCE_LINE: &str = "source_line";

/// Bits of a hash that pick its bucket.
const BUCKET_BITS: u32 = 6;

/// Id hashes by bucket (the hash's top bits), as a thread pushes them.
/// Each bucket is checked on its own, small enough for the cache, and the
/// threads split the buckets evenly; a hash met twice is met twice in its
/// bucket.
pub(crate) struct Hashes(Vec<Vec<u64>>);

impl Default for Hashes {
    fn default() -> Self {
        Hashes(vec![Vec::new(); 1 << BUCKET_BITS])
    }
}

impl Hashes {
    #[inline]
    pub fn push(&mut self, hash: u64) {
        self.0[(hash >> (64 - BUCKET_BITS)) as usize].push(hash);
    }
}

/// The hashes met more than once in a bucket (its threads' parts), into
/// `twice`: an open table by the hash's low bits (the hashes are
/// uniform), near the cache's size, where a sort would pass over the
/// bucket many times.
fn repeated(parts: &[Vec<u64>], table: &mut Vec<u64>, twice: &mut Vec<u64>) {
    let len: usize = parts.iter().map(Vec::len).sum();
    let size = (len + len / 2).next_power_of_two().max(16);
    table.clear();
    table.resize(size, 0);
    let mask = size - 1;
    // 0 marks an empty slot; a hash of 0 is counted aside.
    let mut zeros = 0;
    // The slot of a hash a few ahead is asked for while this one is
    // looked up: the table is larger than the nearest cache.
    const AHEAD: usize = 8;
    for part in parts {
        for (k, &h) in part.iter().enumerate() {
            if let Some(&next) = part.get(k + AHEAD) {
                prefetch(&table[next as usize & mask]);
            }
            if h == 0 {
                zeros += 1;
                if zeros == 2 {
                    twice.push(0);
                }
                continue;
            }
            let mut i = h as usize & mask;
            loop {
                match table[i] {
                    0 => {
                        table[i] = h;
                        break;
                    }
                    x if x == h => {
                        twice.push(h);
                        break;
                    }
                    _ => i = (i + 1) & mask,
                }
            }
        }
    }
}

/// Ask the cache for the line holding `slot`, without waiting for it.
#[inline(always)]
fn prefetch(slot: &u64) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing into the program and cannot fault;
    // SSE, which it needs, is part of every x86-64.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((slot as *const u64).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}

/// The hash an id is checked by (after NFKC), the same in both looks at
/// the files.
#[inline]
pub(crate) fn id_key_hash(id: &str) -> u64 {
    fixed_hash(nfkc(id).as_bytes())
}

/// Foldhash with a fixed seed: the same in every run and on every thread
/// (ids, and the slots of small lookup tables).
#[inline]
pub(crate) fn fixed_hash(v: &[u8]) -> u64 {
    use std::hash::BuildHasher as _;
    foldhash::fast::FixedState::with_seed(0x6a69_6b6f).hash_one(v)
}

impl IdSet {
    /// Add one file's hashes as its threads found them, in any order.
    pub fn add(&mut self, lists: Vec<Hashes>) {
        self.buckets.resize_with(1 << BUCKET_BITS, Vec::new);
        for list in lists {
            for (mine, theirs) in self.buckets.iter_mut().zip(list.0) {
                if !theirs.is_empty() {
                    mine.push(theirs);
                }
            }
        }
    }

    /// Keep the hashes seen more than once, the buckets split between
    /// threads. True when there are any.
    pub(crate) fn find_collisions(&mut self) -> Result<bool> {
        let mut buckets = std::mem::take(&mut self.buckets);
        if buckets.is_empty() {
            return Ok(!self.collisions.is_empty());
        }
        let per_thread = buckets.len().div_ceil(super::worker_count());
        // Joined one by one: a scope alone does not wait for a thread's
        // exit past its closure (the fuzz target's leak check saw one still
        // going).
        let found = std::thread::scope(|scope| {
            let checking: Vec<_> = buckets
                .chunks_mut(per_thread)
                .map(|part| {
                    scope.spawn(move || {
                        let (mut twice, mut table) = (Vec::new(), Vec::new());
                        for bucket in part {
                            repeated(bucket, &mut table, &mut twice);
                            *bucket = Vec::new();
                        }
                        twice
                    })
                })
                .collect();
            checking.into_iter().map(|t| t.join().map_err(|_| anyhow::anyhow!("checking the id hashes panicked"))).collect::<Result<Vec<_>>>()
        })?;
        self.collisions.extend(found.into_iter().flatten());
        Ok(!self.collisions.is_empty())
    }

    /// The real duplicates among the colliding hashes, each naming both
    /// places; and the rejected rows superseded by the one valid row of
    /// their id, fixed from them (fed back from rejects.csv). Two valid rows
    /// with one id stay an error, as do rejected rows with no valid row of
    /// their id or no fix naming them.
    pub(crate) fn resolve(&self, files: &[PathBuf], opts: &ReadOptions) -> Result<(Vec<RowError>, Vec<Superseded>)> {
        let lang = opts.lang;
        let mut met: HashMap<String, Vec<Met>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for (index, path) in files.iter().enumerate() {
            let opened = open::open(path, &ReadOptions { progress: None, ..opts.clone() })?;
            let Some(column) = (opened.layout.has(col::ID)).then(|| opened.layout.at[col::ID]) else { continue };
            let name = opened.name.clone();
            let sheet = opened.sheet.clone();
            let column_name = opened.layout.name(col::ID).to_string();
            let at = |name: &str| opened.layout.header.iter().position(|h| h.trim() == name);
            let source_at = at(SOURCE_FILE).zip(at(SOURCE_LINE));
            opened.each_record(|rec| {
                let raw = rec.get(column).unwrap_or("").trim();
                let id = nfkc(raw);
                if id.is_empty() || !self.collisions.contains(&fixed_hash(id.as_bytes())) {
                    return;
                }
                let rejected = self.rejected.contains_key(&(index, rec.line));
                let m = Met {
                    file: index,
                    name: name.clone(),
                    sheet: sheet.clone(),
                    line: rec.line,
                    end_line: rec.end_line,
                    column: column_name.clone(),
                    raw: raw.to_string(),
                    fields: if rejected { rec.iter().map(str::to_string).collect() } else { Vec::new() },
                    here: place(lang, &name, sheet.as_deref(), rec.line),
                    rejected,
                    // `12` or `12-14` (a record over several lines).
                    source: source_at.and_then(|(f, l)| {
                        let line = rec.get(l)?.trim().split('-').next()?.parse().ok()?;
                        Some((rec.get(f)?.trim().to_string(), line))
                    }),
                };
                let list = met.entry(id.into_owned()).or_insert_with_key(|k| {
                    order.push(k.clone());
                    Vec::new()
                });
                list.push(m);
            })?;
        }
        let (mut errors, mut superseded) = (Vec::new(), Vec::new());
        for id in order {
            let list = &met[&id];
            if list.len() < 2 {
                continue;
            }
            let valid: Vec<&Met> = list.iter().filter(|m| !m.rejected).collect();
            // A rejected row is superseded only by its own fix: a row of the
            // group (fed back from a rejects file) names it as its source.
            // Two reports that merely share an id stay a duplicate.
            let fixed = |m: &Met| list.iter().any(|o| o.source.as_ref().is_some_and(|(f, l)| *f == m.name && *l == m.line));
            if let ([one], true) = (valid.as_slice(), list.iter().filter(|m| m.rejected).all(fixed)) {
                for m in list.iter().filter(|m| m.rejected) {
                    superseded.push(Superseded { file: m.file, line: m.line, end_line: m.end_line, fields: m.fields.clone(), id: m.raw.clone(), by: one.here.clone() });
                }
                continue;
            }
            let at = &list[0].here;
            for m in &list[1..] {
                errors.push(RowError {
                    file: m.name.clone(),
                    sheet: m.sheet.clone(),
                    line: m.line,
                    column: m.column.clone(),
                    value: m.raw.clone(),
                    message: if lang.ja() { format!("重複しています（最初は {at}）") } else { format!("duplicate {}, first at {at}", COLUMNS[col::ID].name) },
                    fatal: true,
                });
            }
        }
        Ok((errors, superseded))
    }
}

#[cfg(test)]
mod tests {
    use super::{Hashes, IdSet};

    fn hashes(list: &[u64]) -> Hashes {
        let mut h = Hashes::default();
        list.iter().for_each(|&x| h.push(x));
        h
    }

    #[test]
    fn hashes_met_twice_are_found_across_threads_and_files() {
        // Spread over every bucket (the top byte varies) and a few in one.
        let spread = |r: u64| (0..600u64).map(move |i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ r).collect::<Vec<_>>();
        for threads in [1, 2, 3] {
            for files in [1, 2] {
                let mut ids = IdSet::default();
                let mut again = None;
                for f in 0..files {
                    let lists: Vec<Hashes> = (0..threads)
                        .map(|t| {
                            let mut list = spread((f * 8 + t) as u64 + 1);
                            // The last list of all repeats the first's third hash.
                            if t + 1 == threads && f + 1 == files && threads * files > 1 {
                                let first = spread(1)[3];
                                again = Some(first);
                                list.push(first);
                            }
                            hashes(&list)
                        })
                        .collect();
                    ids.add(lists);
                }
                assert_eq!(ids.find_collisions().unwrap(), again.is_some(), "{threads} threads, {files} files");
                assert_eq!(ids.collisions.iter().copied().collect::<Vec<_>>(), again.into_iter().collect::<Vec<_>>());
            }
        }
        // A hash of 0 (the table's empty mark), and hashes sharing their
        // low bits (one long probe, around the table's end).
        let same_low: Vec<u64> = (1..=40u64).map(|i| i << 40 | 63).collect();
        for (list, twice) in [(vec![5, 3, 5], vec![5]), (vec![0, 9, 0, 0], vec![0]), (vec![0, 9], vec![]), ([&same_low[..], &[7 << 40 | 63]].concat(), vec![7 << 40 | 63])] {
            let mut ids = IdSet::default();
            ids.add(vec![hashes(&list)]);
            assert_eq!(ids.find_collisions().unwrap(), !twice.is_empty(), "{list:?}");
            assert_eq!(ids.collisions.iter().copied().collect::<Vec<_>>(), twice, "{list:?}");
        }
    }
}
