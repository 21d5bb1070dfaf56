//! The edition's sheets on each major accident (別紙): what a details file
//! (data/details/fyYYYY.toml, docs/details.md) says of each accident, and
//! the sheet computed from it, the records and the rules.

use crate::records::values::{MAX_MINUTES, MAX_USERS};
use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use serde::Deserialize;

use crate::aggregate::{Accident, Aggregate};
use crate::{rules, wareki};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Details {
    #[serde(default, rename = "accident")]
    pub accidents: Vec<Detail>,
}

/// What one accident's sheet says beyond the records.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detail {
    /// The accident's `accident_id` (or `incident_id`).
    pub id: String,
    #[serde(default)]
    pub source: String,
    /// 発生日時 is printed with 頃.
    #[serde(default)]
    pub started_approximately: bool,
    #[serde(default)]
    pub region: String,
    /// 影響利用者数 as printed, when it is worded (最大220万人); else it is
    /// written from the phases.
    pub users: Option<String>,
    /// A note printed after the users (※ …).
    pub users_note: Option<String>,
    pub inquiries: Option<Inquiries>,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub cause: String,
    /// An image file (機器構成図), relative to the details file.
    pub diagram: Option<String>,
    #[serde(default)]
    pub phases: Vec<Phase>,
    #[serde(default)]
    pub measures: Vec<Measure>,
    #[serde(default)]
    pub notices: Vec<Notice>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inquiries {
    pub text: String,
    /// When they were counted: a date, or a date and time.
    pub as_of: Option<toml::value::Datetime>,
}

/// One phase of the outage: its length (minutes, or start and end), and
/// its users, unit and region when the sheet gives them per phase.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    pub minutes: Option<u64>,
    pub start: Option<toml::value::Datetime>,
    pub end: Option<toml::value::Datetime>,
    pub users: Option<u64>,
    #[serde(default)]
    pub unit: String,
    pub region: Option<String>,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// 暫定 / 恒久, or the edition's heading for a group of measures.
    pub kind: Option<String>,
    pub text: String,
    pub done: Option<toml::value::Datetime>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub time: toml::value::Datetime,
    pub title: String,
    #[serde(default, rename = "where")]
    pub place: String,
}

/// The field names of a sheet, in the edition's order.
pub(crate) const FIELDS: &[&str] = &[
    "No.",
    "事業者名",
    "発生日時",
    "継続時間",
    "影響利用者数",
    "影響地域",
    "事業者への問合せ件数",
    "障害内容",
    "重大な事故に該当する電気通信役務の区分",
    "発生原因",
    "機器構成図",
    "再発防止策",
    "障害情報",
];

/// One accident's sheet: each field's text, in `FIELDS` order.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub number: usize,
    pub fields: Vec<(&'static str, String)>,
    /// The diagram (機器構成図): its file name in the output folder
    /// (`sheets/別紙N.png`) and bytes, when the detail names a readable
    /// PNG or JPEG.
    pub diagram: Option<(String, Vec<u8>)>,
}

