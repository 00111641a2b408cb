//! Parsers we call on writers' text can panic on input they should reject (math-core 0.7
//! on `a^&` in a matrix, markdown-rs 1.0 on some MDX; both found by fuzzing). A panic there
//! must not end the build: it is caught, and the caller reports the text as unreadable.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::OnceLock;

/// `f()`, or `None` if it panicked; the panic's message is not printed.
pub fn caught<T>(f: impl FnOnce() -> T) -> Option<T> {
    quiet_panics();
    CATCHING.with(|c| c.set(true));
    // The closures given here only read the text they parse: nothing is left half-changed.
    let result = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(false));
    result.ok()
}

thread_local! {
    /// Whether this thread is inside [`caught`], whose panics [`quiet_panics`] silences.
    static CATCHING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs, once, a panic hook that says nothing of a panic inside [`caught`] and passes
/// every other panic to the hook there was before.
fn quiet_panics() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let before = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(std::cell::Cell::get) {
                before(info);
            }
        }));
    });
}
