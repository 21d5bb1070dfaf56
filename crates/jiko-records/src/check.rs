//! One record checked against the contract: a valid `Row`, or every
//! problem it has, each naming the column as the file names it.

use super::dates::accepted_forms;
use jiko_core::calendar::Minute;
use super::decode::Record;
use super::header::{col, Layout};
use super::values::{self, Vocabularies, Vocabulary, MAX_MINUTES, MAX_USERS, SERVICE_SEPARATORS};
use super::Row;
use jiko_core::rules;

/// A spreadsheet cell's limit: what aggregate writes to report.xlsx must
/// fit, so a longer value is refused when it is read.
pub const CELL_CHARS: usize = 32_767;
/// Characters of a value quoted in a message.
const SHOWN_CHARS: usize = 80;
/// Unknown codes listed for one cell; more are counted.
const LISTED_CODES: usize = 3;

fn too_long(lang: jiko_core::lang::Lang) -> String {
    jiko_core::say!(
        lang,
        "longer than {n} characters, the most a spreadsheet cell holds (counted as a spreadsheet counts: a character outside the BMP, such as an emoji, is two)",
        "{n}文字（表計算ソフトの1セルの上限。絵文字など基本多言語面の外の文字は2文字と数えます）を超えています",
        n = CELL_CHARS
    )
}

fn before_start(lang: jiko_core::lang::Lang) -> String {
    jiko_core::say!(lang, "before the start (発生日時)", "発生日時より前です")
}

/// One problem of a row: the column as the file names it, the value, why.
#[derive(Debug, Clone)]
pub struct Problem {
    /// The column, as the file's header names it.
    pub column: String,
    /// The value, shortened when long.
    pub value: String,
    /// What is wrong, in the read's language.
    pub message: String,
}

/// A value for a message: long ones cut, with their length said.
pub fn shown(v: &str) -> String {
    let n = v.chars().count();
    if n <= SHOWN_CHARS {
        v.to_string()
    } else {
        format!("{}… ({n} characters)", v.chars().take(SHOWN_CHARS).collect::<String>())
    }
}

pub(crate) struct Checker<'a> {
    pub file: usize,
    pub layout: &'a Layout,
    /// An empty affected_users is not known yet (classify --input).
    pub unknown_users: bool,
    pub rules: rules::Rules,
    /// The spellings of the rules' codes.
    pub voc: &'a Vocabularies,
    pub lang: jiko_core::lang::Lang,
}

impl<'a> Checker<'a> {
    fn fail(&self, problems: &mut Vec<Problem>, column: &str, value: &str, message: impl Into<String>) {
        problems.push(Problem { column: column.to_string(), value: shown(value), message: message.into() });
    }

