//! jiko's ground, below every other part: minutes, days and fiscal years
//! in JST (`calendar`), the language of messages as a value (`lang`, with
//! `say!`), numbers as the edition prints them (`numbers`), and the rule
//! book as data (`rules`: bins, duty, due dates, major-accident sets,
//! おそれ事態, the taxonomy), passed to whatever asks it.

pub mod calendar;
pub mod lang;
pub mod numbers;
pub mod rules;
