//! Lines from several threads into one file in key order, written once:
//! each thread's lines come in increasing keys, and a line is written as
//! soon as no thread can still send an earlier one (every thread has
//! passed its key). No spool, no second copy; what waits in memory is
//! what the slowest thread is behind by, a few blocks.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::{Arc, Mutex};

use sha2::Digest;

/// A thread's lane: its lines handed over and how far it has read.
#[derive(Default)]
struct Lane {
    chunks: VecDeque<Chunk>,
    /// No key below this one will still come from this thread.
    passed: u64,
}

/// Lines with their keys, in one buffer.
#[derive(Default)]
pub(crate) struct Chunk {
    keys: Vec<u64>,
    /// Where each line ends in `bytes`.
    ends: Vec<usize>,
    bytes: Vec<u8>,
    /// Lines of the chunk already written.
    taken: usize,
}

impl Chunk {
    fn start(&self, i: usize) -> usize {
        if i == 0 {
            0
        } else {
            self.ends[i - 1]
        }
    }
}

struct Writer {
    out: std::io::BufWriter<std::fs::File>,
    hash: sha2::Sha256,
    error: Option<std::io::Error>,
    /// Bytes handed to `out`, and how many of them the disk was asked to
    /// take already (`start_writeback`).
    written: u64,
    started: u64,
}

/// Ask the disk to take the list's bytes as they are written, a few MiB
/// at a time, so that the sync at the end does not wait for 1.5 GB at
/// once (Linux's sync_file_range; elsewhere the sync does it all).
const WRITEBACK_STEP: u64 = 8 << 20;

impl Writer {
    fn start_writeback(&mut self) {
        let in_file = self.written - self.out.buffer().len() as u64;
        if in_file < self.started + WRITEBACK_STEP {
            return;
        }
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            // Only a hint: an error here leaves the bytes to the final sync.
            // SAFETY: a plain system call on a file descriptor we own.
            unsafe {
                libc::sync_file_range(self.out.get_ref().as_raw_fd(), self.started as i64, (in_file - self.started) as i64, libc::SYNC_FILE_RANGE_WRITE);
            }
        }
        self.started = in_file;
    }
}

/// The shared writer: lanes under one lock, the file under another (a
/// thread that finds the file busy leaves its lines to the one writing).
pub(crate) struct Ordered {
    lanes: Mutex<Vec<Lane>>,
    writer: Mutex<Writer>,
    /// Chunks written, emptied, for the threads' next ones: the same few
    /// buffers go round instead of a fresh 64 KiB (and its page faults)
    /// per chunk.
    spare: Mutex<Vec<Chunk>>,
}

/// Chunks kept for reuse, at most (a few per thread is all that circulates).
const SPARE_CHUNKS: usize = 64;

/// A thread's handle: it gathers lines and hands them over in chunks.
pub(crate) struct Sender {
    shared: Arc<Ordered>,
    lane: usize,
    chunk: Chunk,
    rows_since: usize,
}

/// Bytes, or rows seen, after which a thread hands its lines over.
const HAND_OVER_BYTES: usize = 1 << 16;
const HAND_OVER_ROWS: usize = 4096;

impl Ordered {
    /// A writer to `file` (after `head`, written first) for `lanes` threads.
    pub fn new(file: std::fs::File, head: &[u8], lanes: usize) -> (Arc<Ordered>, Vec<Sender>) {
        let mut hash = sha2::Sha256::new();
        hash.update(head);
        // Smaller than a chunk: a whole chunk goes to the file as it is,
        // not through the buffer (one copy fewer of the list).
        let mut out = std::io::BufWriter::with_capacity(HAND_OVER_BYTES / 2, file);
        let error = out.write_all(head).err();
        let shared = Arc::new(Ordered {
            lanes: Mutex::new((0..lanes).map(|_| Lane::default()).collect()),
            writer: Mutex::new(Writer { out, hash, error, written: head.len() as u64, started: 0 }),
            spare: Mutex::new(Vec::new()),
        });
        let senders = (0..lanes).map(|lane| Sender { shared: shared.clone(), lane, chunk: Chunk::default(), rows_since: 0 }).collect();
        (shared, senders)
    }

    fn hand_over(&self, lane: usize, chunk: Chunk, passed: u64) {
        {
            let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
            let l = &mut lanes[lane];
            l.passed = l.passed.max(passed);
            if !chunk.keys.is_empty() {
                l.chunks.push_back(chunk);
            }
        }
        if let Ok(mut w) = self.writer.try_lock() {
            self.drain(&mut w);
        }
    }

