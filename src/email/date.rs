//! Dates as mail writes them (RFC 5322 section 3.3, with the obsolete forms
//! real mail still uses), read leniently but never guessed: the result keeps
//! the written offset, so a checker can tell a wrong clock from a wrong
//! zone, and says when the offset itself is impossible.
//!
//! Written here rather than taken from a crate: mailparse's `dateparse`
//! returns UTC seconds and drops the offset, and chrono's RFC 2822 parser
//! rejects the obsolete forms (two-digit years, missing seconds, zone
//! names) that real mail carries.

use serde::{Deserialize, Serialize};

/// A moment as a message states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub unix: i64,
    /// The offset written with it, in minutes east of UTC (0 when the
    /// zone was missing or unknown).
    pub offset_minutes: i32,
}

impl Stamp {
    /// `2017-03-27T10:12:00+02:00`: the local time the message wrote.
    pub fn to_rfc3339(self) -> String {
        let local = self.unix + i64::from(self.offset_minutes) * 60;
        let (y, mo, d, h, mi, s) = civil(local);
        let sign = if self.offset_minutes < 0 { '-' } else { '+' };
        let off = self.offset_minutes.abs();
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{sign}{:02}:{:02}",
            off / 60,
            off % 60
        )
    }

    /// `2017-03-27T08:12:00Z`.
    pub fn to_utc_string(self) -> String {
        utc_string(self.unix)
    }
}

/// `2017-03-27T08:12:00Z` for seconds since the epoch.
pub fn utc_string(unix: i64) -> String {
    let (y, mo, d, h, mi, s) = civil(unix);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// What was wrong with a date that still parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ZoneProblem {
    /// `+2500`, `+0217`: no place on Earth uses it.
    Impossible(String),
}

/// A parsed date and any problem with its zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub stamp: Stamp,
    pub zone_problem: Option<ZoneProblem>,
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Parses `[Mon, ]27 Mar 2017 10:12[:00] +0200 [(CEST)]` and its obsolete
/// variants. Returns `None` when no day, month, year and time can be read.
pub fn parse(text: &str) -> Option<Parsed> {
    // Comments like "(CEST)" carry no information the offset lacks.
    let mut cleaned = String::with_capacity(text.len());
    let mut depth = 0u32;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => cleaned.push(if c == ',' { ' ' } else { c }),
            _ => {}
        }
    }
    let tokens: Vec<&str> = cleaned.split_whitespace().collect();
    let mut i = 0;
    if tokens
        .first()
        .is_some_and(|t| t.chars().all(|c| c.is_ascii_alphabetic()) && t.len() >= 3)
    {
        i = 1; // day of week
    }
    let (day, month) = {
        let a = tokens.get(i)?;
        let b = tokens.get(i + 1)?;
        if let (Ok(d), Some(m)) = (a.parse::<u32>(), month_of(b)) {
            (d, m)
        } else if let (Some(m), Ok(d)) = (month_of(a), b.parse::<u32>()) {
            (d, m) // "Mar 27 2017" (asctime-like order)
        } else {
            return None;
        }
    };
    i += 2;
    let mut year_tok = *tokens.get(i)?;
    let mut time_tok = *tokens.get(i + 1)?;
    if year_tok.contains(':') {
        // asctime: "Mar 27 10:12:00 2017"
        std::mem::swap(&mut year_tok, &mut time_tok);
    }
    let year = year_of(year_tok)?;
    let (h, mi, s) = time_of(time_tok)?;
    if !(1..=31).contains(&day) || h > 23 || mi > 59 || s > 60 {
        return None;
    }
    let zone = tokens.get(i + 2).copied().unwrap_or("");
    let (offset, zone_problem) = zone_of(zone);
    let days = days_from_civil(year, month, day);
    if day > days_in_month(year, month) {
        return None;
    }
    let local = days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s.min(59));
    Some(Parsed {
        stamp: Stamp {
            unix: local - i64::from(offset) * 60,
            offset_minutes: offset,
        },
        zone_problem,
    })
}

fn month_of(t: &str) -> Option<u32> {
    let t = t.get(..3)?.to_ascii_lowercase();
    MONTHS.iter().position(|m| *m == t).map(|p| p as u32 + 1)
}

fn year_of(t: &str) -> Option<i64> {
    let y: i64 = t.parse().ok()?;
    Some(match (t.len(), y) {
        (2, 0..=49) => 2000 + y,
        (2, _) => 1900 + y,
        (3, _) => 1900 + y,
        _ => y,
    })
    .filter(|y| (1900..=9999).contains(y))
}

fn time_of(t: &str) -> Option<(u32, u32, u32)> {
    let mut parts = t.split(':');
    let h = parts.next()?.parse().ok()?;
    let m = parts.next()?.parse().ok()?;
    let s = match parts.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((h, m, s))
}

