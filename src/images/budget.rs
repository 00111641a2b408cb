//! How much memory images being made may hold at once: each image's work holds an
//! estimate of its peak from the budget before it decodes, and waits while the others'
//! holdings leave too little. The budget is two of the largest decoded image for each
//! worker thread, so photos (which need less than that) never wait; only what needs more
//! (lossless WebP of a large image holds some 36 bytes a pixel of its widest copy) runs
//! beside less, never leaving the build's peak above the budget.

use std::sync::{Condvar, Mutex};

/// Bytes of memory the images being made may hold together.
pub(super) struct Budget {
    limit: usize,
    held: Mutex<usize>,
    freed: Condvar,
}

/// Bytes one image's work holds of a [`Budget`], given back when dropped.
pub(super) struct Held<'b> {
    budget: &'b Budget,
    bytes: usize,
}

impl Budget {
    pub(super) fn new(limit: usize) -> Budget {
        Budget {
            limit,
            held: Mutex::new(0),
            freed: Condvar::new(),
        }
    }

    /// Holds `bytes` (at most the whole budget), waiting until the others leave room.
    /// Work that holds nothing always starts: no wait is for ever.
    pub(super) fn hold(&self, bytes: usize) -> Held<'_> {
        let bytes = bytes.min(self.limit);
        let mut held = self.lock();
        while *held > 0 && *held + bytes > self.limit {
            held = self.freed.wait(held).unwrap_or_else(|e| e.into_inner());
        }
        *held += bytes;
        Held {
            budget: self,
            bytes,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, usize> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Held<'_> {
    /// Gives back all but `bytes`, once the work knows it needs no more than that.
    pub(super) fn shrink_to(&mut self, bytes: usize) {
        if bytes < self.bytes {
            *self.budget.lock() -= self.bytes - bytes;
            self.bytes = bytes;
            self.budget.freed.notify_all();
        }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        self.shrink_to(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn holdings_never_exceed_the_limit_and_oversized_work_runs_alone() {
        let budget = Budget::new(100);
        let now = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for bytes in [60, 60, 30, 30, 250, 10] {
                let (budget, now, most) = (&budget, &now, &most);
                s.spawn(move || {
                    let held = budget.hold(bytes);
                    let total = now.fetch_add(held.bytes, Ordering::SeqCst) + held.bytes;
                    most.fetch_max(total, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    now.fetch_sub(held.bytes, Ordering::SeqCst);
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= 100);
        assert_eq!(*budget.lock(), 0);
    }

    #[test]
    fn shrinking_lets_waiting_work_start() {
        let budget = Budget::new(100);
        let mut first = budget.hold(90);
        first.shrink_to(40);
        let second = budget.hold(60);
        assert_eq!(*budget.lock(), 100);
        drop((first, second));
        assert_eq!(*budget.lock(), 0);
    }
}
