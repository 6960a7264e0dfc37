//! Shape checks for email and URL fields, applied before any SQL runs.

/// True for an address of the form `local@domain.tld` with no spaces.
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

/// True for an absolute `http`, `https` or `ftp` URL with a host and no spaces.
pub fn is_url(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once("://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    let host_name = host.split(':').next().unwrap_or("");
    matches!(
        scheme.to_ascii_lowercase().as_str(),
        "http" | "https" | "ftp" | "ftps"
    ) && !host_name.is_empty()
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
        && (host_name.contains('.') || host_name == "localhost" || host_name.starts_with('['))
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
    }
}