/// The offset in minutes and, when it cannot be real, why.
fn zone_of(z: &str) -> (i32, Option<ZoneProblem>) {
    let b = z.as_bytes();
    if b.len() == 5 && matches!(b[0], b'+' | b'-') && b[1..].iter().all(u8::is_ascii_digit) {
        let hh = i32::from(b[1] - b'0') * 10 + i32::from(b[2] - b'0');
        let mm = i32::from(b[3] - b'0') * 10 + i32::from(b[4] - b'0');
        let sign = if b[0] == b'-' { -1 } else { 1 };
        let minutes = sign * (hh * 60 + mm);
        // Real offsets run from -12:00 to +14:00, in whole, half or
        // three-quarter hours.
        let real = (-12 * 60..=14 * 60).contains(&minutes) && matches!(mm, 0 | 30 | 45);
        if !real {
            return (
                if mm < 60 && hh < 24 { minutes } else { 0 },
                Some(ZoneProblem::Impossible(z.to_string())),
            );
        }
        return (minutes, None);
    }
    let named = match z.to_ascii_uppercase().as_str() {
        "UT" | "UTC" | "GMT" | "Z" => 0,
        "EST" => -5 * 60,
        "EDT" => -4 * 60,
        "CST" => -6 * 60,
        "CDT" => -5 * 60,
        "MST" => -7 * 60,
        "MDT" => -6 * 60,
        "PST" => -8 * 60,
        "PDT" => -7 * 60,
        _ => 0,
    };
    (named, None)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Hinnant's
/// algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day, hour, minute, second) of seconds since the epoch.
pub fn civil(unix: i64) -> (i64, u32, u32, u32, u32, u32) {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (
        y,
        m,
        d,
        (secs / 3600) as u32,
        (secs % 3600 / 60) as u32,
        (secs % 60) as u32,
    )
}

/// `2017-03-27` or `2017-03-27T10:00:00Z` (as given to `--window`).
pub fn parse_iso(text: &str) -> Option<i64> {
    let t = text.trim();
    let (date, time) = match t.split_once(['T', ' ']) {
        Some((d, tm)) => (d, Some(tm.trim_end_matches('Z'))),
        None => (t, None),
    };
    let mut p = date.split('-');
    let y: i64 = p.next()?.parse().ok()?;
    let m: u32 = p.next()?.parse().ok()?;
    let d: u32 = p.next()?.parse().ok()?;
    // Years past 9999 are no date a window names, and would overflow.
    if p.next().is_some()
        || !(0..=9999).contains(&y)
        || !(1..=12).contains(&m)
        || d == 0
        || d > days_in_month(y, m)
    {
        return None;
    }
    let secs = match time {
        Some(tm) => {
            let (h, mi, s) = time_of(tm)?;
            if h > 23 || mi > 59 || s > 59 {
                return None;
            }
            i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s)
        }
        None => 0,
    };
    Some(days_from_civil(y, m, d) * 86_400 + secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_and_obsolete_forms() {
        let p = parse("Mon, 27 Mar 2017 10:12:00 +0200 (CEST)").unwrap();
        assert_eq!(p.stamp.unix, 1_490_602_320);
        assert_eq!(p.stamp.offset_minutes, 120);
        assert_eq!(p.stamp.to_rfc3339(), "2017-03-27T10:12:00+02:00");
        assert_eq!(p.stamp.to_utc_string(), "2017-03-27T08:12:00Z");
        assert_eq!(
            parse("27 Mar 17 10:12 GMT").unwrap().stamp.unix,
            1_490_609_520
        );
        assert_eq!(
            parse("Thu, 1 Jan 1970 00:00:00 -0500").unwrap().stamp.unix,
            5 * 3600
        );
        assert_eq!(
            parse("Mon Mar 27 10:12:00 2017").unwrap().stamp.unix,
            1_490_609_520
        );
        assert!(parse("yesterday").is_none());
        assert!(parse("31 Feb 2017 10:00:00 +0000").is_none());
    }

    #[test]
    fn flags_impossible_zones() {
        assert!(
            parse("27 Mar 2017 10:12:00 +0200")
                .unwrap()
                .zone_problem
                .is_none()
        );
        assert!(
            parse("27 Mar 2017 10:12:00 +0545")
                .unwrap()
                .zone_problem
                .is_none()
        );
        assert!(
            parse("27 Mar 2017 10:12:00 +2500")
                .unwrap()
                .zone_problem
                .is_some()
        );
        assert!(
            parse("27 Mar 2017 10:12:00 +0217")
                .unwrap()
                .zone_problem
                .is_some()
        );
        assert!(
            parse("27 Mar 2017 10:12:00 -1300")
                .unwrap()
                .zone_problem
                .is_some()
        );
    }

    #[test]
    fn civil_round_trip() {
        for unix in [-86_400 * 400, 0, 951_782_400, 1_490_602_320, 4_102_444_800] {
            let (y, m, d, h, mi, s) = civil(unix);
            let back = days_from_civil(y, m, d) * 86_400
                + i64::from(h) * 3600
                + i64::from(mi) * 60
                + i64::from(s);
            assert_eq!(back, unix);
        }
        assert_eq!(parse_iso("2017-03-27"), Some(1_490_572_800));
        assert_eq!(parse_iso("2017-03-27T08:12:00Z"), Some(1_490_602_320));
        assert_eq!(parse_iso("2017-13-01"), None);
    }
}
