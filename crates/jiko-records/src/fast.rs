//! The common record checked in place: a plain line of valid UTF-8 (no
//! quotes) whose every value is written as the contract writes it (codes,
//! plain digits, canonical dates). Such a line becomes a `Row` without a
//! copy or an allocation. Anything else, valid or not, is left to the full
//! check (`check`), so what is accepted here is exactly what the full
//! check accepts, with the same values (a test compares the two).


use super::header::{col, Layout, NCOLS};
use super::normalize::trim;
use super::parse::MAX_FIELDS;
use super::values::{ascii_service_separator, plain_digits, Vocabularies, Vocabulary, MAX_MINUTES, MAX_USERS};
use super::Row;

/// Fields a record may have for this path (a wider file takes the full one).
const MAX_WIDTH: usize = 64;

/// A vocabulary's codes, for an exact match only (aliases and labels go
/// through the full check, which normalizes them), found by a hash chosen
/// so that no two codes share a slot: one look and one compare, whatever
/// the vocabulary's size.
struct Codes {
    /// The multiplier and the slots (a power of two), each the signature
    /// and index of its code (`NOTHING` when empty); `None` when no hash
    /// without collisions was found (codes compared in turn).
    table: Option<(u64, Vec<(Sig, usize)>)>,
    codes: Vec<&'static str>,
}

/// An empty slot's signature: no value is that long.
const NOTHING: Sig = Sig(0, 0, usize::MAX);

/// A value's first and last eight bytes and its length: equal signatures
/// are equal values up to 16 bytes; longer ones are compared in full.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Sig(u64, u64, usize);

#[inline]
fn sig(v: &[u8]) -> Sig {
    let n = v.len();
    if let (Some(a), Some(b)) = (v.first_chunk::<8>(), v.last_chunk::<8>()) {
        return Sig(u64::from_le_bytes(*a), u64::from_le_bytes(*b), n);
    }
    // Four to seven bytes: the first and last four cover them all.
    if let (Some(a), Some(b)) = (v.first_chunk::<4>(), v.last_chunk::<4>()) {
        let w = u64::from(u32::from_le_bytes(*a)) | u64::from(u32::from_le_bytes(*b)) << 32;
        return Sig(w, w, n);
    }
    let a = v.iter().rev().fold(0u64, |w, &b| w << 8 | u64::from(b));
    Sig(a, a, n)
}

/// A slot for a short value in a small table that confirms a hit by
/// comparing the value: the top `bits` bits of a hash of every byte (names
/// such as `架空通信001株式会社` and `架空通信002株式会社` differ only in
/// the middle).
#[inline]
pub fn quick_hash(v: &[u8], bits: u32) -> usize {
    (super::ids::fixed_hash(v) >> (64 - bits)) as usize
}

/// The slot of a signature in a table of `mask + 1` slots.
#[inline]
fn slot(s: Sig, seed: u64, mask: usize) -> usize {
    ((s.0 ^ s.1.rotate_left(29) ^ s.2 as u64).wrapping_mul(seed) >> 40) as usize & mask
}

impl Codes {
    fn of(voc: &Vocabulary) -> Codes {
        let codes: Vec<&'static str> = voc.codes.iter().map(|c| c.code).collect();
        let sigs: Vec<Sig> = codes.iter().map(|c| sig(c.as_bytes())).collect();
        // The fewest slots (at least four per code) that some multiplier
        // fills without a collision; multipliers odd and tried in a fixed
        // order: the same table every run. Small tables stay in cache.
        let table = (2..=12).find_map(|bits: u32| {
            let size = 1usize << bits;
            if size < 4 * codes.len() {
                return None;
            }
            (0..10_000u64).map(|i| 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(2 * i + 1) | 1).find_map(|seed| {
                let mut slots = vec![(NOTHING, 0); size];
                for (i, s) in sigs.iter().enumerate() {
                    let at = &mut slots[slot(*s, seed, size - 1)];
                    if at.0 != NOTHING {
                        return None;
                    }
                    *at = (*s, i);
                }
                Some((seed, slots))
            })
        });
        Codes { table, codes }
    }

