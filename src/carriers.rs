//! Carriers counted once however their name is spelled: by the key of
//! `records::normalize::carrier_key`, and by a user's `--carriers` file for
//! what no rule can know. Reports print each carrier's most frequent
//! spelling, and the merged spellings are listed in a note.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::records::normalize::carrier_key;

/// FNV-1a, then a 64-bit finaliser: a carrier's key as a number, the same
/// in every run (outputs list carriers in its order).
pub(crate) fn name_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// Spellings a user maps to one carrier (`--carriers FILE`: a CSV with the
/// columns `spelling,carrier`).
#[derive(Debug, Default, Clone)]
pub struct CarrierMap {
    /// key of a spelling → the carrier's name as the file writes it.
    to: HashMap<String, String>,
}

impl CarrierMap {
    /// `spelling,carrier` lines, UTF-8 or CP932 as record files may be;
    /// the header line is optional (`spelling,carrier` or `表記,事業者名`).
    /// A spelling mapped to two carriers is refused; a chain
    /// (`エーユー,au` then `au,KDDI`) is followed to its end, a loop refused.
    pub fn read(lang: crate::lang::Lang, path: &Path) -> Result<CarrierMap> {
        let bytes = std::fs::read(path).with_context(|| crate::lang::doing(lang, "reading", "読み込み", &path.display()))?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t.to_string(),
            Err(_) => {
                let (t, _, bad) = encoding_rs::SHIFT_JIS.decode(bytes);
                if bad {
                    bail!(crate::say!(lang, "{p}: neither UTF-8 nor CP932 text", "{p}: UTF-8 でも CP932 でもありません", p = path.display()));
                }
                t.into_owned()
            }
        };
        let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
        // key of a spelling → (the name it is mapped to, the line).
        let mut given: HashMap<String, (String, u64)> = HashMap::new();
        for (i, rec) in r.records().enumerate() {
            let rec = rec.with_context(|| crate::lang::doing(lang, "reading", "読み込み", &path.display()))?;
            let line = rec.position().map_or(0, |p| p.line());
            let (Some(spelling), Some(name)) = (rec.get(0).map(str::trim), rec.get(1).map(str::trim)) else {
                bail!(crate::say!(lang, "{p}:{line}: expected two fields, spelling and carrier", "{p}:{line}: 表記と事業者名の2項目が必要です", p = path.display(), line = line));
            };
            let is_header = |a: &str, b: &str| spelling.eq_ignore_ascii_case(a) && name.eq_ignore_ascii_case(b);
            if i == 0 && (is_header("spelling", "carrier") || is_header("表記", "事業者名")) {
                continue;
            }
            if spelling.is_empty() || name.is_empty() {
                bail!(crate::say!(lang, "{p}:{line}: spelling and carrier must both be given", "{p}:{line}: 表記と事業者名の両方が必要です", p = path.display(), line = line));
            }
            let key = carrier_key(spelling);
            if key == carrier_key(name) {
                continue;
            }
            if let Some((other, first)) = given.get(&key) {
                if carrier_key(other) != carrier_key(name) {
                    bail!(crate::say!(
                        lang,
                        "{p}:{line}: {s:?} is mapped to {a:?} on line {first} and to {b:?} here; one spelling, one carrier",
                        "{p}:{line}: {s:?} は{first}行目で {a:?}、この行で {b:?} に対応付けられています。1つの表記に1つの事業者です",
                        p = path.display(),
                        line = line,
                        s = spelling,
                        a = other,
                        first = first,
                        b = name
                    ));
                }
                continue;
            }
            given.insert(key, (name.to_string(), line));
        }
        // Each spelling to the end of its chain.
        let mut to = HashMap::new();
        for (key, (name, line)) in &given {
            let mut end = name.clone();
            let mut seen = vec![key.clone()];
            while let Some((next, _)) = given.get(&carrier_key(&end)) {
                if seen.contains(&carrier_key(&end)) {
                    bail!(crate::say!(lang, "{p}:{line}: the mappings from {n:?} come back to it; a chain must end at one carrier", "{p}:{line}: {n:?} からの対応付けが元に戻ります。最後は1つの事業者になるようにしてください", p = path.display(), line = line, n = name));
                }
                seen.push(carrier_key(&end));
                end = next.clone();
            }
            to.insert(carrier_key(&end), end.clone());
            to.insert(key.clone(), end);
        }
        Ok(CarrierMap { to })
    }

    /// The name a spelling stands for: the map's name, else the spelling.
    pub fn name<'a>(&'a self, raw: &'a str) -> &'a str {
        self.key(raw).1.unwrap_or(raw)
    }

    /// The carrier as the list's `carrier_key` writes it: the key of
    /// `name`, so spellings and mapped names are one.
    pub(crate) fn counted_key(&self, raw: &str) -> String {
        carrier_key(self.name(raw))
    }

    /// The hash carriers are counted by, and the name a map gives it.
    pub fn key(&self, raw: &str) -> (u64, Option<&str>) {
        let k = carrier_key(raw);
        match self.to.get(&k) {
            Some(name) => (name_hash(&carrier_key(name)), Some(name.as_str())),
            None => (name_hash(&k), None),
        }
    }
}