    /// Problems with the record's shape and text, before its values.
    fn shape(&self, rec: &Record, problems: &mut Vec<Problem>) {
        let header = &self.layout.header;
        if rec.len() != header.len() {
            // A stray comma or a cut line: never drop or shift fields silently.
            let (n, width) = (rec.len(), header.len());
            let message = match self.layout.delimiter {
                Some(_) => jiko_core::say!(self.lang, "the header has {width} columns; quote values that contain commas", "見出しは{width}列です。カンマを含む値は引用符で囲んでください", width = width),
                None => jiko_core::say!(self.lang, "the header has {width} columns; a value stands right of the header's last column", "見出しは{width}列です。見出しの最後の列より右に値があります", width = width),
            };
            self.fail(problems, &super::row_column(self.lang), &jiko_core::say!(self.lang, "{n} fields", "{n}項目", n = n), message);
        }
        let name = |i: usize| header.get(i).cloned().unwrap_or_else(|| format!("#{}", i + 1));
        if let Some((i, q)) = &rec.quoting {
            self.fail(problems, &name(*i), rec.get(*i).unwrap_or_default(), q.message(self.lang));
        }
        if let (Some(d), true) = (self.layout.delimiter, rec.end_line > rec.line && header.len() > 2) {
            // A line inside a quoted value with a whole record's separators
            // is a record swallowed by a stray quote.
            let d = char::from(d);
            // …and that reads as one: its start column holds a date (a note
            // with many commas is no record).
            let started = self.layout.at[super::header::col::STARTED];
            let reads_as_record = |l: &str| super::header::dated_fields(l, d, started).is_some_and(|f| f.len() >= header.len());
            for (i, v) in rec.iter().enumerate().filter(|(_, v)| v.contains(['\n', '\r'])) {
                if v.split(['\n', '\r']).skip(1).any(reads_as_record) {
                    self.fail(
                        problems,
                        &name(i),
                        v,
                        jiko_core::say!(
                            self.lang,
                            "the quoted value from line {a} to line {b} holds a line with a whole record's fields: a quote is probably missing or stray",
                            "{a}行目から{b}行目までの引用符内の値に、1件分の項目がそろった行があります。引用符の閉じ忘れか余分な引用符と思われます",
                            a = rec.line,
                            b = rec.end_line
                        ),
                    );
                }
            }
        }
        for (i, bytes) in &rec.undecodable {
            self.fail(problems, &name(*i), bytes, jiko_core::say!(self.lang, "holds bytes that are not valid in the file's encoding; check --encoding (utf-8 or cp932)", "ファイルの文字コードで読めないバイトを含みます。--encoding（utf-8 又は cp932）を確かめてください"));
        }
        for (i, shown, why) in &rec.cell_faults {
            self.fail(problems, &name(*i), shown, why.clone());
        }
        if let Some(i) = rec.oversized {
            self.fail(problems, &name(i), &rec.get(i).unwrap_or_default().chars().take(SHOWN_CHARS).collect::<String>(), too_long(self.lang));
        }
        // Each field is looked at only when the whole record calls for it.
        let (long, replaced, nul) = (rec.text().len() > CELL_CHARS, rec.text().contains('\u{FFFD}'), rec.text().contains('\0'));
        if nul {
            for (i, v) in rec.iter().enumerate().filter(|(_, v)| v.contains('\0')) {
                self.fail(problems, &name(i), &v.replace('\0', "\u{2400}"), jiko_core::say!(self.lang, "holds a NUL byte (U+0000), no text's character: the file is damaged or not text", "NULバイト（U+0000）を含みます。文字ではありません（ファイルの破損か、テキストではありません）"));
            }
        }
        if long || replaced {
            for (i, v) in rec.iter().enumerate() {
                if Some(i) != rec.oversized && v.len() > CELL_CHARS && v.encode_utf16().count() > CELL_CHARS {
                    self.fail(problems, &name(i), v, too_long(self.lang));
                }
                if replaced && v.contains('\u{FFFD}') {
                    self.fail(problems, &name(i), v, jiko_core::say!(self.lang, "holds U+FFFD, the mark of text already damaged by a wrong conversion", "U+FFFD（誤った変換で壊れた文字の印）を含みます"));
                }
            }
        }
    }