    #[inline]
    fn find(&self, v: &[u8]) -> Option<usize> {
        let Some((seed, slots)) = &self.table else { return self.codes.iter().position(|c| c.as_bytes() == v) };
        let s = sig(v);
        let (code, i) = slots[slot(s, *seed, slots.len() - 1)];
        (code == s && (v.len() <= 16 || self.codes[i].as_bytes() == v)).then_some(i)
    }

    /// An optional code: empty is the first code.
    fn optional(&self, v: &[u8]) -> Option<usize> {
        if v.is_empty() {
            Some(0)
        } else {
            self.find(v)
        }
    }
}

/// One worker's scratch: where the fields of the line at hand start
/// (reused, not cleared), and the service mask of a cell as written (a few
/// combinations of services fill most cells), kept in a small table by the
/// cell's hash.
pub(crate) struct Memo {
    starts: [u16; ROOM],
    services: Vec<(Vec<u8>, u32)>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo { starts: [0; ROOM], services: Vec::new() }
    }
}

const MEMO_BITS: u32 = 6;

pub(crate) struct Fast {
    file: usize,
    delimiter: u8,
    width: usize,
    /// Per contract column: its field, or `width` (always empty) when the
    /// file has no such column.
    field: [usize; NCOLS],
    forms: Codes,
    services: Codes,
    causes: Codes,
    equipment: Codes,
    facilities: Codes,
    kinds: Codes,
    wholesale: Codes,
    /// Per equipment code: allowed on the simple form.
    simple_form: Vec<bool>,
}

impl Fast {
    /// The fast path for a CSV file's records, when its shape allows one.
    pub fn new(file: usize, layout: &Layout, rules: jiko_core::rules::Rules, v: &Vocabularies) -> Option<Fast> {
        let width = layout.header.len();
        if width > MAX_WIDTH || width >= MAX_FIELDS {
            return None;
        }
        let simple_form = (0..v.equipment.codes.len()).map(|i| rules.simple_form_allows(Some(i))).collect();
        Some(Fast {
            file,
            delimiter: layout.delimiter?,
            width,
            field: layout.at.map(|i| i.min(width)),
            forms: Codes::of(&v.forms),
            services: Codes::of(&v.services),
            causes: Codes::of(&v.causes),
            equipment: Codes::of(&v.equipment),
            facilities: Codes::of(&v.facilities),
            kinds: Codes::of(&v.kinds),
            wholesale: Codes::of(&v.wholesale),
            simple_form,
        })
    }

