//! A progress bar over the pages a build writes, shown on a terminal once the build has
//! taken a second: a short build prints only its summary line, a long one shows it moving.

use super::{Destination, OutputFile};
use crate::error::Diagnostic;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How long a build runs before its bar appears.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A destination that counts the HTML pages passing to `inner` on a bar (on stderr).
/// Make it only when stderr is a terminal and the writer did not ask for quiet.
pub struct Progress<'a> {
    inner: &'a dyn Destination,
    bar: ProgressBar,
    started: Instant,
    show_after: Duration,
    shown: AtomicBool,
}

impl<'a> Progress<'a> {
    pub fn new(inner: &'a dyn Destination, show_after: Duration) -> Self {
        // Hidden until the build has run `show_after`: most builds end before it.
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        if let Ok(style) =
            ProgressStyle::with_template("{spinner} {bar:30} {pos}/{len} pages, {eta} left")
        {
            bar.set_style(style);
        }
        Progress {
            inner,
            bar,
            started: Instant::now(),
            show_after,
            shown: AtomicBool::new(false),
        }
    }

    /// Removes the bar from the terminal, leaving the lines printed after it clean.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Destination for Progress<'_> {
    fn accept(&self, file: OutputFile) -> Result<Option<OutputFile>, Diagnostic> {
        // Redirect pages are HTML too, but not in the plan: the bar stops at its end.
        if file.path.ends_with(".html") && Some(self.bar.position()) < self.bar.length() {
            self.bar.inc(1);
            if !self.shown.load(Ordering::Relaxed) && self.started.elapsed() >= self.show_after {
                self.shown.store(true, Ordering::Relaxed);
                self.bar
                    .set_draw_target(ProgressDrawTarget::stderr_with_hz(10));
            }
        }
        self.inner.accept(file)
    }

    fn expect_pages(&self, pages: usize) {
        self.bar.set_length(pages as u64);
        self.inner.expect_pages(pages);
    }

    fn wanted(&self) -> Vec<String> {
        self.inner.wanted()
    }

    fn made_ahead(&self, paths: &[String]) {
        self.inner.made_ahead(paths);
    }
}
