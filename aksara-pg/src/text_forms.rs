//! PostgreSQL's text forms of binary-format types Aksara has no variant for, so that a raw
//! query or the explorer shows `192.168.0.0/24`, `1 year 2 mons 03:04:05` or `{1,2,3}`
//! instead of bytes. Each function reads the type's binary wire format; malformed input gives
//! `None` and the caller keeps the bytes.

use std::fmt::Write;
use std::net::{Ipv4Addr, Ipv6Addr};

/// `inet` and `cidr`: family, netmask bits, is-cidr flag, address length, address.
pub fn inet(bytes: &[u8], is_cidr_type: bool) -> Option<String> {
    let [family, bits, _, len, address @ ..] = bytes else {
        return None;
    };
    let (text, full) = match (*family, *len as usize, address.len()) {
        (2, 4, 4) => (
            Ipv4Addr::new(address[0], address[1], address[2], address[3]).to_string(),
            32,
        ),
        (3, 16, 16) => (
            Ipv6Addr::from(<[u8; 16]>::try_from(address).ok()?).to_string(),
            128,
        ),
        _ => return None,
    };
    Some(if is_cidr_type || *bits != full {
        format!("{text}/{bits}")
    } else {
        text
    })
}

/// `tsvector`: a count of lexemes, then each lexeme (NUL-terminated) with its positions
/// (a 16-bit count, then 16-bit entries: weight in the top two bits, position below), written
/// as PostgreSQL's text output does: `'fat':2 'rat':3A`.
pub fn tsvector(bytes: &[u8]) -> Option<String> {
    let count = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?) as usize;
    let mut rest = &bytes[4..];
    let mut out = String::new();
    for i in 0..count {
        let end = rest.iter().position(|b| *b == 0)?;
        let lexeme = std::str::from_utf8(&rest[..end]).ok()?;
        rest = &rest[end + 1..];
        let positions = u16::from_be_bytes(rest.get(..2)?.try_into().ok()?) as usize;
        rest = &rest[2..];
        if i > 0 {
            out.push(' ');
        }
        out.push('\'');
        for c in lexeme.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
        out.push('\'');
        for p in 0..positions {
            let entry = u16::from_be_bytes(rest.get(..2)?.try_into().ok()?);
            rest = &rest[2..];
            out.push(if p == 0 { ':' } else { ',' });
            let _ = write!(out, "{}", entry & 0x3fff);
            match entry >> 14 {
                3 => out.push('A'),
                2 => out.push('B'),
                1 => out.push('C'),
                _ => {}
            }
        }
    }
    rest.is_empty().then_some(out)
}