/// Each carrier's spellings with how often each was met.
#[derive(Debug, Default, Clone)]
pub struct CarrierNames {
    spellings: BTreeMap<u64, BTreeMap<String, u64>>,
    mapped: BTreeMap<u64, String>,
}

impl CarrierNames {
    pub fn add(&mut self, key: u64, spelling: &str, n: u64, mapped: Option<&str>) {
        *self.spellings.entry(key).or_default().entry(spelling.to_string()).or_default() += n;
        if let Some(m) = mapped {
            self.mapped.entry(key).or_insert_with(|| m.to_string());
        }
    }

    pub fn merge(&mut self, other: CarrierNames) {
        for (k, s) in other.spellings {
            let mine = self.spellings.entry(k).or_default();
            for (spelling, n) in s {
                *mine.entry(spelling).or_default() += n;
            }
        }
        for (k, m) in other.mapped {
            self.mapped.entry(k).or_insert(m);
        }
    }

    /// The name printed for a carrier: the mapped name, else its most
    /// frequent spelling (the first in text order on a tie).
    pub fn display(&self, key: u64) -> Option<&str> {
        if let Some(m) = self.mapped.get(&key) {
            return Some(m);
        }
        let s = self.spellings.get(&key)?;
        s.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(name, _)| name.as_str())
    }

    /// Every spelling met, with its carrier's key.
    pub fn spellings(&self) -> impl Iterator<Item = (u64, &str)> + '_ {
        self.spellings.iter().flat_map(|(k, s)| s.keys().map(move |x| (*k, x.as_str())))
    }

    /// Carriers met under more than one spelling: the printed name and
    /// every spelling merged into it.
    pub(crate) fn merged(&self) -> Vec<(String, Vec<String>)> {
        self.spellings
            .iter()
            .filter(|(k, s)| s.len() > 1 || self.mapped.get(k).is_some_and(|m| s.keys().any(|x| x != m)))
            .filter_map(|(k, s)| Some((self.display(*k)?.to_string(), s.keys().cloned().collect())))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map_of(name: &str, bytes: &[u8]) -> anyhow::Result<CarrierMap> {
        let dir = std::env::temp_dir().join(format!("jiko-carriers-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        CarrierMap::read(crate::lang::Lang::En, &p)
    }

    /// Issue 33: a file without a header keeps its first line; a header
    /// (English or Japanese) is no mapping.
    #[test]
    fn the_header_is_optional_and_never_a_mapping() {
        let m = map_of("noheader.csv", "エーユー,KDDI\nケーディーディーアイ,KDDI\n".as_bytes()).unwrap();
        assert_eq!(m.name("エーユー"), "KDDI");
        assert_eq!(m.name("ケーディーディーアイ"), "KDDI");
        let m = map_of("header.csv", "表記,事業者名\nエーユー,KDDI\n".as_bytes()).unwrap();
        assert_eq!(m.name("表記"), "表記");
        assert_eq!(m.name("エーユー"), "KDDI");
    }

    #[test]
    fn a_spelling_mapped_to_two_carriers_is_refused_naming_both_lines() {
        let e = map_of("twice.csv", "spelling,carrier\nau,KDDI\nx,y\nau,ソフトバンク\n".as_bytes()).unwrap_err().to_string();
        assert!(e.ends_with("twice.csv:4: \"au\" is mapped to \"KDDI\" on line 2 and to \"ソフトバンク\" here; one spelling, one carrier"), "{e}");
        // The same mapping twice is no conflict.
        assert!(map_of("same.csv", "spelling,carrier\nau,KDDI\nａｕ,KDDI\n".as_bytes()).is_ok());
    }

    #[test]
    fn chains_are_followed_to_their_end_and_loops_refused() {
        let m = map_of("chain.csv", "spelling,carrier\nエーユー,au\nau,KDDI\n".as_bytes()).unwrap();
        assert_eq!(m.name("エーユー"), "KDDI");
        assert_eq!(m.name("au"), "KDDI");
        assert_eq!(m.key("エーユー").0, m.key("KDDI").0);
        let e = map_of("loop.csv", "spelling,carrier\na,b\nb,a\n".as_bytes()).unwrap_err().to_string();
        assert!(e.contains("come back to it"), "{e}");
    }

    #[test]
    fn a_cp932_carriers_file_is_read_as_record_files_are() {
        let (bytes, _, bad) = encoding_rs::SHIFT_JIS.encode("表記,事業者名\nエヌ・ティ・ティ・コミュニケーションズ,NTTコミュニケーションズ株式会社\n");
        assert!(!bad);
        let m = map_of("cp932.csv", &bytes).unwrap();
        assert_eq!(m.name("エヌ・ティ・ティ・コミュニケーションズ"), "NTTコミュニケーションズ株式会社");
    }

    #[test]
    fn the_most_frequent_spelling_is_printed() {
        let map = CarrierMap::default();
        let mut names = CarrierNames::default();
        for (s, n) in [("KDDI株式会社", 3), ("ＫＤＤＩ株式会社", 1), ("KDDI㈱", 1)] {
            let (k, m) = map.key(s);
            names.add(k, s, n, m);
        }
        let (k, _) = map.key("KDDI株式会社");
        assert_eq!(names.display(k), Some("KDDI株式会社"));
        let merged = names.merged();
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].1.len(), 3);
    }
}
