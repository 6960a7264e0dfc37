//! Session tokens: a position in the primary's write history, as PostgreSQL (a WAL position)
//! or MariaDB (a GTID per replication domain) writes it.

use crate::error::Error;

/// A position in the primary's write history that reads must have seen: on PostgreSQL a WAL
/// position (LSN), written as PostgreSQL writes one (`0/16B3748`); on MariaDB a global
/// transaction id per replication domain, written as MariaDB writes a GTID position
/// (`0-1-42`, or `0-1-42,1-2-7` with two domains).
///
/// ```
/// let wal: aksara::SessionToken = "0/16B3748".parse().unwrap();
/// assert_eq!(wal.to_string(), "0/16B3748");
/// assert_eq!(wal.lsn(), Some(0x16B3748));
/// let gtid: aksara::SessionToken = "0-1-42".parse().unwrap();
/// assert_eq!(gtid.to_string(), "0-1-42");
/// assert_eq!(gtid.gtids()[0].sequence, 42);
/// assert!("nonsense".parse::<aksara::SessionToken>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SessionToken(Mark);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Mark {
    /// A PostgreSQL WAL position.
    Wal(u64),
    /// MariaDB GTIDs, at most one per domain, sorted by domain; never empty.
    Gtid(Vec<Gtid>),
}

/// One MariaDB global transaction id: `domain-server-sequence`. Within a domain the
/// sequence only grows (with `gtid_strict_mode`), whichever server wrote the transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Gtid {
    /// The replication domain (`gtid_domain_id`).
    pub domain: u32,
    /// The server that wrote the transaction (`server_id`).
    pub server: u32,
    /// The transaction's number in its domain.
    pub sequence: u64,
}

impl SessionToken {
    /// A token at WAL position `lsn` (PostgreSQL).
    pub fn from_lsn(lsn: u64) -> Self {
        SessionToken(Mark::Wal(lsn))
    }

    /// The WAL position (PostgreSQL); `None` for a MariaDB token.
    pub fn lsn(&self) -> Option<u64> {
        match self.0 {
            Mark::Wal(lsn) => Some(lsn),
            Mark::Gtid(_) => None,
        }
    }

    /// The GTIDs, one per domain (MariaDB); empty for a PostgreSQL token.
    pub fn gtids(&self) -> &[Gtid] {
        match &self.0 {
            Mark::Wal(_) => &[],
            Mark::Gtid(list) => list,
        }
    }

    /// True when a server at position `self` has seen everything up to `target`.
    pub(super) fn covers(&self, target: &SessionToken) -> bool {
        match (&self.0, &target.0) {
            (Mark::Wal(a), Mark::Wal(b)) => a >= b,
            (Mark::Gtid(have), Mark::Gtid(want)) => want.iter().all(|w| {
                have.iter()
                    .any(|h| h.domain == w.domain && h.sequence >= w.sequence)
            }),
            _ => false,
        }
    }

    /// The later of the two positions (per domain for GTIDs); a token of the other kind
    /// replaces this one.
    pub(super) fn merge(&mut self, other: &SessionToken) {
        match (&mut self.0, &other.0) {
            (Mark::Wal(a), Mark::Wal(b)) => *a = (*a).max(*b),
            (Mark::Gtid(have), Mark::Gtid(more)) => {
                for gtid in more {
                    match have.iter_mut().find(|h| h.domain == gtid.domain) {
                        Some(h) if h.sequence < gtid.sequence => *h = *gtid,
                        Some(_) => {}
                        None => have.push(*gtid),
                    }
                }
                have.sort_by_key(|g| g.domain);
            }
            _ => *self = other.clone(),
        }
    }

    /// True for a token with nothing in it (the WAL position 0).
    pub(super) fn is_origin(&self) -> bool {
        matches!(self.0, Mark::Wal(0))
    }
}

impl std::fmt::Display for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Mark::Wal(lsn) => write!(f, "{:X}/{:X}", lsn >> 32, lsn & 0xFFFF_FFFF),
            Mark::Gtid(list) => {
                for (i, g) in list.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{}-{}-{}", g.domain, g.server, g.sequence)?;
                }
                Ok(())
            }
        }
    }
}

