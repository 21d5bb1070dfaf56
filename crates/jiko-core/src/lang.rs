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

/// An io error in the run's language: Japanese for the kinds a user meets
/// (a file not there, no permission, a full disk), else the system's text.
pub fn io_text(lang: Lang, e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    // An error made with its own words (jiko's, already in the run's
    // language) keeps them; the system's are said by their kind.
    if !lang.ja() || e.get_ref().is_some() {
        return e.to_string();
    }
    let ja = match e.kind() {
        NotFound => "ファイル又はフォルダがありません",
        PermissionDenied => "権限がありません",
        AlreadyExists => "既にあります",
        IsADirectory => "フォルダです（ファイルを指定してください）",
        NotADirectory => "フォルダではありません",
        StorageFull => "ディスクの空きがありません",
        ReadOnlyFilesystem => "読み取り専用の場所です",
        InvalidData => "データが不正です",
        UnexpectedEof => "ファイルが途中で終わっています",
        _ => return format!("入出力エラー（{e}）"),
    };
    ja.to_string()
}

/// An error and its causes, `a: b: c` as anyhow's `{:#}` writes them, with
/// io errors in the run's language.
pub fn error_text(lang: Lang, e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| match c.downcast_ref::<std::io::Error>() {
            Some(io) => io_text(lang, io),
            None => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join(": ")
}
