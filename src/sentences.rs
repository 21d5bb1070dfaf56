//! The edition's bullet sentences, generated from the figures. Each
//! template keeps the edition's own wording and typography (its mix of
//! ASCII and full-width signs, its spaces); every number, every 増加/減少/同
//! and every named category comes from the computed figures. A clause
//! whose data is unknown is left out, never guessed.

use std::collections::BTreeMap;

use crate::aggregate::Aggregate;
use crate::figures::Figures;
use crate::render::thousands;
use crate::rules::taxonomy::{self, Vocabulary};

/// How a template writes the sign of a point difference: one way for
/// every delta of the report (`+1ポイント` beside `+19件`), where the
/// edition mixed `＋`/`－` and `+`/`-` (issue 32).
#[derive(Clone, Copy)]
enum Signs {
    Ascii,
}

/// How a template says "no change" in share points.
#[derive(Clone, Copy)]
enum Zero {
    PlusMinus,
    Same,
}

/// Sections and their sentences, in the edition's order.
pub struct Sentences {
    pub sections: Vec<(&'static str, Vec<String>)>,
}

struct Ctx<'a> {
    rules: crate::rules::Rules,
    this: &'a Figures,
    prev: Option<&'a Figures>,
}

impl Ctx<'_> {
    fn n(&self, t: &str, r: &str, c: &str) -> Option<i64> {
        self.this.int(t, r, c)
    }
    fn share(&self, t: &str, r: &str) -> Option<String> {
        self.this.get(t, r, "share").map(|v| v.to_string())
    }
    /// `（前年度比+1ポイント）`, or nothing without the previous year.
    fn points(&self, t: &str, r: &str, signs: Signs, zero: Zero) -> String {
        match (self.prev, self.this.int(t, r, "share_delta")) {
            (Some(_), Some(d)) => format!("（前年度比{}）", point_text(d, signs, zero)),
            _ => String::new(),
        }
    }
    /// `+311件`: the count delta, when the previous year is known.
    fn count_delta(&self, t: &str, r: &str) -> Option<i64> {
        self.prev.and(self.this.int(t, r, "count_delta"))
    }
}

fn point_text(d: i64, signs: Signs, zero: Zero) -> String {
    match (d, signs, zero) {
        (0, _, Zero::Same) => "同".to_string(),
        (0, _, Zero::PlusMinus) => "±0ポイント".to_string(),
        (d, Signs::Ascii, _) if d > 0 => format!("+{d}ポイント"),
        (d, Signs::Ascii, _) => format!("-{}ポイント", -d),
    }
}

fn count_text(d: i64) -> String {
    crate::render::signed(d, "件")
}

/// Generate every sentence of the year. `trend` is the major-accident
/// series (records first, then published counts) for 直近5年間.
pub fn generate(agg: &Aggregate, year: i32, this: &Figures, prev: Option<&Figures>, trend: &BTreeMap<i32, u64>) -> Sentences {
    let c = Ctx { rules: agg.rules, this, prev };
    let mut sections = Vec::new();
    sections.push(("2 重大な事故", majors(agg, year, &c, trend)));
    sections.push(("3 (1) 影響利用者数及び継続時間", scale(&c)));
    sections.push(("3 (2) サービス別の内訳", services(&c)));
    sections.push(("3 (3) 発生要因別の内訳", causes(&c)));
    sections.push(("3 (4) 故障設備別の内訳", equipment(&c)));
    Sentences { sections: sections.into_iter().map(|(t, s)| (t, s.into_iter().flatten().collect())).collect() }
}

