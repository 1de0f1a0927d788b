//! nfdump's times: local `YYYY-MM-DD HH:MM:SS[.mmm]` strings in the time zone of the host that
//! ran nfdump (`--tz`), or epoch numbers that need no zone.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};

use crate::ingest::error::InputError;

/// The zone local times are read in, and how to name it in the summary.
#[derive(Debug, Clone)]
pub struct Zone {
    tz: TimeZone,
    label: String,
    /// Whether `--tz` chose it (otherwise UTC by default).
    explicit: bool,
}

impl Zone {
    /// The zone of `--tz`: an IANA name (`Europe/Berlin`), `UTC`, or a fixed offset (`+02:00`,
    /// `-0530`, `+02`); `None` means UTC.
    pub fn new(option: Option<&str>) -> Result<Zone, InputError> {
        let Some(text) = option.map(str::trim) else {
            return Ok(Zone {
                tz: TimeZone::UTC,
                label: "UTC".into(),
                explicit: false,
            });
        };
        let tz = if text.eq_ignore_ascii_case("utc") || text == "Z" {
            Some(TimeZone::UTC)
        } else if text.starts_with(['+', '-']) {
            fixed_offset(text).map(TimeZone::fixed)
        } else {
            TimeZone::get(text).ok()
        };
        let tz = tz.ok_or_else(|| {
            InputError::new(
                "a time zone: an IANA name such as Europe/Berlin, UTC, or an offset such as +02:00",
                format!("{text:?}"),
            )
            .field("--tz")
            .hint("pass --tz with an IANA zone name (Europe/Berlin, America/New_York), UTC, or an offset from UTC (+02:00, -0530)")
        })?;
        Ok(Zone {
            tz,
            label: text.to_string(),
            explicit: true,
        })
    }

    /// The note for the import summary: which zone local times were read in.
    pub fn note(&self, file: &str) -> String {
        if self.explicit {
            format!("{file}: nfdump local times read in {} (--tz)", self.label)
        } else {
            format!(
                "{file}: nfdump local times read as UTC (pass --tz ZONE if nfdump ran in another time zone)"
            )
        }
    }

    /// Unix seconds of a local `YYYY-MM-DD HH:MM:SS[.fff]` in this zone; `Ok(None)` for nfdump's
    /// "no time" (`0000-00-00 00:00:00.000`), `Err(())` when the text is no such time.
    pub fn local_seconds(&self, text: &[u8]) -> Result<Option<i64>, ()> {
        if text.starts_with(b"0000-00-00") {
            return Ok(None);
        }
        let civil = civil_time(text).ok_or(())?;
        let timestamp = self.tz.to_timestamp(civil).map_err(|_| ())?;
        Ok(Some(timestamp.as_second()))
    }
}

/// Whether a value looks like a local date and time rather than a number.
pub fn is_local_time(text: &[u8]) -> bool {
    text.len() >= 19 && text[4] == b'-' && text[7] == b'-' && matches!(text[10], b' ' | b'T')
}

fn civil_time(text: &[u8]) -> Option<DateTime> {
    if !is_local_time(text) || text[13] != b':' || text[16] != b':' {
        return None;
    }
    let rest = &text[19..];
    let fraction_ok = rest.is_empty()
        || (rest[0] == b'.' && rest.len() > 1 && rest[1..].iter().all(u8::is_ascii_digit));
    if !fraction_ok {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = text.get(range)?;
        if !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    DateTime::new(
        i16::try_from(num(0..4)?).ok()?,
        i8::try_from(num(5..7)?).ok()?,
        i8::try_from(num(8..10)?).ok()?,
        i8::try_from(num(11..13)?).ok()?,
        i8::try_from(num(14..16)?).ok()?,
        i8::try_from(num(17..19)?).ok()?,
        0,
    )
    .ok()
}

/// `+HH`, `+HH:MM` or `+HHMM` (and `-`).
fn fixed_offset(text: &str) -> Option<Offset> {
    let sign: i32 = if text.starts_with('-') { -1 } else { 1 };
    let digits: String = text[1..].chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !matches!(digits.len(), 2 | 4) {
        return None;
    }
    if text[1..].contains(':') && (digits.len() != 4 || text.len() != 6) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits
        .get(2..)
        .filter(|m| !m.is_empty())
        .map_or(Some(0), |m| m.parse().ok())?;
    if hours > 23 || minutes > 59 {
        return None;
    }
    Offset::from_seconds(sign * (hours * 3600 + minutes * 60)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(zone: Option<&str>, text: &str) -> Option<i64> {
        Zone::new(zone).ok()?.local_seconds(text.as_bytes()).ok()?
    }

    #[test]
    fn reads_local_times_in_the_zone() {
        // 2025-04-02 10:15:03 UTC
        let utc = 1_743_588_903;
        assert_eq!(seconds(None, "2025-04-02 10:15:03"), Some(utc));
        assert_eq!(seconds(Some("UTC"), "2025-04-02 10:15:03.412"), Some(utc));
        assert_eq!(
            seconds(Some("Europe/Berlin"), "2025-04-02 12:15:03"),
            Some(utc)
        );
        assert_eq!(seconds(Some("+02:00"), "2025-04-02 12:15:03"), Some(utc));
        assert_eq!(seconds(Some("+0200"), "2025-04-02 12:15:03"), Some(utc));
        assert_eq!(seconds(Some("-0530"), "2025-04-02 04:45:03"), Some(utc));
        assert_eq!(seconds(Some("+02"), "2025-04-02 12:15:03"), Some(utc));
        // Winter time in Berlin is +01:00.
        assert_eq!(
            seconds(Some("Europe/Berlin"), "2025-01-15 11:00:00"),
            Some(1_736_935_200)
        );
        assert_eq!(seconds(None, "0000-00-00 00:00:00.000"), None);
    }

    #[test]
    fn refuses_unknown_zones_and_bad_times() {
        for bad in [
            "Mars/Olympus",
            "+2",
            "+25:00",
            "+02:3",
            "CEST-ish",
            "+02:00:00",
        ] {
            assert!(Zone::new(Some(bad)).is_err(), "{bad}");
        }
        let zone = Zone::new(None);
        for bad in [
            "2025-13-02 10:15:03",
            "2025-04-02 10:15",
            "2025-04-02 10:15:03.x",
            "x",
        ] {
            assert!(
                zone.as_ref()
                    .is_ok_and(|z| z.local_seconds(bad.as_bytes()).is_err()),
                "{bad}"
            );
        }
    }

    #[test]
    fn notes_name_the_zone() -> Result<(), InputError> {
        assert!(
            Zone::new(None)?
                .note("a.csv")
                .contains("read as UTC (pass --tz ZONE")
        );
        assert_eq!(
            Zone::new(Some("Europe/Berlin"))?.note("a.csv"),
            "a.csv: nfdump local times read in Europe/Berlin (--tz)"
        );
        Ok(())
    }
}
