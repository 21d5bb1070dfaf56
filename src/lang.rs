//! The language of messages: English, or Japanese with `--lang ja` or a
//! Japanese locale (LC_ALL, LC_MESSAGES or LANG starting with `ja`). Each
//! message is written once in both languages where it is made: `say!`.

use std::sync::OnceLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    En,
    Ja,
}

static LANG: OnceLock<Lang> = OnceLock::new();

/// Set the language for the run (first call wins).
pub fn set(lang: Option<Lang>) {
    let _ = LANG.set(lang.unwrap_or_else(from_locale));
}

/// The locale's language: the first of LC_ALL, LC_MESSAGES, LANG that is set.
pub fn from_locale() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("ja") => Lang::Ja,
        _ => Lang::En,
    }
}

pub fn ja() -> bool {
    *LANG.get_or_init(|| Lang::En) == Lang::Ja
}

/// A message in the run's language: `say!("{n} rows", "{n}行", n = 3)`.
#[macro_export]
macro_rules! say {
    ($en:literal, $ja:literal $(, $($args:tt)*)?) => {
        if $crate::lang::ja() { format!($ja $(, $($args)*)?) } else { format!($en $(, $($args)*)?) }
    };
}

/// "creating /x" / "/x の作成": the context of a file operation that failed.
pub fn doing(en: &str, ja_verb: &str, what: &dyn std::fmt::Display) -> String {
    if ja() {
        format!("{what} の{ja_verb}")
    } else {
        format!("{en} {what}")
    }
}
