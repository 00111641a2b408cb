//! The `inkpress` binary: parse arguments, run the command, report errors, set the exit code.

use clap::Parser;
use inkpress::cli::Cli;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match inkpress::commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(errors) => {
            eprintln!("{}", errors.render(inkpress::commands::stderr_is_styled()));
            ExitCode::from(1)
        }
    }
}