/// The shipped details of a year (data/details/fyYYYY.toml, built in):
/// the sheets for the shipped records.
pub fn builtin(year: i32) -> Option<Result<Details>> {
    static FILES: &[(i32, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/builtin_details.rs"));
    FILES.iter().find(|(y, _, _)| *y == year).map(|(_, name, text)| parse(crate::lang::Lang::En, text, name))
}

/// The most a diagram may weigh: a scanned A4 page is a few MB.
pub const MAX_DIAGRAM_BYTES: u64 = 20 << 20;

/// A diagram's bytes, its kind and size checked before any is read: a
/// regular file (not a device such as /dev/zero), at most
/// `MAX_DIAGRAM_BYTES`, a PNG or JPEG by its first bytes as by its name.
fn diagram_bytes(lang: crate::lang::Lang, path: &Path, ext: &str) -> Result<Vec<u8>> {
    use crate::say;
    use std::io::Read;
    let signature: &[u8] = match ext {
        "png" => b"\x89PNG\r\n\x1a\n",
        "jpg" | "jpeg" => b"\xFF\xD8\xFF",
        _ => anyhow::bail!(say!(lang, "give a PNG or JPEG file", "PNG 又は JPEG のファイルを指定してください")),
    };
    let mut f = std::fs::File::open(path)?;
    let meta = f.metadata()?;
    anyhow::ensure!(meta.is_file(), say!(lang, "not a regular file", "通常のファイルではありません"));
    let m = MAX_DIAGRAM_BYTES >> 20;
    anyhow::ensure!(meta.len() <= MAX_DIAGRAM_BYTES, say!(lang, "{n} bytes, more than the {m} MB a diagram may have", "{n}バイトで、図の上限 {m} MB を超えています", n = meta.len(), m = m));
    let mut bytes = Vec::new();
    f.by_ref().take(MAX_DIAGRAM_BYTES + 1).read_to_end(&mut bytes)?;
    // The file grew after its size was looked at (it is being written).
    anyhow::ensure!(bytes.len() as u64 <= MAX_DIAGRAM_BYTES, say!(lang, "grew past the {m} MB a diagram may have while it was read", "読んでいる間に図の上限 {m} MB を超えました", m = m));
    let kind = if ext == "png" { "PNG" } else { "JPEG" };
    anyhow::ensure!(bytes.starts_with(signature), say!(lang, "named .{ext} but its bytes are not a {k} image", "名前は .{ext} ですが中身が {k} 画像ではありません", ext = ext, k = kind));
    Ok(bytes)
}

/// Read a details file; errors name file, line and column.
pub fn read(lang: crate::lang::Lang, path: &Path) -> Result<Details> {
    use crate::say;
    use std::io::Read;
    // A details file is text of a few pages: a device or a huge file is
    // refused before it is read whole.
    const MAX_BYTES: u64 = 16 << 20;
    let reading = || crate::lang::doing(lang, "reading", "読み込み", &path.display());
    let mut f = std::fs::File::open(path).with_context(reading)?;
    let mut bytes = Vec::new();
    f.by_ref().take(MAX_BYTES + 1).read_to_end(&mut bytes).with_context(reading)?;
    anyhow::ensure!(
        bytes.len() as u64 <= MAX_BYTES,
        say!(lang, "{p}: more than {m} MB, more than a details file holds", "{p}: {m} MB を超えています（詳細ファイルの上限）", p = path.display(), m = MAX_BYTES >> 20)
    );
    let text = String::from_utf8(bytes).map_err(|_| anyhow!(say!(lang, "reading {p}: not UTF-8 text", "{p} の読み込み: UTF-8 のテキストではありません", p = path.display())))?;
    parse(lang, &text, &path.display().to_string())
}

pub fn parse(lang: crate::lang::Lang, text: &str, origin: &str) -> Result<Details> {
    use crate::say;
    let d: Details = toml::from_str(text).map_err(|e| rules::located_toml_error(lang, text, origin, &e))?;
    for a in &d.accidents {
        for (i, p) in a.phases.iter().enumerate() {
            let at = || text.find(&format!("\"{}\"", a.id)).map_or(0, |i| rules::line_col(text, i).0);
            let phase = || say!(lang, "{origin}:{l}: accident {id:?}, phase {n}", "{origin}:{l}: 事故 {id:?} の段階{n}", origin = origin, l = at(), id = a.id, n = i + 1);
            if p.minutes.is_none() && (p.start.is_none() || p.end.is_none()) {
                return Err(anyhow!(say!(lang, "{p}: give minutes, or start and end", "{p}: minutes か、start と end を書いてください", p = phase())));
            }
            // The records' bounds hold here too: a count past them would
            // print wrapped (-1人) and sum past u64.
            if let Some(u) = p.users.filter(|u| *u > MAX_USERS) {
                let max = crate::render::thousands(MAX_USERS as i64);
                return Err(anyhow!(say!(lang, "{p}: users = {u} is outside the plausible range 0–{max}", "{p}: users = {u} はありうる範囲 0～{max} の外です", p = phase(), u = u, max = max)));
            }
            if let Some(m) = p.minutes.filter(|m| *m > MAX_MINUTES) {
                let max = crate::render::thousands(MAX_MINUTES as i64);
                return Err(anyhow!(say!(lang, "{p}: minutes = {m} is outside the plausible range 0–{max}", "{p}: minutes = {m} はありうる範囲 0～{max} の外です", p = phase(), m = m, max = max)));
            }
        }
    }
    Ok(d)
}

impl Phase {
    fn minutes(&self) -> u64 {
        match (self.minutes, self.start.as_ref().and_then(rules::toml_minute), self.end.as_ref().and_then(rules::toml_minute)) {
            (Some(m), _, _) => m,
            (None, Some(s), Some(e)) => (e.ordinal() - s.ordinal()).max(0) as u64,
            _ => 0,
        }
    }
}

const MARKS: &[&str] = &["①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩"];

/// `①`, `②` … for phase `i` when there are several; nothing for one.
pub fn mark(i: usize, many: bool) -> &'static str {
    if many {
        MARKS.get(i).copied().unwrap_or("・")
    } else {
        ""
    }
}

/// `令和2年4月30日 14時07分` (with 頃 when approximate).
pub(crate) fn started_text(a: &Accident, approximately: bool) -> String {
    let m = a.started_at;
    format!("{} {}時{:02}分{}", wareki::date_label(m.year, m.month, m.day), m.hour, m.minute, if approximately { "頃" } else { "" })
}

/// `①2時間 ②81時間32分`, or `5時間36分` for one phase.
pub(crate) fn duration_text(d: &Detail, a: &Accident) -> String {
    match d.phases.as_slice() {
        [] => rules::hours_text(a.duration_min),
        phases => phases
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}{}", mark(i, phases.len() > 1), rules::hours_text(p.minutes())))
            .collect::<Vec<_>>()
            .join(" "),
    }
}

