//! The rule book as read from TOML (data/rules/mic.toml): plain data, no
//! logic. `load` checks it; `judge` applies it.

use serde::Deserialize;

/// A rules file. Sections left out of a file that `extends = "mic"` come
/// from the built-in book.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBook {
    pub extends: Option<String>,
    pub meta: Option<Meta>,
    pub trial: Option<Trial>,
    pub bins: Option<Bins>,
    pub duty: Option<Duty>,
    pub major_report: Option<MajorReport>,
    pub major: Option<Vec<MajorSet>>,
    pub facility: Option<Facility>,
    pub near_miss: Option<NearMiss>,
    pub hard_to_count: Option<HardToCount>,
    #[serde(rename = "regime")]
    pub regimes: Option<Vec<Regime>>,
    pub taxonomy: Option<Taxonomy>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub name: String,
    pub title: String,
    #[serde(default)]
    pub source: String,
    /// The last day in force of the law's texts this book was checked
    /// against (data/law/): an answer about a later day says so.
    pub checked_through: Option<toml::value::Datetime>,
    /// What was read, and when.
    #[serde(default)]
    pub checked: String,
}

/// A what-if (試算): every report is judged by one named set, whatever its
/// date, and every output says so.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trial {
    pub judge_all_by: String,
    pub note: String,
    pub note_en: String,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBin {
    pub code: String,
    pub from: u64,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bins {
    pub duration: Vec<RawBin>,
    pub users: Vec<RawBin>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duty {
    pub name: String,
    pub outside_label: String,
    pub min_duration: u64,
    pub min_users: u64,
    #[serde(default)]
    pub always_kinds: Vec<String>,
    #[serde(default)]
    pub source: String,
    /// The routine report's form (報告規則第7条の3: 様式第二十七), and the
    /// simple format a 告示 allows for some accidents (its ただし書).
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub simple_form: String,
    pub due: Vec<Due>,
    /// What is known of the information-leak item's removal (a note).
    pub info_leak_item: Option<InfoLeakItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InfoLeakItem {
    pub kind: String,
    /// The first day the item no longer applies (an incident that day or
    /// later is no routine report by its kind alone).
    pub removed_from: Option<toml::value::Datetime>,
    pub note: String,
    pub note_en: String,
    #[serde(default)]
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Every {
    Quarter,
    Year,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Due {
    pub effective_from: toml::value::Datetime,
    /// An ordinance's 附則: the rule before this one still applies to a
    /// report due before this day.
    pub applies_to_reports_due_from: Option<toml::value::Datetime>,
    pub every: Every,
    pub months_after: u32,
    /// The report's name under this rule; the duty's name when absent.
    pub name: Option<String>,
    pub outside_label: Option<String>,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorReport {
    pub first: String,
    pub written_days: u32,
    #[serde(default)]
    pub form: String,
    #[serde(default)]
    pub source: String,
    /// A wholesale receiver's simplified report (施行規則第57条第2項).
    pub wholesale: Option<WholesaleReport>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WholesaleReport {
    pub effective_from: toml::value::Datetime,
    pub form: String,
    pub items: String,
    #[serde(default)]
    pub source: String,
}

/// おそれ事態 (施行規則第58条の2): the conditions of its item 1, the
/// situations of items 1 and 2, and the exclusions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NearMiss {
    pub effective_from: toml::value::Datetime,
    pub name: String,
    pub short: String,
    pub form: String,
    pub report_days: u32,
    pub min_carrier_users: u64,
    pub min_prefectures: u32,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub url: String,
    pub functions: Vec<Provision>,
    pub situations: Vec<Situation>,
    pub exclusions: Vec<Provision>,
    /// Spellings that say no exclusion applies (`なし`, `none`); the first
    /// is the one the template offers.
    #[serde(default)]
    pub no_exclusion: Vec<String>,
}

/// A coded provision: its code, where the text has it, and its words.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    pub code: String,
    pub item: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    pub code: String,
    pub item: String,
    pub label: String,
    /// A situation of item 1 (needs conditions イ–ヘ); `false`: item 2.
    #[serde(default = "yes")]
    pub item1: bool,
    /// Not excluded when a natural disaster caused it.
    #[serde(default)]
    pub natural_disaster_counts: bool,
    /// An item added after the rule began: a situation that occurred
    /// before this day is not this item.
    pub effective_from: Option<toml::value::Datetime>,
    /// The ordinance that added the item (or changed its words).
    #[serde(default)]
    pub source: String,
    /// The item's words from later days, oldest first; `label` before.
    #[serde(default)]
    pub wording: Vec<Wording>,
}

/// A situation's words from a day on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wording {
    pub from: toml::value::Datetime,
    pub label: String,
    #[serde(default)]
    pub source: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardToCount {
    pub effective_from: toml::value::Datetime,
    pub note: String,
    pub note_en: String,
    #[serde(default)]
    pub source: String,
}

/// A break in a series that is no new threshold set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub effective_from: toml::value::Datetime,
    pub trend_note: String,
    #[serde(default)]
    pub source: String,
}

/// Met when the duration, the users (and the monthly active users, when
/// the threshold names them) all reach it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub min_duration: u64,
    pub min_users: u64,
    pub min_monthly_active_users: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Class {
    pub name: String,
    /// The class as the sheets on each major accident word it, when it
    /// differs from `name` (the notes' wording).
    pub sheet_name: Option<String>,
    #[serde(default)]
    pub services: Vec<String>,
    /// Every service no other class of the set names.
    #[serde(default)]
    pub others: bool,
    /// The class holds its services only when the service's monthly
    /// users (the previous fiscal year's average) reach this; below it,
    /// they fall to the class that names them too, or the others' class.
    pub min_monthly_active_users: Option<u64>,
    /// Why each service named is in the class, in the text's words.
    #[serde(default)]
    pub reasons: std::collections::BTreeMap<String, String>,
    pub thresholds: Vec<Threshold>,
}

/// A service whose class the text leaves open: the classes it could be
/// in, and why. Counting takes the class the set gives it; a one-incident
/// answer judges under each and says "depends" where they differ.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenService {
    pub service: String,
    pub classes: Vec<u8>,
    pub note: String,
    pub note_en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MajorSet {
    pub id: String,
    /// The set as MIC names it in Japanese text (`令和元年度から`), for the
    /// report's notes; empty: the id is printed.
    #[serde(default)]
    pub label: String,
    /// First day (JST) of the set; a trial's own set may leave it out.
    pub effective_from: Option<toml::value::Datetime>,
    pub numbered: bool,
    pub facility_min_duration: Option<u64>,
    #[serde(default)]
    pub trend_note: String,
    #[serde(default)]
    pub source: String,
    #[serde(rename = "class")]
    pub classes: Vec<Class>,
    #[serde(default)]
    pub open: Vec<OpenService>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facility {
    pub text: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sub {
    pub group: String,
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub code: String,
    pub group: String,
    pub sub: String,
    pub label: String,
    pub sentence_label: Option<String>,
    /// The name the sheets on each major accident use, when shorter.
    pub sheet_label: Option<String>,
    /// The first day the code names a service of its own (free mail and
    /// messaging from 2026-04-01): a reconstruction of an earlier year,
    /// made from published figures, does not use it.
    pub since: Option<toml::value::Datetime>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Coded {
    pub code: String,
    #[serde(default)]
    pub group: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Alias {
    pub column: String,
    pub code: String,
    pub spellings: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    pub service_groups: Vec<Group>,
    pub service_subs: Vec<Sub>,
    pub services: Vec<Service>,
    pub cause_groups: Vec<Group>,
    pub causes: Vec<Coded>,
    pub equipment_groups: Vec<Group>,
    pub equipment: Vec<Coded>,
    pub forms: Vec<Coded>,
    pub simple_form_equipment: Vec<String>,
    pub facilities: Vec<Coded>,
    pub kinds: Vec<Coded>,
    pub wholesale: Vec<Coded>,
    #[serde(default)]
    pub aliases: Vec<Alias>,
    /// Spellings a column refuses, with why: another report under another
    /// article (a leak of the secrecy of communications is not the routine
    /// report's leak item).
    #[serde(default)]
    pub refused: Vec<Refused>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refused {
    pub column: String,
    pub spellings: Vec<String>,
    pub why: String,
    pub why_en: String,
}
