//! How values look on screen.
//!
//! Every cell is one line: control characters become visible symbols (`↵` for a newline), long
//! text is cut with `…`, bytes show as hex. SQL NULL, the empty string and the text `NULL` must
//! never look alike, so NULL is the bare word `NULL` (drawn dim), while an empty string is `""`
//! and any text that could be mistaken for something else (`NULL`, blank, surrounded by spaces)
//! is shown quoted. The detail view's value pane shows the whole value instead: text as
//! written, JSON pretty-printed, bytes as a hex dump.

use aksara::{FieldKind, Value};
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// What sort of thing a cell shows, so the renderer can style it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// SQL NULL.
    Null,
    /// Text (possibly quoted to tell it apart from NULL or nothing).
    Text,
    /// A number, boolean, date or key.
    Scalar,
    /// Bytes or an undecodable value.
    Bytes,
    /// A JSON document or an array.
    Structured,
}

/// One value as a single line of text, with its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// The text to draw.
    pub text: String,
    /// What it is.
    pub class: Class,
}

/// The longest text a cell is built from (cells are cut to their column later).
const CELL_CHARS: usize = 200;

/// `value` as one line. `kind` is the field's kind, when known (it tells arrays from text).
/// A date-time shows without an offset: see [`zoned_cell`] for a column with a time zone.
pub fn cell(value: &Value, kind: Option<&FieldKind>) -> Cell {
    zoned_cell(value, kind, false)
}

/// `value` as one line, for a column whose date-times carry a time zone when `zoned`
/// (PostgreSQL's `timestamptz`): those show their offset, `+00:00` (the engine reads them in
/// UTC), so that they never look like a plain `timestamp`.
pub fn zoned_cell(value: &Value, kind: Option<&FieldKind>, zoned: bool) -> Cell {
    let (text, class) = match value {
        Value::Null => ("NULL".to_string(), Class::Null),
        Value::String(s) => match decode_pg_array(s.as_bytes(), kind) {
            Some(items) => (items, Class::Structured),
            // An array the engine already wrote in PostgreSQL's text form (`{1,NULL,3}`).
            None if is_array_kind(kind) => (text_cell(s), Class::Structured),
            None if looks_binary(s) => (hex_preview(s.as_bytes()), Class::Bytes),
            None => (text_cell(s), Class::Text),
        },
        Value::Bytes(b) => match decode_pg_array(b, kind) {
            Some(items) => (items, Class::Structured),
            None => (hex_preview(b), Class::Bytes),
        },
        Value::Json(j) => (one_line(&j.to_string()), Class::Structured),
        Value::Array(items) => (array_text(items), Class::Structured),
        Value::DateTime(d) if zoned => (
            d.format("%Y-%m-%d %H:%M:%S%.f%:z").to_string(),
            Class::Scalar,
        ),
        Value::DateTime(d) => (d.format("%Y-%m-%d %H:%M:%S%.f").to_string(), Class::Scalar),
        other => (other.to_string(), Class::Scalar),
    };
    Cell { text, class }
}

/// `value` as plain text for copying and labels: strings as written, everything else as its
/// cell text (NULL copies as an empty string).
pub fn plain(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Json(j) => j.to_string(),
        other => cell(other, None).text,
    }
}

/// `value` in full for the value pane: several lines. `zoned` as for [`zoned_cell`].
pub fn full(value: &Value, kind: Option<&FieldKind>, zoned: bool) -> Vec<String> {
    match value {
        Value::Null => vec!["NULL (no value)".into()],
        Value::String(s) if s.is_empty() => vec!["\"\" (empty text)".into()],
        Value::String(s) => {
            if let Some(items) = decode_pg_array(s.as_bytes(), kind) {
                return vec![items];
            }
            if looks_binary(s) {
                return hex_dump(s.as_bytes());
            }
            let trimmed = s.trim_start();
            if trimmed.starts_with('{') || trimmed.starts_with('[') {
                if let Ok(json) = serde_json::from_str::<serde_json::Value>(s) {
                    return pretty_json(&json);
                }
            }
            let mut lines: Vec<String> = s.split('\n').map(visible_line).collect();
            if s.trim() != s || s.eq_ignore_ascii_case("null") {
                lines.push(format!(
                    "(text {}, {} characters)",
                    quoted(s),
                    s.chars().count()
                ));
            }
            lines
        }
        Value::Json(j) => pretty_json(j),
        Value::Bytes(b) => match decode_pg_array(b, kind) {
            Some(items) => vec![items],
            None => hex_dump(b),
        },
        other => vec![zoned_cell(other, kind, zoned).text],
    }
}

fn pretty_json(json: &serde_json::Value) -> Vec<String> {
    serde_json::to_string_pretty(json)
        .unwrap_or_else(|_| json.to_string())
        .lines()
        .map(str::to_string)
        .collect()
}

