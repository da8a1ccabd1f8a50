//! Times as documents write them: W3C/ISO 8601 (OOXML, ODF, XMP), PDF
//! `D:` dates, EXIF `YYYY:MM:DD HH:MM:SS`, Windows FILETIMEs (OLE property
//! sets) and zip DOS times.
//!
//! Many document times carry no zone (ODF, EXIF, zip entries): they are the
//! local time of a computer somewhere. A [`DocTime`] says so (`zone: None`)
//! and checks then allow the whole span of the world's zones (±14 h)
//! before calling two times contradictory.

use serde::{Deserialize, Serialize};

use crate::email::date::{civil, days_from_civil, utc_string};

/// The widest gap between a local time and UTC (UTC+14, Kiribati).
pub const MAX_ZONE_SECS: i64 = 14 * 3600;

/// A moment as a document writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocTime {
    /// The value as written.
    pub text: String,
    /// Seconds since the epoch: UTC when the zone is known, otherwise the
    /// local time read as if it were UTC.
    pub unix: i64,
    /// The zone's offset in minutes east of UTC, when the value has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<i32>,
}

impl DocTime {
    /// How far the true moment may lie from `unix`: nothing with a zone,
    /// ±14 h without one.
    pub fn slack(&self) -> i64 {
        if self.zone.is_some() {
            0
        } else {
            MAX_ZONE_SECS
        }
    }

    /// The earliest and latest UTC moments this time can mean.
    pub fn bounds(&self) -> (i64, i64) {
        (self.unix - self.slack(), self.unix + self.slack())
    }

    /// `2017-03-27T08:12:00Z`, or `2017-03-27 10:12:00 (local time, zone unknown)`.
    pub fn display(&self) -> String {
        match self.zone {
            Some(_) => utc_string(self.unix),
            None => {
                let (y, mo, d, h, mi, s) = civil(self.unix);
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} (local time, zone unknown)")
            }
        }
    }
}

/// Seconds since the epoch of a civil date and time, after range checks.
fn at(y: i64, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> Option<i64> {
    if !(1..=12).contains(&mo) || d == 0 || d > 31 || h > 24 || mi > 59 || s > 60 {
        return None;
    }
    let days = days_from_civil(y, mo, d);
    // Reject 31 April and friends: the day must round-trip.
    let (_, m2, d2, ..) = civil(days * 86_400);
    if m2 != mo || d2 != d {
        return None;
    }
    Some(days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s))
}

fn digits(s: &str) -> Option<u32> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// ISO 8601 / W3CDTF: `2017-03-27`, `2017-03-27T10:12`, `2017-03-27T10:12:00Z`,
/// `2017-03-27T10:12:00.535+02:00`, `2017:03:27 10:12:00` is not accepted here.
pub fn parse_iso(text: &str) -> Option<DocTime> {
    let t = text.trim();
    if t.len() < 4 {
        return None;
    }
    let (date, rest) = match t.find(['T', 't', ' ']) {
        Some(i) => (&t[..i], &t[i + 1..]),
        None => (t, ""),
    };
    let mut p = date.split('-');
    let y = i64::from(digits(p.next()?)?);
    let mo = p.next().map(digits).unwrap_or(Some(1))?;
    let d = p.next().map(digits).unwrap_or(Some(1))?;
    if p.next().is_some() {
        return None;
    }
    // Split the zone off the time.
    let (clock, zone) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, Some(0))
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let z = &rest[i + 1..];
        let (zh, zm) = match z.split_once(':') {
            Some((h, m)) => (digits(h)?, digits(m)?),
            None if z.len() == 4 => (digits(z.get(..2)?)?, digits(z.get(2..)?)?),
            None => (digits(z)?, 0),
        };
        if zh > 14 || zm > 59 {
            return None;
        }
        let minutes = (zh * 60 + zm) as i32;
        (
            &rest[..i],
            Some(if &rest[i..=i] == "-" {
                -minutes
            } else {
                minutes
            }),
        )
    } else {
        (rest, None)
    };
    let clock = clock.split(['.', ',']).next().unwrap_or("");
    let mut c = clock.split(':');
    let h = c
        .next()
        .filter(|s| !s.is_empty())
        .map(digits)
        .unwrap_or(Some(0))?;
    let mi = c.next().map(digits).unwrap_or(Some(0))?;
    let s = c.next().map(digits).unwrap_or(Some(0))?;
    let local = at(y, mo, d, h, mi, s)?;
    // A date alone has no zone to speak of.
    let zone = if rest.is_empty() { None } else { zone };
    Some(DocTime {
        text: text.trim().to_string(),
        unix: local - i64::from(zone.unwrap_or(0)) * 60,
        zone,
    })
}

