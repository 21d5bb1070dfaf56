//! jiko: telecom outage records to the yearly statistics of MIC's
//! 電気通信サービスの事故発生状況.
//!
//! The pipeline reads in file order: `records` (parse, validate) → `rules`
//! (bins, duty, major thresholds by fiscal year) → `aggregate` (counts) →
//! `figures` (tidy figures, rounding, deltas, comparison) → `render`
//! (Japanese tables, Markdown) and `charts` (PNG, with `text` placing
//! Japanese glyphs). `taxonomy` holds every code and label; the shipped
//! reconstruction is built by the maintainer tool `tools/` (`generate`).

pub mod aggregate;
pub(crate) mod calendar;
pub mod carriers;
pub mod charts;
pub mod details;
pub mod draft;
pub mod cmd;
pub mod figures;
#[cfg(feature = "frames")]
pub mod frames;
pub mod incidents;
pub mod lang;
pub mod numbers;
pub mod output;
pub mod period;
pub(crate) mod published;
pub mod records;
pub mod render;
pub(crate) mod report;
pub mod rules;
pub mod sentences;
/// Every code and label of the contract (kept at this path for users).
pub use rules::taxonomy;
pub mod text;
pub mod trend;
pub(crate) mod wareki;