/// Text for a cell: quoted when it could be mistaken for NULL or for nothing.
fn text_cell(s: &str) -> String {
    if s.is_empty() || s.eq_ignore_ascii_case("null") || s.trim() != s || s.starts_with('"') {
        quoted(s)
    } else {
        one_line(s)
    }
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars().take(CELL_CHARS) {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(visible(c)),
        }
    }
    out.push('"');
    out
}

fn one_line(s: &str) -> String {
    s.chars().take(CELL_CHARS).map(visible).collect()
}

fn visible_line(s: &str) -> String {
    s.chars()
        .map(|c| if c == '\t' { ' ' } else { visible(c) })
        .collect()
}

/// A character as drawn: control characters become their Unicode pictures.
fn visible(c: char) -> char {
    match c {
        '\n' => '↵',
        '\r' => '␍',
        '\t' => '⇥',
        '\u{7f}' => '␡',
        c if (c as u32) < 0x20 => char::from_u32(0x2400 + c as u32).unwrap_or('�'),
        c if c.is_control() => '�',
        c => c,
    }
}

/// True for "text" that is really binary data (an undecoded value of an unknown type).
fn looks_binary(s: &str) -> bool {
    s.bytes().any(|b| b == 0) || {
        let controls = s
            .chars()
            .filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            .count();
        controls > 0 && controls * 4 >= s.chars().count()
    }
}

fn array_text(items: &[Value]) -> String {
    let inner: Vec<String> = items
        .iter()
        .map(|v| match v {
            Value::String(s) => quoted(s),
            other => cell(other, None).text,
        })
        .collect();
    one_line(&format!("[{}]", inner.join(", ")))
}

/// `x'0a1b…' (123 B)`.
pub fn hex_preview(bytes: &[u8]) -> String {
    let shown: String = bytes.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let more = if bytes.len() > 16 { "…" } else { "" };
    format!("x'{shown}{more}' ({} B)", bytes.len())
}

/// A hex dump: offset, sixteen bytes, their printable characters (the first 4 KiB).
pub fn hex_dump(bytes: &[u8]) -> Vec<String> {
    let mut lines = vec![format!("{} bytes", bytes.len())];
    for (i, chunk) in bytes.chunks(16).take(256).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let text: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        lines.push(format!("{:08x}  {:<47}  {text}", i * 16, hex.join(" ")));
    }
    if bytes.len() > 4096 {
        lines.push("…".into());
    }
    lines
}

/// True for a column of a PostgreSQL array type (`integer[]`).
fn is_array_kind(kind: Option<&FieldKind>) -> bool {
    matches!(kind, Some(FieldKind::Other(type_name)) if type_name.ends_with("[]"))
}

/// A PostgreSQL array in its binary wire form (what an array column of a type the engine does
/// not decode arrives as), as `{1, 2, 3}`; `None` when `kind` is not an array or the bytes are
/// not one.
fn decode_pg_array(bytes: &[u8], kind: Option<&FieldKind>) -> Option<String> {
    if !is_array_kind(kind) {
        return None;
    }
    let mut r = Reader(bytes);
    let dims = r.i32()?;
    let _has_nulls = r.i32()?;
    let oid = r.i32()?;
    if !(0..=6).contains(&dims) {
        return None;
    }
    let mut count: usize = if dims == 0 { 0 } else { 1 };
    for _ in 0..dims {
        let len = usize::try_from(r.i32()?).ok()?;
        let _lower = r.i32()?;
        count = count.checked_mul(len)?;
    }
    let mut items = Vec::new();
    for _ in 0..count {
        let len = r.i32()?;
        if len < 0 {
            items.push("NULL".to_string());
            continue;
        }
        let data = r.take(usize::try_from(len).ok()?)?;
        items.push(pg_element(oid, data));
        if items.len() > 1000 {
            items.push("…".into());
            break;
        }
    }
    if !r.0.is_empty() && items.last().map(String::as_str) != Some("…") {
        return None;
    }
    Some(format!("{{{}}}", items.join(", ")))
}

