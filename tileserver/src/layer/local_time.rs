//! A moment as the city's clock shows it (`2026-11-22T20:30:00+07:00`), kept as 8 bytes and
//! written as text only when a tile or an answer needs it: a report's filing time is otherwise
//! a 25-byte string of its own per report.

use chrono::{DateTime, Datelike, Offset, SecondsFormat, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// ISO 8601 with the city's offset, e.g. `2026-11-22T20:30:00+07:00` (what a [`LocalTime`]
/// writes, for any moment).
pub fn local_time(at: DateTime<Utc>, tz: Tz) -> String {
    at.with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// Unix seconds and the UTC offset in quarter hours, packed as `seconds << 8 | offset`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct LocalTime(i64);

impl LocalTime {
    /// Length of the text: `YYYY-MM-DDTHH:MM:SS+HH:MM`.
    pub const TEXT_LEN: usize = 25;

    /// `at` on the clock of `tz`; None for a year outside 0–9999 or an offset that is not a
    /// whole number of quarter hours (local mean times before 1906), which stay plain text.
    pub fn new(at: DateTime<Utc>, tz: Tz) -> Option<Self> {
        let offset = tz.offset_from_utc_datetime(&at.naive_utc()).fix();
        let seconds = offset.local_minus_utc();
        if seconds % 900 != 0 {
            return None;
        }
        let year = at.with_timezone(&offset).year();
        if !(0..=9999).contains(&year) {
            return None;
        }
        let quarters = (seconds / 900) as i8;
        Some(Self((at.timestamp() << 8) | i64::from(quarters as u8)))
    }

    fn offset_seconds(self) -> i32 {
        i32::from(self.0 as u8 as i8) * 900
    }

    /// The text, written into `buf` (no allocation).
    pub fn write(self, buf: &mut [u8; Self::TEXT_LEN]) -> &str {
        let offset = self.offset_seconds();
        let local = DateTime::from_timestamp(self.0 >> 8, 0)
            .unwrap_or_default()
            .naive_utc()
            + chrono::Duration::seconds(i64::from(offset));
        let mut put = |at: usize, value: u32, digits: usize| {
            let mut v = value;
            for i in (0..digits).rev() {
                buf[at + i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(0, local.year() as u32, 4);
        put(5, local.month(), 2);
        put(8, local.day(), 2);
        put(11, local.hour(), 2);
        put(14, local.minute(), 2);
        put(17, local.second(), 2);
        let minutes = offset.unsigned_abs() / 60;
        put(20, minutes / 60, 2);
        put(23, minutes % 60, 2);
        buf[4] = b'-';
        buf[7] = b'-';
        buf[10] = b'T';
        buf[13] = b':';
        buf[16] = b':';
        buf[19] = if offset < 0 { b'-' } else { b'+' };
        buf[22] = b':';
        // SAFETY: every byte above is an ASCII digit or separator.
        unsafe { std::str::from_utf8_unchecked(buf) }
    }

    /// The text, allocated.
    pub fn to_text(self) -> String {
        self.write(&mut [0; Self::TEXT_LEN]).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_what_chrono_writes() {
        let zones = [
            chrono_tz::Asia::Ho_Chi_Minh,
            chrono_tz::UTC,
            chrono_tz::America::St_Johns,
            chrono_tz::Asia::Kathmandu,
            chrono_tz::Pacific::Kiritimati,
        ];
        // Every few days over 30 years, at odd seconds, across daylight-saving changes.
        for tz in zones {
            let mut t = 946_684_799_i64;
            while t < 1_893_456_000 {
                let at = DateTime::from_timestamp(t, 0).unwrap();
                let time = LocalTime::new(at, tz).expect("whole quarter hours");
                assert_eq!(time.to_text(), local_time(at, tz), "{tz} at {t}");
                t += 86_400 * 3 + 3_607;
            }
        }
    }

    #[test]
    fn local_mean_time_is_left_to_text() {
        // Before 1906 Sài Gòn kept local mean time, UTC+7:06:40.
        let at = DateTime::from_timestamp(-2_500_000_000, 0).unwrap();
        assert_eq!(LocalTime::new(at, chrono_tz::Asia::Ho_Chi_Minh), None);
        let far = DateTime::from_timestamp(400_000_000_000, 0).unwrap();
        assert_eq!(LocalTime::new(far, chrono_tz::UTC), None);
    }
}