    /// The row of the line at `at` in a block of valid UTF-8 with no
    /// U+FFFD, handed to `sink`, and the bytes the line takes with its
    /// break; `None` when the full check must look at it (a quote, a lone
    /// CR, no line break, or a value not written as the contract writes it).
    /// `plain`: the block holds no quote and no CR at all.
    pub fn row<'r>(&self, memo: &mut Memo, block: &'r str, plain: bool, at: usize, line: u64, sink: impl FnOnce(&Row<'r>)) -> Option<usize> {
        let bytes = &block.as_bytes()[at..];
        let Memo { starts, services: cells } = memo;
        let mut found = Separators { starts, n: 0, most: self.width - 1 };
        let (end, taken) = match plain {
            // The line's end and its separators in one pass.
            true => {
                let end = found.up_to_line_end(bytes, self.delimiter)?;
                (end, end + 1)
            }
            false => {
                let lf = memchr::memchr(b'\n', bytes)?;
                let end = if lf > 0 && bytes[lf - 1] == b'\r' { lf - 1 } else { lf };
                found.in_line(bytes.get(..end.min(super::CELL_CHARS + 1))?, self.delimiter)?;
                (end, lf + 1)
            }
        };
        let n = found.n;
        if n + 1 != self.width || end > super::CELL_CHARS {
            return None;
        }
        // The line's end as a last separator, and past it an empty field
        // for the columns the file does not have. The line with its break
        // holds them (`end` < `taken`).
        starts[0] = 0;
        starts[n + 1] = end as u16 + 1;
        starts[n + 2] = end as u16 + 2;
        let f = Fields { text: &block[at..at + taken], starts, field: &self.field };
        let incident_id = Some(f.text(col::ID)).filter(|v| !v.is_empty())?;
        let carrier = Some(f.text(col::CARRIER)).filter(|v| !v.is_empty())?;
        let form = self.forms.find(f.raw(col::FORM))?;
        let started_at = crate::dates::parse_canonical(f.raw(col::STARTED))?;
        // A 復旧日時 takes the full check (it may stand in for the duration),
        // and so do the おそれ事態 columns.
        if !f.raw(col::ENDED).is_empty() || !f.raw(col::PROVIDER_MAJOR).is_empty() || super::header::NEAR_MISS_COLUMNS.iter().any(|&c| !f.raw(c).is_empty()) {
            return None;
        }
        let duration_min = plain_digits(f.raw(col::DURATION)).filter(|&n| n <= MAX_MINUTES)?;
        let affected_users = plain_digits(f.raw(col::USERS)).filter(|&n| n <= MAX_USERS)?;
        let monthly_active_users = match f.raw(col::MAU) {
            b"" => None,
            v => Some(plain_digits(v)?),
        };
        let services = self.services_memo(cells, f.raw(col::SERVICES))?;
        let cause = self.causes.find(f.raw(col::CAUSE))?;
        let equipment = match f.raw(col::EQUIPMENT) {
            b"" => None,
            v => Some(self.equipment.find(v)?),
        };
        if form == 1 && !equipment.is_some_and(|e| self.simple_form[e]) {
            return None;
        }
        let facility = self.facilities.optional(f.raw(col::FACILITY))?;
        let kind = self.kinds.optional(f.raw(col::KIND))?;
        let wholesale = self.wholesale.optional(f.raw(col::WHOLESALE))?;
        let accident_id = match f.text(col::ACCIDENT) {
            "" => incident_id,
            a => a,
        };
        sink(&Row {
            file: self.file,
            line,
            incident_id,
            carrier,
            detailed: form == 0,
            started_at,
            duration_min,
            affected_users,
            services,
            cause,
            equipment,
            facility,
            kind,
            wholesale,
            accident_id,
            region: f.text(col::REGION),
            summary: f.text(col::SUMMARY),
            monthly_active_users,
            users_known: true,
            duration_known: true,
            near_miss: None,
            provider_major: false,
        });
        Some(taken)
    }

    /// `services`, looked up in the worker's memo first.
    fn services_memo(&self, cells: &mut Vec<(Vec<u8>, u32)>, v: &[u8]) -> Option<u32> {
        if cells.is_empty() {
            cells.resize(1 << MEMO_BITS, (Vec::new(), 0));
        }
        let (cell, mask) = &mut cells[quick_hash(v, MEMO_BITS)];
        // A mask kept is never 0: an empty slot never answers.
        if *mask != 0 && cell.as_slice() == v {
            return Some(*mask);
        }
        let found = self.services(v)?;
        cell.clear();
        cell.extend_from_slice(v);
        *mask = found;
        Some(found)
    }

    /// Service codes separated as the full check separates an ASCII cell
    /// (`;`, `,`, line breaks; spaces around a code trimmed).
    fn services(&self, v: &[u8]) -> Option<u32> {
        if !v.is_ascii() {
            return None;
        }
        let mut mask = 0u32;
        let mut start = 0;
        for i in 0..=v.len() {
            if i == v.len() || ascii_service_separator(v[i]) {
                let piece = v[start..i].trim_ascii();
                if !piece.is_empty() {
                    mask |= 1 << self.services.find(piece)?;
                }
                start = i + 1;
            }
        }
        (mask != 0).then_some(mask)
    }
}

