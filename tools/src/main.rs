//! The shipped reconstruction: incident records that reproduce MIC's
//! published figures. MIC publishes no per-incident records, so every
//! record but the real, published FY2020 major accidents is synthetic.
//! Deterministic: the same published files and seed give the same bytes.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, ensure, Context, Result};

use jiko::records::Minute;
use jiko::lang::Lang;
use jiko::rules::{self, Major};
use jiko::taxonomy::{self, Vocabulary};

/// The built-in book's codes and bins: the shipped data is rebuilt under
/// the shipped rules.
fn voc() -> &'static Vocabulary {
    rules::Rules::builtin().vocab
}

/// SplitMix64: tiny, well known, and stable across crate versions, which a
/// byte-identical reconstruction needs.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut r = self.below(total.max(1));
        for (i, &w) in weights.iter().enumerate() {
            if r < u64::from(w) {
                return i;
            }
            r -= u64::from(w);
        }
        weights.len() - 1
    }
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            v.swap(i, j);
        }
    }
}

/// Choices the published figures leave open, as data.
mod plan {
    /// Relative weights of codes inside their group, for plausibility.
    pub const SERVICE_WEIGHTS: &[(&str, u32)] = &[
        ("analog_phone", 3),
        ("ip_phone_0abj", 5),
        ("ip_phone_050", 2),
        ("mobile_voice", 9),
        ("phs_voice", 1),
        ("international_phone", 1),
        ("fmc", 1),
        ("isp", 1),
        ("ftth", 6),
        ("dsl", 2),
        ("catv_internet", 2),
        ("mobile_data", 8),
        ("public_wlan", 1),
        ("bwa", 1),
        ("email_paid", 3),
        ("internet_free", 1),
        ("ip_vpn", 3),
        ("wide_ethernet", 3),
        ("local_5g", 1),
        ("lpwa_cellular", 1),
        ("lpwa_unlicensed", 1),
        ("isdn", 2),
        ("leased_line", 4),
        ("mvno", 3),
        ("telegram", 1),
    ];
    /// Split of a group's share that the edition does not break down.
    pub const UNPUBLISHED_SUB_WEIGHTS: &[(&str, &str, u32)] =
        &[("voice", "other", 1), ("data", "isp", 3), ("data", "other", 2), ("other", "other", 1)];
    pub const CAUSE_WEIGHTS: &[(&str, u32)] = &[
        ("natural_failure", 60),
        ("software_bug", 30),
        ("equipment_other", 10),
        ("work_error", 40),
        ("config_error", 40),
        ("human_other", 20),
        ("other_carrier", 300),
        ("third_party", 100),
        ("power_outage", 50),
        ("natural_disaster", 80),
        ("fire", 5),
        ("cyberattack", 5),
        ("congestion", 10),
        ("unknown", 30),
    ];
    pub const EQUIPMENT_WEIGHTS: &[(&str, u32)] = &[
        ("subscriber_accommodation", 10),
        ("remote_accommodation", 3),
        ("dslam", 1),
        ("network_equipment", 4),
        ("circuit_switch", 1),
        ("network_termination", 2),
        ("switching_other", 2),
        ("application_server", 1),
        ("auth_call_control_server", 1),
        ("subscriber_cable", 10),
        ("trunk_cable", 3),
        ("submarine_cable", 1),
        ("relay_transmission", 2),
        ("wdm", 1),
        ("media_converter", 2),
        ("line_other", 1),
        ("base_station", 5),
        ("power_supply", 3),
        ("other", 2),
    ];
    /// How many services a report names: 1, 2, 3 or 4, by weight.
    pub const SERVICES_PER_REPORT: &[u32] = &[35, 35, 20, 10];
    /// Simple-form reports: equipment, weight, services.
    pub const SIMPLE: &[(&str, u32, &str)] = &[
        ("base_station", 56, "mobile_voice;mobile_data"),
        ("base_station", 24, "mobile_data"),
        ("remote_accommodation", 12, "analog_phone"),
        ("dslam", 8, "dsl"),
    ];
    pub const SIMPLE_CAUSES: &[(&str, u32)] = &[
        ("natural_disaster", 30),
        ("power_outage", 30),
        ("natural_failure", 20),
        ("third_party", 15),
        ("other_carrier", 5),
    ];
    /// Voluntary detailed reports outside the quarterly duty, per year:
    /// counted in no table, they exercise the accounting.
    pub const OUTSIDE_DUTY_REPORTS: usize = 12;

