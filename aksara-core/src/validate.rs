//! Shape checks for email and URL fields, and the range checks backends use in
//! [`Dialect::out_of_range`](crate::Dialect::out_of_range), applied before any SQL runs.

use crate::value::Value;
use chrono::NaiveDateTime;

/// For a timestamp or date `value` outside `min..=max` (the range `what` holds), the message
/// that refuses it; `None` for any other value.
///
/// ```
/// use aksara_core::{validate::outside_time_range, Value};
/// use chrono::{NaiveDate, TimeZone, Utc};
/// let min = NaiveDate::from_ymd_opt(1000, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
/// let max = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap().and_hms_opt(23, 59, 59).unwrap();
/// let late = Value::DateTime(Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap());
/// assert!(outside_time_range(&late, "DATETIME", min, max).is_some());
/// assert!(outside_time_range(&Value::I32(1), "DATETIME", min, max).is_none());
/// ```
pub fn outside_time_range(
    value: &Value,
    what: &str,
    min: NaiveDateTime,
    max: NaiveDateTime,
) -> Option<String> {
    let (shown, inside, range) = match value {
        Value::DateTime(d) => (
            d.to_rfc3339(),
            (min..=max).contains(&d.naive_utc()),
            format!("{min} to {max} UTC"),
        ),
        Value::Timestamp(d) => (
            d.to_string(),
            (min..=max).contains(d),
            format!("{min} to {max}"),
        ),
        Value::Date(d) => (
            d.to_string(),
            (min.date()..=max.date()).contains(d),
            format!("{} to {}", min.date(), max.date()),
        ),
        _ => return None,
    };
    (!inside).then(|| format!("{shown} is outside the range {what} holds ({range})"))
}

/// For NaN or an infinity, the message that refuses it where `what` cannot store it.
pub fn non_finite(value: &Value, what: &str) -> Option<String> {
    match value {
        Value::F64(f) if !f.is_finite() => Some(format!(
            "{f} cannot be stored: {what} (the range is finite numbers, -1.797e308 to 1.797e308)"
        )),
        _ => None,
    }
}

/// For a JSON document deeper than `max` levels as `JSON_DEPTH` counts them (a scalar or an
/// empty array or object is 1, a non-empty one 1 more than its deepest item), the message
/// that refuses it where `what` cannot store it. Measured without recursion.
pub fn too_deep_json(value: &Value, max: usize, what: &str) -> Option<String> {
    let Value::Json(doc) = value else {
        return None;
    };
    let mut deepest = 0;
    let mut stack = vec![(doc, 1usize)];
    while let Some((v, level)) = stack.pop() {
        deepest = deepest.max(level);
        match v {
            serde_json::Value::Array(items) => stack.extend(items.iter().map(|i| (i, level + 1))),
            serde_json::Value::Object(map) => stack.extend(map.values().map(|i| (i, level + 1))),
            _ => {}
        }
    }
    (deepest > max).then(|| {
        format!(
            "a JSON document {deepest} levels deep is outside the range {what} holds \
             (JSON_DEPTH at most {max})"
        )
    })
}

/// For -0.0, the message that refuses it where `what` stores it as 0.0.
pub fn negative_zero(value: &Value, what: &str) -> Option<String> {
    match value {
        Value::F64(f) if *f == 0.0 && f.is_sign_negative() => Some(format!(
            "-0.0 cannot be stored: {what} stores it as 0.0 (the range is every other float)"
        )),
        _ => None,
    }
}

/// For text (or JSON text) containing the character NUL, the message that refuses it where
/// `what` cannot store it.
pub fn has_nul(value: &Value, what: &str) -> Option<String> {
    let shown = |s: &str| {
        let head: String = s.chars().take(40).collect();
        format!("{head:?}")
    };
    match value {
        Value::String(s) if s.contains('\0') => Some(format!(
            "{} contains the character NUL (\\0), which {what} cannot hold",
            shown(s)
        )),
        Value::Json(j) => {
            let text = j.to_string();
            text.contains("\\u0000").then(|| {
                format!(
                    "{} contains the character NUL (\\u0000), which {what} cannot hold",
                    shown(&text)
                )
            })
        }
        _ => None,
    }
}

/// True for an address of the form `local@domain.tld` with no spaces.
///
/// This is the seed's shape check (a dotted domain, as Django's validator asks by default),
/// kept by hand rather than taken from an RFC 5322 parser: such a parser accepts addresses
/// the check refuses on purpose (`jane@localhost`, quoted local parts with spaces), so a
/// crate would change which values are accepted. Deliverability is a question for a mail
/// server, not for a column check.
pub fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
}

/// True for an absolute `http`, `https`, `ftp` or `ftps` URL with a host (a dotted domain,
/// `localhost` or an IP address) and no spaces.
///
/// The URL is parsed by the `url` crate (the WHATWG rules browsers follow), so that a port
/// out of range, an IPv4 address with a part above 255, or a host with forbidden characters
/// is refused; the parser's own leniency (it drops tabs and newlines and trims spaces) is
/// not taken: a value holding any whitespace is refused. The value stored is the one given,
/// never the parser's normalised form.
pub fn is_url(s: &str) -> bool {
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    // `http:example.com` parses (the WHATWG rules add the slashes); only the written form
    // with `://` is taken.
    let Some((written_scheme, _)) = s.split_once("://") else {
        return false;
    };
    let Ok(url) = url::Url::parse(s) else {
        return false;
    };
    let scheme_ok = matches!(url.scheme(), "http" | "https" | "ftp" | "ftps")
        && written_scheme.eq_ignore_ascii_case(url.scheme());
    scheme_ok
        && match url.host() {
            Some(url::Host::Domain(name)) => name.contains('.') || name == "localhost",
            Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
            None => false,
        }
}

