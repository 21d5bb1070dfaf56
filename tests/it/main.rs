//! The integration tests: one binary, each file a module (as ripgrep and
//! xsv keep theirs), sharing `common`.

mod common;
mod charts;
mod classify;
mod cli;
mod details;
mod differential;
mod diffgen;
mod draft;
mod frames;
mod input;
mod notices;
mod office;
mod report;
mod structure;
mod trend;
mod trust;
mod week;
