//! Every code of the input contract with its group and Japanese label,
//! read from the rule book's `[taxonomy]` (data/rules/mic.toml): the code
//! here knows no code or label, only how to look them up.
//!
//! These codes, with the bins, are a book's vocabulary (`Vocabulary`):
//! what records are read into and tallies are indexed by. Each book has
//! its own, built once when the book is loaded and passed with it
//! (`Rules::vocab`); nothing here is process-wide.

use crate::rules::{Bin, RuleBook};

/// One service (役務) of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    pub code: &'static str,
    pub group: &'static str,
    pub sub: &'static str,
    pub label: &'static str,
    /// The first day the code names a service of its own, when later than
    /// the first edition.
    pub since: Option<crate::calendar::Minute>,
}

/// A cause (発生要因) or a failed equipment (故障設備) code, or any other
/// coded value (form, facility, kind, wholesale role).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Coded {
    pub code: &'static str,
    pub group: &'static str,
    pub label: &'static str,
}

/// A group of codes (service group or sub-group, cause group, equipment
/// group) with the label the edition prints for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub code: &'static str,
    pub label: &'static str,
}

/// A book's codes, labels, aliases and bins, laid out as lists whose
/// places are the indexes records and tallies use.
#[derive(Debug)]
pub struct Vocabulary {
    pub services: Vec<Service>,
    /// The services as codes with labels, for reading input.
    pub service_codes: Vec<Coded>,
    pub causes: Vec<Coded>,
    pub equipment: Vec<Coded>,
    pub service_groups: Vec<Group>,
    pub cause_groups: Vec<Group>,
    pub equipment_groups: Vec<Group>,
    /// The report forms (報告様式), in index order (0 detailed, 1 simple).
    pub forms: Vec<Coded>,
    /// Critical facilities whose whole traffic was down (注1②); `none` first.
    pub facilities: Vec<Coded>,
    /// Kinds of incident (注2 ①②③); `outage` first.
    pub kinds: Vec<Coded>,
    /// Wholesale roles (卸役務); `none` first.
    pub wholesale: Vec<Coded>,
    /// Bins `[from, next bin's from)` of duration (minutes) and of users.
    pub duration_bins: Vec<Bin>,
    pub user_bins: Vec<Bin>,
    /// おそれ事態 (`[near_miss]`, empty without it): situations (each with
    /// its newest words), functions and exclusions, in the book's order.
    pub situations: Vec<Coded>,
    pub functions: Vec<Coded>,
    pub exclusions: Vec<Coded>,
    /// Spellings that say no exclusion applies; the first is offered.
    pub no_exclusion: Vec<&'static str>,
    /// Each situation's other words (earlier wordings), read as spellings.
    situation_wordings: Vec<(&'static str, Vec<&'static str>)>,
    tax: &'static crate::rules::Taxonomy,
}

fn coded(list: &'static [crate::rules::CodedEntry]) -> Vec<Coded> {
    list.iter().map(|c| Coded { code: &c.code, group: &c.group, label: &c.label }).collect()
}

fn groups(list: &'static [crate::rules::GroupEntry]) -> Vec<Group> {
    list.iter().map(|g| Group { code: &g.code, label: &g.label }).collect()
}

fn bins(raw: &'static [crate::rules::raw::RawBin]) -> Vec<Bin> {
    raw.iter().map(|b| Bin { code: &b.code, from: b.from, label: &b.label }).collect()
}

impl Vocabulary {
    /// A book's vocabulary, from its own lists.
    pub(crate) fn of(b: &'static RuleBook) -> Vocabulary {
        let tax = &b.taxonomy;
        let services: Vec<Service> =
            tax.services.iter().map(|s| Service { code: &s.code, group: &s.group, sub: &s.sub, label: &s.label, since: s.since.as_ref().and_then(crate::rules::toml_minute) }).collect();
        Vocabulary {
            service_codes: services.iter().map(|s| Coded { code: s.code, group: s.group, label: s.label }).collect(),
            services,
            causes: coded(&tax.causes),
            equipment: coded(&tax.equipment),
            service_groups: groups(&tax.service_groups),
            cause_groups: groups(&tax.cause_groups),
            equipment_groups: groups(&tax.equipment_groups),
            forms: coded(&tax.forms),
            facilities: coded(&tax.facilities),
            kinds: coded(&tax.kinds),
            wholesale: coded(&tax.wholesale),
            duration_bins: bins(&b.bins.duration),
            user_bins: bins(&b.bins.users),
            situations: b.near_miss.as_ref().map_or(Vec::new(), |n| {
                n.raw.situations.iter().enumerate().map(|(i, s)| Coded { code: &s.code, group: "", label: n.latest_label(i) }).collect()
            }),
            functions: b.near_miss.as_ref().map_or(Vec::new(), |n| n.raw.functions.iter().map(|f| Coded { code: &f.code, group: "", label: &f.label }).collect()),
            exclusions: b.near_miss.as_ref().map_or(Vec::new(), |n| n.raw.exclusions.iter().map(|f| Coded { code: &f.code, group: "", label: &f.label }).collect()),
            no_exclusion: b.near_miss.as_ref().map_or(Vec::new(), |n| n.raw.no_exclusion.iter().map(String::as_str).collect()),
            situation_wordings: b.near_miss.as_ref().map_or(Vec::new(), |n| {
                n.raw
                    .situations
                    .iter()
                    .enumerate()
                    .map(|(i, s)| {
                        let newest = n.latest_label(i);
                        let others = std::iter::once(s.label.as_str()).chain(s.wording.iter().map(|w| w.label.as_str())).filter(|l| *l != newest).collect();
                        (s.code.as_str(), others)
                    })
                    .collect()
            }),
            tax,
        }
    }