fn majors(agg: &Aggregate, year: i32, c: &Ctx, trend: &BTreeMap<i32, u64>) -> Vec<Option<String>> {
    let n = c.n("headline", "major", "count").unwrap_or(0);
    let change = match c.count_delta("headline", "major") {
        Some(0) => format!("前年度と同じ{n}件"),
        Some(d) if d > 0 => format!("前年度から{d}件増加した{n}件"),
        Some(d) => format!("前年度から{}件減少した{n}件", -d),
        None => format!("{n}件"),
    };
    let recent: Option<Vec<u64>> = (year - 4..=year).map(|fy| trend.get(&fy).copied()).collect();
    let tail = match recent {
        Some(v) => {
            let (lo, hi) = (v.iter().min().copied().unwrap_or(0), v.iter().max().copied().unwrap_or(0));
            let range = if lo == hi { format!("{lo}") } else { format!("{lo}～{hi}") };
            format!("であり、直近5年間は年に{range}件で推移している。")
        }
        None => "であった。".to_string(),
    };
    let first = Some(format!("・総件数（報告件数。以下同じ）は、{change}{tail}"));

    // The service most of the year's major accidents involve, if one leads.
    let accidents = agg.accidents(year);
    let mut by_label: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for a in accidents {
        let mut labels: Vec<&str> = c.rules.vocab.services_in(a.services).map(|(_, s)| c.rules.vocab.sentence_label(s.code)).collect();
        labels.dedup();
        for l in labels {
            by_label.entry(l).or_default().push(a.number);
        }
    }
    let mut ranked: Vec<(&str, Vec<usize>)> = by_label.into_iter().collect();
    ranked.sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    let second = match ranked.as_slice() {
        [(label, nums), rest @ ..] if nums.len() >= 2 && rest.first().is_none_or(|(_, v)| v.len() < nums.len()) => {
            let list = nums.iter().map(usize::to_string).collect::<Vec<_>>().join(", ");
            Some(format!(
                "・サービス別では、{label}の事故の割合が高い（{}件中{}件、No. {list}に関連）。",
                accidents.len(),
                nums.len()
            ))
        }
        _ => None,
    };
    vec![first, second]
}

fn scale(c: &Ctx) -> Vec<Option<String>> {
    let total = c.n("headline", "total", "count").unwrap_or(0);
    let first = Some(match c.count_delta("headline", "total") {
        Some(0) => format!("・総件数は{}件（前年度比±0件）で前年度と同じであった。", thousands(total)),
        Some(d) => format!(
            "・総件数は{}件（前年度比{}）に{}した。",
            thousands(total),
            count_text(d),
            if d > 0 { "増加" } else { "減少" }
        ),
        None => format!("・総件数は{}件であった。", thousands(total)),
    });
    let count = |row: &str, with_de: bool| -> String {
        let n = thousands(c.n("headline", row, "count").unwrap_or(0));
        match c.count_delta("headline", row) {
            Some(d) => format!("{n}件（前年度比{}{}）", if with_de { "で" } else { "" }, count_text(d)),
            None => format!("{n}件"),
        }
    };
    // 約 only where the share was rounded: none and all are exact.
    let share = |row: &str| {
        let n = c.n("headline", row, "count").unwrap_or(0);
        let s = c.share("headline", row).unwrap_or_default();
        if n == 0 || n == total { format!("{s}%") } else { format!("約{s}%") }
    };
    let duty = &c.rules.book.duty;
    let second = Some(format!(
        "・影響利用者数で見た場合、影響利用者数が{}の小規模な事故件数は、{}であり、総件数の{}{}を占めた。影響利用者数が{}人以上の事故件数は、{}であり、総件数の{}{}であった。",
        c.rules.vocab.user_bins[0].label,
        count("users_lt500", true),
        share("users_lt500"),
        c.points("headline", "users_lt500", Signs::Ascii, Zero::Same),
        crate::rules::man(duty.min_users),
        count("users_ge30k", false),
        share("users_ge30k"),
        c.points("headline", "users_ge30k", Signs::Ascii, Zero::PlusMinus),
    ));
    let third = Some(format!(
        "・継続時間で見た場合、継続時間が{}以上の事故件数は、{}であり、総件数の{}{}を占めた。",
        crate::rules::hours_text(duty.min_duration),
        count("duration_ge2h", false),
        share("duration_ge2h"),
        c.points("headline", "duration_ge2h", Signs::Ascii, Zero::Same),
    ));
    vec![first, second, third]
}

