//! Naming rules: the names Aksara derives for tables, junctions, columns, reverse relations and
//! constraints.
//!
//! Every derived name is made here, so that `#[derive(Model)]` (the accessors it generates on
//! related models), the code that creates a schema (`aksara::ddl`), the registry that
//! resolves relations, and the error mapper that reads a constraint name back agree. It is a
//! crate of its own, with no dependencies, so that the derive can use it without depending on
//! the core; the core re-exports it as `aksara::naming`.
//!
//! The inflection is Aksara's own rather than a general crate's (`heck`, `Inflector`): table
//! names already in databases depend on it (`HTTPLog` -> `http_logs`, `Category` ->
//! `categories`), and a crate that splits words or pluralises differently would rename them.

#![warn(missing_docs)]

/// The default table name of a model: lower-case, snake_case, plural (`Post` -> `posts`,
/// `Category` -> `categories`, `UserProfile` -> `user_profiles`).
pub fn default_table_name(model: &str) -> String {
    plural(&snake_case(model))
}

/// `UserProfile` -> `user_profile`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if i > 0 && (prev_lower || (next_lower && chars[i - 1].is_uppercase())) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(*c);
        }
    }
    out
}

/// English plural of a snake_case word (`category` -> `categories`, `box` -> `boxes`).
pub fn plural(word: &str) -> String {
    let consonant_y = word.ends_with('y')
        && !word.ends_with("ay")
        && !word.ends_with("ey")
        && !word.ends_with("oy")
        && !word.ends_with("uy");
    if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

/// The name of the automatic junction model of `model.field` (`Post_tags`).
pub fn junction_model_name(model: &str, field: &str) -> String {
    format!("{model}_{field}")
}

/// The default table of the automatic junction of `model.field` (`post_tags`).
pub fn junction_table_name(model: &str, field: &str) -> String {
    format!("{}_{field}", snake_case(model))
}

/// The names of the automatic junction's fields pointing at `source` and at `target` (`post`
/// and `tag`; `from_person` and `to_person` when a model relates to itself). Their columns are
/// these names with `_id`.
pub fn junction_field_names(source: &str, target: &str) -> (String, String) {
    if source == target {
        (
            format!("from_{}", snake_case(target)),
            format!("to_{}", snake_case(target)),
        )
    } else {
        (snake_case(source), snake_case(target))
    }
}

/// The default lookup name and accessor of the reverse side of a relation declared on
/// `owner`: `post` and `post_set`, or `profile` and `profile` for a one-to-one.
pub fn default_reverse_names(owner: &str, one_to_one: bool) -> (String, String) {
    let base = snake_case(owner);
    let accessor = if one_to_one {
        base.clone()
    } else {
        format!("{base}_set")
    };
    (base, accessor)
}

/// The lookup name of the hidden reverse side of `owner.field`, a many-to-many relation
/// declared with `related_name = "+"`: usable in paths (the declaring side's manager filters
/// through it) but listed nowhere.
pub fn hidden_reverse_name(owner: &str, field: &str) -> String {
    format!("+{owner}.{field}")
}

/// The longest identifier written, under the 63/64 byte limits of PostgreSQL and MySQL.
pub const MAX_IDENTIFIER: usize = 60;

/// `name` as is when it fits [`MAX_IDENTIFIER`], else cut and suffixed with a hash of the
/// whole name, so that it stays unique and stable.
pub fn short_name(name: String) -> String {
    if name.len() <= MAX_IDENTIFIER {
        return name;
    }
    // Keep names under the 63/64 byte limits while staying unique and stable.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut cut = MAX_IDENTIFIER - 9;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{:08x}", &name[..cut], hash as u32)
}

/// The name of the foreign key constraint on `table.column`.
pub fn fk_constraint_name(table: &str, column: &str) -> String {
    short_name(format!("fk_{table}_{column}"))
}

/// The name of the unique constraint on `table(columns)`.
pub fn unique_constraint_name(table: &str, columns: &[&str]) -> String {
    short_name(format!("uq_{table}_{}", columns.join("_")))
}

/// The name of the index on `table.column`.
pub fn index_name(table: &str, column: &str) -> String {
    short_name(format!("ix_{table}_{column}"))
}

/// `word` with its indefinite article: `a Post`, `an Author`, `an integer`, `a UUID`, `a URL`.
///
/// ```
/// use aksara_naming::with_article;
/// assert_eq!(with_article("Author"), "an Author");
/// assert_eq!(with_article("integer"), "an integer");
/// assert_eq!(with_article("Post"), "a Post");
/// assert_eq!(with_article("UUID"), "a UUID");
/// ```
pub fn with_article(word: &str) -> String {
    let mut chars = word.chars();
    let first = chars.next().unwrap_or('x');
    let second = chars.next();
    // An acronym read letter by letter from a U ("you") takes `a`.
    let acronym_u = first == 'U' && second.is_some_and(|c| c.is_ascii_uppercase());
    let vowel = matches!(first.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u') && !acronym_u;
    format!("{} {word}", if vowel { "an" } else { "a" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_follow_the_seed() {
        assert_eq!(default_table_name("Post"), "posts");
        assert_eq!(default_table_name("Category"), "categories");
        assert_eq!(default_table_name("Tag"), "tags");
        assert_eq!(default_table_name("UserProfile"), "user_profiles");
        assert_eq!(default_table_name("Address"), "addresses");
        assert_eq!(default_table_name("HTTPLog"), "http_logs");
    }

    #[test]
    fn long_constraint_names_are_cut_and_stay_distinct() {
        let long = "t".repeat(80);
        let a = fk_constraint_name(&long, "a");
        let b = fk_constraint_name(&long, "b");
        assert!(a.len() <= MAX_IDENTIFIER && b.len() <= MAX_IDENTIFIER);
        assert_ne!(a, b);
        assert_eq!(
            fk_constraint_name("posts", "author_id"),
            "fk_posts_author_id"
        );
        assert_eq!(unique_constraint_name("t", &["a", "b"]), "uq_t_a_b");
        assert_eq!(index_name("t", "a"), "ix_t_a");
    }
}
