//! Copying through the terminal: the OSC 52 escape sequence.
//!
//! `ESC ] 52 ; c ; <base64> BEL` asks the terminal emulator to put the text on the system
//! clipboard. It works over SSH and needs no clipboard library or display server; terminals
//! that do not support it ignore it. Under tmux, `set -g set-clipboard on` lets it through.

/// The OSC 52 sequence that copies `text` to the clipboard.
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A row as one line of tab-separated values, the way PostgreSQL's `COPY ... TO` text format
/// writes them (spreadsheets paste it into cells): NULL as `\N`; a backslash, tab, newline
/// and carriage return inside a value as `\\`, `\t`, `\n`, `\r`; values in full, as an
/// export writes them (timestamps in RFC 3339, bytes as `\x` and hex).
pub fn row_tsv(values: &[aksara::Value]) -> String {
    values
        .iter()
        .map(|v| match v {
            aksara::Value::Null => "\\N".to_string(),
            v => crate::export::text(v)
                .replace('\\', "\\\\")
                .replace('\t', "\\t")
                .replace('\n', "\\n")
                .replace('\r', "\\r"),
        })
        .collect::<Vec<_>>()
        .join("\t")
}

/// A row as a JSON object of its columns, in column order, with values as an export's JSON
/// writes them (NULL as `null`, numbers and booleans as such, JSON columns as documents).
pub fn row_json(names: &[String], values: &[aksara::Value]) -> String {
    // Written by hand: serde_json's map would sort the keys.
    let members: Vec<String> = names
        .iter()
        .zip(values)
        .map(|(name, value)| {
            format!(
                "{}:{}",
                serde_json::Value::String(name.clone()),
                crate::export::json_value(value)
            )
        })
        .collect();
    format!("{{{}}}", members.join(","))
}

/// The copy of a row in TSV (`json` false) or JSON.
pub fn row_effect(
    names: &[String],
    values: &[aksara::Value],
    json: bool,
) -> crate::screens::Effect {
    let (what, text) = if json {
        ("the row as JSON", row_json(names, values))
    } else {
        ("the row as TSV", row_tsv(values))
    };
    crate::screens::Effect::Copy {
        what: what.into(),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_rfc_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
    }

    #[test]
    fn osc52_wraps_the_text() {
        assert_eq!(osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
