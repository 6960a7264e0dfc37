//! The comparisons a condition applies to a field ([`Lookup`]) and how a condition over a
//! to-many relation counts related rows ([`Quantifier`]).

/// A comparison applied to a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lookup {
    /// Equal (`IS NULL` when the value is NULL).
    Exact,
    /// Equal, ignoring case.
    IExact,
    /// Contains the text.
    Contains,
    /// Contains the text, ignoring case.
    IContains,
    /// Starts with the text.
    StartsWith,
    /// Starts with the text, ignoring case.
    IStartsWith,
    /// Ends with the text.
    EndsWith,
    /// Ends with the text, ignoring case.
    IEndsWith,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Gte,
    /// Less than.
    Lt,
    /// Less than or equal.
    Lte,
    /// One of a list (an empty list matches nothing).
    In,
    /// NULL (`true`) or not NULL (`false`).
    IsNull,
    /// Between two values, inclusive.
    Range,
    /// An array field that shares at least one element with the given array (PostgreSQL's
    /// `&&`); on an array field, `contains` is `@>` (holds every given element).
    Overlap,
}

impl Lookup {
    /// Every lookup, with its name in paths.
    pub const ALL: [(&'static str, Lookup); 16] = [
        ("exact", Lookup::Exact),
        ("iexact", Lookup::IExact),
        ("contains", Lookup::Contains),
        ("icontains", Lookup::IContains),
        ("startswith", Lookup::StartsWith),
        ("istartswith", Lookup::IStartsWith),
        ("endswith", Lookup::EndsWith),
        ("iendswith", Lookup::IEndsWith),
        ("gt", Lookup::Gt),
        ("gte", Lookup::Gte),
        ("lt", Lookup::Lt),
        ("lte", Lookup::Lte),
        ("in", Lookup::In),
        ("isnull", Lookup::IsNull),
        ("range", Lookup::Range),
        ("overlap", Lookup::Overlap),
    ];

    /// The lookup called `name`.
    pub fn from_name(name: &str) -> Option<Lookup> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
    }

    /// The lookup's name in paths.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, l)| *l == self)
            .map(|(n, _)| *n)
            .expect("every lookup is named")
    }

    /// True for the lookups that only apply to text.
    pub fn is_text_only(self) -> bool {
        matches!(
            self,
            Lookup::IExact
                | Lookup::Contains
                | Lookup::IContains
                | Lookup::StartsWith
                | Lookup::IStartsWith
                | Lookup::EndsWith
                | Lookup::IEndsWith
        )
    }
}

/// How a condition over a to-many relation counts the related rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quantifier {
    /// At least one related row matches.
    Some,
    /// Every related row matches (true when there are none).
    Every,
    /// No related row matches.
    None,
}