    /// Check one record; every problem found is pushed, not only the first.
    /// Without `detail` the problems are only counted, so the costly part of
    /// their messages (the nearest code) is left out.
    pub fn check<'r>(&self, rec: &'r Record, problems: &mut Vec<Problem>, detail: bool) -> Option<Row<'r>> {
        problems.clear();
        self.shape(rec, problems);
        let l = self.layout;
        let get = |c: usize| -> &'r str {
            match l.at[c] {
                usize::MAX => "",
                i => super::normalize::trim(rec.get(i).unwrap_or("")),
            }
        };
        let v = self.voc;
        let mut p = Vec::new();
        let mut fail = |c: usize, value: &str, message: String| p.push((c, value.to_string(), message));
        let required = |c: usize, fail: &mut dyn FnMut(usize, &str, String)| -> Option<&'r str> {
            let v = get(c);
            if v.is_empty() {
                fail(c, v, jiko_core::say!(self.lang, "required value is empty", "必須の値が空です"));
                None
            } else {
                Some(v)
            }
        };
        let code = |c: usize, voc: &Vocabulary, v: &str, fail: &mut dyn FnMut(usize, &str, String)| {
            let found = voc.find(v);
            if found.is_none() {
                fail(c, v, if detail { voc.unknown(self.lang, v) } else { String::new() });
            }
            found
        };
        let optional = |c: usize, voc: &Vocabulary, fail: &mut dyn FnMut(usize, &str, String)| match get(c) {
            "" => Some(0),
            v => code(c, voc, v, fail),
        };

        let incident_id = required(col::ID, &mut fail);
        let carrier = required(col::CARRIER, &mut fail);
        let form = required(col::FORM, &mut fail).and_then(|x| code(col::FORM, &v.forms, x, &mut fail));
        let date = |c: usize, x: &str, fail: &mut dyn FnMut(usize, &str, String)| {
            let m = crate::dates::parse_minute(x);
            if m.is_none() {
                let why = crate::dates::no_such_day(self.lang, x);
                fail(c, x, why.unwrap_or_else(|| jiko_core::say!(self.lang, "not a date and time; accepted: {f}", "日時として読めません。使える形: {f}", f = accepted_forms(self.lang))));
            }
            m
        };
        let started_at = required(col::STARTED, &mut fail).and_then(|x| date(col::STARTED, x, &mut fail));
        let ended_at = match get(col::ENDED) {
            "" => Some(None),
            x => date(col::ENDED, x, &mut fail).map(Some),
        };
        // A おそれ事態 row that gives no outage (duration, 復旧日時 and users
        // all empty) is a situation without one: 0 minutes, 0 users.
        let no_outage = !get(col::SITUATION).is_empty() && [col::DURATION, col::ENDED, col::USERS].iter().all(|&c| get(c).is_empty());
        // Neither a length nor an end (classify --input): still going on.
        let duration_known = no_outage || !(self.unknown_users && get(col::DURATION).is_empty() && get(col::ENDED).is_empty());
        let duration_min = match (get(col::DURATION), l.has(col::DURATION)) {
            _ if no_outage => Some(0),
            _ if !duration_known => Some(0),
            // 復旧日時 stands in for an absent or empty duration.
            ("", _) if l.has(col::ENDED) && !get(col::ENDED).is_empty() => match (started_at, ended_at) {
                // The end is held to the cap a duration is held to.
                (Some(s), Some(Some(e))) if e >= s => match values::within(self.lang, (e.ordinal() - s.ordinal()) as u64, MAX_MINUTES, &jiko_core::say!(self.lang, "minutes from the start", "発生からの分数")) {
                    Ok(n) => Some(n),
                    Err(m) => {
                        fail(col::ENDED, get(col::ENDED), m);
                        None
                    }
                },
                (Some(_), Some(Some(_))) => {
                    fail(col::ENDED, get(col::ENDED), before_start(self.lang));
                    None
                }
                _ => None,
            },
            ("", _) => {
                fail(col::DURATION, "", jiko_core::say!(
                    self.lang,
                    "required value is empty (and no 復旧日時): counting needs every duration; `jiko classify --input` answers a record with neither as an outage still going on",
                    "必須の値が空です（復旧日時もありません）。集計には全ての報告の継続時間が必要です。`jiko classify --input` は両方空欄の記録を継続中として判定します"
                ));
                None
            }
            _ => required(col::DURATION, &mut fail).and_then(|x| match values::minutes(self.lang, x).and_then(|n| values::within(self.lang, n, MAX_MINUTES, &jiko_core::say!(self.lang, "minutes", "継続時間（分）"))) {
                Ok(n) => Some(n),
                Err(m) => {
                    fail(col::DURATION, x, m);
                    None
                }
            }),
        };
        if let (Some(s), Some(Some(e))) = (started_at, ended_at) {
            if e < s && !get(col::DURATION).is_empty() {
                fail(col::ENDED, get(col::ENDED), before_start(self.lang));
            }
        }
        let users_known = no_outage || !(self.unknown_users && get(col::USERS).is_empty());
        let affected_users = match get(col::USERS) {
            _ if no_outage => Some(0),
            // Not known yet (classify --input): judged with the count open.
            "" if !users_known => Some(0),
            "" => {
                fail(col::USERS, "", jiko_core::say!(
                self.lang,
                "required value is empty: counting needs every count (the edition has no 'unknown' column); `jiko classify --input` answers a record with an empty count as unknown",
                "必須の値が空です。集計には全ての報告の利用者数が必要です（公表資料に「不明」の欄はありません）。`jiko classify --input` は空欄を不明として判定します"
                ));
                None
            }
            x => match values::count(self.lang, x).and_then(|n| values::within(self.lang, n, MAX_USERS, &jiko_core::say!(self.lang, "users", "影響利用者数"))) {
                Ok(n) => Some(n),
                Err(m) => {
                    fail(col::USERS, x, m);
                    None
                }
            },
        };
        let monthly_active_users = match get(col::MAU) {
            "" => Some(None),
            x => match values::count(self.lang, x) {
                Ok(n) => Some(Some(n)),
                Err(m) => {
                    fail(col::MAU, x, m);
                    None
                }
            },
        };
        let services = required(col::SERVICES, &mut fail).and_then(|x| services(self.lang, x, &v.services, detail, &mut fail));
        let cause = required(col::CAUSE, &mut fail).and_then(|x| code(col::CAUSE, &v.causes, x, &mut fail));
        let equipment_text = get(col::EQUIPMENT);
        let equipment = match equipment_text {
            "" => Some(None),
            x => code(col::EQUIPMENT, &v.equipment, x, &mut fail).map(Some),
        };
        let facility = optional(col::FACILITY, &v.facilities, &mut fail);
        let kind = optional(col::KIND, &v.kinds, &mut fail);
        let wholesale = optional(col::WHOLESALE, &v.wholesale, &mut fail);
        if let (Some(1), Some(eq)) = (form, equipment) {
            if !self.rules.simple_form_allows(eq) {
                fail(
                    col::EQUIPMENT,
                    equipment_text,
                    jiko_core::say!(
                        self.lang,
                        "the simple form (簡易な様式) is allowed only for {list}",
                        "簡易な様式は故障設備が {list} の場合に限られます",
                        list = self.rules.book.taxonomy.simple_form_equipment.join(", ")
                    ),
                );
            }
        }
        let accident_id = match get(col::ACCIDENT) {
            "" => incident_id,
            a => Some(a),
        };
                let near_miss = near_miss_facts(self.lang, self.rules, v, &get, started_at, &mut fail).map(|mut f| {
            f.no_outage = no_outage;
            f
        });
        let provider_major = match crate::normalize::nfkc(get(col::PROVIDER_MAJOR).trim()).to_lowercase().as_str() {
            "" | "no" | "いいえ" | "非該当" => false,
            "yes" | "はい" | "該当" => match wholesale.and_then(|w| self.rules.vocab.wholesale.get(w)) {
                Some(w) if w.code == "receiver" => true,
                _ => {
                    fail(
                        col::PROVIDER_MAJOR,
                        get(col::PROVIDER_MAJOR),
                        jiko_core::say!(self.lang, "only a wholesale receiver's report (wholesale = receiver) says so", "卸先の報告（卸役務 = 卸先）だけに書けます"),
                    );
                    false
                }
            },
            _ => {
                fail(col::PROVIDER_MAJOR, get(col::PROVIDER_MAJOR), jiko_core::say!(self.lang, "write yes or leave it empty", "yes（はい）と書くか空欄にしてください"));
                false
            }
        };
        for (c, value, message) in p {
            problems.push(Problem { column: l.name(c).to_string(), value: shown(&value), message });
        }
        if !problems.is_empty() {
            return None;
        }
        Some(Row {
            file: self.file,
            line: rec.line,
            incident_id: incident_id?,
            carrier: carrier?,
            detailed: form? == 0,
            started_at: started_at?,
            duration_min: duration_min?,
            affected_users: affected_users?,
            services: services?,
            cause: cause?,
            equipment: equipment?,
            facility: facility?,
            kind: kind?,
            wholesale: wholesale?,
            accident_id: accident_id?,
            region: get(col::REGION),
            summary: get(col::SUMMARY),
            monthly_active_users: monthly_active_users?,
            users_known,
            duration_known,
            near_miss,
            provider_major,
        })
    }
}

