//! Judging an incident whose user count, services or duration are not
//! known yet (the first hours of an outage, a notice with no end). Every rule is monotone: more users,
//! more minutes or more services never make a report less reportable or
//! less major. So the answer with the least the facts allow and with the
//! most they allow bound every answer: when both agree, the missing fact
//! does not matter; when they differ, the answer is unknown, and the
//! least count that would tip it is found by halving.

use super::judge::{Incident, Judgement};
use super::MAX_USERS;

/// Yes, no, or it depends on a fact not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tri {
    Yes,
    #[default]
    No,
    Unknown,
}

impl Tri {
    fn of(least: bool, most: bool) -> Tri {
        match (least, most) {
            (true, _) => Tri::Yes,
            (false, false) => Tri::No,
            (false, true) => Tri::Unknown,
        }
    }

    /// `yes`, `no` or `unknown`, as the CSV columns write it.
    pub fn code(self) -> &'static str {
        match self {
            Tri::Yes => "yes",
            Tri::No => "no",
            Tri::Unknown => "unknown",
        }
    }

    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}

/// Which facts of an incident are missing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Missing {
    pub users: bool,
    pub services: bool,
    /// The service's monthly users (the previous fiscal year's average),
    /// which a class may hang on (施行規則第58条第2項第1号 四, 2026).
    pub mau: bool,
    /// No end and no length known: the outage lasted from 0 minutes to
    /// any length (a notice written while it went on).
    pub duration: bool,
}

/// The longest duration an open one is tried at: ten years, beyond every
/// threshold and far from overflowing a date.
pub const MAX_MINUTES: u64 = 10 * 366 * 24 * 60;

/// The answer for an incident with facts missing.
#[derive(Debug, Clone)]
pub struct Open {
    /// The judgement with the least the missing facts allow (no users, no
    /// service) and with the most (every user, every service).
    pub least: Judgement,
    pub most: Judgement,
    pub within_duty: Tri,
    pub major: Tri,
    /// When the duty or the major answer hangs on the users alone: the
    /// least count that makes it yes (services known).
    pub users_for_duty: Option<u64>,
    pub users_for_major: Option<u64>,
    /// The facts that were left open.
    pub missing: Missing,
}

/// `Rules::judge_open`: judge `i` with the facts `missing` left open.
pub(super) fn judge_open(r: super::Rules, i: &Incident, missing: Missing) -> Open {
    let with = |users: u64, services: u32, mau: Option<u64>, minutes: u64| {
        let mut j = i.clone();
        if missing.users {
            j.users = users;
        }
        if missing.services {
            j.services = services;
        }
        if missing.mau {
            j.monthly_active_users = mau;
        }
        if missing.duration {
            j.duration_min = minutes;
        }
        j
    };
    let n = r.vocab.services.len() as u32;
    let all_services = if n == 0 { 0 } else { u32::MAX >> (32 - n) };
    let least = r.judge(&with(0, 0, None, 0));
    let most = r.judge(&with(MAX_USERS, all_services, Some(MAX_USERS), MAX_MINUTES));
    // The tipping count is looked for with the monthly users at their least.
    let with = |users: u64, services: u32, minutes: u64| with(users, services, None, minutes);
    let within_duty = Tri::of(least.within_duty, most.within_duty);
    let major = Tri::of(least.major.is_some(), most.major.is_some());
    // The tipping count at the services given. The duty does not look at
    // services, so its count is found either way; the major one only when
    // the services are known (else it is one count per service, and the
    // text says so instead). With the duration open too, no single count
    // tips it.
    let tip = |test: fn(&Judgement) -> bool| least_count(|u| test(&r.judge(&with(u, i.services, i.duration_min))));
    let users_for_duty = (missing.users && !missing.duration && within_duty == Tri::Unknown).then(|| tip(|j| j.within_duty)).flatten();
    let users_for_major = (missing.users && !missing.services && !missing.duration && major == Tri::Unknown).then(|| tip(|j| j.major.is_some())).flatten();
    Open { least, most, within_duty, major, users_for_duty, users_for_major, missing }
}

/// The least count in `0..=MAX_USERS` for which `yes` holds, given that it
/// holds at the top and, once it holds, for every larger count.
pub fn least_count(yes: impl Fn(u64) -> bool) -> Option<u64> {
    if !yes(MAX_USERS) {
        return None;
    }
    let (mut lo, mut hi) = (0u64, MAX_USERS);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if yes(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Some(lo)
}
