//! Compresses the shipped reconstruction (data/incidents/*.csv) into the
//! build's output folder, for the reader to carry (src/builtin.rs): an
//! installed jiko reads it without the checkout.

use std::io::Write;
use std::path::Path;

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    println!("cargo:rerun-if-changed=../../data/incidents");
    let mut names: Vec<String> = std::fs::read_dir("../../data/incidents")
        .expect("../../data/incidents")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    let mut list = String::from("&[\n");
    for n in &names {
        let path = Path::new("../../data/incidents").join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).expect("a shipped file");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).expect("in memory");
        let packed = gz.finish().expect("in memory");
        let file = Path::new(&out).join(format!("{n}.gz"));
        std::fs::write(&file, packed).expect("OUT_DIR is writable");
        list += &format!("    (\"data/incidents/{n}\", include_bytes!({:?})),\n", file.display().to_string());
    }
    list += "]\n";
    std::fs::write(Path::new(&out).join("builtin_incidents.rs"), list).expect("OUT_DIR is writable");

}