/// One line's fields by contract column: `field` maps a column to its
/// field, which runs from `starts[i]` to the separator before `starts[i + 1]`.
struct Fields<'r, 'm> {
    text: &'r str,
    starts: &'m [u16; ROOM],
    field: &'m [usize; NCOLS],
}

impl<'r> Fields<'r, '_> {
    #[inline(always)]
    fn span(&self, c: usize) -> (usize, usize) {
        let i = self.field[c];
        (usize::from(self.starts[i & (ROOM - 1)]), usize::from(self.starts[(i + 1) & (ROOM - 1)]) - 1)
    }

    /// A value's bytes, trimmed of ASCII space: codes and numbers (a value
    /// with other space around it goes to the full check).
    #[inline(always)]
    fn raw(&self, c: usize) -> &'r [u8] {
        let (from, to) = self.span(c);
        let v = &self.text.as_bytes()[from..to];
        match v {
            // Most values: empty, or no space at either end.
            [] => v,
            [a, .., z] | [a @ z] if !a.is_ascii_whitespace() && !z.is_ascii_whitespace() => v,
            _ => v.trim_ascii(),
        }
    }

    /// A value as text, trimmed as the full check trims it.
    #[inline(always)]
    fn text(&self, c: usize) -> &'r str {
        let (from, to) = self.span(c);
        let bytes = &self.text.as_bytes()[from..to];
        // SAFETY: `text` is UTF-8, and a value starts at the text's start
        // or just past an ASCII byte (a separator or the line's break) and
        // ends at one (or at the text's end), so it holds whole characters.
        // The slice's bounds are checked above; this skips only the
        // char-boundary check of `&str` slicing, an out-of-line call per
        // value.
        trim(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

/// The fields of one line, by where they start, as its separators are
/// found: `starts[k + 1]` is one past the k-th separator.
struct Separators<'e> {
    starts: &'e mut [u16; ROOM],
    n: usize,
    /// Separators the line may have: its fields less one.
    most: usize,
}

/// Room for a line's separators, one step's more, and two past the end:
/// checked per step, not per separator.
const ROOM: usize = 128;
const _: () = assert!(MAX_WIDTH + STEP + 2 <= ROOM && ROOM.is_power_of_two());

impl Separators<'_> {
    /// Note the bits of `hits` (one per byte from `base`); `None` when the
    /// line has more separators than its fields allow.
    fn note(&mut self, base: usize, mut hits: u32) -> Option<()> {
        while hits != 0 {
            // In bounds: n stays under `most` + STEP (checked after each step).
            self.n += 1;
            self.starts[self.n & (ROOM - 1)] = (base + hits.trailing_zeros() as usize + 1) as u16;
            hits &= hits - 1;
        }
        (self.n <= self.most).then_some(())
    }

    /// Every separator of `line` (a line without its break); `None` when
    /// it holds a quote or a CR, or too many separators.
    fn in_line(&mut self, line: &[u8], delimiter: u8) -> Option<()> {
        let mut chunks = line.chunks_exact(STEP);
        let mut base = 0;
        for chunk in &mut chunks {
            let (hits, _) = step_hits(chunk.try_into().ok()?, delimiter, false)?;
            self.note(base, hits)?;
            base += STEP;
        }
        for (i, &b) in chunks.remainder().iter().enumerate() {
            match b {
                b'"' | b'\r' => return None,
                _ if b == delimiter => self.note(base + i, 1)?,
                _ => {}
            }
        }
        Some(())
    }

    /// In a block with no quote and no CR: the separators of the line
    /// `bytes` starts with, and where its LF is, in one pass. `None` with no
    /// LF within a cell's length, or too many separators.
    fn up_to_line_end(&mut self, bytes: &[u8], delimiter: u8) -> Option<usize> {
        let mut chunks = bytes.chunks_exact(STEP);
        let mut base = 0;
        for chunk in &mut chunks {
            if base > super::CELL_CHARS {
                return None;
            }
            let (hits, lf) = step_hits(chunk.try_into().ok()?, delimiter, true)?;
            if lf != 0 {
                let end = lf.trailing_zeros();
                self.note(base, hits & ((1 << end) - 1))?;
                return Some(base + end as usize);
            }
            self.note(base, hits)?;
            base += STEP;
        }
        for (i, &b) in chunks.remainder().iter().enumerate() {
            match b {
                b'\n' => return Some(base + i),
                _ if b == delimiter => self.note(base + i, 1)?,
                _ => {}
            }
        }
        None
    }
}