fn users_text(d: &Detail, a: &Accident) -> String {
    let counted: Vec<(usize, &Phase)> = d.phases.iter().enumerate().filter(|(_, p)| p.users.is_some()).collect();
    let text = match (&d.users, counted.as_slice()) {
        (Some(t), _) => t.clone(),
        (None, []) => format!("{}人", crate::render::thousands(a.affected_users as i64)),
        (None, list) => list
            .iter()
            .map(|(i, p)| format!("{}{}{}", mark(*i, list.len() > 1), crate::render::thousands(p.users.unwrap_or(0) as i64), p.unit))
            .collect::<Vec<_>>()
            .join(" "),
    };
    match &d.users_note {
        Some(n) => format!("{text} ※{n}"),
        None => text,
    }
}

/// `五：一の項から四の項までに掲げる…（インターネット関連サービス（有料）（電子メール））`.
pub(crate) fn class_text(r: rules::Rules, a: &Accident) -> String {
    let Some(set) = r.set_at(&a.started_at) else { return String::new() };
    let Some(class) = a.class else { return String::new() };
    let c = &set.raw.classes[usize::from(class) - 1];
    let book = &r.book.taxonomy;
    let services: Vec<&str> = r
        .vocab
        .services_in(a.services)
        .filter(|(i, _)| set.class_of_service[*i] == class)
        .map(|(i, s)| book.services[i].sheet_label.as_deref().unwrap_or(s.label))
        .collect();
    format!("{}：{}（{}）", rules::kanji_number(usize::from(class)), c.sheet_name.as_deref().unwrap_or(&c.name), services.join("・"))
}

fn day_text(d: &toml::value::Datetime) -> String {
    let Some(date) = d.date else { return d.to_string() };
    let day = wareki::date_label(i32::from(date.year), u32::from(date.month), u32::from(date.day));
    match d.time {
        Some(t) if t.minute == 0 => format!("{day}{}時", t.hour),
        Some(t) => format!("{day}{}時{}分", t.hour, t.minute),
        None => day,
    }
}

/// `令和2年4月30日14時45分、第1報 …` as the sheets list notices.
pub(crate) fn notice_text(n: &Notice) -> String {
    let day = n.time.date.map_or(String::new(), |d| wareki::date_label(i32::from(d.year), u32::from(d.month), u32::from(d.day)));
    let time = n.time.time.map_or(String::new(), |t| format!("{:02}時{:02}分", t.hour, t.minute));
    let place = if n.place.is_empty() { String::new() } else { format!("（{}）", n.place) };
    format!("{day}{time}、{}{place}", n.title)
}