fn pg_element(oid: i32, data: &[u8]) -> String {
    let int = || -> Option<i64> {
        match data.len() {
            2 => Some(i64::from(i16::from_be_bytes([data[0], data[1]]))),
            4 => Some(i64::from(i32::from_be_bytes([
                data[0], data[1], data[2], data[3],
            ]))),
            8 => {
                let mut b = [0u8; 8];
                b.copy_from_slice(data);
                Some(i64::from_be_bytes(b))
            }
            _ => None,
        }
    };
    match oid {
        16 => (if data.first() == Some(&1) {
            "true"
        } else {
            "false"
        })
        .into(),
        20 | 21 | 23 => int().map_or_else(|| hex_preview(data), |v| v.to_string()),
        700 if data.len() == 4 => {
            f32::from_be_bytes([data[0], data[1], data[2], data[3]]).to_string()
        }
        701 if data.len() == 8 => {
            let mut b = [0u8; 8];
            b.copy_from_slice(data);
            f64::from_be_bytes(b).to_string()
        }
        2950 if data.len() == 16 => {
            let h: String = data.iter().map(|b| format!("{b:02x}")).collect();
            format!(
                "{}-{}-{}-{}-{}",
                &h[0..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..32]
            )
        }
        _ => match std::str::from_utf8(data) {
            Ok(s) if !looks_binary(s) => quoted(s),
            _ => hex_preview(data),
        },
    }
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn i32(&mut self) -> Option<i32> {
        let b = self.take(4)?;
        Some(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// The display width of `s` in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// `n` with thousands separators (`1,000,000`).
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Lines of `text` wrapped at `width` columns (words kept whole where they fit).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            // Break at the last space when there is one in the line.
            match line.rfind(' ') {
                Some(i) if i > 0 && c != ' ' => {
                    let rest = line[i + 1..].to_string();
                    line.truncate(i);
                    lines.push(std::mem::take(&mut line));
                    used = self::width(&rest);
                    line = rest;
                }
                _ => {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
            }
            if c == ' ' && line.is_empty() {
                continue;
            }
        }
        line.push(c);
        used += w;
    }
    lines.push(line);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_empty_and_the_text_null_differ() {
        let null = cell(&Value::Null, None);
        let empty = cell(&Value::String(String::new()), None);
        let word = cell(&Value::String("NULL".into()), None);
        assert_eq!(
            null,
            Cell {
                text: "NULL".into(),
                class: Class::Null
            }
        );
        assert_eq!(empty.text, "\"\"");
        assert_eq!(word.text, "\"NULL\"");
        assert_eq!(word.class, Class::Text);
        assert_eq!(
            cell(&Value::String(" padded ".into()), None).text,
            "\" padded \""
        );
        assert_eq!(cell(&Value::String("plain".into()), None).text, "plain");
        assert_ne!(
            full(&Value::Null, None, false),
            full(&Value::String(String::new()), None, false)
        );
    }

    #[test]
    fn control_characters_are_visible() {
        let c = cell(&Value::String("two\nlines\tand\u{1}".into()), None);
        assert_eq!(c.text, "two↵lines⇥and␁");
        assert_eq!(
            full(&Value::String("a\nb".into()), None, false),
            vec!["a", "b"]
        );
    }

    #[test]
    fn bytes_and_binary_text_show_as_hex() {
        assert_eq!(hex_preview(&[0, 1, 255]), "x'0001ff' (3 B)");
        let c = cell(&Value::String("\u{0}\u{0}\u{1}".into()), None);
        assert_eq!(c.class, Class::Bytes);
        assert!(hex_dump(&[0x41; 20])[1].ends_with("AAAAAAAAAAAAAAAA"));
    }

    #[test]
    fn zoned_date_times_show_their_offset() {
        let at = chrono::DateTime::parse_from_rfc3339("2024-02-29T23:59:59.5+02:00")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let value = Value::DateTime(at);
        let kind = Some(&FieldKind::DateTime);
        assert_eq!(
            zoned_cell(&value, kind, true).text,
            "2024-02-29 21:59:59.500+00:00"
        );
        assert_eq!(cell(&value, kind).text, "2024-02-29 21:59:59.500");
        assert_eq!(
            full(&value, kind, true),
            vec!["2024-02-29 21:59:59.500+00:00"]
        );
        // Only date-times change.
        assert_eq!(zoned_cell(&Value::I64(7), None, true).text, "7");
    }

    #[test]
    fn json_is_pretty_in_full() {
        let json = Value::Json(serde_json::json!({"a": [1, 2]}));
        assert_eq!(cell(&json, None).text, r#"{"a":[1,2]}"#);
        assert_eq!(full(&json, None, false)[0], "{");
        let text = Value::String(r#"{"k": "v"}"#.into());
        assert_eq!(full(&text, None, false), vec!["{", "  \"k\": \"v\"", "}"]);
    }

    #[test]
    fn postgres_binary_arrays_decode() {
        // int4[] {1, NULL, 3}
        let mut b = Vec::new();
        for v in [1i32, 1, 23, 3, 1] {
            b.extend_from_slice(&v.to_be_bytes());
        }
        b.extend_from_slice(&4i32.to_be_bytes());
        b.extend_from_slice(&1i32.to_be_bytes());
        b.extend_from_slice(&(-1i32).to_be_bytes());
        b.extend_from_slice(&4i32.to_be_bytes());
        b.extend_from_slice(&3i32.to_be_bytes());
        let kind = FieldKind::Other("integer[]".into());
        assert_eq!(
            cell(&Value::Bytes(b.clone()), Some(&kind)).text,
            "{1, NULL, 3}"
        );
        // Not an array type: plain bytes.
        assert_eq!(cell(&Value::Bytes(b), None).class, Class::Bytes);
        assert_eq!(pg_element(21, &(-2i16).to_be_bytes()), "-2");
    }

    #[test]
    fn truncation_and_numbers() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(wrap("hello big world", 9), vec!["hello big", "world"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }
}