    /// Sub-groups of a service group, in the order the edition lists them.
    pub fn service_subs(&self, group: &str) -> Vec<Group> {
        self.tax.service_subs.iter().filter(|s| s.group == group).map(|s| Group { code: &s.code, label: &s.label }).collect()
    }

    /// Other spellings a coded column accepts besides code and label (a
    /// situation's earlier wordings too).
    pub fn aliases(&self, column: &str) -> Vec<(&'static str, Vec<&'static str>)> {
        let mut out: Vec<(&'static str, Vec<&'static str>)> = self
            .tax
            .aliases
            .iter()
            .filter(|a| a.column == column)
            .map(|a| (a.code.as_str(), a.spellings.iter().map(String::as_str).collect()))
            .collect();
        if column == "situation" {
            out.extend(self.situation_wordings.iter().filter(|(_, w)| !w.is_empty()).cloned());
        }
        out
    }

    /// Spellings a coded column refuses, each with why (Japanese, English).
    pub fn refused(&self, column: &str) -> Vec<(Vec<&'static str>, &'static str, &'static str)> {
        self.tax
            .refused
            .iter()
            .filter(|r| r.column == column)
            .map(|r| (r.spellings.iter().map(String::as_str).collect(), r.why.as_str(), r.why_en.as_str()))
            .collect()
    }

    /// The label of a duration or user bin code, or of the info-leak row.
    pub fn bin_label(&self, code: &str) -> &'static str {
        self.duration_bins
            .iter()
            .chain(self.user_bins.iter())
            .find(|b| b.code == code)
            .map(|b| b.label)
            .or_else(|| self.kinds.iter().find(|k| k.code == code).map(|k| k.label))
            .unwrap_or("")
    }

    /// The name the edition's sentences use for a service (some are shorter).
    pub fn sentence_label(&self, code: &str) -> &'static str {
        self.tax.services.iter().find(|s| s.code == code).map_or("", |s| s.sentence_label.as_deref().unwrap_or(&s.label))
    }

    /// The services of a bit mask (a record's `services`), with their
    /// indexes, in the book's order.
    pub fn services_in(&self, mask: u32) -> impl Iterator<Item = (usize, &Service)> {
        self.services.iter().enumerate().filter(move |(i, _)| mask & (1 << i) != 0)
    }

    pub fn kind(&self, code: &str) -> Option<usize> {
        self.kinds.iter().position(|k| k.code == code)
    }

    pub fn service(&self, code: &str) -> Option<(usize, &Service)> {
        self.services.iter().enumerate().find(|(_, s)| s.code == code)
    }

    pub fn cause(&self, code: &str) -> Option<(usize, &Coded)> {
        self.causes.iter().enumerate().find(|(_, c)| c.code == code)
    }

    pub fn equipment_code(&self, code: &str) -> Option<(usize, &Coded)> {
        self.equipment.iter().enumerate().find(|(_, c)| c.code == code)
    }

    /// The matrix's row of information leaks, after the duration bins.
    pub fn info_leak_row(&self) -> usize {
        self.duration_bins.len()
    }

    /// The equipment index of "unknown", after the equipment codes.
    pub fn equipment_unknown(&self) -> usize {
        self.equipment.len()
    }
}

