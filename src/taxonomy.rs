//! Every code of the input contract with its group and Japanese label: the
//! one place where the report's vocabulary lives (incidents.md, "Codes").

/// One service (役務) of the contract.
#[derive(Debug, Clone, Copy)]
pub struct Service {
    pub code: &'static str,
    pub group: &'static str,
    pub sub: &'static str,
    /// Service class of the FY2019 rules (1–5).
    pub class: u8,
    pub label: &'static str,
}

macro_rules! services {
    ($(($code:literal, $group:literal, $sub:literal, $class:literal, $label:literal)),* $(,)?) => {
        pub const SERVICES: &[Service] = &[
            $(Service { code: $code, group: $group, sub: $sub, class: $class, label: $label }),*
        ];
        /// The services as codes with labels, for reading input.
        pub const SERVICE_CODES: &[Coded] = &[$(Coded { code: $code, group: $group, label: $label }),*];
    };
}

services![
    ("analog_phone", "voice", "fixed", 1, "アナログ電話"),
    ("ip_phone_0abj", "voice", "fixed", 1, "IP電話（0AB-J）"),
    ("ip_phone_050", "voice", "fixed", 2, "IP電話（050）"),
    ("mobile_voice", "voice", "mobile", 1, "携帯電話（音声）"),
    ("phs_voice", "voice", "mobile", 1, "PHS（音声）"),
    ("international_phone", "voice", "other", 2, "国際電話"),
    ("fmc", "voice", "other", 2, "FMCサービス"),
    ("isp", "data", "isp", 5, "インターネット接続サービス"),
    ("ftth", "data", "fixed", 5, "FTTHアクセスサービス"),
    ("dsl", "data", "fixed", 5, "DSLアクセスサービス"),
    ("catv_internet", "data", "fixed", 5, "CATVアクセスサービス"),
    ("mobile_data", "data", "mobile", 5, "携帯電話・PHS（データ通信）"),
    ("public_wlan", "data", "mobile", 5, "公衆無線LAN"),
    ("bwa", "data", "mobile", 5, "BWAアクセスサービス"),
    ("email_paid", "data", "other", 5, "インターネット関連サービス（有料）（電子メール）"),
    ("internet_free", "data", "other", 4, "インターネット関連サービス（無料）"),
    ("ip_vpn", "data", "other", 5, "IP-VPNサービス"),
    ("wide_ethernet", "data", "other", 5, "広域イーサネットサービス"),
    ("local_5g", "data", "other", 5, "ローカル5Gサービス"),
    ("lpwa_cellular", "data", "other", 3, "セルラーLPWA"),
    ("lpwa_unlicensed", "data", "other", 3, "アンライセンスLPWAサービス"),
    ("isdn", "other", "other", 1, "ISDN"),
    ("leased_line", "other", "other", 5, "専用役務"),
    ("mvno", "other", "other", 5, "MVNOサービス"),
    ("telegram", "other", "other", 5, "電報"),
];

/// A cause (発生要因) or a failed equipment (故障設備) code.
#[derive(Debug, Clone, Copy)]
pub struct Coded {
    pub code: &'static str,
    pub group: &'static str,
    pub label: &'static str,
}

const fn coded(code: &'static str, group: &'static str, label: &'static str) -> Coded {
    Coded { code, group, label }
}

pub const CAUSES: &[Coded] = &[
    coded("natural_failure", "equipment", "自然故障"),
    coded("software_bug", "equipment", "ソフトウェア不具合"),
    coded("equipment_other", "equipment", "その他の設備要因"),
    coded("work_error", "human", "作業ミス"),
    coded("config_error", "human", "設定誤り"),
    coded("human_other", "human", "その他の人為的要因"),
    coded("other_carrier", "external", "他の電気通信事業者の事故"),
    coded("third_party", "external", "第三者要因（ケーブル切断等）"),
    coded("power_outage", "external", "停電"),
    coded("natural_disaster", "external", "自然災害"),
    coded("fire", "external", "火災"),
    coded("cyberattack", "external", "送信型対電気通信設備サイバー攻撃"),
    coded("congestion", "other", "異常トラヒック（輻輳）"),
    coded("unknown", "other", "原因不明"),
];

pub const EQUIPMENT: &[Coded] = &[
    coded("subscriber_accommodation", "switching", "加入者収容装置"),
    coded("remote_accommodation", "switching", "局設置遠隔収容装置・き線点遠隔収容装置"),
    coded("dslam", "switching", "デジタル加入者回線アクセス多重化装置"),
    coded("network_equipment", "switching", "ネットワーク機器"),
    coded("circuit_switch", "switching", "回線交換設備"),
    coded("network_termination", "switching", "網終端装置"),
    coded("switching_other", "switching", "その他の伝送交換設備"),
    coded("application_server", "server", "アプリケーションサーバ"),
    coded("auth_call_control_server", "server", "認証・呼制御サーバ"),
    coded("subscriber_cable", "line", "加入者系ケーブル"),
    coded("trunk_cable", "line", "中継系ケーブル"),
    coded("submarine_cable", "line", "海底ケーブル"),
    coded("relay_transmission", "line", "中継伝送装置"),
    coded("wdm", "line", "WDM装置"),
    coded("media_converter", "line", "メディアコンバータ"),
    coded("line_other", "line", "その他の伝送路設備"),
    coded("base_station", "other", "無線基地局"),
    coded("power_supply", "other", "電源設備"),
    coded("other", "other", "その他"),
];

