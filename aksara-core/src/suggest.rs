//! Suggestions for a misspelled name ("did you mean ...?").

/// The names closest to `name` among `candidates`, best first (at most three).
pub fn closest(name: &str, candidates: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut scored: Vec<(f64, String)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, &c), c))
        .filter(|(score, _)| *score >= 0.7)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_names_first() {
        let names = ["title", "author", "tags", "content"].map(String::from);
        assert_eq!(closest("titel", names.clone()), vec!["title".to_string()]);
        assert!(closest("zzz", names).is_empty());
    }
}
