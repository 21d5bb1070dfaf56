//! `--help` in Japanese: the command's words from data/help-ja.toml, put
//! on clap's command before it parses (clap writes help once, in English,
//! from the doc comments; this swaps the words, not the layout).

use std::collections::BTreeMap;

use clap::{Arg, ArgAction, Command};

const SOURCE: &str = include_str!("../../data/help-ja.toml");

#[derive(serde::Deserialize)]
struct Words {
    about: BTreeMap<String, String>,
    args: BTreeMap<String, String>,
}

/// The key of an option (its long name) or a positional (its id in capitals).
fn key(a: &Arg) -> String {
    match a.get_long() {
        Some(l) => l.to_string(),
        None => a.get_id().as_str().to_uppercase(),
    }
}

/// The Japanese line of an argument of `command`, if the file has one.
fn line<'w>(w: &'w Words, command: &str, a: &Arg) -> Option<&'w String> {
    let k = key(a);
    w.args.get(&format!("{command}.{k}")).or_else(|| w.args.get(&k))
}

/// Every argument of every command with no Japanese line (a test keeps
/// this empty).
pub fn missing(root: &Command) -> Vec<String> {
    let w = words();
    let mut out = Vec::new();
    let mut check = |name: &str, c: &Command| {
        if !w.about.contains_key(name) {
            out.push(format!("[about] {name}"));
        }
        for a in c.get_arguments().filter(|a| !a.is_hide_set()) {
            if line(&w, name, a).is_none() {
                out.push(format!("{name} {}", key(a)));
            }
        }
    };
    check("jiko", root);
    for c in root.get_subcommands() {
        check(c.get_name(), c);
    }
    out
}

fn words() -> Words {
    toml::from_str(SOURCE).expect("data/help-ja.toml is valid (tests read it)")
}

/// `root` with its help in Japanese: summaries, every argument's line,
/// the headings, and the help and version flags.
pub fn japanese(root: Command) -> Command {
    let w = words();
    let localize = |c: Command, name: &str| -> Command {
        let about = w.about.get(name).cloned();
        let positional = c.get_positionals().next().is_some();
        let subcommands = c.has_subcommands();
        let mut template = String::from("{about-with-newline}\n使い方: {usage}\n");
        if subcommands {
            template += "\nコマンド:\n{subcommands}\n";
        }
        if positional {
            template += "\n引数:\n{positionals}\n";
        }
        template += "\nオプション:\n{options}\n";
        let c = c
            .help_template(template)
            .disable_help_flag(true)
            .arg(Arg::new("help").short('h').long("help").action(ArgAction::Help).help(w.args["help"].clone()))
            .mut_args(|a| {
                let text = line(&w, name, &a).cloned();
                match text {
                    Some(t) => a.help(t).hide_possible_values(true).hide_default_value(true),
                    None => a,
                }
            });
        match about {
            Some(t) => c.about(t),
            None => c,
        }
    };
    let names: Vec<String> = root.get_subcommands().map(|c| c.get_name().to_string()).collect();
    let mut root = localize(root, "jiko")
        .disable_version_flag(true)
        .arg(Arg::new("version").short('V').long("version").action(ArgAction::Version).help(w.args["version"].clone()))
        .subcommand_help_heading("コマンド");
    for n in names {
        root = root.mut_subcommand(&n, |c| localize(c, &n));
    }
    // clap adds `jiko help` when it builds the command: built here, its
    // summary can be said too.
    root.build();
    let help = w.about["help"].clone();
    root.mut_subcommand("help", |c| c.about(help))
}