fn services(c: &Ctx) -> Vec<Option<String>> {
    let fw = |t: &str, r: &str| c.points(t, r, Signs::Ascii, Zero::PlusMinus);
    let label = |g: &str| taxonomy::group_label(&c.rules.vocab.service_groups, g);
    // The larger of data and voice first, as the edition words it.
    let mut groups = ["data", "voice"];
    let value = |g: &str| c.share("service", g).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    if value("voice") > value("data") {
        groups.swap(0, 1);
    }
    let [a, b] = groups;
    let first = Some(format!(
        "・事故が発生したサービスの合計件数※に占める「{}」の事故件数の割合は{}%{}、「{}」の事故件数の割合は{}%{}で、「{}」の事故が高い割合を占めた。",
        label(a),
        c.share("service", a).unwrap_or_default(),
        fw("service", a),
        label(b),
        c.share("service", b).unwrap_or_default(),
        fw("service", b),
        label(a),
    ));
    let sub = |table: &str, lead: &str, joint: &str| {
        Some(format!(
            "・{lead}の事故の内訳については、「固定通信」の事故件数の割合が{}%{}{joint}「移動通信」の事故件数の割合が{}%{}であった。",
            c.share(table, "fixed").unwrap_or_default(),
            fw(table, "fixed"),
            c.share(table, "mobile").unwrap_or_default(),
            fw(table, "mobile"),
        ))
    };
    vec![first, sub("service_voice", "音声サービス", "、"), sub("service_data", "データ通信サービス", "で、")]
}

fn causes(c: &Ctx) -> Vec<Option<String>> {
    let p = |g: &str| (c.share("cause", g).unwrap_or_default(), c.points("cause", g, Signs::Ascii, Zero::PlusMinus));
    let (e, x, h) = (p("equipment"), p("external"), p("human"));
    vec![Some(format!(
        "・ 事故の総件数※に占める自然故障やソフトウェアの不具合といった「設備要因」による事故件数の割合は{}%{}、他の電気通信事業者の事故を要因とする等の「外的要因」による事故件数の割合は{}%{}、作業ミス等の「人為的要因」による事故件数の割合は{}%{}であった。",
        e.0, e.1, x.0, x.1, h.0, h.1
    ))]
}

/// The equipment code with the largest count in a group, in these figures.
fn top_code(v: &'static Vocabulary, f: &Figures, group: &str) -> Option<&'static str> {
    let table = format!("equipment_{group}");
    v.equipment
        .iter()
        .filter(|e| e.group == group)
        .max_by_key(|e| f.int(&table, e.code, "count").unwrap_or(0))
        .map(|e| e.code)
}

fn equipment(c: &Ctx) -> Vec<Option<String>> {
    let p = |t: &str, r: &str| (c.share(t, r).unwrap_or_default(), c.points(t, r, Signs::Ascii, Zero::PlusMinus));
    let (sw, ln, sv) = (p("equipment", "switching"), p("equipment", "line"), p("equipment", "server"));
    let first = Some(format!(
        "・ 故障設備が明確な事故件数※に占める「伝送交換設備」（サーバ設備を除く）の故障による事故件数の割合は{}%{}、「伝送路設備」の故障による事故件数の割合は{}%{}、「サーバ設備」の故障による事故件数の割合は{}%{}であった。",
        sw.0, sw.1, ln.0, ln.1, sv.0, sv.1
    ));
    let (Some(top_sw), Some(top_ln)) = (top_code(c.rules.vocab, c.this, "switching"), top_code(c.rules.vocab, c.this, "line")) else {
        return vec![first];
    };
    let label = |code: &str| c.rules.vocab.equipment_code(code).map_or("", |(_, e)| e.label);
    let (a, b) = (p("equipment_switching", top_sw), p("equipment_line", top_ln));
    let still_largest = c.prev.is_some_and(|prev| top_code(c.rules.vocab, prev, "switching") == Some(top_sw) && top_code(c.rules.vocab, prev, "line") == Some(top_ln));
    let tail = if still_largest { "で、昨年に引き続き最大の割合を占め続けている。" } else { "であった。" };
    let second = Some(format!(
        "・ 伝送交換設備（サーバ設備を除く）の故障による事故の内訳については、「{}」の故障による事故件数の割合が{}%{}、伝送路設備の故障による事故の内訳については、「{}」の故障による事故件数の割合が{}%{}{tail}",
        label(top_sw),
        a.0,
        a.1,
        label(top_ln),
        b.0,
        b.1,
    ));
    vec![first, second]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn point_wording() {
        assert_eq!(point_text(1, Signs::Ascii, Zero::Same), "+1ポイント");
        assert_eq!(point_text(-5, Signs::Ascii, Zero::PlusMinus), "-5ポイント");
        assert_eq!(point_text(0, Signs::Ascii, Zero::Same), "同");
        assert_eq!(point_text(0, Signs::Ascii, Zero::PlusMinus), "±0ポイント");
        assert_eq!(point_text(-1, Signs::Ascii, Zero::PlusMinus), "-1ポイント");
    }
}