impl std::str::FromStr for SessionToken {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parsed = if s.contains('/') {
            parse_lsn(s).map(Mark::Wal)
        } else {
            parse_gtids(s).map(Mark::Gtid)
        };
        parsed.map(SessionToken).ok_or_else(|| {
            Error::config(format!(
                "`{s}` is not a session token: expected a WAL position such as 0/16B3748 or a \
                 GTID position such as 0-1-42"
            ))
        })
    }
}

/// A WAL position as PostgreSQL writes one (`16/B374D848`).
pub(super) fn parse_lsn(s: &str) -> Option<u64> {
    let (hi, lo) = s.trim().split_once('/')?;
    let hi = u32::from_str_radix(hi, 16).ok()?;
    let lo = u32::from_str_radix(lo, 16).ok()?;
    Some((u64::from(hi) << 32) | u64::from(lo))
}

/// A GTID position as MariaDB writes one (`0-1-42,1-2-7`); `None` when empty or malformed,
/// or when a domain appears twice.
fn parse_gtids(s: &str) -> Option<Vec<Gtid>> {
    let mut list = Vec::new();
    for part in s.trim().split(',') {
        let mut numbers = part.trim().splitn(3, '-');
        let gtid = Gtid {
            domain: numbers.next()?.parse().ok()?,
            server: numbers.next()?.parse().ok()?,
            sequence: numbers.next()?.parse().ok()?,
        };
        if list.iter().any(|g: &Gtid| g.domain == gtid.domain) {
            return None;
        }
        list.push(gtid);
    }
    list.sort_by_key(|g| g.domain);
    Some(list)
}

/// A MariaDB `@@last_gtid` value: `None` when empty (the connection wrote nothing yet).
pub(super) fn parse_gtid_token(s: &str) -> Option<SessionToken> {
    if s.trim().is_empty() {
        return None;
    }
    parse_gtids(s).map(|list| SessionToken(Mark::Gtid(list)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(s: &str) -> SessionToken {
        s.parse().unwrap()
    }

    #[test]
    fn tokens_read_as_postgres_writes_lsns() {
        for text in ["0/0", "0/16B3748", "1/FFFFFFFF", "FFFFFFFF/0"] {
            assert_eq!(token(text).to_string(), text);
        }
        assert!(token("1/0").covers(&token("0/16B3748")));
        assert!(!token("0/16B3748").covers(&token("1/0")));
        for bad in ["", "16B3748", "x/1", "1/2/3", "100000000/0"] {
            assert!(bad.parse::<SessionToken>().is_err(), "{bad}");
        }
    }

    #[test]
    fn tokens_read_as_mariadb_writes_gtid_positions() {
        for text in [
            "0-1-42",
            "0-1-42,1-2-7",
            "4294967295-4294967295-18446744073709551615",
        ] {
            assert_eq!(token(text).to_string(), text);
        }
        assert_eq!(token("1-2-7,0-1-42").to_string(), "0-1-42,1-2-7");
        for bad in [
            "-",
            "0-1",
            "0-1-x",
            "0-1-2-3",
            "0-1-2,0-3-4",
            "0-1-2,",
            "a/b-c",
        ] {
            assert!(bad.parse::<SessionToken>().is_err(), "{bad}");
        }
        assert_eq!(parse_gtid_token(""), None);
    }

    #[test]
    fn a_gtid_position_covers_per_domain() {
        let have = token("0-1-42,1-2-7");
        assert!(have.covers(&token("0-1-42")));
        assert!(have.covers(&token("0-3-40,1-2-7")));
        assert!(!have.covers(&token("0-1-43")));
        assert!(!have.covers(&token("2-1-1")));
        assert!(
            !have.covers(&token("0/0")),
            "a WAL position is not a GTID's"
        );
        let mut merged = token("0-1-42");
        merged.merge(&token("1-2-7"));
        merged.merge(&token("0-1-40"));
        assert_eq!(merged.to_string(), "0-1-42,1-2-7");
        merged.merge(&token("0-5-50"));
        assert_eq!(merged.to_string(), "0-5-50,1-2-7");
        let mut wal = token("0/10");
        wal.merge(&token("0/5"));
        assert_eq!(wal, token("0/10"));
    }
}
