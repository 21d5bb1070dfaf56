//! The integration tests: one binary, each file a module (as ripgrep and
//! xsv keep theirs), sharing `common`.

mod common;
mod books;
mod charts;
mod classify;
mod cli;
mod details;
mod differential;
mod diffbooks;
mod diffgen;
mod draft;
mod frames;
mod input;
mod law;
mod notices;
mod office;
mod report;
mod structure;
mod trend;
mod trust;
mod trust3;
mod week;