/// PDF date (ISO 32000-1 §7.9.4): `D:YYYYMMDDHHmmSSOHH'mm'`, every part
/// after the year optional, `Z` for UTC; the `D:` prefix and the trailing
/// apostrophe are often missing or extra in real files.
pub fn parse_pdf(text: &str) -> Option<DocTime> {
    let raw = text.trim().trim_end_matches('\0');
    let t = raw.strip_prefix("D:").unwrap_or(raw).trim();
    let n = t.bytes().take_while(u8::is_ascii_digit).count();
    if n < 4 {
        return None;
    }
    let num = &t[..n];
    let part = |a: usize, b: usize, dflt: u32| -> Option<u32> {
        if num.len() >= b {
            digits(&num[a..b])
        } else {
            Some(dflt)
        }
    };
    let y = i64::from(digits(&num[..4])?);
    let local = at(
        y,
        part(4, 6, 1)?,
        part(6, 8, 1)?,
        part(8, 10, 0)?,
        part(10, 12, 0)?,
        part(12, 14, 0)?,
    )?;
    let rest = t[n..].trim();
    let zone = match rest.chars().next() {
        Some('Z') | Some('z') => Some(0),
        Some(sign @ ('+' | '-')) => {
            let z: String = rest[1..]
                .chars()
                .filter(|c| c.is_ascii_digit())
                .take(4)
                .collect();
            let (zh, zm) = match z.len() {
                4 => (digits(&z[..2])?, digits(&z[2..])?),
                2 => (digits(&z)?, 0),
                _ => return None,
            };
            if zh > 14 || zm > 59 {
                return None;
            }
            let m = (zh * 60 + zm) as i32;
            Some(if sign == '-' { -m } else { m })
        }
        _ => None,
    };
    Some(DocTime {
        text: raw.to_string(),
        unix: local - i64::from(zone.unwrap_or(0)) * 60,
        zone,
    })
}

/// EXIF `2017:03:27 10:12:00` (local time, no zone); an optional
/// `OffsetTime` value (`+02:00`) gives the zone.
pub fn parse_exif(text: &str, offset: Option<&str>) -> Option<DocTime> {
    let t = text.trim().trim_end_matches('\0');
    let (date, clock) = t.split_once(' ')?;
    let mut d = date.split(':');
    let y = i64::from(digits(d.next()?)?);
    let mo = digits(d.next()?)?;
    let day = digits(d.next()?)?;
    let mut c = clock.trim().split(':');
    let h = digits(c.next()?)?;
    let mi = digits(c.next()?)?;
    let s = c
        .next()
        .map(|s| digits(s.get(..s.len().min(2))?))
        .unwrap_or(Some(0))?;
    if y == 0 {
        return None; // "0000:00:00 00:00:00": unset
    }
    let local = at(y, mo, day, h, mi, s)?;
    let zone = offset.and_then(|o| parse_iso(&format!("2000-01-01T00:00:00{}", o.trim()))?.zone);
    Some(DocTime {
        text: t.to_string(),
        unix: local - i64::from(zone.unwrap_or(0)) * 60,
        zone,
    })
}

