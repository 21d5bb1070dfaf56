//! The rules a counted row asks for, read from the book once and laid out
//! for a look per row: plain numbers and short arrays, with no lock and no
//! search by name. Counting takes them once per worker; `within_duty`,
//! `set_index_at` and `cell` answer from them for everyone else.

use super::RuleBook;
use crate::calendar::Minute;

#[derive(Debug)]
pub struct PerRow {
    min_duration: u64,
    min_users: u64,
    /// The kinds always within the duty, one bit per kind.
    /// Kinds within the duty whatever the size, by kind index (any number
    /// of kinds: a rules file may list more than a word has bits).
    always_kinds: Box<[bool]>,
    /// The first minute (`Minute::key`) the always-reported kinds no
    /// longer are (the leak item ended on 2023-06-16).
    always_until: u64,
    /// `as-of:DATE`: the day every report is judged at (`Minute::key`).
    as_of: Option<u64>,
    /// The kind whose reports take the matrix's info-leak row.
    info_leak: Option<usize>,
    /// The facility code of a report on no critical facility.
    no_facility: Option<usize>,
    duration_bins: Bins,
    user_bins: Bins,
    /// The book's sets, for the one `set_index_at` names.
    pub sets: &'static [super::Set],
    /// In a what-if, the trial's set judges every report (`Some(None)`:
    /// the trial names no set of the book).
    trial: Option<Option<usize>>,
    /// The dated sets' first minutes (`Minute::key`) with their places in
    /// the book, in the book's order.
    set_starts: Vec<(u64, usize)>,
}

impl PerRow {
    /// The per-row view of a book, read from the book's own lists.
    pub fn of(b: &'static RuleBook) -> PerRow {
        let kinds = &b.taxonomy.kinds;
        let always_kinds: Box<[bool]> = kinds.iter().map(|k| b.duty.always_kinds.iter().any(|a| *a == k.code)).collect();
        PerRow {
            min_duration: b.duty.min_duration,
            min_users: b.duty.min_users,
            always_kinds,
            always_until: b
                .duty
                .info_leak_item
                .as_ref()
                .and_then(super::InfoLeakItem::removed)
                .map_or(u64::MAX, |m| m.key()),
            as_of: b.as_of.map(|d| d.key()),
            info_leak: kinds.iter().position(|k| k.code == "info_leak"),
            no_facility: b.taxonomy.facilities.iter().position(|f| f.code == "none"),
            duration_bins: Bins::new(b.bins.duration.iter().map(|b| b.from).collect()),
            user_bins: Bins::new(b.bins.users.iter().map(|b| b.from).collect()),
            sets: &b.sets,
            trial: b.trial.as_ref().map(|t| b.sets.iter().position(|s| s.raw.id == t.judge_all_by)),
            set_starts: b.sets.iter().enumerate().filter_map(|(i, s)| Some((s.from?.key(), i))).collect(),
        }
    }

    /// Within the routine reporting duty: long enough, or enough users, or
    /// a kind always reported (an information leak, 注2③) while its item
    /// was in the text.
    #[inline]
    pub fn within_duty(&self, duration_min: u64, users: u64, kind: usize, started: &Minute) -> bool {
        duration_min >= self.min_duration
            || users >= self.min_users
            || (self.always_kinds.get(kind).copied().unwrap_or(false) && self.as_of.unwrap_or_else(|| started.key()) < self.always_until)
    }

    /// The set that judges a report started at `t`, as its place in the
    /// book: the trial's set in a what-if, else the last set in force.
    #[inline]
    pub fn set_index_at(&self, t: &Minute) -> Option<usize> {
        if let Some(trial) = self.trial {
            return trial;
        }
        let t = t.key();
        self.set_starts.iter().rev().find(|(from, _)| *from <= t).map(|&(_, i)| i)
    }

    /// A report on a critical facility (for the facility rule, 注1②).
    #[inline]
    pub fn critical_facility(&self, facility: usize) -> bool {
        self.no_facility != Some(facility)
    }

