//! The `time` crate's date and time types as field types (feature `time`): each is stored as
//! its chrono counterpart's column, converted at the field, so the engine, the backends and
//! the lookups are the ones chrono's types use.
//!
//! | `time` type | kind | as |
//! |---|---|---|
//! | `time::Date` | `Date` | `chrono::NaiveDate` |
//! | `time::Time` | `Time` | `chrono::NaiveTime` |
//! | `time::PrimitiveDateTime` | `Timestamp` | `chrono::NaiveDateTime` |
//! | `time::OffsetDateTime` | `DateTime` | `chrono::DateTime<Utc>`: stored as the UTC instant, read back at offset UTC |
//!
//! A value read back that `time` cannot hold (a year beyond ±9999, a leap second) is a
//! decode error naming the value.

use crate::field_type::{unexpected, FieldType, TypeOptions};
use crate::value::{FieldKind, Value};
use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

fn to_chrono_date(d: time::Date) -> NaiveDate {
    NaiveDate::from_yo_opt(d.year(), u32::from(d.ordinal()))
        .expect("every time::Date is a chrono::NaiveDate")
}

fn to_chrono_time(t: time::Time) -> NaiveTime {
    NaiveTime::from_hms_nano_opt(
        u32::from(t.hour()),
        u32::from(t.minute()),
        u32::from(t.second()),
        t.nanosecond(),
    )
    .expect("every time::Time is a chrono::NaiveTime")
}

fn from_chrono_date(d: NaiveDate) -> Result<time::Date, String> {
    let ordinal = u16::try_from(d.ordinal()).map_err(|e| e.to_string())?;
    time::Date::from_ordinal_date(d.year(), ordinal)
        .map_err(|e| format!("{d} is outside the range of a time::Date ({e})"))
}

fn from_chrono_time(t: NaiveTime) -> Result<time::Time, String> {
    let part = |v: u32| u8::try_from(v).map_err(|e| e.to_string());
    time::Time::from_hms_nano(
        part(t.hour())?,
        part(t.minute())?,
        part(t.second())?,
        t.nanosecond(),
    )
    .map_err(|e| format!("{t} is not a time::Time ({e})"))
}

fn from_chrono_datetime(at: NaiveDateTime) -> Result<time::PrimitiveDateTime, String> {
    Ok(time::PrimitiveDateTime::new(
        from_chrono_date(at.date())?,
        from_chrono_time(at.time())?,
    ))
}

fn to_chrono_datetime(at: time::PrimitiveDateTime) -> NaiveDateTime {
    to_chrono_date(at.date()).and_time(to_chrono_time(at.time()))
}

impl FieldType for time::Date {
    fn kind(_: &TypeOptions) -> FieldKind {
        FieldKind::Date
    }
    fn to_value(&self) -> Value {
        Value::Date(to_chrono_date(*self))
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Date(d) => from_chrono_date(d),
            other => Err(unexpected("time::Date", &other)),
        }
    }
}

impl FieldType for time::Time {
    fn kind(_: &TypeOptions) -> FieldKind {
        FieldKind::Time
    }
    fn to_value(&self) -> Value {
        Value::Time(to_chrono_time(*self))
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Time(t) => from_chrono_time(t),
            other => Err(unexpected("time::Time", &other)),
        }
    }
}

impl FieldType for time::PrimitiveDateTime {
    fn kind(_: &TypeOptions) -> FieldKind {
        FieldKind::Timestamp
    }
    fn to_value(&self) -> Value {
        Value::Timestamp(to_chrono_datetime(*self))
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Timestamp(at) => from_chrono_datetime(at),
            other => Err(unexpected("time::PrimitiveDateTime", &other)),
        }
    }
}

impl FieldType for time::OffsetDateTime {
    fn kind(_: &TypeOptions) -> FieldKind {
        FieldKind::DateTime
    }
    fn to_value(&self) -> Value {
        let utc = self.to_offset(time::UtcOffset::UTC);
        Value::DateTime(
            to_chrono_datetime(time::PrimitiveDateTime::new(utc.date(), utc.time())).and_utc(),
        )
    }
    fn try_from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::DateTime(at) => Ok(from_chrono_datetime(at.naive_utc())?.assume_utc()),
            other => Err(unexpected("time::OffsetDateTime", &other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_every_part() {
        let day = time::Date::from_calendar_date(2024, time::Month::February, 29).unwrap();
        let clock = time::Time::from_hms_micro(23, 59, 59, 999_999).unwrap();
        let at = time::PrimitiveDateTime::new(day, clock);
        assert_eq!(time::Date::try_from_value(day.to_value()), Ok(day));
        assert_eq!(time::Time::try_from_value(clock.to_value()), Ok(clock));
        assert_eq!(
            time::PrimitiveDateTime::try_from_value(at.to_value()),
            Ok(at)
        );
        let offset = at.assume_offset(time::UtcOffset::from_hms(7, 0, 0).unwrap());
        let back = time::OffsetDateTime::try_from_value(offset.to_value()).unwrap();
        assert_eq!(back, offset);
        assert_eq!(back.offset(), time::UtcOffset::UTC);
        let far = NaiveDate::from_ymd_opt(12_000, 1, 1).unwrap();
        assert!(time::Date::try_from_value(Value::Date(far)).is_err());
    }
}
