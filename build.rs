//! The shipped details (別紙) files into the build's output folder, for
//! the binary to carry (the reconstruction's records are the reader's,
//! crates/jiko-records/build.rs).

use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    // The shipped details (別紙) files, as text: data/details/fyYYYY.toml.
    println!("cargo:rerun-if-changed=data/details");
    let mut details: Vec<String> = std::fs::read_dir("data/details")
        .expect("data/details")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("fy") && n.ends_with(".toml"))
        .collect();
    details.sort();
    let mut list = String::from("&[\n");
    for n in &details {
        let year: i32 = n[2..n.len() - 5].parse().expect("data/details/fyYYYY.toml");
        let path = std::fs::canonicalize(Path::new("data/details").join(n)).expect("a shipped file");
        println!("cargo:rerun-if-changed={}", path.display());
        list += &format!("    ({year}, \"data/details/{n}\", include_str!({:?})),\n", path.display().to_string());
    }
    list += "]\n";
    std::fs::write(Path::new(&out).join("builtin_details.rs"), list).expect("OUT_DIR is writable");
}