/// Why a column of `kind` cannot hold `value` exactly on any backend, naming the value and
/// what the column holds: an integer outside a `SMALLINT`, a float that is no `f32` in a
/// `REAL`, a decimal with more digits than `NUMERIC(p, s)` keeps (the database would round
/// it or fail), a time or timestamp finer than the microseconds every backend stores.
///
/// ```
/// use aksara_core::{validate::kind_out_of_range, FieldKind, Value};
/// assert!(kind_out_of_range(&FieldKind::SmallInteger, &Value::I32(40_000)).is_some());
/// assert!(kind_out_of_range(&FieldKind::SmallInteger, &Value::I32(-32_768)).is_none());
/// assert!(kind_out_of_range(&FieldKind::Real, &Value::F64(0.1)).is_some());
/// assert!(kind_out_of_range(&FieldKind::Real, &Value::F64(f64::from(0.1f32))).is_none());
/// ```
pub fn kind_out_of_range(kind: &crate::value::FieldKind, value: &Value) -> Option<String> {
    use crate::value::FieldKind;
    use chrono::Timelike;
    let sub_micro = |nanos: u32, shown: String| {
        (nanos % 1_000 != 0).then(|| {
            format!("{shown} has nanoseconds; the column keeps microseconds (truncate it first)")
        })
    };
    match (kind, value) {
        (FieldKind::SmallInteger, Value::I32(v)) if i16::try_from(*v).is_err() => Some(format!(
            "{v} is outside the range of a 16-bit integer (SMALLINT: -32768 to 32767)"
        )),
        (FieldKind::SmallInteger, Value::I64(v)) if i16::try_from(*v).is_err() => Some(format!(
            "{v} is outside the range of a 16-bit integer (SMALLINT: -32768 to 32767)"
        )),
        (FieldKind::Real, Value::F64(v)) => crate::field_type::f32_exactly(*v).err(),
        (FieldKind::Timestamp, Value::Timestamp(t)) => sub_micro(t.nanosecond(), t.to_string()),
        (FieldKind::Time, Value::Time(t)) => sub_micro(t.nanosecond(), t.to_string()),
        #[cfg(feature = "rust_decimal")]
        (
            FieldKind::Decimal {
                max_digits,
                decimal_places,
            },
            Value::Decimal(d),
        ) => decimal_out_of_range(d, *max_digits, *decimal_places),
        _ => None,
    }
}

/// For a decimal with more digits after the point than `places`, or more before it than
/// `digits - places`, the message that refuses it.
#[cfg(feature = "rust_decimal")]
fn decimal_out_of_range(d: &rust_decimal::Decimal, digits: u32, places: u32) -> Option<String> {
    let column = format!("NUMERIC({digits}, {places})");
    let normal = d.normalize();
    if normal.scale() > places {
        return Some(format!(
            "{d} has {} digits after the point; {column} keeps {places} (round it first)",
            normal.scale()
        ));
    }
    let integer_digits = normal
        .trunc()
        .abs()
        .to_string()
        .trim_start_matches('0')
        .len() as u32;
    let room = digits.saturating_sub(places);
    (integer_digits > room)
        .then(|| format!("{d} has {integer_digits} digits before the point; {column} keeps {room}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(is_email("jane@example.com"));
        assert!(is_email("a.b+c@sub.example.org"));
        assert!(!is_email("jane"));
        assert!(!is_email("jane@localhost"));
        assert!(!is_email("ja ne@example.com"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("jane@example..com"));
    }

    #[test]
    fn urls() {
        assert!(is_url("https://example.com"));
        assert!(is_url("http://localhost:8080/a?b=c"));
        assert!(!is_url("example.com"));
        assert!(!is_url("javascript:alert(1)"));
        assert!(!is_url("https://exa mple.com"));
        assert!(!is_url("https://"));
        assert!(is_url("ftp://files.example.com/a.txt"));
        assert!(is_url("http://user:pw@example.com/"));
        assert!(is_url("http://127.0.0.1:8000/"));
        assert!(is_url("http://[::1]/"));
        assert!(is_url("HTTPS://Example.COM/Path"));
        assert!(is_url("https://bücher.example/"));
        // Refused by the parser where a substring check accepted them.
        assert!(!is_url("http://example.com:99999/"));
        assert!(!is_url("http://999.1.1.1/"));
        assert!(!is_url("http://[::1/"));
        assert!(!is_url("http://exa<mple.com/"));
        // Whitespace the parser would drop silently.
        assert!(!is_url("https://example.com/a\tb"));
        assert!(!is_url(" https://example.com"));
        // Other schemes, and the form without slashes.
        assert!(!is_url("mailto:jane@example.com"));
        assert!(!is_url("file:///etc/passwd"));
        assert!(!is_url("http:example.com"));
        assert!(!is_url("https://intranet/"));
    }
}
