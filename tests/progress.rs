//! A long build shows a progress bar on a terminal, and never in a pipe or with `-q`.
//! The terminal is a pseudo-terminal from util-linux's `script`; the bar's delay (a second)
//! is set to zero so that a small fixture's build shows it.

mod common;

use common::TestSite;
use std::process::Command;

/// Runs `inkpress --root SITE ARGS` under a pseudo-terminal; what the terminal received.
fn on_a_terminal(site: &TestSite, args: &str) -> String {
    let typescript = site.path().join("typescript");
    let command = format!(
        "{} --root {} {args}",
        env!("CARGO_BIN_EXE_inkpress"),
        site.path().display()
    );
    let status = Command::new("script")
        .args(["-qfec", &command])
        .arg(&typescript)
        .env("INKPRESS_PROGRESS_AFTER_MS", "0")
        .env("NO_COLOR", "1")
        .status()
        .expect("run `script` (util-linux): install bsdutils");
    assert!(status.success(), "inkpress {args} failed under a terminal");
    String::from_utf8_lossy(&std::fs::read(typescript).unwrap()).into_owned()
}

#[test]
fn a_build_on_a_terminal_shows_its_pages_on_a_bar_then_clears_it() {
    let site = TestSite::fixture("tags");
    let screen = on_a_terminal(&site, "build");
    assert!(screen.contains("built "), "{screen}");
    // The bar counts the planned pages up to their number: `1/11 pages` … `11/11 pages`.
    let total: usize = screen
        .split(" pages, ")
        .next()
        .and_then(|s| s.rsplit('/').next())
        .and_then(|n| n.parse().ok())
        .expect(&screen);
    assert!(total > 5, "{screen}");
    assert!(
        screen.contains(&format!("{total}/{total} pages")),
        "the bar never reached its end:\n{screen}"
    );
    // Cleared before the summary: the summary line starts after the erase sequence.
    assert!(screen.contains("\x1b[2K"), "{screen:?}");
}

#[test]
fn no_bar_with_q_nor_when_stderr_is_not_a_terminal() {
    let site = TestSite::fixture("tags");
    let quiet = on_a_terminal(&site, "build -q");
    assert!(!quiet.contains(" pages"), "a bar with -q:\n{quiet}");

    let piped = Command::new(env!("CARGO_BIN_EXE_inkpress"))
        .arg("--root")
        .arg(site.path())
        .arg("build")
        .env("INKPRESS_PROGRESS_AFTER_MS", "0")
        .output()
        .unwrap();
    assert!(piped.status.success());
    let stderr = String::from_utf8_lossy(&piped.stderr);
    assert!(
        !stderr.contains("pages") && !stderr.contains('\x1b'),
        "{stderr:?}"
    );
    let stdout = String::from_utf8_lossy(&piped.stdout);
    assert!(stdout.starts_with("built "), "{stdout:?}");
}
