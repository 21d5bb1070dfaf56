//! The language of messages: English, or Japanese with `--lang ja` or a
//! Japanese locale (LC_ALL, LC_MESSAGES or LANG starting with `ja`). The
//! run's language is a value passed to whatever writes a message (a
//! command, the reader's options, the output's commit), never looked up.
//! Each message is written once in both languages where it is made: `say!`.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// `--lang` when given, else the locale's.
    pub fn chosen(flag: Option<Lang>) -> Lang {
        flag.unwrap_or_else(from_locale)
    }

    #[inline]
    pub fn ja(self) -> bool {
        self == Lang::Ja
    }

}

/// The locale's language: the first of LC_ALL, LC_MESSAGES, LANG that is set.
pub(crate) fn from_locale() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()));
    match locale {
        Some(l) if l.to_ascii_lowercase().starts_with("ja") => Lang::Ja,
        _ => Lang::En,
    }
}

/// A message in the language `lang`: `say!(lang, "{n} rows", "{n}行", n = 3)`.
#[macro_export]
macro_rules! say {
    ($lang:expr, $en:literal, $ja:literal $(, $($args:tt)*)?) => {
        if $crate::lang::Lang::ja($lang) { format!($ja $(, $($args)*)?) } else { format!($en $(, $($args)*)?) }
    };
}

/// "creating /x" / "/x の作成": the context of a file operation that failed.
pub fn doing(lang: Lang, en: &str, ja_verb: &str, what: &dyn std::fmt::Display) -> String {
    if lang.ja() {
        format!("{what} の{ja_verb}")
    } else {
        format!("{en} {what}")
    }
}

/// An io error in the language `lang`: Japanese words for the common
/// kinds (a missing file, a permission), else the OS's own text; in
/// English, the error's own text.
pub fn io_text(lang: Lang, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if !lang.ja() {
        return e.to_string();
    }
    match e.kind() {
        K::NotFound => "ファイルがありません".to_string(),
        K::PermissionDenied => "読む権限がありません".to_string(),
        K::AlreadyExists => "既に存在します".to_string(),
        K::IsADirectory => "ファイルではなくフォルダです".to_string(),
        K::NotADirectory => "フォルダではありません".to_string(),
        K::StorageFull => "ディスクの空き容量が足りません".to_string(),
        K::ReadOnlyFilesystem => "読み取り専用のファイルシステムです".to_string(),
        K::InvalidData => format!("データが不正です（{e}）"),
        K::UnexpectedEof => "ファイルが途中で終わっています".to_string(),
        _ => e.to_string(),
    }
}