    /// FY2019's three major accidents are not in the FY2020 edition beyond
    /// their count and five carriers: these synthetic ones fit both. Two
    /// are wholesale pairs (provider and receiver reports).
    pub struct SyntheticMajor {
        pub carrier_rank: usize,
        pub started_at: &'static str,
        pub duration_min: u64,
        pub affected_users: u64,
        pub services: &'static str,
        pub cause: &'static str,
        pub equipment: &'static str,
        pub wholesale: &'static str,
        /// Index of the report (in this list) whose accident this one shares.
        pub same_accident_as: Option<usize>,
        pub summary: &'static str,
    }

    pub const FY2019_MAJORS: &[SyntheticMajor] = &[
        SyntheticMajor {
            carrier_rank: 2,
            started_at: "2019-08-20 10:15",
            duration_min: 185,
            affected_users: 45_000,
            services: "ftth;isp",
            cause: "natural_failure",
            equipment: "network_equipment",
            wholesale: "",
            same_accident_as: None,
            summary: "（合成データ）ネットワーク機器の故障によりFTTHアクセスサービス及びインターネット接続サービスが利用不可",
        },
        SyntheticMajor {
            carrier_rank: 0,
            started_at: "2019-11-12 09:40",
            duration_min: 320,
            affected_users: 150_000,
            services: "mobile_data",
            cause: "software_bug",
            equipment: "auth_call_control_server",
            wholesale: "provider",
            same_accident_as: None,
            summary: "（合成データ）認証サーバのソフトウェア不具合によりデータ通信が利用不可（卸先を含む）",
        },
        SyntheticMajor {
            carrier_rank: 6,
            started_at: "2019-11-12 09:40",
            duration_min: 320,
            affected_users: 35_000,
            services: "mvno",
            cause: "other_carrier",
            equipment: "auth_call_control_server",
            wholesale: "receiver",
            same_accident_as: Some(1),
            summary: "（合成データ）卸元の認証サーバの不具合によりMVNOサービスが利用不可",
        },
        SyntheticMajor {
            carrier_rank: 1,
            started_at: "2020-02-03 18:20",
            duration_min: 150,
            affected_users: 60_000,
            services: "ip_phone_0abj",
            cause: "config_error",
            equipment: "circuit_switch",
            wholesale: "provider",
            same_accident_as: None,
            summary: "（合成データ）交換設備の設定誤りにより緊急通報を取り扱うIP電話が利用不可（卸先を含む）",
        },
        SyntheticMajor {
            carrier_rank: 8,
            started_at: "2020-02-03 18:20",
            duration_min: 150,
            affected_users: 12_000,
            services: "ip_phone_0abj",
            cause: "other_carrier",
            equipment: "circuit_switch",
            wholesale: "receiver",
            same_accident_as: Some(3),
            summary: "（合成データ）卸元の交換設備の設定誤りによりIP電話が利用不可",
        },
    ];
}

/// One generated report, as it is written.
#[derive(Debug, Clone)]
struct Rec {
    incident_id: String,
    carrier: String,
    detailed: bool,
    started_at: Minute,
    duration_min: u64,
    affected_users: u64,
    services: Vec<&'static str>,
    cause: &'static str,
    equipment: Option<&'static str>,
    wholesale: &'static str,
    accident_id: String,
    region: String,
    summary: String,
    provenance: &'static str,
    /// Services, cause and equipment came with the record (majors).
    fixed: bool,
}

impl Rec {
    fn cell(&self) -> (usize, usize) {
        (rules::bin_of(&voc().duration_bins, self.duration_min), rules::bin_of(&voc().user_bins, self.affected_users))
    }
}

/// A published figures file as a key → value map.
pub struct Published(HashMap<(String, String, String), String>);

impl Published {
    pub fn read(path: &Path) -> Result<Self> {
        let rows = jiko::figures::read_published(Lang::En, path)?;
        Ok(Published(rows.into_iter().map(|(_, [t, r, c, v])| ((t, r, c), v)).collect()))
    }
    fn get(&self, table: &str, row: &str, column: &str) -> Option<&str> {
        self.0.get(&(table.to_string(), row.to_string(), column.to_string())).map(String::as_str)
    }
    fn num(&self, table: &str, row: &str, column: &str) -> Option<i64> {
        self.get(table, row, column).and_then(|v| v.parse().ok())
    }
    fn need(&self, table: &str, row: &str, column: &str) -> Result<u64> {
        self.num(table, row, column)
            .map(|n| n as u64)
            .with_context(|| format!("the published file lacks {table},{row},{column}"))
    }
    fn matrix(&self) -> Option<Vec<Vec<u64>>> {
        let mut m = vec![vec![0; voc().user_bins.len()]; voc().duration_bins.len()];
        for (d, db) in voc().duration_bins.iter().enumerate() {
            for (u, ub) in voc().user_bins.iter().enumerate() {
                if !rules::Rules::builtin().cell_outside_duty(d, u) {
                    m[d][u] = self.num("matrix", db.code, ub.code)? as u64;
                }
            }
        }
        Some(m)
    }
}

