//! How long each stage of one build took, for `-v`: where a rebuild's time goes.

use std::time::{Duration, Instant};

/// The stages of one build, each with the time since the one before.
#[derive(Debug, Clone)]
pub struct StageTimes {
    last: Instant,
    marks: Vec<(&'static str, Duration)>,
}

impl Default for StageTimes {
    fn default() -> Self {
        StageTimes {
            last: Instant::now(),
            marks: Vec::new(),
        }
    }
}

impl StageTimes {
    /// Notes that `stage` ended now: it took the time since the last mark.
    pub fn mark(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.marks.push((stage, now - self.last));
        self.last = now;
    }

    /// `load 1.2 ms, assemble 3.4 ms, …`
    pub fn summary(&self) -> String {
        let parts: Vec<String> = self
            .marks
            .iter()
            .map(|(stage, took)| format!("{stage} {:.1} ms", took.as_secs_f64() * 1e3))
            .collect();
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_mark_names_its_stage_in_order() {
        let mut times = StageTimes::default();
        times.mark("load");
        times.mark("render");
        let summary = times.summary();
        let load = summary.find("load ").unwrap();
        let render = summary.find("render ").unwrap();
        assert!(load < render, "{summary}");
        assert!(summary.ends_with(" ms"), "{summary}");
    }
}