/// A group of codes (service group or sub-group, cause group, equipment
/// group) with the label the edition prints for it.
#[derive(Debug, Clone, Copy)]
pub struct Group {
    pub code: &'static str,
    pub label: &'static str,
}

const fn group(code: &'static str, label: &'static str) -> Group {
    Group { code, label }
}

pub const SERVICE_GROUPS: &[Group] = &[
    group("voice", "音声サービス"),
    group("data", "データ通信サービス"),
    group("other", "その他"),
];

/// Sub-groups in the order the edition lists them, per service group.
pub const SERVICE_SUBS: &[(&str, &[Group])] = &[
    ("voice", &[group("fixed", "固定通信"), group("mobile", "移動通信"), group("other", "その他")]),
    (
        "data",
        &[
            group("isp", "インターネット接続"),
            group("fixed", "固定通信"),
            group("mobile", "移動通信"),
            group("other", "その他"),
        ],
    ),
    ("other", &[group("other", "その他")]),
];

pub const CAUSE_GROUPS: &[Group] = &[
    group("equipment", "設備要因"),
    group("human", "人為的要因"),
    group("external", "外的要因"),
    group("other", "その他"),
];

pub const EQUIPMENT_GROUPS: &[Group] = &[
    group("switching", "伝送交換設備（サーバ設備を除く）"),
    group("server", "サーバ設備"),
    group("line", "伝送路設備"),
    group("other", "その他"),
];

/// The report forms (報告様式), in index order (0 detailed, 1 simple).
pub const FORMS: &[Coded] = &[coded("detailed", "", "詳細な様式"), coded("simple", "", "簡易な様式")];

/// Critical facilities whose whole traffic was down (注1②); `none` first.
pub const FACILITIES: &[Coded] = &[
    coded("none", "", "なし"),
    coded("satellite", "", "衛星"),
    coded("submarine_cable", "", "海底ケーブル"),
    coded("other_critical", "", "その他の重要設備"),
];

/// Kinds of incident (注2 ①②③); `outage` first.
pub const KINDS: &[Coded] = &[
    coded("outage", "", "電気通信設備の故障"),
    coded("non_telecom_facility", "", "電気通信設備以外の設備の故障"),
    coded("info_leak", "", "通信の秘密の漏えい"),
];

/// Wholesale roles (卸役務); `none` first.
pub const WHOLESALE: &[Coded] = &[coded("none", "", "なし"), coded("provider", "", "卸元"), coded("receiver", "", "卸先")];

/// Other spellings each coded column accepts besides code and label
/// (docs/incidents.md, "Accepted spellings"): column, code, spellings.
pub const ALIASES: &[(&str, &[(&str, &[&str])])] = &[
    ("report_form", &[("detailed", &["詳細", "詳細様式"]), ("simple", &["簡易", "簡易様式"])]),
    (
        "services",
        &[
            ("ip_phone_0abj", &["0AB-J IP電話", "0ABJ"]),
            ("ip_phone_050", &["050 IP電話", "050"]),
            ("mobile_voice", &["携帯電話", "携帯音声"]),
            ("mobile_data", &["携帯電話（データ通信）", "携帯データ"]),
            ("isp", &["ISP", "インターネット接続"]),
            ("email_paid", &["インターネット関連サービス（メール）", "電子メール", "メール"]),
            ("internet_free", &["無料インターネット関連サービス"]),
            ("leased_line", &["専用線"]),
        ],
    ),
    (
        "cause",
        &[
            ("software_bug", &["ソフトウェアバグ", "ソフトウェア障害"]),
            ("config_error", &["設定ミス"]),
            ("third_party", &["第三者要因"]),
            ("congestion", &["輻輳", "異常トラヒック"]),
            ("unknown", &["不明"]),
        ],
    ),
    ("equipment", &[("base_station", &["基地局"]), ("power_supply", &["電源"])]),
    ("facility", &[("none", &["-", "無し", "該当なし"]), ("satellite", &["衛星設備"])]),
    ("kind", &[("outage", &["停止", "品質低下"]), ("info_leak", &["漏えい", "漏洩", "通信の秘密の漏洩"])]),
    ("wholesale", &[("none", &["-", "無し"]), ("provider", &["卸提供"]), ("receiver", &["卸受け"])]),
];

pub fn aliases(column: &str) -> &'static [(&'static str, &'static [&'static str])] {
    ALIASES.iter().find(|(c, _)| *c == column).map_or(&[], |(_, a)| a)
}

