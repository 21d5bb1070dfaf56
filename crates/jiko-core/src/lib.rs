//! jiko's ground, below every other part: minutes, days and fiscal years
//! in JST (`calendar`), the days the administration is closed and a
//! deadline's legal last day (`closed_days`), the language of messages as
//! a value (`lang`, with `say!`), numbers as the edition prints them
//! (`numbers`), and the rule book as data (`rules`: bins, duty, due dates,
//! major-accident sets, おそれ事態, the taxonomy), passed to whatever asks it.

pub mod calendar;
pub mod closed_days;
pub mod lang;
pub mod numbers;
pub mod rules;
