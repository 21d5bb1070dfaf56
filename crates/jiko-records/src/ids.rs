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
}

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

    /// The real duplicates among the colliding hashes, each naming both places.
    pub(crate) fn resolve(&self, files: &[PathBuf], opts: &ReadOptions) -> Result<Vec<RowError>> {
    let lang = opts.lang;
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
                let here = place(lang, &name, sheet.as_deref(), rec.line);
                match first.get(id.as_ref()) {
                    Some(at) => errors.push(RowError {
                        file: name.clone(),
                        sheet: sheet.clone(),
                        line: rec.line,
                        column: column_name.clone(),
                        value: raw.to_string(),
                        message: jiko_core::say!(lang, "duplicate {id}, first at {at}", "{id}が重複しています（最初は {at}）", id = COLUMNS[col::ID].name, at = at),
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
