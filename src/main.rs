//! The `inkpress` binary: parse arguments, run the command, report errors, set the exit code.

use clap::Parser;
use inkpress::cli::{Cli, Command};
use inkpress::error::Verdict;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so printing into a closed pipe (`inkpress import … | head`)
    // would panic; a command-line tool should end quietly there, as `cat` does.
    #[cfg(unix)]
    // SAFETY: set before any thread starts; SIG_DFL is a valid action for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
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