/// Bytes looked at in one step of `Separators`.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
const STEP: usize = 32;
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
const STEP: usize = 8;

/// One bit per byte of `chunk` equal to `delimiter`, and one per LF; `None`
/// when it holds a quote or a CR (unless `plain`). SSE2, which every x86-64
/// has: two 16-byte halves.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
fn step_hits(chunk: &[u8; STEP], delimiter: u8, plain: bool) -> Option<(u32, u32)> {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    let half = |h: &[u8; 16]| {
        // SAFETY: SSE2 is enabled at compile time (the cfg above), and the
        // unaligned load reads exactly the 16 bytes `h` refers to.
        unsafe {
            let v = _mm_loadu_si128(h.as_ptr().cast::<__m128i>());
            let equal = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            let bits = |m: __m128i| _mm_movemask_epi8(m) as u32;
            (bits(equal(delimiter)), bits(equal(b'\n')), bits(_mm_or_si128(equal(b'"'), equal(b'\r'))))
        }
    };
    let (a, b) = chunk.split_at(16);
    let ((h0, l0, q0), (h1, l1, q1)) = (half(a.try_into().ok()?), half(b.try_into().ok()?));
    (plain || q0 | q1 == 0).then_some((h0 | h1 << 16, l0 | l1 << 16))
}

/// The same in 64-bit words elsewhere.
#[cfg(not(all(target_arch = "x86_64", target_feature = "sse2")))]
fn step_hits(chunk: &[u8; STEP], delimiter: u8, plain: bool) -> Option<(u32, u32)> {
    word_hits(chunk, delimiter, plain)
}