/// Largest-remainder split of `total` in proportion to `weights`.
fn apportion(total: u64, weights: &[u64]) -> Vec<u64> {
    let sum: u64 = weights.iter().sum();
    if sum == 0 {
        let mut out = vec![total / weights.len() as u64; weights.len()];
        for slot in out.iter_mut().take((total % weights.len() as u64) as usize) {
            *slot += 1;
        }
        return out;
    }
    let mut out: Vec<u64> = weights.iter().map(|w| total * w / sum).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(total * weights[i] % sum), i));
    let short = total - out.iter().sum::<u64>();
    for &i in order.iter().take(short as usize) {
        out[i] += 1;
    }
    out
}

/// The count whose whole-percent share of `total` is `share` (rounded to
/// the nearest count, so it sits mid-interval).
fn count_for_share(share: i64, total: u64) -> u64 {
    ((share as f64 / 100.0) * total as f64).round() as u64
}

/// The matrix of a year whose edition printed it, or one derived from its
/// headline figures and shaped like `template` (the other year's matrix),
/// with `fixed` reports already placed.
fn matrix_for(p: &Published, template: Option<&Published>, fixed: &[Rec]) -> Result<Vec<Vec<u64>>> {
    if let Some(m) = p.matrix() {
        return Ok(m);
    }
    let template = template.context("no matrix published and no template year")?;
    let mut tmpl = template.matrix().context("the template year has no matrix")?;
    // Shape only by the template's non-major reports: its major cells say
    // nothing about where this year's ordinary reports fall.
    for (d, db) in voc().duration_bins.iter().enumerate() {
        for (u, ub) in voc().user_bins.iter().enumerate() {
            let majors = template.get("matrix_major", db.code, ub.code).map_or(0, |v| v.split(';').count() as u64);
            tmpl[d][u] = tmpl[d][u].saturating_sub(majors);
        }
    }
    let total = p.need("headline", "total", "count")?;
    let lt500 = p.need("headline", "users_lt500", "count")?;
    let ge30k = p.need("headline", "users_ge30k", "count")?;
    let ge2h = p.need("headline", "duration_ge2h", "count")?;
    // Below 2 h only reports of 30,000 users and more are in the duty.
    let short = total - ge2h;
    let groups: [(u64, fn(usize, usize) -> bool); 4] = [
        (short, |d, u| d < 4 && u >= 3),
        (ge30k - short, |d, u| d >= 4 && u >= 3),
        (lt500, |d, u| d >= 4 && u == 0),
        (total - ge30k - lt500, |d, u| d >= 4 && (1..3).contains(&u)),
    ];
    let mut m = vec![vec![0u64; voc().user_bins.len()]; voc().duration_bins.len()];
    for r in fixed {
        let (d, u) = r.cell();
        m[d][u] += 1;
    }
    for (count, member) in groups {
        let cells: Vec<(usize, usize)> = (0..voc().duration_bins.len())
            .flat_map(|d| (0..voc().user_bins.len()).map(move |u| (d, u)))
            .filter(|&(d, u)| member(d, u))
            .collect();
        let placed: u64 = cells.iter().map(|&(d, u)| m[d][u]).sum();
        ensure!(placed <= count, "more fixed reports than the group's published count");
        let weights: Vec<u64> = cells.iter().map(|&(d, u)| tmpl[d][u]).collect();
        for (&(d, u), n) in cells.iter().zip(apportion(count - placed, &weights)) {
            m[d][u] += n;
        }
    }
    Ok(m)
}

fn draw_between(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    // Squared uniform: more small values, as outage sizes are.
    let span = (hi - lo) as f64;
    lo + ((rng.unit() * rng.unit()) * span) as u64
}

fn bin_range(bins: &[rules::Bin], i: usize, open_top: u64) -> (u64, u64) {
    (bins[i].from, bins.get(i + 1).map_or(open_top, |b| b.from))
}

fn random_minute(rng: &mut Rng, fy: i32) -> Minute {
    // Days of the fiscal year, April 1 to March 31.
    let months: [(i32, u32); 12] =
        [(fy, 4), (fy, 5), (fy, 6), (fy, 7), (fy, 8), (fy, 9), (fy, 10), (fy, 11), (fy, 12), (fy + 1, 1), (fy + 1, 2), (fy + 1, 3)];
    loop {
        let (year, month) = months[rng.below(12) as usize];
        let day = 1 + rng.below(31) as u32;
        let text = format!("{year:04}-{month:02}-{day:02} {:02}:{:02}", rng.below(24), rng.below(60));
        if let Some(m) = jiko::records::parse_minute(&text) {
            return m;
        }
    }
}

