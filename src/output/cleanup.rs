//! What a run leaves behind if it is interrupted: its spool files and its
//! staging folder are registered here while they exist, and on SIGINT,
//! SIGTERM or SIGHUP a thread that waits for those signals (blocked in
//! every other thread) removes them at once and ends the process as the
//! signal would (exit 128 + the signal). A SIGKILL cannot be caught: the
//! next run sweeps what a killed run left (`remove_stale_temp_files`).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static PATHS: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Make `path` (a file, or a folder) with `make` and have it removed if
/// the run is interrupted. Made under the lock the signal thread takes
/// and keeps until the process ends, so nothing is made between the
/// removal and the exit, nor made and not yet registered when it comes.
pub(crate) fn make<T>(path: &Path, make: impl FnOnce() -> std::io::Result<T>) -> std::io::Result<T> {
    let mut paths = PATHS.lock().unwrap_or_else(|e| e.into_inner());
    let made = make()?;
    paths.push(path.to_path_buf());
    Ok(made)
}

/// `path` is gone, or is the result now: no longer removed.
pub(crate) fn unregister(path: &Path) {
    PATHS.lock().unwrap_or_else(|e| e.into_inner()).retain(|p| p != path);
}

/// Remove every registered path; the lock is returned, to be held until
/// the process ends.
fn remove_all() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    let mut paths = PATHS.lock().unwrap_or_else(|e| e.into_inner());
    for p in paths.iter().rev() {
        match std::fs::symlink_metadata(p) {
            Ok(m) if m.is_dir() => {
                let _ = std::fs::remove_dir_all(p);
            }
            Ok(_) => {
                let _ = std::fs::remove_file(p);
            }
            Err(_) => {}
        }
    }
    paths.clear();
    paths
}

/// Block the signals in this thread (and so in every thread it starts)
/// and start the thread that handles them, saying so in `lang`. Called
/// in `main` before any other thread starts.
pub fn install(lang: crate::lang::Lang) {
    #[cfg(unix)]
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        for s in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaddset(&mut set, s);
        }
        if libc::pthread_sigmask(libc::SIG_BLOCK, &set, std::ptr::null_mut()) != 0 {
            return;
        }
        let _ = std::thread::Builder::new().name("signals".into()).spawn(move || {
            let mut sig: libc::c_int = 0;
            if libc::sigwait(&set, &mut sig) == 0 {
                let _held = remove_all();
                // A line of its own after any progress line.
                eprintln!("\n{}", crate::say!(lang, "interrupted: its temporary files and staging folder removed; an output folder keeps its last complete result", "中断しました。一時ファイルと作業用フォルダは削除しました（出力フォルダは前回の完全な結果のままです）"));
                std::process::exit(128 + sig);
            }
        });
    }
}
