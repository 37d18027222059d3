//! FHIR dates as spans of time, for `date` and `_lastUpdated` searches. A partial date
//! covers its whole year, month or day; a dateTime covers its last given unit. Dates
//! without a zone are taken as UTC.

use time::{Date, Month};

const DAY_MS: i64 = 86_400_000;

/// Milliseconds since 1970-01-01T00:00Z, end exclusive; open ends use `i64::MIN`/`MAX`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: i64,
    pub end: i64,
}

impl Span {
    /// A FHIR Period: from its start to its end, open where one is missing.
    pub(crate) fn period(start: Option<&str>, end: Option<&str>) -> Option<Span> {
        let start = match start {
            Some(s) => parse(s)?.start,
            None => i64::MIN,
        };
        let end = match end {
            Some(e) => parse(e)?.end,
            None => i64::MAX,
        };
        (start != i64::MIN || end != i64::MAX).then_some(Span { start, end })
    }
}

/// The current time as a FHIR instant with milliseconds, in UTC.
pub(crate) fn now_instant() -> String {
    let now = time::OffsetDateTime::now_utc();
    let millis = now.millisecond();
    now.replace_millisecond(millis)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Parses a FHIR date, dateTime or instant (and the `hh:mm` precision searches allow).
pub(crate) fn parse(s: &str) -> Option<Span> {
    let (date, time) = match s.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let year = parts.next().filter(|p| p.len() == 4).and_then(number)?;
    let month = match parts.next() {
        Some(m) => Some(two_digits(m)?),
        None => None,
    };
    let day = match parts.next() {
        Some(d) => Some(two_digits(d)?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    match (month, day, time) {
        (None, None, None) => Some(days(day_number(year, 1, 1)?, day_number(year + 1, 1, 1)?)),
        (Some(m), None, None) => {
            let next = if m == 12 {
                day_number(year + 1, 1, 1)?
            } else {
                day_number(year, m + 1, 1)?
            };
            Some(days(day_number(year, m, 1)?, next))
        }
        (Some(m), Some(d), None) => {
            let first = day_number(year, m, d)?;
            Some(days(first, first + 1))
        }
        (Some(m), Some(d), Some(t)) => date_time(day_number(year, m, d)?, t),
        _ => None,
    }
}

fn days(first: i64, after_last: i64) -> Span {
    Span {
        start: first * DAY_MS,
        end: after_last * DAY_MS,
    }
}

/// `hh:mm[:ss[.fff]]` with an optional `Z` or `±hh:mm`, on day `day`.
fn date_time(day: i64, t: &str) -> Option<Span> {
    let (clock, offset_min) = if let Some(clock) = t.strip_suffix('Z') {
        (clock, 0)
    } else if let Some(at) = t.rfind(['+', '-']) {
        let (clock, zone) = t.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone.get(1..)?.split_once(':')?;
        let (h, m) = (two_digits(h)?, two_digits(m)?);
        if h > 14 || m > 59 {
            return None;
        }
        (clock, sign * (i64::from(h) * 60 + i64::from(m)))
    } else {
        (t, 0)
    };
    let mut fields = clock.split(':');
    let hour = fields.next().and_then(two_digits)?;
    let minute = fields.next().and_then(two_digits)?;
    let (second, millis, unit) = match fields.next() {
        None => (0, 0, 60_000),
        Some(sec) => match sec.split_once('.') {
            None => (two_digits(sec)?, 0, 1_000),
            Some((whole, fraction)) => {
                if fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let ms: String = fraction.chars().chain("00".chars()).take(3).collect();
                (two_digits(whole)?, ms.parse::<i64>().ok()?, 1)
            }
        },
    };
    if fields.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let secs = i64::from(hour) * 3600 + i64::from(minute) * 60 + i64::from(second);
    let start = day * DAY_MS + secs * 1000 + millis - offset_min * 60_000;
    Some(Span {
        start,
        end: start + unit,
    })
}

fn number(s: &str) -> Option<i32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn two_digits(s: &str) -> Option<u8> {
    if s.len() != 2 {
        return None;
    }
    number(s).and_then(|n| u8::try_from(n).ok())
}

/// Days since 1970-01-01, or `None` for a date that does not exist.
fn day_number(year: i32, month: u8, day: u8) -> Option<i64> {
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    Some(i64::from(date.to_julian_day()) - 2_440_588)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn partial_dates_cover_their_whole_unit() {
        let y = parse("2020").unwrap();
        assert_eq!(y.start, 1_577_836_800_000);
        assert_eq!(y.end - y.start, 366 * DAY_MS);
        let m = parse("2021-02").unwrap();
        assert_eq!(m.end - m.start, 28 * DAY_MS);
        let d = parse("2021-12-31").unwrap();
        assert_eq!(d.end - d.start, DAY_MS);
        assert_eq!(
            parse("2021-12").unwrap().end,
            parse("2022-01-01").unwrap().start
        );
    }

    #[test]
    fn date_times_respect_their_zone_and_precision() {
        let a = parse("2018-09-27T19:58:07-07:00").unwrap();
        let b = parse("2018-09-28T02:58:07Z").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.end - a.start, 1000);
        let ms = parse("2018-10-24T22:34:28.177Z").unwrap();
        assert_eq!(ms.end - ms.start, 1);
        assert_eq!(ms.start % 1000, 177);
        let minute = parse("2018-10-24T22:34").unwrap();
        assert_eq!(minute.end - minute.start, 60_000);
    }

    #[test]
    fn nonsense_is_refused() {
        for bad in [
            "",
            "20",
            "2020-13",
            "2021-02-29",
            "2020-01-01T25:00:00Z",
            "yesterday",
            "2020-1-1",
            "2020-01-01T10:00:00+1:00",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn periods_may_be_open_at_either_end() {
        let p = Span::period(Some("2020-01-01"), None).unwrap();
        assert_eq!(p.end, i64::MAX);
        let q = Span::period(None, Some("2020-01-01")).unwrap();
        assert_eq!(q.start, i64::MIN);
        assert_eq!(Span::period(None, None), None);
    }
}
