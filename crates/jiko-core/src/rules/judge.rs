//! One incident judged by the rules in force when it started: fiscal year
//! and quarter, the reporting duty and form, major or not (class and the
//! threshold met), how far from the nearest threshold, and the deadlines.

use super::{raw::Every, OpenService, Rules, Set, Threshold};
use crate::calendar::{days_in_month, Minute};

/// What is known of one incident.
#[derive(Debug, Clone)]
pub struct Incident {
    pub started_at: Minute,
    /// The duration that counts: the longest phase (docs/incidents.md).
    pub duration_min: u64,
    pub users: u64,
    /// Bit mask over the taxonomy's services.
    pub services: u32,
    pub equipment: Option<usize>,
    pub facility: usize,
    pub kind: usize,
    pub monthly_active_users: Option<u64>,
}

/// The threshold met and its class.
#[derive(Debug, Clone)]
pub struct MajorHit {
    /// Class number in the set's numbering; `None` when the set has no
    /// classes or only the critical-facility rule was met.
    pub class: Option<u8>,
    pub class_name: String,
    pub threshold: Option<Threshold>,
    pub by_facility: bool,
}

/// A threshold not met, and what would meet it.
#[derive(Debug, Clone)]
pub struct Gap {
    pub class: u8,
    pub threshold: Threshold,
    /// Users needed at this duration, when the duration already suffices.
    pub users_from: Option<u64>,
    /// Minutes needed at these users, when the users already suffice.
    pub minutes_from: Option<u64>,
}

