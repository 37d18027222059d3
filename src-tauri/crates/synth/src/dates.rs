//! Calendar arithmetic and the FHIR date formats. There is no clock here: every
//! date follows from the seed, never from when the generator runs, so the output
//! stays the same from one day to the next.

pub(crate) const DAY_SECS: u32 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) const fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i64;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month, day) of a day number.
pub(crate) const fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The ~20 years a record covers. Fixed, so that output never depends on today.
pub(crate) const FIRST_DAY: i64 = days_from_civil(2005, 7, 1);
pub(crate) const LAST_DAY: i64 = days_from_civil(2025, 6, 30);
/// When the record was exported: the Bundle's timestamp, and the latest
/// `meta.lastUpdated`.
pub(crate) const NOW_DAY: i64 = days_from_civil(2025, 9, 1);

/// A local wall-clock time: a day number and seconds into that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Moment {
    pub day: i64,
    pub sec: u32,
}

impl Moment {
    pub(crate) fn plus_secs(self, secs: i64) -> Moment {
        let total = i64::from(self.sec) + secs;
        let day_secs = i64::from(DAY_SECS);
        Moment {
            day: self.day + total.div_euclid(day_secs),
            sec: total.rem_euclid(day_secs) as u32,
        }
    }

    pub(crate) fn plus_days(self, days: i64) -> Moment {
        Moment {
            day: self.day + days,
            sec: self.sec,
        }
    }

    /// `YYYY-MM-DD`
    pub(crate) fn date(self) -> String {
        let (y, m, d) = civil_from_days(self.day);
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `YYYY-MM`, a partial date as FHIR allows.
    pub(crate) fn year_month(self) -> String {
        let (y, m, _) = civil_from_days(self.day);
        format!("{y:04}-{m:02}")
    }

    /// `YYYY`, a partial date as FHIR allows.
    pub(crate) fn year(self) -> String {
        format!("{:04}", civil_from_days(self.day).0)
    }

    pub(crate) fn year_number(self) -> i64 {
        civil_from_days(self.day).0
    }

    /// A FHIR dateTime with seconds and a zone: `Z` when `offset_min` is 0.
    pub(crate) fn date_time(self, offset_min: i32) -> String {
        let (y, m, d) = civil_from_days(self.day);
        let (hh, mm, ss) = (self.sec / 3600, self.sec / 60 % 60, self.sec % 60);
        let zone = zone(offset_min);
        format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}{zone}")
    }

    /// An RFC 3339 instant, in UTC, with milliseconds when `millis` is given.
    pub(crate) fn instant(self, millis: Option<u32>) -> String {
        let (y, m, d) = civil_from_days(self.day);
        let (hh, mm, ss) = (self.sec / 3600, self.sec / 60 % 60, self.sec % 60);
        match millis {
            Some(ms) => format!(
                "{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}.{:03}Z",
                ms % 1000
            ),
            None => format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z"),
        }
    }
}

fn zone(offset_min: i32) -> String {
    if offset_min == 0 {
        return "Z".to_owned();
    }
    let sign = if offset_min < 0 { '-' } else { '+' };
    let a = offset_min.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 60, a % 60)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn civil_round_trips_and_formats() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for z in -40_000..40_000 {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        let t = Moment {
            day: days_from_civil(2024, 2, 29),
            sec: 3_723,
        };
        assert_eq!(t.date_time(-300), "2024-02-29T01:02:03-05:00");
        assert_eq!(t.date_time(330), "2024-02-29T01:02:03+05:30");
        assert_eq!(t.instant(Some(7)), "2024-02-29T01:02:03.007Z");
        assert_eq!(t.plus_secs(-3_724).date_time(0), "2024-02-28T23:59:59Z");
        assert_eq!(t.year_month(), "2024-02");
    }
}