    /// Write every line no lane can precede any more. Whole chunks are
    /// taken out and written as they are; only a chunk cut by another
    /// lane's lines is copied, in part.
    fn drain(&self, w: &mut Writer) {
        loop {
            let mut pieces: Vec<Vec<u8>> = Vec::new();
            let mut emptied: Vec<Chunk> = Vec::new();
            {
                let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
                let safe = lanes.iter().map(|l| l.passed).min().unwrap_or(u64::MAX);
                let mut bytes = 0;
                while bytes < (4 << 20) {
                    let heads = |lanes: &Vec<Lane>, skip: Option<usize>| {
                        lanes.iter().enumerate().filter(|(j, _)| Some(*j) != skip).filter_map(|(j, l)| l.chunks.front().map(|c| (c.keys[c.taken], j))).min()
                    };
                    // The lane whose next line has the least key.
                    let Some((k, i)) = heads(&lanes, None) else { break };
                    if k >= safe {
                        break;
                    }
                    let bound = heads(&lanes, Some(i)).map_or(u64::MAX, |(k, _)| k).min(safe);
                    let lane = &mut lanes[i];
                    let c = lane.chunks.front_mut().expect("found above");
                    // A run of this lane's lines before any other lane's.
                    let from = c.taken;
                    // (At least one line: keys are unique, but a tie must not stall.)
                    let end = (from + c.keys[from..].partition_point(|k| *k < bound)).max(from + 1);
                    if from == 0 && end == c.keys.len() {
                        let mut whole = lane.chunks.pop_front().expect("found above");
                        bytes += whole.bytes.len();
                        pieces.push(std::mem::take(&mut whole.bytes));
                        emptied.push(whole);
                        continue;
                    }
                    c.taken = end;
                    let part = c.bytes[c.start(from)..c.start(end)].to_vec();
                    bytes += part.len();
                    pieces.push(part);
                    if c.taken == c.keys.len() {
                        emptied.extend(lane.chunks.pop_front());
                    }
                }
            }
            if pieces.is_empty() {
                return;
            }
            for p in &pieces {
                if w.error.is_none() {
                    w.hash.update(p);
                    w.error = w.out.write_all(p).err();
                    w.written += p.len() as u64;
                }
            }
            w.start_writeback();
            self.keep(emptied, pieces);
        }
    }

    /// Emptied chunks and written buffers, back for reuse.
    fn keep(&self, chunks: Vec<Chunk>, mut buffers: Vec<Vec<u8>>) {
        let mut spare = self.spare.lock().unwrap_or_else(|e| e.into_inner());
        for mut c in chunks {
            if spare.len() >= SPARE_CHUNKS {
                break;
            }
            c.keys.clear();
            c.ends.clear();
            c.taken = 0;
            // A whole chunk's own buffer went to the file; take one written.
            c.bytes = buffers.pop().unwrap_or(c.bytes);
            c.bytes.clear();
            spare.push(c);
        }
    }

    /// A chunk for a thread's next lines: one kept, else a new one.
    fn fresh(&self) -> Chunk {
        let kept = self.spare.lock().unwrap_or_else(|e| e.into_inner()).pop();
        kept.unwrap_or_else(|| {
            let mut c = Chunk::default();
            c.bytes.reserve(HAND_OVER_BYTES + 4096);
            c.keys.reserve(HAND_OVER_ROWS);
            c.ends.reserve(HAND_OVER_ROWS);
            c
        })
    }

    /// Once every sender is finished: the last lines, flushed and synced;
    /// the file's SHA-256.
    pub fn finish(self: Arc<Ordered>) -> std::io::Result<String> {
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        self.drain(&mut w);
        if let Some(e) = w.error.take() {
            return Err(e);
        }
        let left = self.lanes.lock().unwrap_or_else(|e| e.into_inner()).iter().any(|l| !l.chunks.is_empty());
        if left {
            return Err(std::io::Error::other("a list line was left unwritten"));
        }
        w.out.flush()?;
        w.out.get_ref().sync_all()?;
        Ok(std::mem::take(&mut w.hash).finalize().iter().map(|b| format!("{b:02x}")).collect())
    }
}

impl Sender {
    /// A row is read at `key`: no key below it will come from this thread.
    #[inline]
    pub fn passed(&mut self, key: u64) {
        self.rows_since += 1;
        if self.rows_since >= HAND_OVER_ROWS {
            self.hand_over(key);
        }
    }

    /// A line at `key` (at least every key passed so far), written by `put`.
    #[inline]
    pub fn line(&mut self, key: u64, put: impl FnOnce(&mut Vec<u8>)) {
        put(&mut self.chunk.bytes);
        self.chunk.keys.push(key);
        self.chunk.ends.push(self.chunk.bytes.len());
        if self.chunk.bytes.len() >= HAND_OVER_BYTES {
            self.hand_over(key + 1);
        }
    }

    fn hand_over(&mut self, passed: u64) {
        self.rows_since = 0;
        let next = self.shared.fresh();
        let chunk = std::mem::replace(&mut self.chunk, next);
        self.shared.hand_over(self.lane, chunk, passed);
    }
}

impl Drop for Sender {
    /// A finished thread holds nothing back.
    fn drop(&mut self) {
        self.hand_over(u64::MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_several_threads_come_out_in_key_order() {
        let dir = std::env::temp_dir().join(format!("jiko-ordered-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("out");
        let (shared, senders) = Ordered::new(std::fs::File::create(&path).unwrap(), b"head\n", 3);
        // Keys dealt to threads in blocks of varying size, as the reader
        // deals blocks: each thread's keys increase.
        std::thread::scope(|s| {
            for (t, mut tx) in senders.into_iter().enumerate() {
                s.spawn(move || {
                    let mut key = 0u64;
                    for block in 0..3000u64 {
                        let len = 1 + (block * 7) % 13;
                        if block % 3 == t as u64 {
                            for k in key..key + len {
                                tx.passed(k);
                                if k % 5 != 0 {
                                    tx.line(k, |b| b.extend_from_slice(format!("{k}\n").as_bytes()));
                                }
                            }
                        }
                        key += len;
                    }
                });
            }
        });
        let hash = shared.finish().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let keys: Vec<u64> = text.lines().skip(1).map(|l| l.parse().unwrap()).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "out of order");
        assert_eq!(keys.len(), keys.iter().filter(|k| *k % 5 != 0).count());
        assert!(text.starts_with("head\n"));
        assert_eq!(hash, crate::output::sha256_hex(text.as_bytes()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
