//! Issue 22: the house stays without circles, and the product knows no
//! path of the checkout at run time.


use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::root;

/// Each top-level module of a crate's `src/` and the top-level modules it names
/// (`crate::x`, `use crate::{x, …}`, `super::super::x` from one level
/// down), test code and comments left out: the script
/// shared/hooks/module-cycles.py reads the same way.
fn imports(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let src = src.to_path_buf();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel: Vec<String> = p.strip_prefix(&src).unwrap().with_extension("").iter().map(|c| c.to_string_lossy().into_owned()).collect();
            let rel: Vec<String> = if rel.last().is_some_and(|l| l == "mod") { rel[..rel.len() - 1].to_vec() } else { rel };
            if rel.len() == 1 && (rel[0] == "lib" || rel[0] == "main") || rel.is_empty() {
                continue;
            }
            let me = rel[0].clone();
            let text = std::fs::read_to_string(&p).unwrap();
            let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
            let code: String = text.lines().map(|l| l.split("//").next().unwrap()).collect::<Vec<_>>().join("\n");
            let mut names = BTreeSet::new();
            let mut rest = code.as_str();
            while let Some(k) = rest.find("crate::") {
                rest = &rest[k + "crate::".len()..];
                if let Some(group) = rest.strip_prefix('{') {
                    let end = group.find('}').unwrap_or(group.len());
                    for n in group[..end].split(',') {
                        names.insert(n.trim().split("::").next().unwrap().to_string());
                    }
                } else {
                    let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
                    // `crate::say!` is a macro of the crate root, no module.
                    if !rest[name.len()..].starts_with('!') {
                        names.insert(name);
                    }
                }
            }
            if rel.len() == 2 {
                let mut r = code.as_str();
                while let Some(k) = r.find("super::super::") {
                    r = &r[k + "super::super::".len()..];
                    names.insert(r.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect());
                }
            }
            let entry = graph.entry(me.clone()).or_default();
            for n in names {
                if !n.is_empty() && n != me && n != "self" && n.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                    entry.insert(n);
                }
            }
        }
    }
    graph
}

/// Strongly connected components of more than one module (Tarjan).
fn cycles(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        t.on.insert(v);
        if let Some(ws) = t.g.get(v) {
            for w in ws {
                let w = w.as_str();
                if !t.index.contains_key(w) {
                    visit(t, w);
                    let lw = t.low[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(lw));
                } else if t.on.contains(w) {
                    let iw = t.index[w];
                    let lv = t.low[v];
                    t.low.insert(v, lv.min(iw));
                }
            }
        }
        if t.low[v] == t.index[v] {
            let mut comp = Vec::new();
            while let Some(w) = t.stack.pop() {
                t.on.remove(w);
                comp.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if comp.len() > 1 {
                comp.sort();
                t.out.push(comp);
            }
        }
    }
    let mut t = T { g, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on: BTreeSet::new(), out: Vec::new() };
    let nodes: BTreeSet<&str> = g.keys().map(String::as_str).chain(g.values().flatten().map(String::as_str)).collect();
    for v in nodes {
        if !t.index.contains_key(v) {
            visit(&mut t, v);
        }
    }
    t.out
}

/// The crates, from the ground up; each may use only those before it
/// (Cargo refuses a loop between crates; this keeps their order).
const CRATES: &[(&str, &str)] = &[("jiko-core", "crates/jiko-core"), ("jiko-records", "crates/jiko-records"), ("jiko", ".")];

#[test]
fn no_module_imports_one_that_imports_it_back() {
    let mut modules = 0;
    for (name, dir) in CRATES {
        let g = imports(&root().join(dir).join("src"));
        modules += g.len();
        let found = cycles(&g);
        assert!(found.is_empty(), "{name}: import cycles: {found:?}\n(README, Layout: arrows point down)");
        // The check itself finds a loop when there is one.
        if let Some(first) = g.keys().next().cloned() {
            let mut looped = g.clone();
            let other = g.keys().last().cloned().unwrap();
            looped.entry(first.clone()).or_default().insert(other.clone());
            looped.entry(other).or_default().insert(first);
            assert!(!cycles(&looped).is_empty(), "{name}: a planted loop is not found");
        }
        if *name == "jiko-core" {
            // The ground imports nothing above it: minutes and numbers
            // nothing at all, the language nothing, the rules only these.
            for ground in ["calendar", "numbers", "lang"] {
                let up: Vec<&String> = g.get(ground).map(|s| s.iter().filter(|n| n.as_str() != "lang").collect()).unwrap_or_default();
                assert!(up.is_empty(), "{ground} imports {up:?}");
            }
        }
    }
    assert!(modules >= 25, "{modules} modules read: the walk missed a crate");
    // Each crate depends only on the crates below it.
    for (i, (name, dir)) in CRATES.iter().enumerate() {
        let manifest = std::fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
        let deps = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
        for (j, (other, _)) in CRATES.iter().enumerate() {
            let uses = deps.lines().any(|l| l.trim_start().starts_with(&format!("{other} ")) || l.trim_start().starts_with(&format!("{other}=")));
            assert!(!uses || j < i, "{name} depends on {other}, which is not below it");
        }
    }
}