impl Gap {
    /// How far the incident is from it: the factor its one missing
    /// dimension would have to grow by (nearest first in `gaps`).
    pub fn shortfall(&self, i: &Incident) -> f64 {
        match (self.users_from, self.minutes_from) {
            (Some(u), _) => u as f64 / i.users.max(1) as f64,
            (_, Some(m)) => m as f64 / i.duration_min.max(1) as f64,
            _ => f64::INFINITY,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Judgement {
    pub fiscal_year: i32,
    /// The quarter (1–4) the routine report covers; `None` when the due
    /// rule in force is yearly (the report covers the 報告年度).
    pub quarter: Option<u8>,
    /// The due rule in force.
    pub due: Option<&'static super::raw::Due>,
    /// The routine report's name and the label outside it under that rule
    /// (年次報告 / 年次報告対象外), else the duty's own.
    pub labels: (&'static str, &'static str),
    /// The due day of the period's routine report, whatever the duty
    /// says of this one (`report_due` is it when the report is owed).
    pub period_due: Option<(i32, u32, u32)>,
    pub set: Option<&'static Set>,
    pub within_duty: bool,
    /// `detailed` or `simple` by the equipment, when within the duty.
    pub form: Option<&'static str>,
    pub major: Option<MajorHit>,
    /// Thresholds one step away, nearest first (not major only; filled by
    /// `with_gaps`, which one-incident answers ask for).
    pub gaps: Vec<Gap>,
    /// The routine report's due day (not for a major accident, which is
    /// reported under 施行規則第57条 instead).
    pub report_due: Option<(i32, u32, u32)>,
    pub major_report_due: Option<(i32, u32, u32)>,
}

/// `Rules::judge`: one incident under the given rules.
pub(super) fn judge_in(r: Rules, i: &Incident) -> Judgement {
    let b = r.book;
    let t = &i.started_at;
    let fiscal_year = t.fiscal_year();
    let (due_rule, period_due) = match routine_rule_in(&b.dues, t) {
        Some((r, day)) => (Some(r), Some(day)),
        None => (None, None),
    };
    let due = due_rule.map(|i| &b.dues[i].raw);
    let yearly = due.is_some_and(|d| d.every == Every::Year);
    let quarter = (!yearly).then(|| calendar_quarter(t));
    let set = r.set_at(t);
    let within_duty = r.per_row.within_duty(i.duration_min, i.users, i.kind, t);
    let major = set.and_then(|s| hit(r, s, i));
    let form = within_duty.then(|| match r.simple_form_allows(i.equipment) {
        true => "simple",
        false => "detailed",
    });
    let report_due = if within_duty && major.is_none() { period_due } else { None };
    let major_report_due = major.as_ref().map(|_| r.major_written_due(t));
    Judgement { fiscal_year, quarter, due, labels: r.labels_of(due), period_due, set, within_duty, form, major, gaps: Vec::new(), report_due, major_report_due }
}

/// The fiscal quarter of a day: April–June is 1.
pub fn calendar_quarter(t: &Minute) -> u8 {
    (((t.month + 8) % 12) / 3 + 1) as u8
}

/// The class and threshold met, else the critical-facility rule: the same
/// order as `Set::judge`, each looked at once.
fn hit(r: Rules, s: &'static Set, i: &Incident) -> Option<MajorHit> {
    let facility = r.per_row.critical_facility(i.facility);
    match s.met(i.services, i.duration_min, i.users, i.monthly_active_users) {
        Some((c, t)) => Some(MajorHit {
            class: s.raw.numbered.then_some(c),
            class_name: s.raw.classes[usize::from(c) - 1].name.clone(),
            threshold: Some(t),
            by_facility: false,
        }),
        None if s.facility_met(i.duration_min, facility) => Some(MajorHit { class: None, class_name: String::new(), threshold: None, by_facility: true }),
        None => None,
    }
}

/// The incident's services whose class the text leaves open (the set's
/// `open`), each with whether the incident would be major in every class
/// the service could be in; only those where the answers differ.
pub(super) fn open_classes(r: Rules, s: &'static Set, i: &Incident) -> Vec<(&'static OpenService, Vec<(u8, bool)>)> {
    let mut out = Vec::new();
    for o in &s.raw.open {
        let Some((k, _)) = r.vocab.service(&o.service) else { continue };
        if i.services & (1 << k) == 0 {
            continue;
        }
        // Major by its other services or the facility rule, whatever this one's class.
        let anyway = hit(r, s, &Incident { services: i.services & !(1 << k), ..i.clone() }).is_some();
        let verdicts: Vec<(u8, bool)> = o
            .classes
            .iter()
            .map(|&c| (c, anyway || s.raw.classes[usize::from(c) - 1].thresholds.iter().any(|t| super::meets(t, i.duration_min, i.users, i.monthly_active_users))))
            .collect();
        if verdicts.iter().any(|v| v.1) && verdicts.iter().any(|v| !v.1) {
            out.push((o, verdicts));
        }
    }
    out
}

/// For each class of the incident's services, the thresholds it misses in
/// one dimension only, nearest (smallest relative shortfall) first.
fn gaps(s: &Set, i: &Incident) -> Vec<Gap> {
    let mut out: Vec<(f64, Gap)> = Vec::new();
    for svc in 0..s.class_of_service.len() {
        let Some(class) = s.class_of(svc, i.monthly_active_users) else { continue };
        if i.services & (1 << svc) == 0 || out.iter().any(|(_, g)| g.class == class) {
            continue;
        }
        for t in &s.raw.classes[usize::from(class) - 1].thresholds {
            if t.min_monthly_active_users.is_some_and(|m| i.monthly_active_users.map_or(true, |v| v < m)) {
                continue;
            }
            let (d_ok, u_ok) = (i.duration_min >= t.min_duration, i.users >= t.min_users);
            let gap = match (d_ok, u_ok) {
                (true, false) => Some(Gap { class, threshold: *t, users_from: Some(t.min_users), minutes_from: None }),
                (false, true) => Some(Gap { class, threshold: *t, users_from: None, minutes_from: Some(t.min_duration) }),
                _ => None,
            };
            out.extend(gap.map(|g| (g.shortfall(i), g)));
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.into_iter().map(|(_, g)| g).collect()
}

/// The due rule for a routine report of an incident at `t`, and its due
/// day: the newest rule in force at `t` whose 附則 takes the report (a
/// rule with `applies_to_reports_due_from` leaves a report the rule before
/// it would have due earlier to that rule).
pub(super) fn routine_rule_in(dues: &[super::DueRule], t: &Minute) -> Option<(usize, (i32, u32, u32))> {
    for i in (0..dues.len()).rev() {
        let d = &dues[i];
        if d.from > *t {
            continue;
        }
        if let (Some(first), Some(prev)) = (d.first_due, i.checked_sub(1)) {
            if due_under(&dues[prev].raw, t) < first {
                continue;
            }
        }
        return Some((i, due_under(&d.raw, t)));
    }
    None
}

/// The last day of the `months_after`-th month after the quarter (or the
/// fiscal year) holding `t`.
fn due_under(due: &super::raw::Due, t: &Minute) -> (i32, u32, u32) {
    // Last month of the period, counted from year 0 month 0.
    let end = match due.every {
        Every::Quarter => i64::from(t.year) * 12 + i64::from(t.month - 1) + (2 - i64::from((t.month - 1) % 3)),
        Every::Year => i64::from(t.fiscal_year() + 1) * 12 + 2,
    };
    let m = end + i64::from(due.months_after);
    let (year, month) = ((m.div_euclid(12)) as i32, (m.rem_euclid(12) + 1) as u32);
    (year, month, days_in_month(year, month))
}

impl Judgement {
    /// The judgement with the thresholds one step away (for an answer
    /// about one incident; a year's list does not need them).
    pub fn with_gaps(mut self, i: &Incident) -> Judgement {
        if let (None, Some(s)) = (&self.major, self.set) {
            self.gaps = gaps(s, i);
        }
        self
    }

    /// The due rule in force, when there is one.
    pub fn due(&self) -> Option<&'static super::raw::Due> {
        self.due
    }

    /// The routine report's name under the rule in force (年次報告), else
    /// the duty's name (四半期報告).
    pub fn duty_name(&self) -> &'static str {
        self.labels.0
    }

    pub fn outside_label(&self) -> &'static str {
        self.labels.1
    }
}

#[cfg(test)]
pub(super) fn incident(start: &str, d: u64, u: u64, services: &[&str]) -> Incident {
    Incident {
        started_at: crate::calendar::minute(start),
        duration_min: d,
        users: u,
        services: services.iter().map(|c| 1u32 << super::Rules::builtin().vocab.service(c).unwrap().0).fold(0, |a, b| a | b),
        equipment: None,
        facility: 0,
        kind: 0,
        monthly_active_users: None,
    }
}
