//! jiko: telecom outage records to the yearly statistics of MIC's
//! 電気通信サービスの事故発生状況.
//!
//! The pipeline, from the ground up: the crate `jiko-core` (`calendar`,
//! `lang`, `numbers`, `rules`: the rule book, passed) → the crate
//! `jiko-records` (`records`: the reader) → `aggregate` (counts) →
//! `figures` (tidy figures, rounding, deltas, comparison) → `render`
//! (Japanese tables, Markdown) and `charts` (PNG, with `text` placing
//! Japanese glyphs) → `cmd` (one module per command). `taxonomy` holds
//! every code and label; the shipped reconstruction is built by the
//! maintainer tool `tools/` (`generate`).

pub use jiko_core::{calendar, closed_days, lang, numbers, rules, say};
/// The reader (the crate `jiko-records`).
pub use jiko_records as records;

pub mod aggregate;
pub mod carriers;
pub mod charts;
pub mod details;
pub mod families;
pub mod draft;
pub mod cmd;
pub mod figures;
#[cfg(feature = "frames")]
pub mod frames;
pub mod incidents;
pub mod output;
pub mod period;
pub(crate) mod published;
pub mod render;
pub(crate) mod report;
pub mod sentences;
/// Every code and label of the contract (kept at this path for users).
pub use rules::taxonomy;
pub mod text;
pub mod trend;
pub(crate) mod wareki;

