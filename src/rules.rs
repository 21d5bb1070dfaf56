//! The rules of the contract as data: bins, the quarterly reporting duty,
//! and the major-accident thresholds keyed by fiscal year (incidents.md).

use crate::taxonomy::{self, SERVICES};

/// A bin `[lower, next bin's lower)`.
#[derive(Debug, Clone, Copy)]
pub struct Bin {
    pub code: &'static str,
    pub lower: u64,
}

const fn bin(code: &'static str, lower: u64) -> Bin {
    Bin { code, lower }
}

pub const DURATION_BINS: &[Bin] = &[
    bin("lt30m", 0),
    bin("30m-1h", 30),
    bin("1h-1h30m", 60),
    bin("1h30m-2h", 90),
    bin("2h-5h", 120),
    bin("5h-12h", 300),
    bin("12h-24h", 720),
    bin("ge24h", 1440),
];

pub const USER_BINS: &[Bin] = &[
    bin("lt500", 0),
    bin("500-5k", 500),
    bin("5k-30k", 5_000),
    bin("30k-100k", 30_000),
    bin("100k-1m", 100_000),
    bin("ge1m", 1_000_000),
];

/// Index of the bin holding `value`.
pub fn bin_of(bins: &[Bin], value: u64) -> usize {
    bins.iter().rposition(|b| value >= b.lower).unwrap_or(0)
}

/// Below both of these a report is outside the quarterly reporting duty
/// (四半期報告対象外, 注2), unless it is an information leak (注2③).
pub const DUTY_MIN_DURATION: u64 = 120;
pub const DUTY_MIN_USERS: u64 = 30_000;

/// Matrix cells under both duty thresholds are printed as 四半期報告対象外.
pub fn cell_outside_duty(duration_bin: usize, users_bin: usize) -> bool {
    DURATION_BINS[duration_bin].lower < DUTY_MIN_DURATION && USER_BINS[users_bin].lower < DUTY_MIN_USERS
}

pub fn within_duty(duration_min: u64, users: u64, info_leak: bool) -> bool {
    info_leak || duration_min >= DUTY_MIN_DURATION || users >= DUTY_MIN_USERS
}

/// The fiscal year (April to March) of a date.
pub fn fiscal_year(year: i32, month: u32) -> i32 {
    if month >= 4 {
        year
    } else {
        year - 1
    }
}

/// Met when `duration_min >= min_duration && users >= min_users`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Threshold {
    pub min_duration: u64,
    pub min_users: u64,
}

const fn t(min_duration: u64, min_users: u64) -> Threshold {
    Threshold { min_duration, min_users }
}

/// The thresholds of one service class: any one met makes the report major.
pub type ClassThresholds = &'static [Threshold];

const EMERGENCY_VOICE: ClassThresholds = &[t(60, 30_000)];
const OTHER_VOICE: ClassThresholds = &[t(120, 30_000), t(60, 100_000)];
const LPWA: ClassThresholds = &[t(720, 30_000), t(120, 1_000_000)];
const FREE_INTERNET: ClassThresholds = &[t(1440, 100_000), t(720, 1_000_000)];
const EVERYTHING_ELSE: ClassThresholds = &[t(120, 30_000), t(60, 1_000_000)];

/// The major-accident rules in force from `first_fy` until the next set.
#[derive(Debug)]
pub struct MajorRules {
    /// Short name written in report footers, e.g. `FY2019`.
    pub id: &'static str,
    pub first_fy: i32,
    /// Classes are numbered in the report; the uniform FY2008 rule has none.
    pub numbered: bool,
    /// Thresholds of class 1, 2, … in this rule set's own numbering.
    pub classes: &'static [ClassThresholds],
    /// This rule set's class for each FY2019 class 1..=5 (index 0 unused).
    pub class_of_fy2019_class: [u8; 6],
    /// A critical facility (注1②) wholly down this long is major.
    pub facility_min_duration: Option<u64>,
    /// Human-readable thresholds for footnotes, per class (Japanese).
    pub notes: &'static [&'static str],
}

