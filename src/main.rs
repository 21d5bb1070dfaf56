//! The `jiko` command line: parse the arguments, dispatch to the command's
//! module (`jiko::cmd`), turn its result into an exit code.

use clap::{Parser, Subcommand};

use jiko::cmd;
use jiko::generate;

#[derive(Parser)]
#[command(name = "jiko", version, about = "Telecom outage records to MIC's yearly 電気通信サービスの事故発生状況 statistics")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Language of messages (default: Japanese when the locale is).
    #[arg(long, global = true, value_enum)]
    lang: Option<jiko::lang::Lang>,
}

#[derive(Subcommand)]
enum Command {
    /// Aggregate one fiscal year: figures.csv, Japanese tables, report, optional check.
    Aggregate(cmd::aggregate::Args),
    /// Redraw charts of one fiscal year into its output folder.
    Chart(cmd::chart::Args),
    /// Check incident files without aggregating; exit 1 on any invalid row.
    Validate(cmd::validate::Args),
    /// Years side by side: one series per metric, from records, else published, else unknown.
    Trend(cmd::trend::Args),
    /// Write an input workbook to fill in (Japanese header, dropdowns, explanations).
    Template(cmd::template::Args),
    /// Rebuild the shipped reconstruction (data/incidents) from the published figures.
    Generate(generate::Args),
}

fn main() {
    // A closed pipe (`jiko … | head`) ends the program quietly, as Unix
    // tools do, instead of a panic on the next write.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    jiko::lang::set(cli.lang);
    let result = match cli.command {
        Command::Aggregate(args) => cmd::aggregate::run(args),
        Command::Chart(args) => cmd::chart::run(args),
        Command::Validate(args) => cmd::validate::run(args),
        Command::Template(args) => cmd::template::run(args),
        Command::Trend(args) => cmd::trend::run(args),
        Command::Generate(args) => generate::run(args),
    };
    match result {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("{}", jiko::say!("error: {e:#}", "エラー: {e:#}", e = e));
            std::process::exit(2);
        }
    }
}