/// The おそれ事態 columns of a row, when it has any value in them.
fn near_miss_facts<'r>(
    lang: jiko_core::lang::Lang,
    rules: rules::Rules,
    voc: &Vocabularies,
    get: &dyn Fn(usize) -> &'r str,
    started_at: Option<Minute>,
    fail: &mut dyn FnMut(usize, &str, String),
) -> Option<Box<rules::near_miss::Facts>> {
    use rules::near_miss;
    if super::header::NEAR_MISS_COLUMNS.iter().all(|&c| get(c).is_empty()) {
        return None;
    }
    if rules.near_miss().is_none() {
        fail(col::SITUATION, get(col::SITUATION), jiko_core::say!(lang, "these rules have no おそれ事態 ([near_miss])", "この規則ファイルにはおそれ事態（[near_miss]）がありません"));
        return None;
    }
    let mut f = near_miss::Facts { occurred: started_at, ..Default::default() };
    let fields = [
        (col::SITUATION, near_miss::Field::Situation),
        (col::FUNCTION, near_miss::Field::Function),
        (col::CARRIER_USERS, near_miss::Field::CarrierUsers),
        (col::PREFECTURES, near_miss::Field::Prefectures),
        (col::KNOWN_AT, near_miss::Field::Known),
        (col::EXCLUSIONS, near_miss::Field::Exclusions),
    ];
    for (c, field) in fields {
        let v = get(c);
        if !v.is_empty() {
            if let Err(m) = super::set_fact(lang, &mut f, voc, field, v) {
                fail(c, v, m);
            }
        }
    }
    if let Err(m) = super::check_known(lang, &f) {
        fail(col::KNOWN_AT, get(col::KNOWN_AT), m);
    }
    Some(Box::new(f))
}

