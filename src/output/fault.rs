//! Fault injection for the tests of all-or-nothing output (tests/trust.rs),
//! compiled only with the `fault-injection` feature, which only the tests
//! build (a binary of its own, `target/fault`): `JIKO_FAULT_KILL_AT=N`
//! kills the process (SIGKILL, as `kill -9`) at the N-th point of a commit;
//! `JIKO_FAULT_WRITE_LIMIT=BYTES` makes staged writes fail as a full disk
//! does once that many bytes are written. The product binary has neither:
//! its points are empty.

#[cfg(not(feature = "fault-injection"))]
mod off {
    /// A point of the commit where a crash must leave old-or-new.
    #[inline(always)]
    pub fn point() {}

    /// Account for bytes about to be written.
    #[inline(always)]
    pub fn write(_bytes: usize) -> std::io::Result<()> {
        Ok(())
    }
}
#[cfg(not(feature = "fault-injection"))]
pub use off::{point, write};

#[cfg(feature = "fault-injection")]
pub use on::{point, write};

#[cfg(feature = "fault-injection")]
mod on {
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

static POINTS: AtomicU64 = AtomicU64::new(0);
static WRITTEN: AtomicU64 = AtomicU64::new(0);

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok()?.parse().ok()
}

fn kill_at() -> Option<u64> {
    static K: OnceLock<Option<u64>> = OnceLock::new();
    *K.get_or_init(|| env_number("JIKO_FAULT_KILL_AT"))
}

fn write_limit() -> Option<u64> {
    static W: OnceLock<Option<u64>> = OnceLock::new();
    *W.get_or_init(|| env_number("JIKO_FAULT_WRITE_LIMIT"))
}

/// A point of the commit where a crash must leave old-or-new.
pub fn point() {
    let n = POINTS.fetch_add(1, Ordering::Relaxed) + 1;
    if kill_at() == Some(n) {
        #[cfg(unix)]
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
        std::process::abort();
    }
}

/// Account for bytes about to be written; an error once over the limit.
pub fn write(bytes: usize) -> std::io::Result<()> {
    let total = WRITTEN.fetch_add(bytes as u64, Ordering::Relaxed) + bytes as u64;
    match write_limit() {
        Some(limit) if total > limit => Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "No space left on device (injected)")),
        _ => Ok(()),
    }
}
}
