//! jiko: telecom outage records to the yearly statistics of MIC's
//! 電気通信サービスの事故発生状況.
//!
//! The pipeline reads in file order: `records` (parse, validate) → `rules`
//! (bins, duty, major thresholds by fiscal year) → `aggregate` (polars) →
//! `figures` (tidy figures, rounding, deltas, comparison) → `render`
//! (Japanese tables, Markdown) and `charts` (PNG, with `text` placing
//! Japanese glyphs). `generate` builds the shipped
//! reconstruction; `taxonomy` holds every code and label.

pub mod aggregate;
pub mod charts;
pub mod figures;
pub mod generate;
pub mod output;
pub mod records;
pub mod render;
pub mod report;
pub mod rules;
pub mod sentences;
pub mod taxonomy;
pub mod text;
pub mod wareki;
pub mod workbook;