/// Labels of table rows and headers that are not codes.
pub mod label {
    pub const MAJOR: &str = "重大な事故";
    pub const CARRIERS: &str = "事業者数";
    pub const REPORTS: &str = "報告件数";
    pub const TOTAL: &str = "合計";
    pub const COUNT: &str = "件数";
    pub const SHARE: &str = "割合";
    pub const YOY: &str = "前年度比";
    pub const KNOWN: &str = "故障設備が明確な事故";
    pub const UNKNOWN: &str = "故障設備が不明";
    pub const DURATION: &str = "継続時間";
    pub const USERS: &str = "影響利用者数";
    pub const NO: &str = "No";
    pub const CARRIER: &str = "事業者名";
    pub const STARTED: &str = "発生日時";
    pub const CONTENT: &str = "主な障害内容";
    pub const CLASS: &str = "役務区分";
    pub const SERVICES: &str = "役務";
    pub const FISCAL_YEAR: &str = "年度";
    pub const SOURCE: &str = "出典";
    pub const FROM_RECORDS: &str = "記録から集計";
    pub const PUBLISHED: &str = "公表値";
    /// A year of the series with neither records nor a published count.
    pub const NOT_KNOWN: &str = "不明";
    pub const NOT_PUBLISHED: &str = "公表資料から確認できない";
    pub const RECONSTRUCTION: &str = "注意: 同梱の事故データは総務省の公表値から再構成したものです（個票は公表されていません）。FY2020の重大な事故4件は公表どおりの実データ、それ以外の記録は合成データです。";
}

/// Table titles, by figures table name.
pub(crate) const TABLE_TITLES: &[(&str, &str)] = &[
    ("summary", "報告の概要"),
    ("major", "重大な事故の一覧"),
    ("major_trend", "重大な事故発生件数の年度ごとの推移"),
    ("matrix", "影響利用者数及び継続時間"),
    ("service", "サービス別の内訳"),
    ("service_voice", "音声サービスの事故の内訳"),
    ("service_data", "データ通信サービスの事故の内訳"),
    ("service_other", "その他のサービスの事故の内訳"),
    ("cause", "発生要因別の内訳"),
    ("equipment", "故障設備別の内訳"),
    ("equipment_switching", "伝送交換設備（サーバ設備を除く）の故障による事故の内訳"),
    ("equipment_server", "サーバ設備の故障による事故の内訳"),
    ("equipment_line", "伝送路設備の故障による事故の内訳"),
    ("equipment_other", "その他の設備の故障による事故の内訳"),
];

pub fn table_title(name: &str) -> &'static str {
    TABLE_TITLES.iter().find(|(n, _)| *n == name).map_or("", |(_, t)| t)
}

pub fn group_label(groups: &[Group], code: &str) -> &'static str {
    groups.iter().find(|g| g.code == code).map(|g| g.label).unwrap_or("")
}

/// The nearest valid code to a misspelled one, for "did you mean".
pub fn nearest<'a>(value: &str, codes: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let value = value.trim().to_ascii_lowercase();
    // A code the value starts with (`ftth_acces`), or a code containing the
    // value (`leak` in `info_leak`), beats any edit distance.
    let mut best: Option<(usize, &str)> = None;
    for c in codes {
        let score = if value.starts_with(c) || (value.len() >= 3 && c.contains(value.as_str())) {
            0
        } else {
            // By characters: a Japanese label of four is no typo of another
            // four (`光回線` is not `国際電話`); ASCII codes allow two edits.
            let n = c.chars().count();
            let limit = if c.is_ascii() { (n / 3).max(2) } else { (n / 4).max(1) };
            // Lengths further apart than the limit cannot be within it.
            if value.chars().count().abs_diff(c.chars().count()) > limit {
                continue;
            }
            let d = edit_distance(&value, c);
            if d > limit || 2 * d >= n.max(value.chars().count()) {
                continue;
            }
            d
        };
        if best.map_or(true, |(s, b)| score < s || (score == s && c.len() > b.len())) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// Edits between two spellings (Levenshtein, by characters; strsim is
/// already in the tree through clap).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v() -> &'static Vocabulary {
        crate::rules::Rules::builtin().vocab
    }

    #[test]
    fn nearest_code_for_typo() {
        assert_eq!(nearest("ftth_acces", v().services.iter().map(|s| s.code)), Some("ftth"));
        assert_eq!(nearest("fth", v().services.iter().map(|s| s.code)), Some("ftth"));
        assert_eq!(nearest("natural_falure", v().causes.iter().map(|s| s.code)), Some("natural_failure"));
        assert_eq!(nearest("zzzzzzzzzz", v().causes.iter().map(|s| s.code)), None);
    }

    #[test]
    fn codes_are_unique_and_grouped() {
        for (i, s) in v().services.iter().enumerate() {
            assert!(v().services[i + 1..].iter().all(|t| t.code != s.code));
            assert!(v().service_subs(s.group).iter().any(|g| g.code == s.sub), "{}", s.code);
        }
        assert!(v().causes.iter().all(|c| v().cause_groups.iter().any(|g| g.code == c.group)));
        assert!(v().equipment.iter().all(|c| v().equipment_groups.iter().any(|g| g.code == c.group)));
        assert!(v().services.len() <= 32, "service sets are u32 bit masks");
    }
}