/// Oldest first. A year before the first set has no major-accident rules.
pub const MAJOR_RULES: &[MajorRules] = &[
    MajorRules {
        id: "FY2008",
        first_fy: 2008,
        numbered: false,
        classes: &[&[t(120, 30_000)]],
        class_of_fy2019_class: [0, 1, 1, 1, 1, 1],
        facility_min_duration: None,
        notes: &["全役務: 継続時間2時間以上かつ影響利用者数3万以上"],
    },
    MajorRules {
        id: "FY2015",
        first_fy: 2015,
        numbered: true,
        classes: &[EMERGENCY_VOICE, OTHER_VOICE, FREE_INTERNET, EVERYTHING_ELSE],
        class_of_fy2019_class: [0, 1, 2, 4, 3, 4],
        facility_min_duration: Some(120),
        notes: &[
            "一 緊急通報を取り扱う音声伝送役務: 1時間以上かつ3万以上",
            "二 緊急通報を取り扱わない音声伝送役務: 2時間以上かつ3万以上、又は1時間以上かつ10万以上",
            "三 利用者から電気通信役務の提供の対価としての料金の支払を受けないインターネット関連サービス: 24時間以上かつ10万以上、又は12時間以上かつ100万以上",
            "四 一から三までに掲げる電気通信役務以外の電気通信役務: 2時間以上かつ3万以上、又は1時間以上かつ100万以上",
        ],
    },
    MajorRules {
        id: "FY2019",
        first_fy: 2019,
        numbered: true,
        classes: &[EMERGENCY_VOICE, OTHER_VOICE, LPWA, FREE_INTERNET, EVERYTHING_ELSE],
        class_of_fy2019_class: [0, 1, 2, 3, 4, 5],
        facility_min_duration: Some(120),
        notes: &[
            "一 緊急通報を取り扱う音声伝送役務: 1時間以上かつ3万以上",
            "二 緊急通報を取り扱わない音声伝送役務: 2時間以上かつ3万以上、又は1時間以上かつ10万以上",
            "三 セルラーLPWA（省令第六条第十号に規定するもの）及びアンライセンスLPWAサービス: 12時間以上かつ3万以上、又は2時間以上かつ100万以上",
            "四 利用者から電気通信役務の提供の対価としての料金の支払を受けないインターネット関連サービス: 24時間以上かつ10万以上、又は12時間以上かつ100万以上",
            "五 一から四までに掲げる電気通信役務以外の電気通信役務: 2時間以上かつ3万以上、又は1時間以上かつ100万以上",
        ],
    },
];

pub fn major_rules(fiscal_year: i32) -> Option<&'static MajorRules> {
    MAJOR_RULES.iter().rev().find(|r| fiscal_year >= r.first_fy)
}

/// What the major-accident rules say of one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Major {
    No,
    /// Major; the class in the year's numbering, `None` when the year's
    /// rules have no classes or only the facility rule was met.
    Yes(Option<u8>),
}

impl MajorRules {
    /// `services` is the report's bit mask over `taxonomy::SERVICES`.
    pub fn judge(&self, services: u32, duration_min: u64, users: u64, critical_facility: bool) -> Major {
        let met = |class: u8| {
            self.classes[usize::from(class) - 1]
                .iter()
                .any(|th| duration_min >= th.min_duration && users >= th.min_users)
        };
        let class = SERVICES
            .iter()
            .enumerate()
            .filter(|(i, _)| services & (1 << i) != 0)
            .map(|(_, s)| self.class_of_fy2019_class[usize::from(s.class)])
            .filter(|&c| met(c))
            .min();
        match class {
            Some(c) => Major::Yes(self.numbered.then_some(c)),
            None if critical_facility
                && self.facility_min_duration.is_some_and(|d| duration_min >= d) =>
            {
                Major::Yes(None)
            }
            None => Major::No,
        }
    }
}