    /// The matrix cell of a report: its duration bin (the info-leak row,
    /// after the bins, for a leak) and its user bin.
    #[inline]
    pub fn cell(&self, duration_min: u64, users: u64, kind: usize) -> (usize, usize) {
        let dbin = match self.info_leak == Some(kind) {
            true => self.duration_bins.from.len(),
            false => self.duration_bins.of(duration_min),
        };
        (dbin, self.user_bins.of(users))
    }
}

/// Bins by their first values, increasing (the loader checks).
#[derive(Debug)]
struct Bins {
    from: Vec<u64>,
    /// The same in a fixed room, the rest of it `u64::MAX`, when they fit.
    room: Option<[u64; BIN_ROOM]>,
}

/// Bins found in four fixed steps (the shipped rules have 8 and 6).
const BIN_ROOM: usize = 16;

impl Bins {
    fn new(from: Vec<u64>) -> Bins {
        // Four steps count up to 15: the room keeps at least one place over.
        let room = (from.len() < BIN_ROOM).then(|| {
            let mut room = [u64::MAX; BIN_ROOM];
            room[..from.len()].copy_from_slice(&from);
            room
        });
        Bins { from, room }
    }

    /// The bin holding `value`: the number of bins starting at or below
    /// it, less one. In the room, by halving in fixed steps with no loop
    /// (each a compare and a conditional add); else by a search.
    #[inline]
    fn of(&self, value: u64) -> usize {
        let at_or_below = match &self.room {
            Some(room) => {
                let mut n = 0;
                for step in [8, 4, 2, 1] {
                    n += usize::from(room[n + step - 1] <= value) * step;
                }
                n.min(self.from.len())
            }
            None => self.from.partition_point(|&f| f <= value),
        };
        at_or_below.saturating_sub(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::bin_of;

    #[test]
    fn bins_counted_are_the_bins_searched() {
        let rules = super::super::Rules::builtin();
        let (r, vocab) = (rules.per_row, rules.vocab);
        let edges = vocab.duration_bins.iter().chain(vocab.user_bins.iter()).map(|b| b.from);
        let values: Vec<u64> = edges.flat_map(|f| [f.saturating_sub(1), f, f + 1]).chain([0, u64::MAX]).collect();
        for v in values {
            assert_eq!(r.cell(v, v, 0), (bin_of(&vocab.duration_bins, v), bin_of(&vocab.user_bins, v)), "{v}");
        }
        let leak = vocab.kind("info_leak").unwrap();
        assert_eq!(r.cell(0, 0, leak).0, vocab.duration_bins.len());
    }

    #[test]
    fn bins_of_any_number_are_found_as_by_a_search() {
        for len in 1..=20u64 {
            let from: Vec<u64> = (0..len).map(|i| i * 10).collect();
            let bins = Bins::new(from.clone());
            assert_eq!(bins.room.is_some(), (len as usize) < BIN_ROOM);
            for v in (0..len * 10 + 5).chain([u64::MAX - 1, u64::MAX]) {
                assert_eq!(bins.of(v), from.partition_point(|&f| f <= v).saturating_sub(1), "{len} bins, {v}");
            }
        }
    }

    #[test]
    fn the_set_found_by_key_is_the_set_in_force() {
        let rules = super::super::Rules::builtin();
        let (r, b) = (rules.per_row, rules.book);
        for fy in 2000..2040 {
            for month in 1..=12 {
                for (day, hour, minute) in [(1, 0, 0), (1, 0, 1), (28, 23, 59), (31, 12, 0)] {
                    let t = Minute { year: fy, month, day, hour, minute };
                    let by_search = b.sets.iter().rposition(|s| s.from.is_some_and(|f| f <= t));
                    assert_eq!(r.set_index_at(&t), by_search, "{t}");
                }
            }
        }
    }
}