#[test]
fn the_product_resolves_no_path_into_the_checkout_at_run_time() {
    // CARGO_MANIFEST_DIR only where files are built in at compile time.
    for (p, text) in product_sources() {
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap();
        for (i, l) in code.lines().enumerate() {
            let runtime = l.contains("CARGO_MANIFEST_DIR") && !l.contains("include_bytes!") && !l.contains("include_str!");
            assert!(!runtime, "{}:{}: {}", p.strip_prefix(root()).unwrap().display(), i + 1, l.trim());
            assert!(!l.contains("project_dir("), "{}:{}: {}", p.display(), i + 1, l.trim());
        }
    }
    assert!(!Path::new(&root().join("src/generate.rs")).exists(), "generate is a maintainer tool (tools/)");
}

/// A copy of the binary run from an empty folder: the shipped records come
/// from inside it, outputs land under that folder, and they are the
/// committed reference outputs byte for byte.
#[test]
fn a_copy_of_the_binary_works_from_an_empty_folder() {
    let dir = crate::common::tmp("installed");
    let bin = dir.join("bin/jiko");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_jiko"), &bin).unwrap();
    let work = dir.join("work");
    std::fs::create_dir_all(&work).unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(&bin).args(args).current_dir(&work).env_remove("CARGO_MANIFEST_DIR").env("HOME", &dir).output().unwrap()
    };
    let o = run(&["aggregate", "--year", "2020"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for f in ["figures.csv", "report.md", "tables.md", "report.xlsx", "charts/matrix.png"] {
        let made = std::fs::read(work.join("output/fy2020").join(f)).unwrap();
        let shipped = std::fs::read(root().join("output/fy2020").join(f)).unwrap();
        assert!(made == shipped, "{f} differs from the committed output");
    }
    let report = std::fs::read_to_string(work.join("output/fy2020/report.md")).unwrap();
    assert!(report.contains("data/incidents/fy2020.csv") && !report.contains(root().to_str().unwrap()), "the input is named as shipped");
    let o = run(&["validate"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["trend", "--no-charts"]);
    assert!(o.status.success() && work.join("output/trend").is_dir(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&["explain", "--year", "2020", "summary,major,accidents"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Every source file of the product, with its text.
fn product_sources() -> Vec<(std::path::PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack: Vec<_> = CRATES.iter().map(|(_, dir)| root().join(dir).join("src")).collect();
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p, text));
            }
        }
    }
    out
}

/// No process-wide rule book, vocabulary (codes, labels, aliases, bins) or
/// language: a `static` holding one comes back only as the built-in book
/// (compiled-in data) with its per-row view and vocabulary.
#[test]
fn the_rule_book_and_the_language_are_passed_not_global() {
    for (p, text) in product_sources() {
        for (i, l) in text.lines().enumerate() {
            let l = l.trim_start();
            if !(l.starts_with("static ") || l.starts_with("pub static ") || l.starts_with("pub(crate) static ")) {
                continue;
            }
            let words: Vec<&str> = l.split(|c: char| !c.is_alphanumeric() && c != '_').collect();
            let built_in = ["static BUILTIN_BOOK", "static BUILTIN_PER_ROW", "static BUILTIN_VOCAB"].iter().any(|s| l.starts_with(s));
            let global = words.iter().any(|w| ["Lang", "Rules", "RuleBook", "PerRow", "Vocabulary", "Vocabularies", "Bin", "Service", "Coded", "Group"].contains(w)) && !built_in;
            assert!(!global, "{}:{}: {}", p.strip_prefix(root()).unwrap().display(), i + 1, l);
        }
    }
}