/// `macaddr` (6 bytes) and `macaddr8` (8 bytes): lower-case hex pairs joined by `:`.
pub fn mac(bytes: &[u8]) -> Option<String> {
    if bytes.len() != 6 && bytes.len() != 8 {
        return None;
    }
    Some(
        bytes
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// `money`: a 64-bit count of cents, as a plain decimal (`-1234.56`); the currency symbol and
/// grouping of the server's locale are left out.
pub fn money(bytes: &[u8]) -> Option<String> {
    let cents = i64::from_be_bytes(bytes.try_into().ok()?);
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    Some(format!("{sign}{}.{:02}", abs / 100, abs % 100))
}

/// `interval`: microseconds, days, months, written as PostgreSQL's default style does
/// (`1 year 2 mons 3 days 04:05:06.5`, `-1 days`, `00:00:00`).
pub fn interval(bytes: &[u8]) -> Option<String> {
    if bytes.len() != 16 {
        return None;
    }
    let micros = i64::from_be_bytes(bytes[0..8].try_into().ok()?);
    let days = i32::from_be_bytes(bytes[8..12].try_into().ok()?);
    let months = i32::from_be_bytes(bytes[12..16].try_into().ok()?);
    let mut parts: Vec<String> = Vec::new();
    let mut unit = |n: i64, singular: &str, plural: &str| {
        if n != 0 {
            parts.push(format!("{n} {}", if n == 1 { singular } else { plural }));
        }
    };
    unit(i64::from(months / 12), "year", "years");
    unit(i64::from(months % 12), "mon", "mons");
    unit(i64::from(days), "day", "days");
    if micros != 0 || parts.is_empty() {
        let sign = if micros < 0 { "-" } else { "" };
        let abs = micros.unsigned_abs();
        let (seconds, fraction) = (abs / 1_000_000, abs % 1_000_000);
        let mut time = format!(
            "{sign}{:02}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
        if fraction != 0 {
            let digits = format!("{fraction:06}");
            let _ = write!(time, ".{}", digits.trim_end_matches('0'));
        }
        parts.push(time);
    }
    Some(parts.join(" "))
}

/// A one-dimensional array, as PostgreSQL writes it (`{1,2,NULL}`, `{"a b",c}`), each
/// element rendered by `element` from its type OID and bytes. Multi-dimensional arrays give
/// `None`.
pub fn array(bytes: &[u8], element: impl Fn(u32, &[u8]) -> Option<String>) -> Option<String> {
    let int = |at: usize| -> Option<i32> {
        Some(i32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
    };
    let dimensions = int(0)?;
    let element_oid = u32::try_from(int(8)?).ok()?;
    if dimensions == 0 {
        return Some("{}".into());
    }
    if dimensions != 1 {
        return None;
    }
    let count = usize::try_from(int(12)?).ok()?;
    let mut at = 20;
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        let len = int(at)?;
        at += 4;
        if len < 0 {
            items.push("NULL".to_string());
            continue;
        }
        let len = len as usize;
        let text = element(element_oid, bytes.get(at..at + len)?)?;
        at += len;
        items.push(quoted_element(&text));
    }
    Some(format!("{{{}}}", items.join(",")))
}

/// An array element as PostgreSQL quotes it: bare unless empty, `NULL`, or holding
/// separators, braces, quotes, backslashes or spaces.
fn quoted_element(text: &str) -> String {
    let needs_quotes = text.is_empty()
        || text.eq_ignore_ascii_case("null")
        || text
            .chars()
            .any(|c| matches!(c, ',' | '{' | '}' | '"' | '\\') || c.is_whitespace());
    if !needs_quotes {
        return text.to_string();
    }
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_read_as_postgres_writes_them() {
        assert_eq!(
            inet(&[2, 32, 0, 4, 192, 168, 0, 1], false).as_deref(),
            Some("192.168.0.1")
        );
        assert_eq!(
            inet(&[2, 24, 1, 4, 192, 168, 0, 0], true).as_deref(),
            Some("192.168.0.0/24")
        );
        let mut v6 = vec![3, 128, 0, 16];
        v6.extend([0x20, 0x01, 0x0d, 0xb8]);
        v6.extend([0; 11]);
        v6.push(1);
        assert_eq!(inet(&v6, false).as_deref(), Some("2001:db8::1"));
        assert_eq!(inet(&[2, 32, 0, 4, 1], false), None, "truncated");
        assert_eq!(
            mac(&[8, 0, 0x2b, 1, 2, 3]).as_deref(),
            Some("08:00:2b:01:02:03")
        );
    }

    #[test]
    fn money_and_intervals_read_as_text() {
        assert_eq!(money(&123_456i64.to_be_bytes()).as_deref(), Some("1234.56"));
        assert_eq!(money(&(-5i64).to_be_bytes()).as_deref(), Some("-0.05"));
        let iv = |micros: i64, days: i32, months: i32| {
            let mut b = micros.to_be_bytes().to_vec();
            b.extend(days.to_be_bytes());
            b.extend(months.to_be_bytes());
            interval(&b).unwrap()
        };
        assert_eq!(iv(0, 0, 0), "00:00:00");
        assert_eq!(iv(0, 3, 14), "1 year 2 mons 3 days");
        assert_eq!(iv(14_706_500_000, 1, 0), "1 day 04:05:06.5");
        assert_eq!(iv(-3_600_000_000, -2, 0), "-2 days -01:00:00");
    }

    #[test]
    fn arrays_read_with_their_quoting() {
        // int4[] {1,NULL,3}
        let mut b = Vec::new();
        for v in [1i32, 1, 23, 3, 1] {
            b.extend(v.to_be_bytes());
        }
        b.extend(4i32.to_be_bytes());
        b.extend(1i32.to_be_bytes());
        b.extend((-1i32).to_be_bytes());
        b.extend(4i32.to_be_bytes());
        b.extend(3i32.to_be_bytes());
        let int4 =
            |_: u32, bytes: &[u8]| Some(i32::from_be_bytes(bytes.try_into().ok()?).to_string());
        assert_eq!(array(&b, int4).as_deref(), Some("{1,NULL,3}"));
        let empty: Vec<u8> = [0i32, 0, 23].iter().flat_map(|v| v.to_be_bytes()).collect();
        assert_eq!(array(&empty, int4).as_deref(), Some("{}"));
        assert_eq!(quoted_element("a b"), "\"a b\"");
        assert_eq!(quoted_element("NULL"), "\"NULL\"");
        assert_eq!(quoted_element("say \"hi\""), "\"say \\\"hi\\\"\"");
        assert_eq!(quoted_element("plain"), "plain");
    }
}