impl MajorRules {
    /// Every report in the matrix cell meets some class's threshold, given
    /// a service of that class (the cells the edition marks ※).
    pub fn cell_meets_a_threshold(&self, duration_bin: usize, users_bin: usize) -> bool {
        let (d, u) = (DURATION_BINS[duration_bin].lower, USER_BINS[users_bin].lower);
        self.classes.iter().flat_map(|c| c.iter()).any(|t| d >= t.min_duration && u >= t.min_users)
    }
}

/// A simple-form report must name one of these (incidents.md).
pub fn simple_form_allows(equipment: Option<usize>) -> bool {
    equipment.is_some_and(|i| taxonomy::SIMPLE_FORM_EQUIPMENT.contains(&taxonomy::EQUIPMENT[i].code))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mask(codes: &[&str]) -> u32 {
        codes.iter().map(|c| 1u32 << taxonomy::service(c).unwrap().0).fold(0, |a, b| a | b)
    }

    fn judge(fy: i32, codes: &[&str], d: u64, u: u64) -> Major {
        major_rules(fy).unwrap().judge(mask(codes), d, u, false)
    }

    #[test]
    fn duration_bin_boundaries() {
        let code = |m| DURATION_BINS[bin_of(DURATION_BINS, m)].code;
        assert_eq!(code(0), "lt30m");
        assert_eq!(code(29), "lt30m");
        assert_eq!(code(30), "30m-1h");
        assert_eq!(code(59), "30m-1h");
        assert_eq!(code(60), "1h-1h30m");
        assert_eq!(code(89), "1h-1h30m");
        assert_eq!(code(90), "1h30m-2h");
        assert_eq!(code(119), "1h30m-2h");
        assert_eq!(code(120), "2h-5h");
        assert_eq!(code(299), "2h-5h");
        assert_eq!(code(300), "5h-12h");
        assert_eq!(code(719), "5h-12h");
        assert_eq!(code(720), "12h-24h");
        assert_eq!(code(1439), "12h-24h");
        assert_eq!(code(1440), "ge24h");
    }

    #[test]
    fn user_bin_boundaries() {
        let code = |u| USER_BINS[bin_of(USER_BINS, u)].code;
        assert_eq!(code(0), "lt500");
        assert_eq!(code(499), "lt500");
        assert_eq!(code(500), "500-5k");
        assert_eq!(code(4_999), "500-5k");
        assert_eq!(code(5_000), "5k-30k");
        assert_eq!(code(29_999), "5k-30k");
        assert_eq!(code(30_000), "30k-100k");
        assert_eq!(code(99_999), "30k-100k");
        assert_eq!(code(100_000), "100k-1m");
        assert_eq!(code(999_999), "100k-1m");
        assert_eq!(code(1_000_000), "ge1m");
    }

    #[test]
    fn quarterly_duty_boundaries() {
        assert!(!within_duty(119, 29_999, false));
        assert!(within_duty(120, 0, false));
        assert!(within_duty(0, 30_000, false));
        assert!(within_duty(0, 0, true), "an information leak is always within the duty");
        assert!(cell_outside_duty(3, 2));
        assert!(!cell_outside_duty(4, 0));
        assert!(!cell_outside_duty(0, 3));
    }

    #[test]
    fn fiscal_year_turns_on_april_first() {
        assert_eq!(fiscal_year(2021, 3), 2020); // 31 March 23:59
        assert_eq!(fiscal_year(2021, 4), 2021); // 1 April 00:00
        assert_eq!(fiscal_year(2020, 4), 2020);
        assert_eq!(fiscal_year(2020, 1), 2019);
    }

    #[test]
    fn fy2019_class_thresholds() {
        // 一: emergency voice, 1 h and 30,000.
        assert_eq!(judge(2020, &["ip_phone_0abj"], 60, 30_000), Major::Yes(Some(1)));
        assert_eq!(judge(2020, &["ip_phone_0abj"], 59, 30_000), Major::No);
        assert_eq!(judge(2020, &["mobile_voice"], 60, 29_999), Major::No);
        // 二: other voice.
        assert_eq!(judge(2020, &["ip_phone_050"], 120, 30_000), Major::Yes(Some(2)));
        assert_eq!(judge(2020, &["ip_phone_050"], 119, 99_999), Major::No);
        assert_eq!(judge(2020, &["ip_phone_050"], 60, 100_000), Major::Yes(Some(2)));
        assert_eq!(judge(2020, &["fmc"], 59, 100_000), Major::No);
        // 三: LPWA.
        assert_eq!(judge(2020, &["lpwa_cellular"], 720, 30_000), Major::Yes(Some(3)));
        assert_eq!(judge(2020, &["lpwa_cellular"], 719, 999_999), Major::No);
        assert_eq!(judge(2020, &["lpwa_unlicensed"], 120, 1_000_000), Major::Yes(Some(3)));
        assert_eq!(judge(2020, &["lpwa_unlicensed"], 119, 1_000_000), Major::No);
        // 四: free internet.
        assert_eq!(judge(2020, &["internet_free"], 1440, 100_000), Major::Yes(Some(4)));
        assert_eq!(judge(2020, &["internet_free"], 1439, 999_999), Major::No);
        assert_eq!(judge(2020, &["internet_free"], 1440, 99_999), Major::No);
        assert_eq!(judge(2020, &["internet_free"], 720, 1_000_000), Major::Yes(Some(4)));
        assert_eq!(judge(2020, &["internet_free"], 719, 1_000_000), Major::No);
        // 五: everything else.
        assert_eq!(judge(2020, &["ftth"], 120, 30_000), Major::Yes(Some(5)));
        assert_eq!(judge(2020, &["ftth"], 119, 999_999), Major::No);
        assert_eq!(judge(2020, &["ftth"], 60, 1_000_000), Major::Yes(Some(5)));
        assert_eq!(judge(2020, &["ftth"], 59, 1_000_000), Major::No);
        // The lowest class met wins.
        assert_eq!(judge(2020, &["ftth", "analog_phone"], 120, 30_000), Major::Yes(Some(1)));
        assert_eq!(judge(2020, &["internet_free", "ftth"], 120, 30_000), Major::Yes(Some(5)));
    }

    #[test]
    fn threshold_cells() {
        let r = major_rules(2020).unwrap();
        assert!(r.cell_meets_a_threshold(2, 3), "1h-1h30m × 30k-100k meets class 1");
        assert!(!r.cell_meets_a_threshold(1, 5), "under 1 h nothing is major");
        assert!(!r.cell_meets_a_threshold(7, 2), "under 30,000 users nothing is major");
        let old = major_rules(2014).unwrap();
        assert!(!old.cell_meets_a_threshold(2, 5) && old.cell_meets_a_threshold(4, 3));
    }

    #[test]
    fn critical_facility_rule() {
        let rules = major_rules(2020).unwrap();
        let free = mask(&["internet_free"]);
        assert_eq!(rules.judge(free, 120, 10, true), Major::Yes(None));
        assert_eq!(rules.judge(free, 119, 10, true), Major::No);
        assert_eq!(rules.judge(free, 120, 10, false), Major::No);
    }

    #[test]
    fn earlier_rule_sets() {
        // FY2008–FY2014: one rule for every service, no class.
        assert_eq!(judge(2014, &["ip_phone_0abj"], 60, 100_000), Major::No);
        assert_eq!(judge(2014, &["internet_free"], 120, 30_000), Major::Yes(None));
        assert_eq!(judge(2008, &["ftth"], 119, 30_000), Major::No);
        assert!(major_rules(2007).is_none());
        // FY2015–FY2018: four classes; LPWA falls in 四 (everything else).
        assert_eq!(judge(2015, &["ip_phone_0abj"], 60, 30_000), Major::Yes(Some(1)));
        assert_eq!(judge(2018, &["internet_free"], 1440, 100_000), Major::Yes(Some(3)));
        assert_eq!(judge(2018, &["lpwa_cellular"], 120, 30_000), Major::Yes(Some(4)));
        assert_eq!(judge(2019, &["lpwa_cellular"], 120, 30_000), Major::No);
        assert_eq!(judge(2018, &["ftth"], 120, 30_000), Major::Yes(Some(4)));
    }
}