fn measures_text(d: &Detail) -> String {
    d.measures
        .iter()
        .map(|m| {
            let kind = m.kind.as_ref().map_or(String::new(), |k| format!("＜{k}＞"));
            let done = m.done.as_ref().map_or(String::new(), |d| format!("【{}実施済】", day_text(d)));
            format!("{kind}{}{done}", m.text)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The year's sheets, in the major-accident list's order, and notes on
/// details without a major and majors without a detail.
pub fn sheets(lang: crate::lang::Lang, agg: &Aggregate, year: i32, details: &Details, base: Option<&Path>) -> (Vec<Sheet>, Vec<String>) {
    let by_id: BTreeMap<&str, &Detail> = details.accidents.iter().map(|d| (d.id.as_str(), d)).collect();
    let mut notes = Vec::new();
    let mut out = Vec::new();
    let accidents = agg.accidents(year);
    for a in accidents {
        let detail = by_id.get(a.accident_id.as_str()).copied();
        let Some(d) = detail else {
            notes.push(crate::say!(lang, "major accident No.{n} ({id}) has no details: no sheet", "重大な事故 No.{n}（{id}）の詳細がないため別紙はありません", n = a.number, id = a.accident_id));
            continue;
        };
        let longest = d.phases.iter().map(Phase::minutes).max();
        if longest.is_some_and(|m| m != a.duration_min) {
            notes.push(crate::say!(
                lang,
                "{id}: the longest phase ({l} min) is not the record's duration ({d} min)",
                "{id}: 最も長い段階（{l}分）が記録の継続時間（{d}分）と違います",
                id = a.accident_id,
                l = longest.unwrap_or(0),
                d = a.duration_min
            ));
        }
        let summed: u64 = d.phases.iter().filter_map(|p| p.users).fold(0u64, u64::saturating_add);
        if summed > 0 && summed != a.affected_users {
            notes.push(crate::say!(
                lang,
                "{id}: the phases' users ({s}) are not the record's ({u})",
                "{id}: 段階の利用者数の合計（{s}）が記録の影響利用者数（{u}）と違います",
                id = a.accident_id,
                s = summed,
                u = a.affected_users
            ));
        }
        let inquiries = d.inquiries.as_ref().map_or(String::new(), |q| match &q.as_of {
            Some(t) => format!("{}（{}時点）", q.text, day_text(t)),
            None => q.text.clone(),
        });
        let diagram = match &d.diagram {
            Some(p) => {
                let path = base.map_or_else(|| std::path::PathBuf::from(p), |b| b.join(p));
                let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
                match diagram_bytes(lang, &path, &ext) {
                    Ok(bytes) => Some((format!("sheets/別紙{}.{ext}", a.number), bytes)),
                    Err(e) => {
                        notes.push(crate::say!(lang, "{id}: diagram {p}: {e}", "{id}: 図 {p}: {e}", id = a.accident_id, p = path.display(), e = crate::lang::error_text(lang, &e)));
                        None
                    }
                }
            }
            None => None,
        };
        let fields = vec![
            ("No.", a.number.to_string()),
            ("事業者名", a.carriers.join("・")),
            ("発生日時", started_text(a, d.started_approximately)),
            ("継続時間", duration_text(d, a)),
            ("影響利用者数", users_text(d, a)),
            ("影響地域", d.region.clone()),
            ("事業者への問合せ件数", inquiries),
            ("障害内容", d.content.trim().to_string()),
            ("重大な事故に該当する電気通信役務の区分", class_text(agg.rules, a)),
            ("発生原因", d.cause.trim().to_string()),
            ("機器構成図", diagram.as_ref().map_or("（この資料には含まれない）".to_string(), |(name, _)| name.clone())),
            ("再発防止策", measures_text(d)),
            ("障害情報", d.notices.iter().map(|n| format!("・{}", notice_text(n))).collect::<Vec<_>>().join("\n")),
        ];
        debug_assert_eq!(fields.len(), FIELDS.len());
        out.push(Sheet { number: a.number, fields, diagram });
    }
    for d in &details.accidents {
        if !accidents.iter().any(|a| a.accident_id == d.id) {
            notes.push(crate::say!(lang, "details of {id} match no major accident of the year: not shown", "{id} の詳細に対応する重大な事故がこの年度にないため表示しません", id = d.id));
        }
    }
    (out, notes)
}