/// Equipment a simple-form (簡易な様式) report may name.
pub const SIMPLE_FORM_EQUIPMENT: &[&str] = &["base_station", "remote_accommodation", "dslam"];

/// Labels of table rows and headers that are not codes.
pub mod label {
    pub const MAJOR: &str = "重大な事故";
    pub const DETAILED: &str = "詳細な様式";
    pub const SIMPLE: &str = "簡易な様式";
    pub const CARRIERS: &str = "事業者数";
    pub const REPORTS: &str = "報告件数";
    pub const TOTAL: &str = "合計";
    pub const COUNT: &str = "件数";
    pub const SHARE: &str = "割合";
    pub const YOY: &str = "前年度比";
    pub const OUTSIDE_DUTY: &str = "四半期報告対象外";
    pub const INFO_LEAK: &str = "通信の秘密の漏えい";
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
    pub const RECONSTRUCTION: &str = "注意: 同梱の事故データは総務省の公表値から再構成したものです（個票は公表されていません）。FY2020の重大な事故4件は公表どおりの実データ、それ以外の記録は合成データです。";
}

/// Labels of the duration and affected-user bins (rules::*_BINS codes).
pub const BIN_LABELS: &[(&str, &str)] = &[
    ("lt30m", "30分未満"),
    ("30m-1h", "30分以上1時間未満"),
    ("1h-1h30m", "1時間以上1時間30分未満"),
    ("1h30m-2h", "1時間30分以上2時間未満"),
    ("2h-5h", "2時間以上5時間未満"),
    ("5h-12h", "5時間以上12時間未満"),
    ("12h-24h", "12時間以上24時間未満"),
    ("ge24h", "24時間以上"),
    ("info_leak", "通信の秘密の漏えい"),
    ("lt500", "500人未満"),
    ("500-5k", "500人以上5千人未満"),
    ("5k-30k", "5千人以上3万人未満"),
    ("30k-100k", "3万人以上10万人未満"),
    ("100k-1m", "10万人以上100万人未満"),
    ("ge1m", "100万人以上"),
];

pub fn bin_label(code: &str) -> &'static str {
    BIN_LABELS.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

/// Table titles, by figures table name.
pub const TABLE_TITLES: &[(&str, &str)] = &[
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

/// Shorter names the edition's sentences use for some services.
pub const SENTENCE_LABELS: &[(&str, &str)] = &[("email_paid", "インターネット関連サービス（メール）")];

pub fn sentence_label(code: &str) -> &'static str {
    SENTENCE_LABELS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .or_else(|| service(code).map(|(_, s)| s.label))
        .unwrap_or("")
}

/// Kanji numerals for service classes, as the major-accident list prints them.
pub const CLASS_KANJI: &[&str] = &["", "一", "二", "三", "四", "五"];

pub fn service(code: &str) -> Option<(usize, &'static Service)> {
    SERVICES.iter().enumerate().find(|(_, s)| s.code == code)
}

pub fn cause(code: &str) -> Option<(usize, &'static Coded)> {
    CAUSES.iter().enumerate().find(|(_, c)| c.code == code)
}

pub fn equipment(code: &str) -> Option<(usize, &'static Coded)> {
    EQUIPMENT.iter().enumerate().find(|(_, c)| c.code == code)
}

pub fn service_subs(group: &str) -> &'static [Group] {
    SERVICE_SUBS
        .iter()
        .find(|(g, _)| *g == group)
        .map(|(_, subs)| *subs)
        .unwrap_or(&[])
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
            let limit = (c.len() / 3).max(2);
            // Lengths further apart than the limit cannot be within it.
            if value.chars().count().abs_diff(c.chars().count()) > limit {
                continue;
            }
            let d = edit_distance(&value, c);
            if d > limit {
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

pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_code_for_typo() {
        assert_eq!(nearest("ftth_acces", SERVICES.iter().map(|s| s.code)), Some("ftth"));
        assert_eq!(nearest("fth", SERVICES.iter().map(|s| s.code)), Some("ftth"));
        assert_eq!(nearest("natural_falure", CAUSES.iter().map(|s| s.code)), Some("natural_failure"));
        assert_eq!(nearest("zzzzzzzzzz", CAUSES.iter().map(|s| s.code)), None);
    }

    #[test]
    fn codes_are_unique_and_grouped() {
        for (i, s) in SERVICES.iter().enumerate() {
            assert!(SERVICES[i + 1..].iter().all(|t| t.code != s.code));
            assert!(service_subs(s.group).iter().any(|g| g.code == s.sub), "{}", s.code);
        }
        assert!(CAUSES.iter().all(|c| CAUSE_GROUPS.iter().any(|g| g.code == c.group)));
        assert!(EQUIPMENT.iter().all(|c| EQUIPMENT_GROUPS.iter().any(|g| g.code == c.group)));
        assert!(SERVICES.len() <= 32, "service sets are u32 bit masks");
    }
}