/// A cell of services: codes or labels separated by `;`, `、`, `，` or a
/// line break, as a bit mask over the rules' services (`Vocabulary::services`).
fn services(lang: jiko_core::lang::Lang, v: &str, voc: &Vocabulary, detail: bool, fail: &mut dyn FnMut(usize, &str, String)) -> Option<u32> {
    let mut mask = 0u32;
    let mut unknown = 0usize;
    let mut take = |piece: &str, fail: &mut dyn FnMut(usize, &str, String)| match voc.find(piece) {
        Some(i) => mask |= 1 << i,
        None => {
            unknown += 1;
            if unknown <= LISTED_CODES {
                fail(col::SERVICES, piece, if detail { voc.unknown(lang, piece) } else { String::new() });
            }
        }
    };
    // Canonical cells split on `;` alone; others after normalization.
    if v.is_ascii() {
        v.split(|c: char| c.is_ascii() && values::ascii_service_separator(c as u8)).map(str::trim_ascii).filter(|c| !c.is_empty()).for_each(|c| take(c, fail));
    } else {
        let n = super::normalize::nfkc(v);
        n.split(SERVICE_SEPARATORS).map(str::trim).filter(|c| !c.is_empty()).for_each(|c| take(c, fail));
    }
    if unknown > LISTED_CODES {
        fail(col::SERVICES, v, jiko_core::say!(lang, "{n} more unknown codes in this cell", "このセルにはほかに{n}個の不明なコードがあります", n = unknown - LISTED_CODES));
    }
    if mask == 0 && unknown == 0 {
        fail(col::SERVICES, v, jiko_core::say!(lang, "no service code", "役務がありません"));
    }
    (unknown == 0 && mask != 0).then_some(mask)
}
