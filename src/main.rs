//! The `jiko` command line: parse the arguments, dispatch to the command's
//! module (`jiko::cmd`), turn its result into an exit code.

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use jiko::cmd;

#[derive(Parser)]
#[command(name = "jiko", version, about = "Telecom outage records to MIC's yearly 電気通信サービスの事故発生状況 statistics")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Language of messages (default: Japanese when the locale is).
    #[arg(long, global = true, value_enum)]
    lang: Option<LangArg>,
    /// Rules file to use instead of the built-in data/rules/mic.toml, or a
    /// shipped one by name (`proposed-2025`: the 2025 proposal, a trial).
    #[arg(long, global = true)]
    rules: Option<std::path::PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Aggregate one fiscal year: figures.csv, Japanese tables, report, optional check.
    Aggregate(cmd::aggregate::Args),
    /// Redraw charts of one fiscal year into its output folder.
    Chart(cmd::chart::Args),
    /// What the rules say of one incident (flags), or of every record (--input): duty, form, major, deadlines.
    Classify(cmd::classify::Args),
    /// A draft record and details entry from a carrier's notice (text, Markdown, HTML).
    Draft(cmd::draft::Args),
    /// A figure of figures.csv and the reports behind it.
    Explain(cmd::explain::Args),
    /// SQL over every record judged (`incidents`) and every figure (`figures`); needs the frames feature.
    Query(cmd::query::Args),
    /// Check incident files without aggregating; exit 1 on any invalid row.
    Validate(cmd::validate::Args),
    /// Years side by side: one series per metric, from records, else published, else unknown.
    Trend(cmd::trend::Args),
    /// Write an input workbook to fill in (Japanese header, dropdowns, explanations).
    Template(cmd::template::Args),
}

/// `--lang`'s values (the language itself is jiko's, not clap's).
#[derive(Clone, Copy, clap::ValueEnum)]
enum LangArg {
    En,
    Ja,
}

fn main() {
    // A closed pipe (`jiko … | head`) ends the program quietly, as Unix
    // tools do, instead of a panic on the next write.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    // Help in the run's language: `--lang` read from the raw arguments,
    // as clap has not parsed them yet.
    let early = jiko::lang::Lang::chosen(lang_flag());
    let command = if early.ja() { cmd::help::japanese(Cli::command()) } else { Cli::command() };
    let parsed = command.try_get_matches().and_then(|m| Cli::from_arg_matches(&m));
    let cli = match parsed {
        Ok(cli) => cli,
        // Help and version print as clap writes them; a usage error is said
        // in the run's language (`--lang` read from the raw arguments).
        Err(e) => match cmd::usage_error(early, &e, &Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect::<Vec<_>>()) {
            Some(text) => {
                eprintln!("{text}");
                std::process::exit(2);
            }
            None => e.exit(),
        },
    };
    let lang = jiko::lang::Lang::chosen(cli.lang.map(|l| match l {
        LangArg::En => jiko::lang::Lang::En,
        LangArg::Ja => jiko::lang::Lang::Ja,
    }));
    // Interrupted (Ctrl-C, SIGTERM): the run's temporary files go at once.
    jiko::output::cleanup::install(lang);
    // The rules are read before any command, so a bad rules file stops the
    // run at once with its located error; the command is given them.
    let result = cmd::run_rules(lang, cli.rules.as_deref()).and_then(|rules| match cli.command {
        Command::Aggregate(args) => cmd::aggregate::run(args, rules, lang),
        Command::Chart(args) => cmd::chart::run(args, rules, lang),
        Command::Validate(args) => cmd::validate::run(args, rules, lang),
        Command::Template(args) => cmd::template::run(args, rules, lang),
        Command::Trend(args) => cmd::trend::run(args, rules, lang),
        Command::Classify(args) => cmd::classify::run(args, rules, lang),
        Command::Explain(args) => cmd::explain::run(args, rules, lang),
        Command::Draft(args) => cmd::draft::run(args, rules, lang),
        Command::Query(args) => cmd::query::run(args, rules, lang),
    });
    match result {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("{}", jiko::say!(lang, "error: {e}", "エラー: {e}", e = jiko::lang::error_text(lang, &e)));
            std::process::exit(2);
        }
    }
}

/// `--lang` as the raw arguments give it, for a command line clap refused.
fn lang_flag() -> Option<jiko::lang::Lang> {
    let args: Vec<String> = std::env::args().collect();
    let value = args.iter().enumerate().find_map(|(i, a)| match a.strip_prefix("--lang=") {
        Some(v) => Some(v.to_string()),
        None if a == "--lang" => args.get(i + 1).cloned(),
        None => None,
    })?;
    match value.as_str() {
        "ja" => Some(jiko::lang::Lang::Ja),
        "en" => Some(jiko::lang::Lang::En),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and argument has its Japanese help line, and the
    /// Japanese command is one clap accepts.
    #[test]
    fn every_argument_has_japanese_help() {
        assert_eq!(cmd::help::missing(&Cli::command()), Vec::<String>::new());
        cmd::help::japanese(Cli::command()).debug_assert();
    }
}
