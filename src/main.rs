//! The `inkpress` binary: parse arguments, run the command, report errors, set the exit code.

use clap::Parser;
use inkpress::cli::{Cli, Command};
use inkpress::error::Verdict;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let verdict = match cli.command {
        Command::Check(_) => Verdict::CheckFound,
        _ => Verdict::BuildFailed,
    };
    match inkpress::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            let styled = inkpress::commands::stderr_is_styled();
            eprintln!("{}", errors.render_after(styled, verdict));
            ExitCode::from(1)
        }
    }
}