/// `step_hits` for eight bytes, in one 64-bit word (tested everywhere
/// against the SSE2 version).
#[cfg_attr(all(target_arch = "x86_64", target_feature = "sse2"), allow(dead_code))]
fn word_hits(chunk: &[u8; 8], delimiter: u8, plain: bool) -> Option<(u32, u32)> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let w = u64::from_le_bytes(*chunk);
    // 0x80 in each byte of `w` equal to `b`, exactly (no false hits).
    let equal = |b: u8| {
        let x = w ^ (LOW * u64::from(b));
        !(((x & HIGH7) + HIGH7) | x | HIGH7)
    };
    if !plain && equal(b'"') | equal(b'\r') != 0 {
        return None;
    }
    // The high bit of each byte gathered into the low eight bits.
    let bits = |m: u64| ((m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32;
    Some((bits(equal(delimiter)), bits(equal(b'\n'))))
}

// Every contract column fits, and a line's offsets fit in 16 bits.
const _: () = assert!(NCOLS <= MAX_WIDTH && super::CELL_CHARS + 2 < u16::MAX as usize);

#[cfg(test)]
mod tests {
    use super::super::check::Checker;
    use super::super::decode::{Encoding, Record};
    use super::super::header::map_header;
    use super::super::parse::{ByteRecord, Parser};
    use super::*;

    /// The fast path's row of a block's first line, as text, and the bytes
    /// it takes.
    fn row(fast: &Fast, memo: &mut Memo, block: &str, plain: bool) -> Option<(String, usize)> {
        let mut row = None;
        let taken = fast.row(memo, block, plain, 0, 1, |r| row = Some(format!("{r:?}")))?;
        Some((row.expect("a row for the sink"), taken))
    }

    /// Every line: the fast path gives the full check's row, or leaves it.
    fn agrees(header: &str, lines: &[&str]) -> usize {
        let cells: Vec<String> = header.split(',').map(str::to_string).collect();
        let mut layout = map_header(jiko_core::lang::Lang::En, "t", &cells).unwrap();
        layout.delimiter = Some(b',');
        let rules = jiko_core::rules::Rules::builtin();
        let voc = Vocabularies::of(rules.vocab);
        let fast = Fast::new(0, &layout, rules, &voc).unwrap();
        let checker = Checker { file: 0, layout: &layout, unknown_users: false, rules, voc: &voc, lang: jiko_core::lang::Lang::En };
        let mut accepted = 0;
        let mut memo = Memo::default();
        for line in lines {
            let mut raw = ByteRecord::default();
            Parser::new(line.as_bytes(), b',').next_record(&mut raw).unwrap();
            let mut rec = Record::default();
            rec.decode_from(&raw, Encoding::Utf8);
            let full = checker.check(&rec, &mut Vec::new(), true).map(|r| format!("{r:?}"));
            // With a CRLF too, and with the block known plain when it is.
            for block in [format!("{line}\n"), format!("{line}\r\n")] {
                let plain = !block.contains(['"', '\r']);
                // A fresh memo, and one shared by every line (it answers
                // the second time a cell is met).
                let tries: Vec<_> = [false, plain].iter().map(|&p| row(&fast, &mut Memo::default(), &block, p)).collect();
                for _ in 0..2 {
                    assert_eq!(row(&fast, &mut memo, &block, plain), tries[0], "{line}");
                }
                assert_eq!(tries[0].is_some(), tries[1].is_some(), "{line}");
                if let Some((row, taken)) = &tries[0] {
                    assert_eq!(*taken, block.len());
                    assert_eq!(Some(row), full.as_ref(), "{line}");
                }
            }
            accepted += usize::from(row(&fast, &mut Memo::default(), &format!("{line}\n"), false).is_some());
        }
        accepted
    }

    #[test]
    fn the_fast_path_agrees_with_the_full_check() {
        let header = "incident_id,carrier,report_form,started_at,duration_min,affected_users,services,cause,equipment,facility,kind,wholesale,accident_id,region,summary,ended_at,monthly_active_users";
        let ok = "x,A社,detailed,2020-05-01 10:00,130,40000,ftth;isp,natural_failure,network_equipment,,,,,関東,概要,,";
        let lines = [
            ok,
            "x,A社,simple,2020-05-01 10:00,130,40000,ftth,natural_failure,base_station,,,,,,,,",
            // The simple form for equipment it does not allow, or none.
            "x,A社,simple,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,simple,2020-05-01 10:00,130,40000,ftth,natural_failure,,,,,,,,,",
            // Values the full check normalizes or refuses.
            "x,A社,詳細,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020/5/1 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-02-30 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,１３０,40000,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,4万,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000,FTTH,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000,ftth；isp,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000, ftth ; ;isp ,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000,;,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000,ftth,nope,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,2020-05-01 12:00,",
            "x,A社,detailed,2020-05-01 10:00,,40000,ftth,natural_failure,network_equipment,,,,,,,2020-05-01 12:00,",
            "x,A社,detailed,2020-05-01 10:00,130,600000000,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,99999999,1,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,,12345",
            "x,A社,detailed,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,,約1万",
            "x,A社,detailed,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,none,info_leak,,acc,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,-1,ftth,natural_failure,network_equipment,,,,,,,,",
            "　x　, A社 ,detailed, 2020-05-01 10:00 ,130,40000,ftth,natural_failure,network_equipment,,,,,,,,",
            ",A社,detailed,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,",
            "x,A社,detailed,2020-05-01 10:00,130,40000,ftth,natural_failure,network_equipment,,,,,,,,,",
            ",,,,,,,,,,,,,,,,",
        ];
        // Taken: the first two, the spaced services, MAU, the optional
        // codes, and values spaced with U+3000 and ASCII spaces.
        assert_eq!(agrees(header, &lines), 6);
        // Another column order and fewer columns.
        let header = "services,incident_id,duration_min,carrier,report_form,started_at,affected_users,cause";
        assert_eq!(agrees(header, &["ftth,y,5,B,detailed,2021-01-01 00:00,3,unknown", "ftth,y,5,B,simple,2021-01-01 00:00,3,unknown"]), 1);
    }

    #[test]
    fn every_step_finds_the_same_bytes() {
        let mut x: u64 = 0x9E37_79B9;
        for _ in 0..20_000 {
            // Bytes drawn from a few that matter and a few that do not.
            let mut chunk = [0u8; STEP];
            for b in chunk.iter_mut() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                *b = b",\n\r\"a\xE3\t;"[(x % 8) as usize];
            }
            for plain in [false, true] {
                let words: Option<Vec<(u32, u32)>> = chunk.chunks_exact(8).map(|w| word_hits(w.try_into().unwrap(), b',', plain)).collect();
                let expected = words.map(|w| w.iter().rev().fold((0, 0), |(a, b), (h, l)| (a << 8 | h, b << 8 | l)));
                assert_eq!(step_hits(&chunk, b',', plain), expected, "{chunk:?}");
            }
        }
    }

    #[test]
    fn codes_are_found_by_their_slot() {
        let v = Vocabularies::of(jiko_core::rules::Rules::builtin().vocab);
        for voc in [&v.forms, &v.services, &v.causes, &v.equipment, &v.facilities, &v.kinds, &v.wholesale] {
            let codes = Codes::of(voc);
            assert!(codes.table.as_ref().is_some_and(|(_, t)| t.len() <= 256), "a small hash without collisions");
            for (i, c) in voc.codes.iter().enumerate() {
                assert_eq!(codes.find(c.code.as_bytes()), Some(i));
                let mut near = c.code.as_bytes().to_vec();
                near.push(b'x');
                assert_eq!(codes.find(&near), voc.codes.iter().position(|o| o.code.as_bytes() == near));
                assert_eq!(codes.find(&c.code.as_bytes()[1..]), voc.codes.iter().position(|o| o.code.as_bytes() == &c.code.as_bytes()[1..]));
            }
            assert_eq!(codes.find(b""), None);
            assert_eq!(codes.find(b"a code longer than sixteen bytes"), None);
            // Same first and last eight bytes and length, other middle.
            if let Some(long) = voc.codes.iter().map(|c| c.code).find(|c| c.len() > 17) {
                let mut other = long.as_bytes().to_vec();
                other[8] ^= 1;
                assert_eq!(codes.find(&other), None, "{long}");
            }
        }
    }

    #[test]
    fn the_shipped_records_take_the_fast_path() {
        let path = crate::builtin::files().into_iter().find(|p| p.ends_with("fy2020.csv")).unwrap();
        let text = String::from_utf8(crate::builtin::bytes(&path).unwrap().to_vec()).unwrap();
        let mut lines = text.lines();
        let header = lines.next().unwrap();
        // Every line but those with a quoted value (the parser's).
        let (quoted, plain): (Vec<&str>, Vec<&str>) = lines.partition(|l| l.contains('"'));
        assert_eq!(agrees(header, &plain), plain.len());
        assert_eq!(agrees(header, &quoted), 0);
        assert!(plain.len() > 60_000);
    }
}