fn code_weights(table: &[(&'static str, u32)], codes: &[&'static str]) -> Vec<u32> {
    codes.iter().map(|c| table.iter().find(|(k, _)| k == c).map_or(1, |(_, w)| *w)).collect()
}

/// A service sub-group: (group, sub).
type Sub = (&'static str, &'static str);

fn sub_of(code: &str) -> Sub {
    let (_, s) = voc().service(code).expect("known service");
    (s.group, s.sub)
}

/// The codes of a sub-group that the published years knew: a code of a
/// later regime (`since`) is never drawn, so adding one changes no row.
fn codes_of(sub: Sub) -> Vec<&'static str> {
    voc().services.iter().filter(|s| (s.group, s.sub) == sub && s.since.is_none()).map(|s| s.code).collect()
}

/// (report, service) pairs wanted per sub-group.
fn service_targets(p: &Published, template: Option<&Published>, detailed: u64) -> Result<BTreeMap<Sub, u64>> {
    let total = match p.num("service", "total", "count") {
        Some(n) => n as u64,
        None => {
            let t = template.context("no service total published and no template year")?;
            let ratio = t.need("service", "total", "count")? as f64 / t.need("headline", "total", "count")? as f64;
            (detailed as f64 * ratio).round() as u64
        }
    };
    let group_count = |g: &str| -> Option<u64> {
        p.num("service", g, "count")
            .map(|n| n as u64)
            .or_else(|| p.num("service", g, "share").map(|s| count_for_share(s, total)))
    };
    let voice = group_count("voice").context("no voice share")?;
    let data = group_count("data").context("no data share")?;
    let mut targets = BTreeMap::new();
    for (group, count) in [("voice", voice), ("data", data), ("other", total - voice - data)] {
        let subs = voc().service_subs(group);
        let mut left = count;
        let mut open = Vec::new();
        for s in subs {
            match p.num(&format!("service_{group}"), s.code, "share") {
                Some(share) => {
                    let n = count_for_share(share, count);
                    left -= n;
                    targets.insert((group, s.code), n);
                }
                None => open.push(s.code),
            }
        }
        let weights: Vec<u64> = open
            .iter()
            .map(|sub| {
                plan::UNPUBLISHED_SUB_WEIGHTS
                    .iter()
                    .find(|(g, s, _)| *g == group && s == sub)
                    .map_or(1, |(_, _, w)| u64::from(*w))
            })
            .collect();
        for (sub, n) in open.iter().zip(apportion(left, &weights)) {
            targets.insert((group, *sub), n);
        }
    }
    Ok(targets)
}