/// Seconds between 1601-01-01 and 1970-01-01.
const FILETIME_EPOCH: i64 = 11_644_473_600;

/// A Windows FILETIME (100 ns ticks since 1601, UTC). Zero, and values
/// before 1980 or after 2200 that only a broken writer produces, are unset.
pub fn from_filetime(ticks: u64) -> Option<DocTime> {
    if ticks == 0 {
        return None;
    }
    let unix = (ticks / 10_000_000) as i64 - FILETIME_EPOCH;
    if !(315_532_800..=7_258_118_400).contains(&unix) {
        return None;
    }
    Some(DocTime {
        text: utc_string(unix),
        unix,
        zone: Some(0),
    })
}

/// A zip entry's DOS date and time (local time of an unknown zone).
pub fn from_dos(
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
) -> Option<DocTime> {
    let unix = at(
        i64::from(year),
        u32::from(month),
        u32::from(day),
        u32::from(hour),
        u32::from(minute),
        u32::from(second),
    )?;
    let (y, mo, d, h, mi, s) = civil(unix);
    Some(DocTime {
        text: format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"),
        unix,
        zone: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_forms() {
        let t = parse_iso("2017-03-27T08:12:00Z").unwrap();
        assert_eq!((t.unix, t.zone), (1_490_602_320, Some(0)));
        let t = parse_iso("2017-03-27T10:12:00.535+02:00").unwrap();
        assert_eq!((t.unix, t.zone), (1_490_602_320, Some(120)));
        let t = parse_iso("2017-02-21T01:31:21.535000000").unwrap();
        assert_eq!(t.zone, None);
        assert_eq!(t.slack(), MAX_ZONE_SECS);
        assert_eq!(parse_iso("2017-03-27").unwrap().unix, 1_490_572_800);
        assert!(parse_iso("2017-02-30T00:00:00Z").is_none());
        assert!(parse_iso("yesterday").is_none());
        assert!(parse_iso("").is_none());
        // Non-ASCII where digits belong is refused, never sliced mid-character.
        assert!(parse_iso("2017-03-27T10:12:00+é1").is_none());
        assert!(parse_exif("2017:03:27 10:12:é", None).is_none());
    }

    #[test]
    fn pdf_forms() {
        let t = parse_pdf("D:20170327101200+02'00'").unwrap();
        assert_eq!((t.unix, t.zone), (1_490_602_320, Some(120)));
        let t = parse_pdf("D:20170327081200Z").unwrap();
        assert_eq!((t.unix, t.zone), (1_490_602_320, Some(0)));
        let t = parse_pdf("20170327101200-05'00").unwrap();
        assert_eq!(t.zone, Some(-300));
        assert_eq!(
            parse_pdf("D:2017").unwrap().unix,
            days_from_civil(2017, 1, 1) * 86_400
        );
        assert_eq!(parse_pdf("D:20170327").unwrap().zone, None);
        assert!(parse_pdf("D:abc").is_none());
        assert!(parse_pdf("D:20171341").is_none());
    }

    #[test]
    fn exif_filetime_dos() {
        let t = parse_exif("2017:03:27 10:12:00", None).unwrap();
        assert_eq!((t.unix, t.zone), (1_490_609_520, None));
        let t = parse_exif("2017:03:27 10:12:00", Some("+02:00")).unwrap();
        assert_eq!(t.unix, 1_490_602_320);
        assert!(parse_exif("0000:00:00 00:00:00", None).is_none());
        // 2017-03-27T08:12:00Z as a FILETIME.
        let ft = (1_490_602_320u64 + 11_644_473_600) * 10_000_000;
        assert_eq!(from_filetime(ft).unwrap().unix, 1_490_602_320);
        assert!(from_filetime(0).is_none());
        assert!(from_filetime(1).is_none());
        assert_eq!(from_dos(1980, 1, 1, 0, 0, 0).unwrap().unix, 315_532_800);
        assert!(from_dos(2017, 2, 30, 0, 0, 0).is_none());
    }
}
