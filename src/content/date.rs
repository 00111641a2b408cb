//! Dates as front matter writes them, and as Jekyll's file names carry them.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};
use std::path::Path;

/// A date as written: a day (`2025-06-29`) or an exact moment (RFC 3339).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub DateTime<FixedOffset>);

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let text = text.trim();
        if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
            return Some(Date(dt));
        }
        let utc = |naive: NaiveDateTime| Date(Utc.from_utc_datetime(&naive).fixed_offset());
        for format in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(utc(naive));
            }
        }
        if let Ok(dt) = DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z") {
            return Some(Date(dt));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(utc)
    }

    /// Why a text shaped like a day (`2024-02-30`) names none: no such month, or the month
    /// has fewer days. `None` for texts of any other shape.
    pub fn impossible_day(text: &str) -> Option<String> {
        let day = text.trim().get(..10)?;
        let mut parts = day.split('-');
        let (year, month, mday) = (parts.next()?, parts.next()?, parts.next()?);
        if (year.len(), month.len(), mday.len()) != (4, 2, 2) {
            return None;
        }
        let (year, month, mday): (i32, u32, u32) =
            (year.parse().ok()?, month.parse().ok()?, mday.parse().ok()?);
        if !(1..=12).contains(&month) {
            return Some(format!("there is no month {month}"));
        }
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let days = first.num_days_in_month();
        (mday == 0 || u32::from(days) < mday)
            .then(|| format!("{} has {days} days", first.format("%B %Y")))
    }

    pub fn rfc3339(&self) -> String {
        self.0.to_rfc3339()
    }

    /// `2025-06-29`, for display and sorting ties.
    pub fn day(&self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }
}

/// Jekyll names posts `2019-05-04-title.md`: the date in the name stands in for a missing `date`.
pub fn jekyll_date(path: &Path) -> Option<Date> {
    let stem = path.file_stem()?.to_str()?;
    let prefix = stem.get(..11)?;
    prefix
        .ends_with('-')
        .then(|| Date::parse(&prefix[..10]))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_every_accepted_form() {
        for d in [
            "2025-06-29",
            "2025-06-29T10:00:00Z",
            "2025-06-29T10:00:00+02:00",
            "2025-06-29 10:00:00",
        ] {
            assert!(Date::parse(d).is_some(), "{d}");
        }
        assert!(Date::parse("29/06/2025").is_none());
        assert!(Date::parse("2025-02-30").is_none());
    }

    #[test]
    fn impossible_days_say_why() {
        let why = |t| Date::impossible_day(t);
        assert_eq!(
            why("2024-02-30").as_deref(),
            Some("February 2024 has 29 days")
        );
        assert_eq!(
            why("2023-02-29").as_deref(),
            Some("February 2023 has 28 days")
        );
        assert_eq!(why("2024-13-45").as_deref(), Some("there is no month 13"));
        assert_eq!(why("2024-04-00").as_deref(), Some("April 2024 has 30 days"));
        assert_eq!(why("2024-04-30"), None);
        assert_eq!(why("29/06/2025"), None);
        assert_eq!(why("2024-1-5"), None);
    }

    #[test]
    fn jekyll_file_names_give_the_date() {
        assert_eq!(
            jekyll_date(Path::new("2019-05-04-k.md")).unwrap().day(),
            "2019-05-04"
        );
        assert!(jekyll_date(Path::new("2019-5-4-k.md")).is_none());
    }
}