/// Per-code counts of a coded breakdown (causes or equipment): group counts
/// from published shares (the last group takes the rest), code counts
/// inside a group from a published code share or the plan's weights.
fn coded_targets(
    p: &Published,
    table: &str,
    total: u64,
    groups: &[taxonomy::Group],
    codes: &[taxonomy::Coded],
    weights: &[(&'static str, u32)],
) -> Result<Vec<u64>> {
    let mut group_counts = Vec::new();
    let mut left = total;
    for (i, g) in groups.iter().enumerate() {
        let n = if i + 1 == groups.len() {
            left
        } else {
            let share = p.num(table, g.code, "share").with_context(|| format!("no {table},{},share", g.code))?;
            count_for_share(share, total)
        };
        left -= n;
        group_counts.push(n);
    }
    let mut out = vec![0u64; codes.len()];
    for (g, &count) in groups.iter().zip(&group_counts) {
        let members: Vec<usize> = (0..codes.len()).filter(|&i| codes[i].group == g.code).collect();
        let mut left = count;
        let mut open = Vec::new();
        for &i in &members {
            match p.num(&format!("{table}_{}", g.code), codes[i].code, "share") {
                Some(share) => {
                    out[i] = count_for_share(share, count);
                    left -= out[i];
                }
                None => open.push(i),
            }
        }
        let w: Vec<u64> =
            open.iter().map(|&i| u64::from(code_weights(weights, &[codes[i].code])[0])).collect();
        for (&i, n) in open.iter().zip(apportion(left, &w)) {
            out[i] = n;
        }
    }
    Ok(out)
}

fn carrier_name(rank: usize) -> String {
    format!("架空通信{:03}株式会社", rank + 1)
}

/// Zipf-like carrier ranks for `n` reports over `carriers` carriers, each
/// carrier at least once.
fn carrier_ranks(rng: &mut Rng, n: usize, carriers: usize) -> Vec<usize> {
    let pool: Vec<usize> = (0..carriers).collect();
    let weights: Vec<u32> = (0..pool.len()).map(|i| (100_000.0 / (i as f64 + 1.0).powf(1.1)) as u32 + 1).collect();
    let mut ranks: Vec<usize> = pool.clone();
    while ranks.len() < n {
        ranks.push(pool[rng.weighted(&weights)]);
    }
    ranks.truncate(n);
    rng.shuffle(&mut ranks);
    ranks
}

/// Give each free report its services so that every sub-group gets exactly
/// its target number of (report, service) pairs, with no code twice in a
/// report.
fn assign_services(rng: &mut Rng, recs: &mut [Rec], free: &[usize], targets: &BTreeMap<Sub, u64>) -> Result<()> {
    let mut pool = targets.clone();
    for (i, r) in recs.iter().enumerate() {
        if r.detailed && !free.contains(&i) {
            for s in &r.services {
                let slot = pool.get_mut(&sub_of(s)).context("unknown sub-group")?;
                *slot = slot.checked_sub(1).context("fixed reports exceed a published service count")?;
            }
        }
    }
    let pairs: u64 = pool.values().sum();
    ensure!(pairs >= free.len() as u64, "fewer service pairs than reports");
    let mut k: Vec<u64> = free.iter().map(|_| 1 + rng.weighted(plan::SERVICES_PER_REPORT) as u64).collect();
    let mut sum: u64 = k.iter().sum();
    while sum != pairs {
        let i = rng.below(k.len() as u64) as usize;
        if sum > pairs && k[i] > 1 {
            k[i] -= 1;
            sum -= 1;
        } else if sum < pairs && k[i] < 4 {
            k[i] += 1;
            sum += 1;
        }
    }
    let mut tokens: Vec<Sub> = pool.iter().flat_map(|(&s, &n)| std::iter::repeat(s).take(n as usize)).collect();
    rng.shuffle(&mut tokens);
    let mut hands: Vec<Vec<Sub>> = Vec::with_capacity(free.len());
    let mut at = 0;
    for &n in &k {
        hands.push(tokens[at..at + n as usize].to_vec());
        at += n as usize;
    }
    let cap = |s: Sub| codes_of(s).len();
    let count = |h: &[Sub], s: Sub| h.iter().filter(|&&t| t == s).count();
    // Swap away any sub-group a report holds more often than it has codes.
    for i in 0..hands.len() {
        while let Some(pos) = (0..hands[i].len()).find(|&p| count(&hands[i], hands[i][p]) > cap(hands[i][p])) {
            let s = hands[i][pos];
            let mut swapped = false;
            for step in 1..hands.len() {
                let j = (i + step) % hands.len();
                let found = (0..hands[j].len()).find(|&q| {
                    let t = hands[j][q];
                    t != s && count(&hands[j], s) < cap(s) && count(&hands[i], t) < cap(t)
                });
                if let Some(q) = found {
                    let t = hands[j][q];
                    hands[j][q] = s;
                    hands[i][pos] = t;
                    swapped = true;
                    break;
                }
            }
            ensure!(swapped, "cannot spread services without repeating a code");
        }
    }
    for (&i, hand) in free.iter().zip(hands) {
        let mut codes: Vec<&'static str> = Vec::new();
        for s in hand {
            let options: Vec<&'static str> = codes_of(s).into_iter().filter(|c| !codes.contains(c)).collect();
            let w = code_weights(plan::SERVICE_WEIGHTS, &options);
            codes.push(options[rng.weighted(&w)]);
        }
        codes.sort_by_key(|c| voc().service(c).map(|(i, _)| i));
        recs[i].services = codes;
    }
    Ok(())
}

fn services_mask(codes: &[&str]) -> u32 {
    codes.iter().filter_map(|c| voc().service(c)).fold(0, |m, (i, _)| m | (1 << i))
}

/// A service set that keeps a large non-major report below every threshold.
fn safe_services(fy: i32, r: &Rec) -> Result<Vec<&'static str>> {
    let rules = rules::Rules::builtin().year_set(fy).context("no major-accident rules for the year")?;
    for candidate in ["internet_free", "lpwa_unlicensed", "lpwa_cellular"] {
        let mask = services_mask(&[candidate]);
        if rules.judge(mask, r.duration_min, r.affected_users, None, false) == Major::No {
            let (_, s) = voc().service(candidate).expect("known");
            return Ok(vec![s.code]);
        }
    }
    bail!("no service keeps a report of {} min and {} users below the thresholds", r.duration_min, r.affected_users)
}

fn parse_major_file(path: &Path) -> Result<Vec<Rec>> {
    let mut out = Vec::new();
    jiko::records::read_files(&[path.to_path_buf()], &Default::default(), |row| {
        out.push(Rec {
            incident_id: row.incident_id.to_string(),
            carrier: row.carrier.to_string(),
            detailed: row.detailed,
            started_at: row.started_at,
            duration_min: row.duration_min,
            affected_users: row.affected_users,
            services: voc().services_in(row.services).map(|(_, s)| s.code).collect(),
            cause: voc().causes[row.cause].code,
            equipment: row.equipment.map(|i| voc().equipment[i].code),
            wholesale: "",
            accident_id: String::new(),
            region: row.region.to_string(),
            summary: row.summary.to_string(),
            provenance: "published",
            fixed: true,
        });
    })
    .and_then(|report| {
        ensure!(report.errors.is_empty(), "{}", report.errors.iter().map(|e| e.text(Lang::En)).collect::<Vec<_>>().join("\n"));
        Ok(())
    })?;
    Ok(out)
}

fn synthetic_majors() -> Result<Vec<Rec>> {
    let mut out: Vec<Rec> = Vec::new();
    for (i, m) in plan::FY2019_MAJORS.iter().enumerate() {
        let services = m.services.split(';').map(|c| voc().service(c).map(|(_, s)| s.code)).collect::<Option<Vec<_>>>();
        out.push(Rec {
            incident_id: format!("M{i}"),
            carrier: carrier_name(m.carrier_rank),
            detailed: true,
            started_at: jiko::records::parse_minute(m.started_at).context("bad date in plan")?,
            duration_min: m.duration_min,
            affected_users: m.affected_users,
            services: services.context("bad service in plan")?,
            cause: voc().cause(m.cause).context("bad cause")?.1.code,
            equipment: Some(voc().equipment_code(m.equipment).context("bad equipment")?.1.code),
            wholesale: m.wholesale,
            accident_id: m.same_accident_as.map_or(String::new(), |j| format!("M{j}")),
            region: String::new(),
            summary: m.summary.to_string(),
            provenance: "synthetic",
            fixed: true,
        });
    }
    Ok(out)
}

/// Build one fiscal year's records from its published figures.
fn generate_year(fy: i32, p: &Published, template: Option<&Published>, majors: Vec<Rec>, seed: u64) -> Result<Vec<Rec>> {
    let mut rng = Rng::new(seed ^ (fy as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let matrix = matrix_for(p, template, &majors)?;
    let detailed = p.need("summary", "detailed", "reports")?;
    ensure!(matrix.iter().flatten().sum::<u64>() == detailed, "matrix total differs from detailed reports");
    let real_carriers: Vec<String> =
        majors.iter().filter(|m| m.provenance == "published").map(|m| m.carrier.clone()).collect();

    // Detailed reports within the duty, cell by cell.
    let mut recs: Vec<Rec> = majors;
    let mut left = matrix.clone();
    for r in &recs {
        let (d, u) = r.cell();
        left[d][u] = left[d][u].checked_sub(1).context("a major accident's cell is empty in the matrix")?;
    }
    for (d, row) in left.iter().enumerate() {
        for (u, &n) in row.iter().enumerate() {
            let (dlo, dhi) = bin_range(&voc().duration_bins, d, 7 * 1440);
            let (ulo, uhi) = bin_range(&voc().user_bins, u, 3_000_000);
            for _ in 0..n {
                recs.push(blank(fy, true, draw_between(&mut rng, dlo, dhi), draw_between(&mut rng, ulo.max(1), uhi), &mut rng));
            }
        }
    }
    // Large reports that are not major get services below every threshold.
    let mut free = Vec::new();
    for i in 0..recs.len() {
        if recs[i].fixed {
            continue;
        }
        if recs[i].duration_min >= 60 && recs[i].affected_users >= rules::Rules::builtin().book.duty.min_users {
            recs[i].services = safe_services(fy, &recs[i])?;
        } else {
            free.push(i);
        }
    }
    let targets = service_targets(p, template, detailed)?;
    assign_services(&mut rng, &mut recs, &free, &targets)?;

    // Causes: group shares published, codes by weight; majors fixed.
    let cause_counts = coded_targets(p, "cause", detailed, &voc().cause_groups, &voc().causes, plan::CAUSE_WEIGHTS)?;
    let mut cause_pool = counts_minus(&cause_counts, recs.iter().filter(|r| r.fixed).map(|r| voc().cause(r.cause).map(|c| c.0)))?;
    let open: Vec<usize> = (0..recs.len()).filter(|&i| !recs[i].fixed).collect();
    let causes = deal(&mut rng, &mut cause_pool, open.len());
    for (&i, c) in open.iter().zip(causes) {
        recs[i].cause = voc().causes[c].code;
    }

    // Equipment: known total published (or scaled from the template year);
    // the unknown ones are mostly other carriers' and third parties' faults.
    let known = match p.num("equipment", "known", "count") {
        Some(n) => n as u64,
        None => {
            let t = template.context("no equipment total")?;
            (detailed as f64 * t.need("equipment", "known", "count")? as f64 / t.need("headline", "total", "count")? as f64).round()
                as u64
        }
    };
    let equipment_counts =
        coded_targets(p, "equipment", known, &voc().equipment_groups, &voc().equipment, plan::EQUIPMENT_WEIGHTS)?;
    let mut equipment_pool =
        counts_minus(&equipment_counts, recs.iter().filter(|r| r.fixed).filter_map(|r| r.equipment).map(|e| voc().equipment_code(e).map(|x| x.0)))?;
    let mut by_cause = open.clone();
    rng.shuffle(&mut by_cause);
    by_cause.sort_by_key(|&i| u8::from(voc().cause(recs[i].cause).map_or(true, |(_, c)| c.group != "external")));
    let unknown = detailed - known;
    ensure!(unknown as usize <= by_cause.len(), "more unknown equipment than open reports");
    let with_equipment = &by_cause[unknown as usize..];
    let equipment = deal(&mut rng, &mut equipment_pool, with_equipment.len());
    for (&i, e) in with_equipment.iter().zip(equipment) {
        recs[i].equipment = Some(voc().equipment[e].code);
    }

    // Carriers: the real major carriers plus synthetic ones, each reporting.
    let synthetic = p.need("summary", "detailed", "carriers")? as usize - real_carriers.len();
    let ranks = carrier_ranks(&mut rng, open.len(), synthetic);
    for (&i, rank) in open.iter().zip(ranks) {
        recs[i].carrier = carrier_name(rank);
    }
    for i in open {
        recs[i].started_at = random_minute(&mut rng, fy);
    }

    // Voluntary reports outside the quarterly duty.
    for _ in 0..plan::OUTSIDE_DUTY_REPORTS {
        let mut r = blank(fy, true, draw_between(&mut rng, 5, 120), draw_between(&mut rng, 1, 30_000), &mut rng);
        r.services = vec!["ftth"];
        r.cause = "natural_failure";
        r.equipment = Some("subscriber_accommodation");
        r.carrier = carrier_name(rng.below(synthetic as u64) as usize);
        recs.push(r);
    }

    // Simple-form reports: base stations, remote units and DSLAMs.
    let simple = p.need("summary", "simple", "reports")? as usize;
    let simple_carriers = p.need("summary", "simple", "carriers")? as usize;
    let ranks = carrier_ranks(&mut rng, simple, simple_carriers);
    let kinds: Vec<u32> = plan::SIMPLE.iter().map(|(_, w, _)| *w).collect();
    let cause_w: Vec<u32> = plan::SIMPLE_CAUSES.iter().map(|(_, w)| *w).collect();
    for rank in ranks {
        let (equipment, _, services) = plan::SIMPLE[rng.weighted(&kinds)];
        let users = if rng.below(100) < 3 { draw_between(&mut rng, 500, 5_000) } else { draw_between(&mut rng, 1, 500) };
        let mut r = blank(fy, false, draw_between(&mut rng, 120, 3 * 1440), users, &mut rng);
        r.services = services.split(';').map(|c| voc().service(c).expect("plan service").1.code).collect();
        r.cause = plan::SIMPLE_CAUSES[rng.weighted(&cause_w)].0;
        r.equipment = Some(voc().equipment_code(equipment).expect("plan equipment").1.code);
        r.carrier = carrier_name(rank);
        recs.push(r);
    }

    // File order: by start; ids follow it. Accident links are renamed too.
    recs.sort_by(|a, b| (a.started_at, !a.detailed, &a.incident_id).cmp(&(b.started_at, !b.detailed, &b.incident_id)));
    let mut renamed = HashMap::new();
    for (n, r) in recs.iter_mut().enumerate() {
        let id = format!("FY{fy}-{:06}", n + 1);
        if !r.incident_id.is_empty() {
            renamed.insert(r.incident_id.clone(), id.clone());
        }
        r.incident_id = id;
    }
    for r in &mut recs {
        if !r.accident_id.is_empty() {
            r.accident_id = renamed.get(&r.accident_id).cloned().context("accident link to an unknown report")?;
        }
    }
    Ok(recs)
}

fn blank(fy: i32, detailed: bool, duration_min: u64, affected_users: u64, rng: &mut Rng) -> Rec {
    Rec {
        incident_id: String::new(),
        carrier: String::new(),
        detailed,
        started_at: random_minute(rng, fy),
        duration_min,
        affected_users,
        services: Vec::new(),
        cause: "unknown",
        equipment: None,
        wholesale: "",
        accident_id: String::new(),
        region: String::new(),
        summary: String::new(),
        provenance: "synthetic",
        fixed: false,
    }
}

fn counts_minus(counts: &[u64], used: impl Iterator<Item = Option<usize>>) -> Result<Vec<u64>> {
    let mut pool = counts.to_vec();
    for i in used {
        let i = i.context("unknown code")?;
        pool[i] = pool[i].checked_sub(1).context("fixed reports exceed a published count")?;
    }
    Ok(pool)
}

/// Shuffle the pool's codes and hand out exactly `n` of them.
fn deal(rng: &mut Rng, pool: &mut [u64], n: usize) -> Vec<usize> {
    let mut tokens: Vec<usize> = pool.iter().enumerate().flat_map(|(i, &k)| std::iter::repeat(i).take(k as usize)).collect();
    assert_eq!(tokens.len(), n, "pool size must equal the reports to fill");
    rng.shuffle(&mut tokens);
    tokens
}

const HEADER: &[&str] = &[
    "incident_id",
    "carrier",
    "report_form",
    "started_at",
    "duration_min",
    "affected_users",
    "services",
    "cause",
    "equipment",
    "facility",
    "kind",
    "wholesale",
    "accident_id",
    "region",
    "summary",
    "provenance",
];

fn write_records(path: &Path, recs: &[Rec]) -> Result<()> {
    let mut buf = Vec::new();
    {
        let mut w = jiko::output::csv_writer(&mut buf);
        w.write_record(HEADER)?;
        for r in recs {
            let started = r.started_at.to_string().replace('T', " ");
            w.write_record([
                r.incident_id.as_str(),
                &r.carrier,
                if r.detailed { "detailed" } else { "simple" },
                &started,
                &r.duration_min.to_string(),
                &r.affected_users.to_string(),
                &r.services.join(";"),
                r.cause,
                r.equipment.unwrap_or(""),
                "",
                "",
                r.wholesale,
                &r.accident_id,
                &r.region,
                &r.summary,
                r.provenance,
            ])?;
        }
        w.flush()?;
    }
    jiko::output::write_atomic(Lang::En, path, &buf)
}

pub const DEFAULT_SEED: u64 = 20210922;

/// Write `fy2019.csv` and `fy2020.csv` into `out` from the published files
/// in `published`.
pub fn generate(published: &Path, out: &Path, seed: u64) -> Result<Vec<std::path::PathBuf>> {
    let p2019 = Published::read(&published.join("fy2019.csv"))?;
    let p2020 = Published::read(&published.join("fy2020.csv"))?;
    let majors2020 = parse_major_file(&published.join("fy2020-major-accidents.csv"))?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut written = Vec::new();
    for (fy, p, template, majors) in [(2019, &p2019, Some(&p2020), synthetic_majors()?), (2020, &p2020, Some(&p2019), majors2020)] {
        let recs = generate_year(fy, p, template, majors, seed)?;
        let path = out.join(format!("fy{fy}.csv"));
        write_records(&path, &recs)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact() {
        assert_eq!(apportion(10, &[1, 1, 1]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0, 0]), vec![4, 3]);
        assert_eq!(apportion(53, &[11, 10, 2, 2, 2, 2, 3, 4, 0, 0, 5, 0]).iter().sum::<u64>(), 53);
    }

    /// The shipped files are what `generate` makes of the published
    /// figures with the default seed, byte for byte.
    #[test]
    fn regenerating_the_reconstruction_is_byte_identical() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let out = std::env::temp_dir().join(format!("jiko-generate-{}", std::process::id()));
        std::fs::create_dir_all(&out).unwrap();
        generate(&root.join("data/published"), &out, DEFAULT_SEED).unwrap();
        for name in ["fy2019.csv", "fy2020.csv"] {
            let made = std::fs::read(out.join(name)).unwrap();
            let shipped = std::fs::read(root.join("data/incidents").join(name)).unwrap();
            assert!(made == shipped, "{name} differs from the shipped file");
        }
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn rng_is_stable() {
        let mut r = Rng::new(1);
        assert_eq!(r.next_u64(), 0x910A_2DEC_8902_5CC1);
    }
}

/// `generate`'s arguments.
#[derive(clap::Parser, Debug)]
#[command(name = "generate", about = "Rebuild the shipped reconstruction (data/incidents) from the published figures")]
pub struct Args {
    /// Folder of published figure files (fy2019.csv, fy2020.csv,
    /// fy2020-major-accidents.csv). Default: the project's data/published.
    #[arg(long)]
    pub published: Option<std::path::PathBuf>,
    /// Folder to write fy2019.csv and fy2020.csv into. Default: the
    /// project's data/incidents.
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
}

pub fn run(args: Args) -> Result<bool> {
    // A maintainer tool: its defaults are the checkout's own folders.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let published = args.published.unwrap_or_else(|| root.join("data/published"));
    let out = args.out.unwrap_or_else(|| root.join("data/incidents"));
    for p in generate(&published, &out, args.seed)? {
        eprintln!("wrote {}", p.display());
    }
    Ok(true)
}

fn main() {
    use clap::Parser as _;
    match run(Args::parse()) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(2);
        }
    }
}
