//! Golden SQL: every statement form the compiler writes, rendered for PostgreSQL, MariaDB and
//! SQLite and compared with the text and bind values written below. No database is needed:
//! the statements are compiled and rendered, never run.
//!
//! Each expectation is the rendered SQL, then `binds:` with the bind values in order, then
//! `intent:` with what the statement says it does (for a write, the foreign keys it writes and
//! the indexes of their binds). A statement list is separated by `---`.

use aksara::compile::{Compiler, InsertOptions, PrefetchLink};
use aksara::registry::junction_model_name;
use aksara::sql::Intent;
use aksara::{Assignment, Via};
use aksara::{Condition, Dialect, Model, ModelInfo, OrderBy, Part, Query, Registry, Sql, Value};
use std::collections::HashSet;
use uuid::Uuid;

/// The three dialects, in the order of each expectation array.
fn dialects() -> [(&'static str, &'static dyn Dialect); 3] {
    [
        ("postgresql", &aksara::postgres::PgDialect),
        ("mysql", &aksara::mysql::MysqlDialect),
        ("sqlite", &aksara::sqlite::SqliteDialect),
    ]
}

fn id(n: u128) -> Value {
    Value::Uuid(Uuid::from_u128(n))
}

/// One statement as the expectations spell it.
fn describe(sql: &Sql, dialect: &dyn Dialect) -> String {
    let binds: Vec<String> = sql.binds().map(|v| format!("{v:?}")).collect();
    let mut out = format!(
        "{}\nbinds: [{}]\nintent: {}",
        sql.render(dialect),
        binds.join(", "),
        intent(sql)
    );
    if sql.one_off {
        out.push_str("\none-off");
    }
    out
}

fn intent(sql: &Sql) -> String {
    match &sql.intent {
        Intent::Read => "read".into(),
        Intent::Raw => "raw".into(),
        Intent::Delete { table } => format!("delete {table}"),
        Intent::Ddl { drops } if drops.is_empty() => "ddl".into(),
        Intent::Ddl { drops } => format!("ddl drops {}", drops.join(", ")),
        Intent::Write(target) => {
            let mut out = format!("write {}", target.table);
            for fk in &target.foreign_keys {
                // Every listed index must point at a bind.
                for &i in &fk.binds {
                    assert!(
                        matches!(sql.parts.get(i), Some(Part::Bind(..))),
                        "{}: index {i} is not a bind",
                        fk.constraint
                    );
                }
                // Each index with the value bound there, so the expectation shows that the
                // index points at the value written to the column.
                let at: Vec<String> = fk
                    .binds
                    .iter()
                    .map(|&i| match &sql.parts[i] {
                        Part::Bind(value, _) => format!("{i}: {value:?}"),
                        other => format!("{i}: {other:?}"),
                    })
                    .collect();
                out.push_str(&format!(
                    "; {} {} -> {}.{} at [{}]",
                    fk.constraint,
                    fk.column,
                    fk.parent_table,
                    fk.parent_column,
                    at.join(", ")
                ));
            }
            out
        }
    }
}

/// Compiles `build` for each dialect and compares with `expected` (one entry per dialect, in
/// the order of [`dialects`]). With `AKSARA_GOLDEN_PRINT` set, prints what was compiled.
fn golden(
    case: &str,
    registry: &Registry,
    build: impl Fn(&Registry, &dyn Dialect) -> Vec<Sql>,
    expected: [&str; 3],
) {
    let mut failures = Vec::new();
    for ((name, dialect), expected) in dialects().into_iter().zip(expected) {
        let statements = build(registry, dialect);
        let actual = statements
            .iter()
            .map(|s| describe(s, dialect))
            .collect::<Vec<_>>()
            .join("\n---\n");
        if let Ok(dir) = std::env::var("AKSARA_GOLDEN_PRINT") {
            let file = format!("{dir}/{case}.{name}.txt");
            std::fs::write(file, &actual).unwrap();
        }
        if actual != expected.trim_matches('\n') {
            failures.push(format!(
                "{case} on {name}:\n--- expected\n{}\n--- actual\n{actual}",
                expected.trim_matches('\n')
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn model<'r>(registry: &'r Registry, name: &str) -> &'r ModelInfo {
    registry.model(name).unwrap()
}

fn select(registry: &Registry, dialect: &dyn Dialect, name: &str, query: &Query) -> Sql {
    Compiler::new(registry, dialect)
        .select(model(registry, name), query)
        .unwrap()
}

fn filtered(conditions: Vec<Condition>) -> Query {
    Query {
        conditions,
        ..Query::default()
    }
}

/// A select of the `lookups` Post filtered by one condition.
fn lookup_case(case: &str, condition: Condition, expected: [&str; 3]) {
    let registry = aksara_tests::models::lookups::registry();
    golden(
        case,
        &registry,
        |r, d| vec![select(r, d, "Post", &filtered(vec![condition.clone()]))],
        expected,
    );
}

fn blog_case(case: &str, model_name: &str, query: Query, expected: [&str; 3]) {
    let registry = aksara_tests::models::blog::registry();
    golden(
        case,
        &registry,
        |r, d| vec![select(r, d, model_name, &query)],
        expected,
    );
}

// ------------------------------------------------------------------ SELECT and lookups

#[test]
fn select_all_columns() {
    lookup_case(
        "select_all_columns",
        Condition::True,
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0
binds: []
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0
binds: []
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0
binds: []
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_exact() {
    lookup_case(
        "lookup_exact",
        Condition::new("title", "Rust"),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE t0."title" = $1
binds: [String("Rust")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE t0.`title` = ?
binds: [String("Rust")]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE t0."title" = ?
binds: [String("Rust")]
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_exact_null_is_null() {
    lookup_case(
        "lookup_exact_null",
        Condition::new("published_on", Value::Null),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE t0."published_on" IS NULL
binds: []
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE t0.`published_on` IS NULL
binds: []
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE t0."published_on" IS NULL
binds: []
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_iexact() {
    lookup_case(
        "lookup_iexact",
        Condition::new("title__iexact", "rust"),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE LOWER(t0."title") = LOWER($1)
binds: [String("rust")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE LOWER(t0.`title`) = LOWER(?)
binds: [String("rust")]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE LOWER(t0."title") = LOWER(?)
binds: [String("rust")]
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_comparisons() {
    lookup_case(
        "lookup_comparisons",
        Condition::new("views__gt", 1i64)
            & Condition::new("views__gte", 2i64)
            & Condition::new("rating__lt", 3.5f64)
            & Condition::new("published_on__lte", Value::String("2024-01-31".into())),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE (t0."views" > $1 AND t0."views" >= $2 AND t0."rating" < $3 AND t0."published_on" <= $4)
binds: [I64(1), I64(2), F64(3.5), Date(2024-01-31)]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE (t0.`views` > ? AND t0.`views` >= ? AND t0.`rating` < ? AND t0.`published_on` <= ?)
binds: [I64(1), I64(2), F64(3.5), Date(2024-01-31)]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE (t0."views" > ? AND t0."views" >= ? AND t0."rating" < ? AND t0."published_on" <= ?)
binds: [I64(1), I64(2), F64(3.5), Date(2024-01-31)]
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_text_patterns() {
    lookup_case(
        "lookup_text_patterns",
        Condition::new("title__contains", "a%b")
            & Condition::new("title__icontains", "c_d")
            & Condition::new("title__startswith", "e")
            & Condition::new("title__istartswith", "f")
            & Condition::new("title__endswith", "g\\")
            & Condition::new("title__iendswith", "h"),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE (t0."title" LIKE $1 ESCAPE '\' AND t0."title" ILIKE $2 ESCAPE '\' AND t0."title" LIKE $3 ESCAPE '\' AND t0."title" ILIKE $4 ESCAPE '\' AND t0."title" LIKE $5 ESCAPE '\' AND t0."title" ILIKE $6 ESCAPE '\')
binds: [String("%a\\%b%"), String("%c\\_d%"), String("e%"), String("f%"), String("%g\\\\"), String("%h")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE (t0.`title` LIKE ? ESCAPE '\\' AND LOWER(t0.`title`) LIKE LOWER(?) ESCAPE '\\' AND t0.`title` LIKE ? ESCAPE '\\' AND LOWER(t0.`title`) LIKE LOWER(?) ESCAPE '\\' AND t0.`title` LIKE ? ESCAPE '\\' AND LOWER(t0.`title`) LIKE LOWER(?) ESCAPE '\\')
binds: [String("%a\\%b%"), String("%c\\_d%"), String("e%"), String("f%"), String("%g\\\\"), String("%h")]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE (t0."title" LIKE ? ESCAPE '\' AND LOWER(t0."title") LIKE LOWER(?) ESCAPE '\' AND t0."title" LIKE ? ESCAPE '\' AND LOWER(t0."title") LIKE LOWER(?) ESCAPE '\' AND t0."title" LIKE ? ESCAPE '\' AND LOWER(t0."title") LIKE LOWER(?) ESCAPE '\')
binds: [String("%a\\%b%"), String("%c\\_d%"), String("e%"), String("f%"), String("%g\\\\"), String("%h")]
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_isnull() {
    lookup_case(
        "lookup_isnull",
        Condition::new("published_on__isnull", true)
            & Condition::new("author__country__isnull", false),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 INNER JOIN "authors" AS t1 ON t1."id" = t0."author_id" WHERE (t0."published_on" IS NULL AND t1."country_id" IS NOT NULL)
binds: []
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 INNER JOIN `authors` AS t1 ON t1.`id` = t0.`author_id` WHERE (t0.`published_on` IS NULL AND t1.`country_id` IS NOT NULL)
binds: []
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 INNER JOIN "authors" AS t1 ON t1."id" = t0."author_id" WHERE (t0."published_on" IS NULL AND t1."country_id" IS NOT NULL)
binds: []
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_range() {
    lookup_case(
        "lookup_range",
        Condition::new(
            "views__range",
            Value::Array(vec![Value::I64(10), Value::I64(20)]),
        ),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE t0."views" BETWEEN $1 AND $2
binds: [I64(10), I64(20)]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE t0.`views` BETWEEN ? AND ?
binds: [I64(10), I64(20)]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE t0."views" BETWEEN ? AND ?
binds: [I64(10), I64(20)]
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_in() {
    lookup_case(
        "lookup_in",
        Condition::new(
            "views__in",
            Value::Array(vec![Value::I64(1), Value::I64(2), Value::I64(3)]),
        ),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE t0."views" = ANY($1)
binds: [Array([I64(1), I64(2), I64(3)])]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE t0.`views` IN (?, ?, ?, ?)
binds: [I64(1), I64(2), I64(3), I64(3)]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE t0."views" IN (?, ?, ?, ?)
binds: [I64(1), I64(2), I64(3), I64(3)]
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_in_empty_matches_nothing() {
    lookup_case(
        "lookup_in_empty",
        Condition::new("views__in", Value::Array(vec![])),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE 1 = 0
binds: []
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE 1 = 0
binds: []
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE 1 = 0
binds: []
intent: read
"##,
        ],
    );
}

#[test]
fn lookup_uuid_key_and_pk_alias() {
    lookup_case(
        "lookup_uuid_pk",
        Condition::new("pk", id(7)) & Condition::new("author", id(8)),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE (t0."id" = $1 AND t0."author_id" = $2)
binds: [Uuid(00000000-0000-0000-0000-000000000007), Uuid(00000000-0000-0000-0000-000000000008)]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 WHERE (t0.`id` = ? AND t0.`author_id` = ?)
binds: [Uuid(00000000-0000-0000-0000-000000000007), Uuid(00000000-0000-0000-0000-000000000008)]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 WHERE (t0."id" = ? AND t0."author_id" = ?)
binds: [Uuid(00000000-0000-0000-0000-000000000007), Uuid(00000000-0000-0000-0000-000000000008)]
intent: read
"##,
        ],
    );
}

// ------------------------------------------------------------------ relations

#[test]
fn forward_paths_join_once() {
    lookup_case(
        "forward_paths",
        Condition::new("author__email", "a@example.com")
            & Condition::new("author__country__code", "NL")
            & Condition::new("author__name__icontains", "jo"),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 INNER JOIN "authors" AS t1 ON t1."id" = t0."author_id" LEFT JOIN "countries" AS t2 ON t2."id" = t1."country_id" WHERE (t1."email" = $1 AND t2."code" = $2 AND t1."name" ILIKE $3 ESCAPE '\')
binds: [String("a@example.com"), String("NL"), String("%jo%")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 INNER JOIN `authors` AS t1 ON t1.`id` = t0.`author_id` LEFT JOIN `countries` AS t2 ON t2.`id` = t1.`country_id` WHERE (t1.`email` = ? AND t2.`code` = ? AND LOWER(t1.`name`) LIKE LOWER(?) ESCAPE '\\')
binds: [String("a@example.com"), String("NL"), String("%jo%")]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 INNER JOIN "authors" AS t1 ON t1."id" = t0."author_id" LEFT JOIN "countries" AS t2 ON t2."id" = t1."country_id" WHERE (t1."email" = ? AND t2."code" = ? AND LOWER(t1."name") LIKE LOWER(?) ESCAPE '\')
binds: [String("a@example.com"), String("NL"), String("%jo%")]
intent: read
"##,
        ],
    );
}

#[test]
fn forward_path_on_nullable_relation_is_left_join() {
    blog_case(
        "forward_nullable",
        "Post",
        filtered(vec![Condition::new("category__slug", "rust")]),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 LEFT JOIN "categories" AS t1 ON t1."id" = t0."category_id" WHERE t1."slug" = $1
binds: [String("rust")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 LEFT JOIN `categories` AS t1 ON t1.`id` = t0.`category_id` WHERE t1.`slug` = ?
binds: [String("rust")]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 LEFT JOIN "categories" AS t1 ON t1."id" = t0."category_id" WHERE t1."slug" = ?
binds: [String("rust")]
intent: read
"##,
        ],
    );
}

#[test]
fn reverse_foreign_key_is_exists() {
    let registry = aksara_tests::models::lookups::registry();
    golden(
        "reverse_fk",
        &registry,
        |r, d| {
            vec![
                select(
                    r,
                    d,
                    "Author",
                    &filtered(vec![Condition::new("posts__title__contains", "x")]),
                ),
                select(
                    r,
                    d,
                    "Author",
                    &filtered(vec![Condition::new("posts__isnull", true)]),
                ),
                select(
                    r,
                    d,
                    "Country",
                    &filtered(vec![Condition::new("authors__posts__views__gt", 5i64)]),
                ),
            ]
        },
        [
            r##"
SELECT t0."id", t0."name", t0."email", t0."age", t0."website", t0."country_id" FROM "authors" AS t0 WHERE EXISTS (SELECT 1 FROM "posts" AS t1 WHERE t1."author_id" = t0."id" AND t1."title" LIKE $1 ESCAPE '\')
binds: [String("%x%")]
intent: read
---
SELECT t0."id", t0."name", t0."email", t0."age", t0."website", t0."country_id" FROM "authors" AS t0 WHERE NOT EXISTS (SELECT 1 FROM "posts" AS t1 WHERE t1."author_id" = t0."id" AND 1 = 1)
binds: []
intent: read
---
SELECT t0."id", t0."name", t0."code" FROM "countries" AS t0 WHERE EXISTS (SELECT 1 FROM "authors" AS t1 WHERE t1."country_id" = t0."id" AND EXISTS (SELECT 1 FROM "posts" AS t2 WHERE t2."author_id" = t1."id" AND t2."views" > $1))
binds: [I64(5)]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`name`, t0.`email`, t0.`age`, t0.`website`, t0.`country_id` FROM `authors` AS t0 WHERE EXISTS (SELECT 1 FROM `posts` AS t1 WHERE t1.`author_id` = t0.`id` AND t1.`title` LIKE ? ESCAPE '\\')
binds: [String("%x%")]
intent: read
---
SELECT t0.`id`, t0.`name`, t0.`email`, t0.`age`, t0.`website`, t0.`country_id` FROM `authors` AS t0 WHERE NOT EXISTS (SELECT 1 FROM `posts` AS t1 WHERE t1.`author_id` = t0.`id` AND 1 = 1)
binds: []
intent: read
---
SELECT t0.`id`, t0.`name`, t0.`code` FROM `countries` AS t0 WHERE EXISTS (SELECT 1 FROM `authors` AS t1 WHERE t1.`country_id` = t0.`id` AND EXISTS (SELECT 1 FROM `posts` AS t2 WHERE t2.`author_id` = t1.`id` AND t2.`views` > ?))
binds: [I64(5)]
intent: read
"##,
            r##"
SELECT t0."id", t0."name", t0."email", t0."age", t0."website", t0."country_id" FROM "authors" AS t0 WHERE EXISTS (SELECT 1 FROM "posts" AS t1 WHERE t1."author_id" = t0."id" AND t1."title" LIKE ? ESCAPE '\')
binds: [String("%x%")]
intent: read
---
SELECT t0."id", t0."name", t0."email", t0."age", t0."website", t0."country_id" FROM "authors" AS t0 WHERE NOT EXISTS (SELECT 1 FROM "posts" AS t1 WHERE t1."author_id" = t0."id" AND 1 = 1)
binds: []
intent: read
---
SELECT t0."id", t0."name", t0."code" FROM "countries" AS t0 WHERE EXISTS (SELECT 1 FROM "authors" AS t1 WHERE t1."country_id" = t0."id" AND EXISTS (SELECT 1 FROM "posts" AS t2 WHERE t2."author_id" = t1."id" AND t2."views" > ?))
binds: [I64(5)]
intent: read
"##,
        ],
    );
}

#[test]
fn reverse_one_to_one_joins() {
    blog_case(
        "reverse_o2o",
        "User",
        filtered(vec![Condition::new("profile__bio__contains", "rust")]),
        [
            r##"
SELECT t0."id", t0."email", t0."name" FROM "users" AS t0 LEFT JOIN "user_profiles" AS t1 ON t1."user_id" = t0."id" WHERE t1."bio" LIKE $1 ESCAPE '\'
binds: [String("%rust%")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`email`, t0.`name` FROM `users` AS t0 LEFT JOIN `user_profiles` AS t1 ON t1.`user_id` = t0.`id` WHERE t1.`bio` LIKE ? ESCAPE '\\'
binds: [String("%rust%")]
intent: read
"##,
            r##"
SELECT t0."id", t0."email", t0."name" FROM "users" AS t0 LEFT JOIN "user_profiles" AS t1 ON t1."user_id" = t0."id" WHERE t1."bio" LIKE ? ESCAPE '\'
binds: [String("%rust%")]
intent: read
"##,
        ],
    );
}

#[test]
fn many_to_many_is_exists_through_junction() {
    blog_case(
        "m2m_exists",
        "Post",
        filtered(vec![
            Condition::new("tags__slug", "rust"),
            Condition::new("tags__isnull", false),
        ]),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND t1."slug" = $1) AND EXISTS (SELECT 1 FROM "post_tags" AS t4 INNER JOIN "tags" AS t3 ON t3."id" = t4."tag_id" WHERE t4."post_id" = t0."id" AND 1 = 1)
binds: [String("rust")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 WHERE EXISTS (SELECT 1 FROM `post_tags` AS t2 INNER JOIN `tags` AS t1 ON t1.`id` = t2.`tag_id` WHERE t2.`post_id` = t0.`id` AND t1.`slug` = ?) AND EXISTS (SELECT 1 FROM `post_tags` AS t4 INNER JOIN `tags` AS t3 ON t3.`id` = t4.`tag_id` WHERE t4.`post_id` = t0.`id` AND 1 = 1)
binds: [String("rust")]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND t1."slug" = ?) AND EXISTS (SELECT 1 FROM "post_tags" AS t4 INNER JOIN "tags" AS t3 ON t3."id" = t4."tag_id" WHERE t4."post_id" = t0."id" AND 1 = 1)
binds: [String("rust")]
intent: read
"##,
        ],
    );
}

#[test]
fn one_call_across_to_many_is_one_exists_two_calls_two() {
    blog_case(
        "to_many_grouping",
        "Post",
        filtered(vec![
            Condition::new("tags__slug", "a") & Condition::new("tags__name", "b"),
            Condition::new("tags__slug", "c"),
            Condition::new("tags__slug", "d") | Condition::new("title", "e"),
        ]),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND (t1."slug" = $1 AND t1."name" = $2)) AND EXISTS (SELECT 1 FROM "post_tags" AS t4 INNER JOIN "tags" AS t3 ON t3."id" = t4."tag_id" WHERE t4."post_id" = t0."id" AND t3."slug" = $3) AND (EXISTS (SELECT 1 FROM "post_tags" AS t6 INNER JOIN "tags" AS t5 ON t5."id" = t6."tag_id" WHERE t6."post_id" = t0."id" AND (t5."slug" = $4 OR t0."title" = $5)) OR (NOT EXISTS (SELECT 1 FROM "post_tags" AS t8 INNER JOIN "tags" AS t7 ON t7."id" = t8."tag_id" WHERE t8."post_id" = t0."id" AND 1 = 1) AND (1 = 0 OR t0."title" = $6)))
binds: [String("a"), String("b"), String("c"), String("d"), String("e"), String("e")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 WHERE EXISTS (SELECT 1 FROM `post_tags` AS t2 INNER JOIN `tags` AS t1 ON t1.`id` = t2.`tag_id` WHERE t2.`post_id` = t0.`id` AND (t1.`slug` = ? AND t1.`name` = ?)) AND EXISTS (SELECT 1 FROM `post_tags` AS t4 INNER JOIN `tags` AS t3 ON t3.`id` = t4.`tag_id` WHERE t4.`post_id` = t0.`id` AND t3.`slug` = ?) AND (EXISTS (SELECT 1 FROM `post_tags` AS t6 INNER JOIN `tags` AS t5 ON t5.`id` = t6.`tag_id` WHERE t6.`post_id` = t0.`id` AND (t5.`slug` = ? OR t0.`title` = ?)) OR (NOT EXISTS (SELECT 1 FROM `post_tags` AS t8 INNER JOIN `tags` AS t7 ON t7.`id` = t8.`tag_id` WHERE t8.`post_id` = t0.`id` AND 1 = 1) AND (1 = 0 OR t0.`title` = ?)))
binds: [String("a"), String("b"), String("c"), String("d"), String("e"), String("e")]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND (t1."slug" = ? AND t1."name" = ?)) AND EXISTS (SELECT 1 FROM "post_tags" AS t4 INNER JOIN "tags" AS t3 ON t3."id" = t4."tag_id" WHERE t4."post_id" = t0."id" AND t3."slug" = ?) AND (EXISTS (SELECT 1 FROM "post_tags" AS t6 INNER JOIN "tags" AS t5 ON t5."id" = t6."tag_id" WHERE t6."post_id" = t0."id" AND (t5."slug" = ? OR t0."title" = ?)) OR (NOT EXISTS (SELECT 1 FROM "post_tags" AS t8 INNER JOIN "tags" AS t7 ON t7."id" = t8."tag_id" WHERE t8."post_id" = t0."id" AND 1 = 1) AND (1 = 0 OR t0."title" = ?)))
binds: [String("a"), String("b"), String("c"), String("d"), String("e"), String("e")]
intent: read
"##,
        ],
    );
}

#[test]
fn or_and_not_grouping() {
    blog_case(
        "or_not",
        "Post",
        filtered(vec![
            Condition::new("title", "a")
                | (Condition::new("published", true) & !Condition::new("author__name", "b")),
            Condition::Not(Box::new(Condition::new("tags__slug", "spam"))),
            Condition::Or(vec![]),
        ]),
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE (t0."title" = $1 OR (t0."published" = $2 AND NOT COALESCE((t1."name" = $3), FALSE))) AND NOT COALESCE((EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = $4)), FALSE) AND 1 = 0
binds: [String("a"), Bool(true), String("b"), String("spam")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` WHERE (t0.`title` = ? OR (t0.`published` = ? AND NOT COALESCE((t1.`name` = ?), FALSE))) AND NOT COALESCE((EXISTS (SELECT 1 FROM `post_tags` AS t3 INNER JOIN `tags` AS t2 ON t2.`id` = t3.`tag_id` WHERE t3.`post_id` = t0.`id` AND t2.`slug` = ?)), FALSE) AND 1 = 0
binds: [String("a"), Bool(true), String("b"), String("spam")]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE (t0."title" = ? OR (t0."published" = ? AND NOT COALESCE((t1."name" = ?), FALSE))) AND NOT COALESCE((EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = ?)), FALSE) AND 1 = 0
binds: [String("a"), Bool(true), String("b"), String("spam")]
intent: read
"##,
        ],
    );
}

#[test]
fn quantifiers_some_every_none() {
    blog_case(
        "quantifiers",
        "User",
        filtered(vec![
            Condition::some("posts", Condition::new("published", true)),
            Condition::every("posts__tags", Condition::new("slug__startswith", "r")),
            Condition::none("posts", Condition::new("title", "x")),
        ]),
        [
            r##"
SELECT t0."id", t0."email", t0."name" FROM "users" AS t0 WHERE EXISTS (SELECT 1 FROM "posts" AS t1 WHERE t1."author_id" = t0."id" AND t1."published" = $1) AND NOT EXISTS (SELECT 1 FROM "posts" AS t2 WHERE t2."author_id" = t0."id" AND EXISTS (SELECT 1 FROM "post_tags" AS t4 INNER JOIN "tags" AS t3 ON t3."id" = t4."tag_id" WHERE t4."post_id" = t2."id" AND NOT COALESCE((t3."slug" LIKE $2 ESCAPE '\'), FALSE))) AND NOT EXISTS (SELECT 1 FROM "posts" AS t5 WHERE t5."author_id" = t0."id" AND t5."title" = $3)
binds: [Bool(true), String("r%"), String("x")]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`email`, t0.`name` FROM `users` AS t0 WHERE EXISTS (SELECT 1 FROM `posts` AS t1 WHERE t1.`author_id` = t0.`id` AND t1.`published` = ?) AND NOT EXISTS (SELECT 1 FROM `posts` AS t2 WHERE t2.`author_id` = t0.`id` AND EXISTS (SELECT 1 FROM `post_tags` AS t4 INNER JOIN `tags` AS t3 ON t3.`id` = t4.`tag_id` WHERE t4.`post_id` = t2.`id` AND NOT COALESCE((t3.`slug` LIKE ? ESCAPE '\\'), FALSE))) AND NOT EXISTS (SELECT 1 FROM `posts` AS t5 WHERE t5.`author_id` = t0.`id` AND t5.`title` = ?)
binds: [Bool(true), String("r%"), String("x")]
intent: read
"##,
            r##"
SELECT t0."id", t0."email", t0."name" FROM "users" AS t0 WHERE EXISTS (SELECT 1 FROM "posts" AS t1 WHERE t1."author_id" = t0."id" AND t1."published" = ?) AND NOT EXISTS (SELECT 1 FROM "posts" AS t2 WHERE t2."author_id" = t0."id" AND EXISTS (SELECT 1 FROM "post_tags" AS t4 INNER JOIN "tags" AS t3 ON t3."id" = t4."tag_id" WHERE t4."post_id" = t2."id" AND NOT COALESCE((t3."slug" LIKE ? ESCAPE '\'), FALSE))) AND NOT EXISTS (SELECT 1 FROM "posts" AS t5 WHERE t5."author_id" = t0."id" AND t5."title" = ?)
binds: [Bool(true), String("r%"), String("x")]
intent: read
"##,
        ],
    );
}

#[test]
fn recursive_tree_conditions() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "tree",
        &registry,
        |r, d| {
            vec![
                select(
                    r,
                    d,
                    "Post",
                    &filtered(vec![Condition::in_subtree("category", "parent", id(1))]),
                ),
                select(
                    r,
                    d,
                    "Category",
                    &filtered(vec![Condition::ancestors_of("", "parent", id(2))]),
                ),
                select(
                    r,
                    d,
                    "Category",
                    &filtered(vec![Condition::descendants_of("", "parent", id(3))]),
                ),
            ]
        },
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE t0."category_id" IN (WITH RECURSIVE "aksara_tree" ("node") AS (SELECT "id" FROM "categories" WHERE "id" = $1 UNION SELECT t1."id" FROM "categories" AS t1 INNER JOIN "aksara_tree" ON t1."parent_id" = aksara_tree."node") SELECT aksara_tree."node" FROM "aksara_tree" WHERE aksara_tree."node" IS NOT NULL)
binds: [Uuid(00000000-0000-0000-0000-000000000001)]
intent: read
---
SELECT t0."id", t0."name", t0."slug", t0."parent_id" FROM "categories" AS t0 WHERE t0."id" IN (WITH RECURSIVE "aksara_tree" ("node") AS (SELECT "parent_id" FROM "categories" WHERE "id" = $1 UNION SELECT t1."parent_id" FROM "categories" AS t1 INNER JOIN "aksara_tree" ON t1."id" = aksara_tree."node") SELECT aksara_tree."node" FROM "aksara_tree" WHERE aksara_tree."node" IS NOT NULL AND aksara_tree."node" <> $2)
binds: [Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000002)]
intent: read
---
SELECT t0."id", t0."name", t0."slug", t0."parent_id" FROM "categories" AS t0 WHERE t0."id" IN (WITH RECURSIVE "aksara_tree" ("node") AS (SELECT "id" FROM "categories" WHERE "id" = $1 UNION SELECT t1."id" FROM "categories" AS t1 INNER JOIN "aksara_tree" ON t1."parent_id" = aksara_tree."node") SELECT aksara_tree."node" FROM "aksara_tree" WHERE aksara_tree."node" IS NOT NULL AND aksara_tree."node" <> $2)
binds: [Uuid(00000000-0000-0000-0000-000000000003), Uuid(00000000-0000-0000-0000-000000000003)]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 WHERE t0.`category_id` IN (WITH RECURSIVE `aksara_tree` (`node`) AS (SELECT `id` FROM `categories` WHERE `id` = ? UNION SELECT t1.`id` FROM `categories` AS t1 INNER JOIN `aksara_tree` ON t1.`parent_id` = aksara_tree.`node`) SELECT aksara_tree.`node` FROM `aksara_tree` WHERE aksara_tree.`node` IS NOT NULL)
binds: [Uuid(00000000-0000-0000-0000-000000000001)]
intent: read
---
SELECT t0.`id`, t0.`name`, t0.`slug`, t0.`parent_id` FROM `categories` AS t0 WHERE t0.`id` IN (WITH RECURSIVE `aksara_tree` (`node`) AS (SELECT `parent_id` FROM `categories` WHERE `id` = ? UNION SELECT t1.`parent_id` FROM `categories` AS t1 INNER JOIN `aksara_tree` ON t1.`id` = aksara_tree.`node`) SELECT aksara_tree.`node` FROM `aksara_tree` WHERE aksara_tree.`node` IS NOT NULL AND aksara_tree.`node` <> ?)
binds: [Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000002)]
intent: read
---
SELECT t0.`id`, t0.`name`, t0.`slug`, t0.`parent_id` FROM `categories` AS t0 WHERE t0.`id` IN (WITH RECURSIVE `aksara_tree` (`node`) AS (SELECT `id` FROM `categories` WHERE `id` = ? UNION SELECT t1.`id` FROM `categories` AS t1 INNER JOIN `aksara_tree` ON t1.`parent_id` = aksara_tree.`node`) SELECT aksara_tree.`node` FROM `aksara_tree` WHERE aksara_tree.`node` IS NOT NULL AND aksara_tree.`node` <> ?)
binds: [Uuid(00000000-0000-0000-0000-000000000003), Uuid(00000000-0000-0000-0000-000000000003)]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE t0."category_id" IN (WITH RECURSIVE "aksara_tree" ("node") AS (SELECT "id" FROM "categories" WHERE "id" = ? UNION SELECT t1."id" FROM "categories" AS t1 INNER JOIN "aksara_tree" ON t1."parent_id" = aksara_tree."node") SELECT aksara_tree."node" FROM "aksara_tree" WHERE aksara_tree."node" IS NOT NULL)
binds: [Uuid(00000000-0000-0000-0000-000000000001)]
intent: read
---
SELECT t0."id", t0."name", t0."slug", t0."parent_id" FROM "categories" AS t0 WHERE t0."id" IN (WITH RECURSIVE "aksara_tree" ("node") AS (SELECT "parent_id" FROM "categories" WHERE "id" = ? UNION SELECT t1."parent_id" FROM "categories" AS t1 INNER JOIN "aksara_tree" ON t1."id" = aksara_tree."node") SELECT aksara_tree."node" FROM "aksara_tree" WHERE aksara_tree."node" IS NOT NULL AND aksara_tree."node" <> ?)
binds: [Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000002)]
intent: read
---
SELECT t0."id", t0."name", t0."slug", t0."parent_id" FROM "categories" AS t0 WHERE t0."id" IN (WITH RECURSIVE "aksara_tree" ("node") AS (SELECT "id" FROM "categories" WHERE "id" = ? UNION SELECT t1."id" FROM "categories" AS t1 INNER JOIN "aksara_tree" ON t1."parent_id" = aksara_tree."node") SELECT aksara_tree."node" FROM "aksara_tree" WHERE aksara_tree."node" IS NOT NULL AND aksara_tree."node" <> ?)
binds: [Uuid(00000000-0000-0000-0000-000000000003), Uuid(00000000-0000-0000-0000-000000000003)]
intent: read
"##,
        ],
    );
}

#[test]
fn order_limit_offset() {
    let registry = aksara_tests::models::lookups::registry();
    golden(
        "order_limit_offset",
        &registry,
        |r, d| {
            let ordered = Query {
                order_by: vec![OrderBy::parse("-views"), OrderBy::parse("author__name")],
                limit: Some(10),
                offset: Some(20),
                ..Query::default()
            };
            let offset_only = Query {
                offset: Some(5),
                ..Query::default()
            };
            let limit_only = Query {
                limit: Some(3),
                ..Query::default()
            };
            vec![
                select(r, d, "Post", &ordered),
                select(r, d, "Post", &offset_only),
                select(r, d, "Post", &limit_only),
            ]
        },
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 INNER JOIN "authors" AS t1 ON t1."id" = t0."author_id" ORDER BY t0."views" DESC, t1."name" ASC LIMIT $1 OFFSET $2
binds: [I64(10), I64(20)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 LIMIT $1 OFFSET $2
binds: [I64(9223372036854775807), I64(5)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 LIMIT $1
binds: [I64(3)]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 INNER JOIN `authors` AS t1 ON t1.`id` = t0.`author_id` ORDER BY t0.`views` DESC, t1.`name` ASC LIMIT ? OFFSET ?
binds: [I64(10), I64(20)]
intent: read
---
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 LIMIT ? OFFSET ?
binds: [I64(9223372036854775807), I64(5)]
intent: read
---
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`author_id`, t0.`views`, t0.`rating`, t0.`published`, t0.`published_on`, t0.`created_at`, t0.`updated_at` FROM `posts` AS t0 LIMIT ?
binds: [I64(3)]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 INNER JOIN "authors" AS t1 ON t1."id" = t0."author_id" ORDER BY t0."views" DESC, t1."name" ASC LIMIT ? OFFSET ?
binds: [I64(10), I64(20)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 LIMIT ? OFFSET ?
binds: [I64(9223372036854775807), I64(5)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."author_id", t0."views", t0."rating", t0."published", t0."published_on", t0."created_at", t0."updated_at" FROM "posts" AS t0 LIMIT ?
binds: [I64(3)]
intent: read
"##,
        ],
    );
}

#[test]
fn select_related_joins() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "select_related",
        &registry,
        |r, d| {
            use aksara_tests::models::blog::{Post, UserProfile};
            let posts = Post::objects()
                .select_related(["author__profile", "category__parent"])
                .filter(Condition::new("author__name", "a"))
                .query()
                .clone();
            let profiles = UserProfile::objects()
                .select_related(["user"])
                .query()
                .clone();
            vec![
                select(r, d, "Post", &posts),
                select(r, d, "UserProfile", &profiles),
            ]
        },
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."id", t1."email", t1."name", t2."id", t2."user_id", t2."bio", t2."website", t3."id", t3."name", t3."slug", t3."parent_id", t4."id", t4."name", t4."slug", t4."parent_id" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" LEFT JOIN "user_profiles" AS t2 ON t2."user_id" = t1."id" LEFT JOIN "categories" AS t3 ON t3."id" = t0."category_id" LEFT JOIN "categories" AS t4 ON t4."id" = t3."parent_id" WHERE t1."name" = $1
binds: [String("a")]
intent: read
---
SELECT t0."id", t0."user_id", t0."bio", t0."website", t1."id", t1."email", t1."name" FROM "user_profiles" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."user_id"
binds: []
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at`, t1.`id`, t1.`email`, t1.`name`, t2.`id`, t2.`user_id`, t2.`bio`, t2.`website`, t3.`id`, t3.`name`, t3.`slug`, t3.`parent_id`, t4.`id`, t4.`name`, t4.`slug`, t4.`parent_id` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` LEFT JOIN `user_profiles` AS t2 ON t2.`user_id` = t1.`id` LEFT JOIN `categories` AS t3 ON t3.`id` = t0.`category_id` LEFT JOIN `categories` AS t4 ON t4.`id` = t3.`parent_id` WHERE t1.`name` = ?
binds: [String("a")]
intent: read
---
SELECT t0.`id`, t0.`user_id`, t0.`bio`, t0.`website`, t1.`id`, t1.`email`, t1.`name` FROM `user_profiles` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`user_id`
binds: []
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."id", t1."email", t1."name", t2."id", t2."user_id", t2."bio", t2."website", t3."id", t3."name", t3."slug", t3."parent_id", t4."id", t4."name", t4."slug", t4."parent_id" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" LEFT JOIN "user_profiles" AS t2 ON t2."user_id" = t1."id" LEFT JOIN "categories" AS t3 ON t3."id" = t0."category_id" LEFT JOIN "categories" AS t4 ON t4."id" = t3."parent_id" WHERE t1."name" = ?
binds: [String("a")]
intent: read
---
SELECT t0."id", t0."user_id", t0."bio", t0."website", t1."id", t1."email", t1."name" FROM "user_profiles" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."user_id"
binds: []
intent: read
"##,
        ],
    );
}

#[test]
fn count_and_exists() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "count_exists",
        &registry,
        |r, d| {
            let post = model(r, "Post");
            let query = filtered(vec![
                Condition::new("author__name", "a"),
                Condition::new("tags__slug", "b"),
            ]);
            let sliced = Query {
                limit: Some(5),
                offset: Some(1),
                order_by: vec![OrderBy::parse("title")],
                ..query.clone()
            };
            let mut c = Compiler::new(r, d);
            vec![
                c.count(post, &query).unwrap(),
                Compiler::new(r, d).count(post, &sliced).unwrap(),
                Compiler::new(r, d).exists(post, &query).unwrap(),
                Compiler::new(r, d).keys(post, &sliced).unwrap(),
            ]
        },
        [
            r##"
SELECT COUNT(*) FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = $1 AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = $2)
binds: [String("a"), String("b")]
intent: read
---
SELECT COUNT(*) FROM (SELECT 1 AS "one" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = $1 AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = $2) ORDER BY t0."title" ASC LIMIT $3 OFFSET $4) AS "counted"
binds: [String("a"), String("b"), I64(5), I64(1)]
intent: read
---
SELECT 1 AS "one" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = $1 AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = $2) LIMIT $3
binds: [String("a"), String("b"), I64(1)]
intent: read
---
SELECT t0."id" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = $1 AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = $2) ORDER BY t0."title" ASC LIMIT $3 OFFSET $4
binds: [String("a"), String("b"), I64(5), I64(1)]
intent: read
"##,
            r##"
SELECT COUNT(*) FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` WHERE t1.`name` = ? AND EXISTS (SELECT 1 FROM `post_tags` AS t3 INNER JOIN `tags` AS t2 ON t2.`id` = t3.`tag_id` WHERE t3.`post_id` = t0.`id` AND t2.`slug` = ?)
binds: [String("a"), String("b")]
intent: read
---
SELECT COUNT(*) FROM (SELECT 1 AS `one` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` WHERE t1.`name` = ? AND EXISTS (SELECT 1 FROM `post_tags` AS t3 INNER JOIN `tags` AS t2 ON t2.`id` = t3.`tag_id` WHERE t3.`post_id` = t0.`id` AND t2.`slug` = ?) ORDER BY t0.`title` ASC LIMIT ? OFFSET ?) AS `counted`
binds: [String("a"), String("b"), I64(5), I64(1)]
intent: read
---
SELECT 1 AS `one` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` WHERE t1.`name` = ? AND EXISTS (SELECT 1 FROM `post_tags` AS t3 INNER JOIN `tags` AS t2 ON t2.`id` = t3.`tag_id` WHERE t3.`post_id` = t0.`id` AND t2.`slug` = ?) LIMIT ?
binds: [String("a"), String("b"), I64(1)]
intent: read
---
SELECT t0.`id` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` WHERE t1.`name` = ? AND EXISTS (SELECT 1 FROM `post_tags` AS t3 INNER JOIN `tags` AS t2 ON t2.`id` = t3.`tag_id` WHERE t3.`post_id` = t0.`id` AND t2.`slug` = ?) ORDER BY t0.`title` ASC LIMIT ? OFFSET ?
binds: [String("a"), String("b"), I64(5), I64(1)]
intent: read
"##,
            r##"
SELECT COUNT(*) FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = ? AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = ?)
binds: [String("a"), String("b")]
intent: read
---
SELECT COUNT(*) FROM (SELECT 1 AS "one" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = ? AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = ?) ORDER BY t0."title" ASC LIMIT ? OFFSET ?) AS "counted"
binds: [String("a"), String("b"), I64(5), I64(1)]
intent: read
---
SELECT 1 AS "one" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = ? AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = ?) LIMIT ?
binds: [String("a"), String("b"), I64(1)]
intent: read
---
SELECT t0."id" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = ? AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = ?) ORDER BY t0."title" ASC LIMIT ? OFFSET ?
binds: [String("a"), String("b"), I64(5), I64(1)]
intent: read
"##,
        ],
    );
}

// ------------------------------------------------------------------ prefetch

#[test]
fn prefetch_queries() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "prefetch",
        &registry,
        |r, d| {
            let post = model(r, "Post");
            let tag = model(r, "Tag");
            let author = post.meta.field("author").unwrap();
            let junction = model(r, &junction_model_name("Post", "tags"));
            let edge = post.edge("tags").unwrap();
            let Via::Junction {
                source_column,
                target_column,
                ..
            } = &edge.via
            else {
                panic!("tags goes through a junction")
            };
            let source = junction
                .meta
                .concrete_fields()
                .find(|f| &f.column == source_column)
                .unwrap();
            let limited = Query {
                conditions: vec![Condition::new("published", true)],
                order_by: vec![OrderBy::parse("-created_at")],
                limit: Some(2),
                ..Query::default()
            };
            let link = PrefetchLink::Junction {
                junction,
                source,
                target_column,
            };
            vec![
                Compiler::new(r, d)
                    .select_prefetch(
                        post,
                        &Query::default(),
                        PrefetchLink::Column(author),
                        vec![id(1), id(2)],
                    )
                    .unwrap()
                    .sql,
                Compiler::new(r, d)
                    .select_prefetch(post, &limited, PrefetchLink::Column(author), vec![id(1)])
                    .unwrap()
                    .sql,
                Compiler::new(r, d)
                    .select_prefetch(tag, &Query::default(), link, vec![id(3)])
                    .unwrap()
                    .sql,
                Compiler::new(r, d)
                    .select_prefetch(
                        tag,
                        &Query {
                            limit: Some(1),
                            ..Query::default()
                        },
                        link,
                        vec![id(3)],
                    )
                    .unwrap()
                    .sql,
            ]
        },
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE t0."author_id" = ANY($1)
binds: [Array([Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002)])]
intent: read
---
SELECT * FROM (SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", ROW_NUMBER() OVER (PARTITION BY t0."author_id" ORDER BY t0."created_at" DESC) AS "aksara_rank" FROM "posts" AS t0 WHERE t0."author_id" = ANY($1) AND t0."published" = $2) AS "ranked" WHERE "aksara_rank" <= $3 ORDER BY "aksara_rank"
binds: [Array([Uuid(00000000-0000-0000-0000-000000000001)]), Bool(true), I64(2)]
intent: read
---
SELECT t0."id", t0."name", t0."slug", t1."post_id" FROM "tags" AS t0 INNER JOIN "post_tags" AS t1 ON t1."tag_id" = t0."id" WHERE t1."post_id" = ANY($1)
binds: [Array([Uuid(00000000-0000-0000-0000-000000000003)])]
intent: read
---
SELECT * FROM (SELECT t0."id", t0."name", t0."slug", t1."post_id", ROW_NUMBER() OVER (PARTITION BY t1."post_id" ORDER BY t0."id") AS "aksara_rank" FROM "tags" AS t0 INNER JOIN "post_tags" AS t1 ON t1."tag_id" = t0."id" WHERE t1."post_id" = ANY($1)) AS "ranked" WHERE "aksara_rank" <= $2 ORDER BY "aksara_rank"
binds: [Array([Uuid(00000000-0000-0000-0000-000000000003)]), I64(1)]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 WHERE t0.`author_id` IN (?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002)]
intent: read
---
SELECT * FROM (SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at`, ROW_NUMBER() OVER (PARTITION BY t0.`author_id` ORDER BY t0.`created_at` DESC) AS `aksara_rank` FROM `posts` AS t0 WHERE t0.`author_id` IN (?) AND t0.`published` = ?) AS `ranked` WHERE `aksara_rank` <= ? ORDER BY `aksara_rank`
binds: [Uuid(00000000-0000-0000-0000-000000000001), Bool(true), I64(2)]
intent: read
---
SELECT t0.`id`, t0.`name`, t0.`slug`, t1.`post_id` FROM `tags` AS t0 INNER JOIN `post_tags` AS t1 ON t1.`tag_id` = t0.`id` WHERE t1.`post_id` IN (?)
binds: [Uuid(00000000-0000-0000-0000-000000000003)]
intent: read
---
SELECT * FROM (SELECT t0.`id`, t0.`name`, t0.`slug`, t1.`post_id`, ROW_NUMBER() OVER (PARTITION BY t1.`post_id` ORDER BY t0.`id`) AS `aksara_rank` FROM `tags` AS t0 INNER JOIN `post_tags` AS t1 ON t1.`tag_id` = t0.`id` WHERE t1.`post_id` IN (?)) AS `ranked` WHERE `aksara_rank` <= ? ORDER BY `aksara_rank`
binds: [Uuid(00000000-0000-0000-0000-000000000003), I64(1)]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE t0."author_id" IN (?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002)]
intent: read
---
SELECT * FROM (SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", ROW_NUMBER() OVER (PARTITION BY t0."author_id" ORDER BY t0."created_at" DESC) AS "aksara_rank" FROM "posts" AS t0 WHERE t0."author_id" IN (?) AND t0."published" = ?) AS "ranked" WHERE "aksara_rank" <= ? ORDER BY "aksara_rank"
binds: [Uuid(00000000-0000-0000-0000-000000000001), Bool(true), I64(2)]
intent: read
---
SELECT t0."id", t0."name", t0."slug", t1."post_id" FROM "tags" AS t0 INNER JOIN "post_tags" AS t1 ON t1."tag_id" = t0."id" WHERE t1."post_id" IN (?)
binds: [Uuid(00000000-0000-0000-0000-000000000003)]
intent: read
---
SELECT * FROM (SELECT t0."id", t0."name", t0."slug", t1."post_id", ROW_NUMBER() OVER (PARTITION BY t1."post_id" ORDER BY t0."id") AS "aksara_rank" FROM "tags" AS t0 INNER JOIN "post_tags" AS t1 ON t1."tag_id" = t0."id" WHERE t1."post_id" IN (?)) AS "ranked" WHERE "aksara_rank" <= ? ORDER BY "aksara_rank"
binds: [Uuid(00000000-0000-0000-0000-000000000003), I64(1)]
intent: read
"##,
        ],
    );
}

// ------------------------------------------------------------------ writes

/// The concrete fields of `info` named in `names`, in that order.
fn fields<'m>(info: &'m ModelInfo, names: &[&str]) -> Vec<&'m aksara::FieldMeta> {
    names.iter().map(|n| info.meta.field(n).unwrap()).collect()
}

#[test]
fn update_forms() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "update",
        &registry,
        |r, d| {
            let post = model(r, "Post");
            let set = [
                Assignment {
                    field: "title".into(),
                    value: "new".into(),
                },
                Assignment {
                    field: "author".into(),
                    value: id(9).into(),
                },
            ];
            let query = filtered(vec![Condition::new("tags__slug", "x")]);
            let by_pk = [
                (post.meta.field("category").unwrap(), id(4)),
                (post.meta.field("title").unwrap(), Value::from("t")),
            ];
            vec![
                Compiler::new(r, d).update(post, &query, &set).unwrap(),
                Compiler::new(r, d)
                    .update(post, &Query::default(), &set[..1])
                    .unwrap(),
                Compiler::new(r, d)
                    .update_by_pk(&post.meta, &by_pk, id(5))
                    .unwrap(),
            ]
        },
        [
            r##"
UPDATE "posts" SET "title" = $1, "author_id" = $2 WHERE "id" IN (SELECT t0."id" FROM "posts" AS t0 WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND t1."slug" = $3))
binds: [String("new"), Uuid(00000000-0000-0000-0000-000000000009), String("x")]
intent: write posts; fk_posts_author_id author_id -> users.id at [9: Uuid(00000000-0000-0000-0000-000000000009)]
---
UPDATE "posts" SET "title" = $1
binds: [String("new")]
intent: write posts
---
UPDATE "posts" SET "category_id" = $1, "title" = $2 WHERE "id" = $3
binds: [Uuid(00000000-0000-0000-0000-000000000004), String("t"), Uuid(00000000-0000-0000-0000-000000000005)]
intent: write posts; fk_posts_category_id category_id -> categories.id at [5: Uuid(00000000-0000-0000-0000-000000000004)]
"##,
            r##"
UPDATE `posts` SET `title` = ?, `author_id` = ? WHERE `id` IN (SELECT `id` FROM (SELECT t0.`id` FROM `posts` AS t0 WHERE EXISTS (SELECT 1 FROM `post_tags` AS t2 INNER JOIN `tags` AS t1 ON t1.`id` = t2.`tag_id` WHERE t2.`post_id` = t0.`id` AND t1.`slug` = ?)) AS `selected`)
binds: [String("new"), Uuid(00000000-0000-0000-0000-000000000009), String("x")]
intent: write posts; fk_posts_author_id author_id -> users.id at [9: Uuid(00000000-0000-0000-0000-000000000009)]
---
UPDATE `posts` SET `title` = ?
binds: [String("new")]
intent: write posts
---
UPDATE `posts` SET `category_id` = ?, `title` = ? WHERE `id` = ?
binds: [Uuid(00000000-0000-0000-0000-000000000004), String("t"), Uuid(00000000-0000-0000-0000-000000000005)]
intent: write posts; fk_posts_category_id category_id -> categories.id at [5: Uuid(00000000-0000-0000-0000-000000000004)]
"##,
            r##"
UPDATE "posts" SET "title" = ?, "author_id" = ? WHERE "id" IN (SELECT t0."id" FROM "posts" AS t0 WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND t1."slug" = ?))
binds: [String("new"), Uuid(00000000-0000-0000-0000-000000000009), String("x")]
intent: write posts; fk_posts_author_id author_id -> users.id at [9: Uuid(00000000-0000-0000-0000-000000000009)]
---
UPDATE "posts" SET "title" = ?
binds: [String("new")]
intent: write posts
---
UPDATE "posts" SET "category_id" = ?, "title" = ? WHERE "id" = ?
binds: [Uuid(00000000-0000-0000-0000-000000000004), String("t"), Uuid(00000000-0000-0000-0000-000000000005)]
intent: write posts; fk_posts_category_id category_id -> categories.id at [5: Uuid(00000000-0000-0000-0000-000000000004)]
"##,
        ],
    );
}

#[test]
fn insert_forms() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "insert",
        &registry,
        |r, d| {
            let post = model(r, "Post");
            let columns = fields(post, &["id", "title", "author", "category"]);
            let row = |n: u128| vec![id(n), Value::from("t"), id(100 + n), Value::Null];
            let c = Compiler::new(r, d);
            vec![
                c.insert(&post.meta, &columns, vec![row(1)], InsertOptions::default()),
                c.insert(
                    &post.meta,
                    &columns,
                    vec![row(1), row(2)],
                    InsertOptions::default(),
                ),
                c.insert(
                    &post.meta,
                    &columns,
                    vec![row(3)],
                    InsertOptions::ignoring_duplicates(),
                ),
                c.insert(
                    &post.meta,
                    &columns,
                    vec![row(4)],
                    InsertOptions::returning("id"),
                ),
            ]
        },
        [
            r##"
INSERT INTO "posts" ("id", "title", "author_id", "category_id") VALUES ($1, $2, $3, $4)
binds: [Uuid(00000000-0000-0000-0000-000000000001), String("t"), Uuid(00000000-0000-0000-0000-000000000065), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000065)]; fk_posts_category_id category_id -> categories.id at [17: Null]
---
INSERT INTO "posts" ("id", "title", "author_id", "category_id") VALUES ($1, $2, $3, $4), ($5, $6, $7, $8)
binds: [Uuid(00000000-0000-0000-0000-000000000001), String("t"), Uuid(00000000-0000-0000-0000-000000000065), Null, Uuid(00000000-0000-0000-0000-000000000002), String("t"), Uuid(00000000-0000-0000-0000-000000000066), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000065), 23: Uuid(00000000-0000-0000-0000-000000000066)]; fk_posts_category_id category_id -> categories.id at [17: Null, 25: Null]
---
INSERT INTO "posts" ("id", "title", "author_id", "category_id") VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
binds: [Uuid(00000000-0000-0000-0000-000000000003), String("t"), Uuid(00000000-0000-0000-0000-000000000067), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000067)]; fk_posts_category_id category_id -> categories.id at [17: Null]
---
INSERT INTO "posts" ("id", "title", "author_id", "category_id") VALUES ($1, $2, $3, $4) RETURNING "id"
binds: [Uuid(00000000-0000-0000-0000-000000000004), String("t"), Uuid(00000000-0000-0000-0000-000000000068), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000068)]; fk_posts_category_id category_id -> categories.id at [17: Null]
"##,
            r##"
INSERT INTO `posts` (`id`, `title`, `author_id`, `category_id`) VALUES (?, ?, ?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000001), String("t"), Uuid(00000000-0000-0000-0000-000000000065), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000065)]; fk_posts_category_id category_id -> categories.id at [17: Null]
---
INSERT INTO `posts` (`id`, `title`, `author_id`, `category_id`) VALUES (?, ?, ?, ?), (?, ?, ?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000001), String("t"), Uuid(00000000-0000-0000-0000-000000000065), Null, Uuid(00000000-0000-0000-0000-000000000002), String("t"), Uuid(00000000-0000-0000-0000-000000000066), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000065), 23: Uuid(00000000-0000-0000-0000-000000000066)]; fk_posts_category_id category_id -> categories.id at [17: Null, 25: Null]
---
INSERT INTO `posts` (`id`, `title`, `author_id`, `category_id`) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE `id` = `id`
binds: [Uuid(00000000-0000-0000-0000-000000000003), String("t"), Uuid(00000000-0000-0000-0000-000000000067), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000067)]; fk_posts_category_id category_id -> categories.id at [17: Null]
---
INSERT INTO `posts` (`id`, `title`, `author_id`, `category_id`) VALUES (?, ?, ?, ?) RETURNING `id`
binds: [Uuid(00000000-0000-0000-0000-000000000004), String("t"), Uuid(00000000-0000-0000-0000-000000000068), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000068)]; fk_posts_category_id category_id -> categories.id at [17: Null]
"##,
            r##"
INSERT INTO "posts" ("id", "title", "author_id", "category_id") VALUES (?, ?, ?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000001), String("t"), Uuid(00000000-0000-0000-0000-000000000065), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000065)]; fk_posts_category_id category_id -> categories.id at [17: Null]
---
INSERT INTO "posts" ("id", "title", "author_id", "category_id") VALUES (?, ?, ?, ?), (?, ?, ?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000001), String("t"), Uuid(00000000-0000-0000-0000-000000000065), Null, Uuid(00000000-0000-0000-0000-000000000002), String("t"), Uuid(00000000-0000-0000-0000-000000000066), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000065), 23: Uuid(00000000-0000-0000-0000-000000000066)]; fk_posts_category_id category_id -> categories.id at [17: Null, 25: Null]
---
INSERT INTO "posts" ("id", "title", "author_id", "category_id") VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING
binds: [Uuid(00000000-0000-0000-0000-000000000003), String("t"), Uuid(00000000-0000-0000-0000-000000000067), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000067)]; fk_posts_category_id category_id -> categories.id at [17: Null]
---
INSERT INTO "posts" ("id", "title", "author_id", "category_id") VALUES (?, ?, ?, ?) RETURNING "id"
binds: [Uuid(00000000-0000-0000-0000-000000000004), String("t"), Uuid(00000000-0000-0000-0000-000000000068), Null]
intent: write posts; fk_posts_author_id author_id -> users.id at [15: Uuid(00000000-0000-0000-0000-000000000068)]; fk_posts_category_id category_id -> categories.id at [17: Null]
"##,
        ],
    );
}

#[test]
fn insert_default_values_and_auto_keys() {
    let registry = aksara_tests::models::defaults::registry();
    golden(
        "insert_defaults",
        &registry,
        |r, d| {
            let blog = model(r, "Blog");
            let entry = model(r, "Entry");
            let c = Compiler::new(r, d);
            let entry_columns = fields(entry, &["headline", "blog"]);
            vec![
                c.insert(
                    &blog.meta,
                    &[],
                    vec![vec![]],
                    InsertOptions::returning("id"),
                ),
                c.insert(
                    &blog.meta,
                    &[],
                    vec![vec![], vec![]],
                    InsertOptions::default(),
                ),
                c.insert(
                    &entry.meta,
                    &entry_columns,
                    vec![vec!["h".into(), Value::I32(1)]],
                    InsertOptions::returning("id"),
                ),
            ]
        },
        [
            r##"
INSERT INTO "blogs" DEFAULT VALUES RETURNING "id"
binds: []
intent: write blogs
---
INSERT INTO "blogs" ("id") VALUES (DEFAULT), (DEFAULT)
binds: []
intent: write blogs
---
INSERT INTO "entries" ("headline", "blog_id") VALUES ($1, $2) RETURNING "id"
binds: [String("h"), I32(1)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(1)]
"##,
            r##"
INSERT INTO `blogs` () VALUES () RETURNING `id`
binds: []
intent: write blogs
---
INSERT INTO `blogs` (`id`) VALUES (DEFAULT), (DEFAULT)
binds: []
intent: write blogs
---
INSERT INTO `entries` (`headline`, `blog_id`) VALUES (?, ?) RETURNING `id`
binds: [String("h"), I32(1)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(1)]
"##,
            r##"
INSERT INTO "blogs" DEFAULT VALUES RETURNING "id"
binds: []
intent: write blogs
---
INSERT INTO "blogs" ("id") VALUES (NULL), (NULL)
binds: []
intent: write blogs
---
INSERT INTO "entries" ("headline", "blog_id") VALUES (?, ?) RETURNING "id"
binds: [String("h"), I32(1)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(1)]
"##,
        ],
    );
}

#[test]
fn insert_batches_split_at_the_bind_limit() {
    let registry = aksara_tests::models::defaults::registry();
    golden(
        "insert_batches",
        &registry,
        |r, d| {
            let entry = model(r, "Entry");
            let columns = fields(entry, &["headline", "blog"]);
            let c = Compiler::new(r, d);
            let per = c.rows_per_insert(columns.len());
            // One row past a full batch: a full statement, then one of one row.
            let rows: Vec<Vec<Value>> = (0..=per)
                .map(|i| vec![Value::from("h"), Value::I32(i as i32)])
                .collect();
            let batches = c.insert_batches(&entry.meta, &columns, rows, InsertOptions::default());
            let counts: Vec<usize> = batches.iter().map(|(_, n)| *n).collect();
            assert_eq!(counts, vec![per, 1]);
            let small: Vec<Vec<Value>> = (0..2)
                .map(|i| vec![Value::from("s"), Value::I32(i)])
                .collect();
            let mut out = c.insert_batches(
                &entry.meta,
                &columns,
                small,
                InsertOptions {
                    returning: Some("id"),
                    ..InsertOptions::ignoring_duplicates()
                },
            );
            out.push(batches.into_iter().nth(1).unwrap());
            out.into_iter().map(|(sql, _)| sql).collect()
        },
        [
            r##"
INSERT INTO "entries" ("headline", "blog_id") VALUES ($1, $2), ($3, $4) ON CONFLICT DO NOTHING RETURNING "id"
binds: [String("s"), I32(0), String("s"), I32(1)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(0), 13: I32(1)]
---
INSERT INTO "entries" ("headline", "blog_id") VALUES ($1, $2)
binds: [String("h"), I32(32767)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(32767)]
"##,
            r##"
INSERT INTO `entries` (`headline`, `blog_id`) VALUES (?, ?), (?, ?) ON DUPLICATE KEY UPDATE `headline` = `headline` RETURNING `id`
binds: [String("s"), I32(0), String("s"), I32(1)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(0), 13: I32(1)]
---
INSERT INTO `entries` (`headline`, `blog_id`) VALUES (?, ?)
binds: [String("h"), I32(32767)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(32767)]
"##,
            r##"
INSERT INTO "entries" ("headline", "blog_id") VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING RETURNING "id"
binds: [String("s"), I32(0), String("s"), I32(1)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(0), 13: I32(1)]
---
INSERT INTO "entries" ("headline", "blog_id") VALUES (?, ?)
binds: [String("h"), I32(16383)]
intent: write entries; fk_entries_blog_id blog_id -> blogs.id at [9: I32(16383)]
"##,
        ],
    );
}

#[test]
fn insert_unnest_binds_one_array_per_column() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "insert_unnest",
        &registry,
        |r, d| {
            let junction = model(r, &junction_model_name("Post", "tags"));
            let columns: Vec<&aksara::FieldMeta> = junction.meta.concrete_fields().collect();
            let arrays = vec![
                vec![id(1), id(2)],
                vec![id(10), id(10)],
                vec![id(20), id(21)],
            ];
            vec![Compiler::new(r, d).insert_unnest(&junction.meta, &columns, arrays)]
        },
        [
            r##"
INSERT INTO "post_tags" ("id", "post_id", "tag_id") SELECT * FROM UNNEST($1, $2, $3) ON CONFLICT DO NOTHING
binds: [Array([Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002)]), Array([Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-00000000000a)]), Array([Uuid(00000000-0000-0000-0000-000000000014), Uuid(00000000-0000-0000-0000-000000000015)])]
intent: write post_tags; fk_post_tags_post_id post_id -> posts.id at [11: Array([Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-00000000000a)])]; fk_post_tags_tag_id tag_id -> tags.id at [13: Array([Uuid(00000000-0000-0000-0000-000000000014), Uuid(00000000-0000-0000-0000-000000000015)])]
"##,
            r##"
INSERT INTO `post_tags` (`id`, `post_id`, `tag_id`) SELECT * FROM UNNEST(?, ?, ?) ON CONFLICT DO NOTHING
binds: [Array([Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002)]), Array([Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-00000000000a)]), Array([Uuid(00000000-0000-0000-0000-000000000014), Uuid(00000000-0000-0000-0000-000000000015)])]
intent: write post_tags; fk_post_tags_post_id post_id -> posts.id at [11: Array([Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-00000000000a)])]; fk_post_tags_tag_id tag_id -> tags.id at [13: Array([Uuid(00000000-0000-0000-0000-000000000014), Uuid(00000000-0000-0000-0000-000000000015)])]
"##,
            r##"
INSERT INTO "post_tags" ("id", "post_id", "tag_id") SELECT * FROM UNNEST(?, ?, ?) ON CONFLICT DO NOTHING
binds: [Array([Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002)]), Array([Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-00000000000a)]), Array([Uuid(00000000-0000-0000-0000-000000000014), Uuid(00000000-0000-0000-0000-000000000015)])]
intent: write post_tags; fk_post_tags_post_id post_id -> posts.id at [11: Array([Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-00000000000a)])]; fk_post_tags_tag_id tag_id -> tags.id at [13: Array([Uuid(00000000-0000-0000-0000-000000000014), Uuid(00000000-0000-0000-0000-000000000015)])]
"##,
        ],
    );
}

#[test]
fn many_to_many_junction_writes() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "m2m_junction",
        &registry,
        |r, d| {
            let junction = model(r, &junction_model_name("Post", "tags"));
            let columns: Vec<&aksara::FieldMeta> = junction.meta.concrete_fields().collect();
            let names: Vec<String> = columns.iter().map(|f| f.name.clone()).collect();
            let row = |n: u128| vec![id(n), id(10), id(20 + n)];
            let remove = filtered(vec![
                Condition::new(names[1].clone(), id(10)),
                Condition::new(
                    format!("{}__in", names[2]),
                    Value::Array(vec![id(21), id(22)]),
                ),
            ]);
            let clear = filtered(vec![Condition::new(names[1].clone(), id(10))]);
            let c = Compiler::new(r, d);
            vec![
                c.insert(
                    &junction.meta,
                    &columns,
                    vec![row(1), row(2)],
                    InsertOptions::ignoring_duplicates(),
                ),
                Compiler::new(r, d).delete(junction, &remove).unwrap(),
                Compiler::new(r, d).delete(junction, &clear).unwrap(),
            ]
        },
        [
            r##"
INSERT INTO "post_tags" ("id", "post_id", "tag_id") VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT DO NOTHING
binds: [Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-000000000015), Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-000000000016)]
intent: write post_tags; fk_post_tags_post_id post_id -> posts.id at [11: Uuid(00000000-0000-0000-0000-00000000000a), 17: Uuid(00000000-0000-0000-0000-00000000000a)]; fk_post_tags_tag_id tag_id -> tags.id at [13: Uuid(00000000-0000-0000-0000-000000000015), 19: Uuid(00000000-0000-0000-0000-000000000016)]
---
DELETE FROM "post_tags" WHERE "id" IN (SELECT t0."id" FROM "post_tags" AS t0 WHERE t0."post_id" = $1 AND t0."tag_id" = ANY($2))
binds: [Uuid(00000000-0000-0000-0000-00000000000a), Array([Uuid(00000000-0000-0000-0000-000000000015), Uuid(00000000-0000-0000-0000-000000000016)])]
intent: delete post_tags
---
DELETE FROM "post_tags" WHERE "id" IN (SELECT t0."id" FROM "post_tags" AS t0 WHERE t0."post_id" = $1)
binds: [Uuid(00000000-0000-0000-0000-00000000000a)]
intent: delete post_tags
"##,
            r##"
INSERT INTO `post_tags` (`id`, `post_id`, `tag_id`) VALUES (?, ?, ?), (?, ?, ?) ON DUPLICATE KEY UPDATE `id` = `id`
binds: [Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-000000000015), Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-000000000016)]
intent: write post_tags; fk_post_tags_post_id post_id -> posts.id at [11: Uuid(00000000-0000-0000-0000-00000000000a), 17: Uuid(00000000-0000-0000-0000-00000000000a)]; fk_post_tags_tag_id tag_id -> tags.id at [13: Uuid(00000000-0000-0000-0000-000000000015), 19: Uuid(00000000-0000-0000-0000-000000000016)]
---
DELETE FROM `post_tags` WHERE `id` IN (SELECT `id` FROM (SELECT t0.`id` FROM `post_tags` AS t0 WHERE t0.`post_id` = ? AND t0.`tag_id` IN (?, ?)) AS `selected`)
binds: [Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-000000000015), Uuid(00000000-0000-0000-0000-000000000016)]
intent: delete post_tags
---
DELETE FROM `post_tags` WHERE `id` IN (SELECT `id` FROM (SELECT t0.`id` FROM `post_tags` AS t0 WHERE t0.`post_id` = ?) AS `selected`)
binds: [Uuid(00000000-0000-0000-0000-00000000000a)]
intent: delete post_tags
"##,
            r##"
INSERT INTO "post_tags" ("id", "post_id", "tag_id") VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT DO NOTHING
binds: [Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-000000000015), Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-000000000016)]
intent: write post_tags; fk_post_tags_post_id post_id -> posts.id at [11: Uuid(00000000-0000-0000-0000-00000000000a), 17: Uuid(00000000-0000-0000-0000-00000000000a)]; fk_post_tags_tag_id tag_id -> tags.id at [13: Uuid(00000000-0000-0000-0000-000000000015), 19: Uuid(00000000-0000-0000-0000-000000000016)]
---
DELETE FROM "post_tags" WHERE "id" IN (SELECT t0."id" FROM "post_tags" AS t0 WHERE t0."post_id" = ? AND t0."tag_id" IN (?, ?))
binds: [Uuid(00000000-0000-0000-0000-00000000000a), Uuid(00000000-0000-0000-0000-000000000015), Uuid(00000000-0000-0000-0000-000000000016)]
intent: delete post_tags
---
DELETE FROM "post_tags" WHERE "id" IN (SELECT t0."id" FROM "post_tags" AS t0 WHERE t0."post_id" = ?)
binds: [Uuid(00000000-0000-0000-0000-00000000000a)]
intent: delete post_tags
"##,
        ],
    );
}

#[test]
fn delete_forms() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "delete",
        &registry,
        |r, d| {
            let post = model(r, "Post");
            let user = model(r, "User");
            let query = filtered(vec![
                Condition::new("author__name", "a"),
                Condition::new("tags__slug", "b"),
            ]);
            vec![
                Compiler::new(r, d).delete(post, &query).unwrap(),
                Compiler::new(r, d).delete(post, &Query::default()).unwrap(),
                Compiler::new(r, d).delete_by_pk(&post.meta, id(1)).unwrap(),
                Compiler::new(r, d)
                    .delete_keys(&post.meta, vec![id(2), id(3)])
                    .unwrap(),
                Compiler::new(r, d)
                    .keys_referencing(&post.meta, "author_id", vec![id(4)])
                    .unwrap(),
                Compiler::new(r, d).key(&user.meta, id(5)).unwrap(),
            ]
        },
        [
            r##"
DELETE FROM "posts" WHERE "id" IN (SELECT t0."id" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = $1 AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = $2))
binds: [String("a"), String("b")]
intent: delete posts
---
DELETE FROM "posts"
binds: []
intent: delete posts
---
DELETE FROM "posts" WHERE "id" = $1
binds: [Uuid(00000000-0000-0000-0000-000000000001)]
intent: delete posts
---
DELETE FROM "posts" WHERE "id" = ANY($1)
binds: [Array([Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000003)])]
intent: delete posts
---
SELECT t0."id" FROM "posts" AS t0 WHERE t0."author_id" = ANY($1)
binds: [Array([Uuid(00000000-0000-0000-0000-000000000004)])]
intent: read
---
SELECT t0."id" FROM "users" AS t0 WHERE t0."id" = $1
binds: [Uuid(00000000-0000-0000-0000-000000000005)]
intent: read
"##,
            r##"
DELETE FROM `posts` WHERE `id` IN (SELECT `id` FROM (SELECT t0.`id` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` WHERE t1.`name` = ? AND EXISTS (SELECT 1 FROM `post_tags` AS t3 INNER JOIN `tags` AS t2 ON t2.`id` = t3.`tag_id` WHERE t3.`post_id` = t0.`id` AND t2.`slug` = ?)) AS `selected`)
binds: [String("a"), String("b")]
intent: delete posts
---
DELETE FROM `posts`
binds: []
intent: delete posts
---
DELETE FROM `posts` WHERE `id` = ?
binds: [Uuid(00000000-0000-0000-0000-000000000001)]
intent: delete posts
---
DELETE FROM `posts` WHERE `id` IN (?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000003)]
intent: delete posts
---
SELECT t0.`id` FROM `posts` AS t0 WHERE t0.`author_id` IN (?)
binds: [Uuid(00000000-0000-0000-0000-000000000004)]
intent: read
---
SELECT t0.`id` FROM `users` AS t0 WHERE t0.`id` = ?
binds: [Uuid(00000000-0000-0000-0000-000000000005)]
intent: read
"##,
            r##"
DELETE FROM "posts" WHERE "id" IN (SELECT t0."id" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = ? AND EXISTS (SELECT 1 FROM "post_tags" AS t3 INNER JOIN "tags" AS t2 ON t2."id" = t3."tag_id" WHERE t3."post_id" = t0."id" AND t2."slug" = ?))
binds: [String("a"), String("b")]
intent: delete posts
---
DELETE FROM "posts"
binds: []
intent: delete posts
---
DELETE FROM "posts" WHERE "id" = ?
binds: [Uuid(00000000-0000-0000-0000-000000000001)]
intent: delete posts
---
DELETE FROM "posts" WHERE "id" IN (?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000003)]
intent: delete posts
---
SELECT t0."id" FROM "posts" AS t0 WHERE t0."author_id" IN (?)
binds: [Uuid(00000000-0000-0000-0000-000000000004)]
intent: read
---
SELECT t0."id" FROM "users" AS t0 WHERE t0."id" = ?
binds: [Uuid(00000000-0000-0000-0000-000000000005)]
intent: read
"##,
        ],
    );
}

// ------------------------------------------------------------------ DDL

#[test]
fn ddl_create_and_drop() {
    let registry = aksara_tests::models::defaults::registry();
    golden(
        "ddl",
        &registry,
        |r, d| {
            let mut out = aksara::ddl::create_statements(r, d, &HashSet::new()).unwrap();
            out.extend(aksara::ddl::drop_statements(r, d));
            out
        },
        [
            r##"
CREATE TABLE IF NOT EXISTS "blogs" ("id" INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "name" VARCHAR(100) NOT NULL)
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "entries" ("id" BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "headline" VARCHAR(200) NOT NULL, "blog_id" INTEGER NOT NULL, CONSTRAINT "fk_entries_blog_id" FOREIGN KEY ("blog_id") REFERENCES "blogs" ("id") ON DELETE CASCADE)
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_entries_blog_id" ON "entries" ("blog_id")
binds: []
intent: ddl
---
DROP TABLE IF EXISTS "entries" CASCADE
binds: []
intent: ddl drops entries
---
DROP TABLE IF EXISTS "blogs" CASCADE
binds: []
intent: ddl drops blogs
"##,
            r##"
CREATE TABLE IF NOT EXISTS `blogs` (`id` INT NOT NULL AUTO_INCREMENT PRIMARY KEY, `name` VARCHAR(100) NOT NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS `entries` (`id` BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, `headline` VARCHAR(200) NOT NULL, `blog_id` INT NOT NULL, CONSTRAINT `fk_entries_blog_id` FOREIGN KEY (`blog_id`) REFERENCES `blogs` (`id`) ON DELETE CASCADE, INDEX `ix_entries_blog_id` (`blog_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
binds: []
intent: ddl
---
DROP TABLE IF EXISTS `entries`
binds: []
intent: ddl drops entries
---
DROP TABLE IF EXISTS `blogs`
binds: []
intent: ddl drops blogs
"##,
            r##"
CREATE TABLE IF NOT EXISTS "blogs" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "name" VARCHAR(100) NOT NULL)
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "entries" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "headline" VARCHAR(200) NOT NULL, "blog_id" INTEGER NOT NULL, CONSTRAINT "fk_entries_blog_id" FOREIGN KEY ("blog_id") REFERENCES "blogs" ("id") ON DELETE CASCADE)
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_entries_blog_id" ON "entries" ("blog_id")
binds: []
intent: ddl
---
DROP TABLE IF EXISTS "entries"
binds: []
intent: ddl drops entries
---
DROP TABLE IF EXISTS "blogs"
binds: []
intent: ddl drops blogs
"##,
        ],
    );
}

#[test]
fn ddl_create_with_junction() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "ddl_blog",
        &registry,
        |r, d| aksara::ddl::create_statements(r, d, &HashSet::new()).unwrap(),
        [
            r##"
CREATE TABLE IF NOT EXISTS "users" ("id" UUID NOT NULL PRIMARY KEY, "email" VARCHAR(254) NOT NULL, "name" VARCHAR(100) NOT NULL, CONSTRAINT "uq_users_email" UNIQUE ("email"))
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "categories" ("id" UUID NOT NULL PRIMARY KEY, "name" VARCHAR(50) NOT NULL, "slug" VARCHAR(50) NOT NULL, "parent_id" UUID, CONSTRAINT "uq_categories_slug" UNIQUE ("slug"), CONSTRAINT "fk_categories_parent_id" FOREIGN KEY ("parent_id") REFERENCES "categories" ("id") ON DELETE CASCADE)
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_categories_parent_id" ON "categories" ("parent_id")
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "posts" ("id" UUID NOT NULL PRIMARY KEY, "title" VARCHAR(200) NOT NULL, "content" TEXT NOT NULL, "published" BOOLEAN NOT NULL DEFAULT FALSE, "author_id" UUID NOT NULL, "category_id" UUID, "created_at" TIMESTAMPTZ NOT NULL, CONSTRAINT "fk_posts_author_id" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "fk_posts_category_id" FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON DELETE SET NULL)
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_posts_author_id" ON "posts" ("author_id")
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_posts_category_id" ON "posts" ("category_id")
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "tags" ("id" UUID NOT NULL PRIMARY KEY, "name" VARCHAR(30) NOT NULL, "slug" VARCHAR(30) NOT NULL, CONSTRAINT "uq_tags_name" UNIQUE ("name"), CONSTRAINT "uq_tags_slug" UNIQUE ("slug"))
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "user_profiles" ("id" UUID NOT NULL PRIMARY KEY, "user_id" UUID NOT NULL, "bio" TEXT, "website" VARCHAR(2048), CONSTRAINT "uq_user_profiles_user_id" UNIQUE ("user_id"), CONSTRAINT "fk_user_profiles_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE)
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "post_tags" ("id" UUID NOT NULL PRIMARY KEY, "post_id" UUID NOT NULL, "tag_id" UUID NOT NULL, CONSTRAINT "uq_post_tags_post_id_tag_id" UNIQUE ("post_id", "tag_id"), CONSTRAINT "fk_post_tags_post_id" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE, CONSTRAINT "fk_post_tags_tag_id" FOREIGN KEY ("tag_id") REFERENCES "tags" ("id") ON DELETE CASCADE)
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_post_tags_tag_id" ON "post_tags" ("tag_id")
binds: []
intent: ddl
"##,
            r##"
CREATE TABLE IF NOT EXISTS `users` (`id` BINARY(16) NOT NULL PRIMARY KEY, `email` VARCHAR(254) NOT NULL, `name` VARCHAR(100) NOT NULL, CONSTRAINT `uq_users_email` UNIQUE (`email`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS `categories` (`id` BINARY(16) NOT NULL PRIMARY KEY, `name` VARCHAR(50) NOT NULL, `slug` VARCHAR(50) NOT NULL, `parent_id` BINARY(16), CONSTRAINT `uq_categories_slug` UNIQUE (`slug`), CONSTRAINT `fk_categories_parent_id` FOREIGN KEY (`parent_id`) REFERENCES `categories` (`id`) ON DELETE CASCADE, INDEX `ix_categories_parent_id` (`parent_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS `posts` (`id` BINARY(16) NOT NULL PRIMARY KEY, `title` VARCHAR(200) NOT NULL, `content` LONGTEXT NOT NULL, `published` BOOLEAN NOT NULL DEFAULT FALSE, `author_id` BINARY(16) NOT NULL, `category_id` BINARY(16), `created_at` DATETIME(6) NOT NULL, CONSTRAINT `fk_posts_author_id` FOREIGN KEY (`author_id`) REFERENCES `users` (`id`) ON DELETE CASCADE, CONSTRAINT `fk_posts_category_id` FOREIGN KEY (`category_id`) REFERENCES `categories` (`id`) ON DELETE SET NULL, INDEX `ix_posts_author_id` (`author_id`), INDEX `ix_posts_category_id` (`category_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS `tags` (`id` BINARY(16) NOT NULL PRIMARY KEY, `name` VARCHAR(30) NOT NULL, `slug` VARCHAR(30) NOT NULL, CONSTRAINT `uq_tags_name` UNIQUE (`name`), CONSTRAINT `uq_tags_slug` UNIQUE (`slug`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS `user_profiles` (`id` BINARY(16) NOT NULL PRIMARY KEY, `user_id` BINARY(16) NOT NULL, `bio` LONGTEXT, `website` VARCHAR(2048), CONSTRAINT `uq_user_profiles_user_id` UNIQUE (`user_id`), CONSTRAINT `fk_user_profiles_user_id` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS `post_tags` (`id` BINARY(16) NOT NULL PRIMARY KEY, `post_id` BINARY(16) NOT NULL, `tag_id` BINARY(16) NOT NULL, CONSTRAINT `uq_post_tags_post_id_tag_id` UNIQUE (`post_id`, `tag_id`), CONSTRAINT `fk_post_tags_post_id` FOREIGN KEY (`post_id`) REFERENCES `posts` (`id`) ON DELETE CASCADE, CONSTRAINT `fk_post_tags_tag_id` FOREIGN KEY (`tag_id`) REFERENCES `tags` (`id`) ON DELETE CASCADE, INDEX `ix_post_tags_tag_id` (`tag_id`)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin
binds: []
intent: ddl
"##,
            r##"
CREATE TABLE IF NOT EXISTS "users" ("id" CHAR(36) NOT NULL PRIMARY KEY, "email" VARCHAR(254) NOT NULL, "name" VARCHAR(100) NOT NULL, CONSTRAINT "uq_users_email" UNIQUE ("email"))
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "categories" ("id" CHAR(36) NOT NULL PRIMARY KEY, "name" VARCHAR(50) NOT NULL, "slug" VARCHAR(50) NOT NULL, "parent_id" CHAR(36), CONSTRAINT "uq_categories_slug" UNIQUE ("slug"), CONSTRAINT "fk_categories_parent_id" FOREIGN KEY ("parent_id") REFERENCES "categories" ("id") ON DELETE CASCADE)
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_categories_parent_id" ON "categories" ("parent_id")
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "posts" ("id" CHAR(36) NOT NULL PRIMARY KEY, "title" VARCHAR(200) NOT NULL, "content" TEXT NOT NULL, "published" BOOLEAN NOT NULL DEFAULT FALSE, "author_id" CHAR(36) NOT NULL, "category_id" CHAR(36), "created_at" TEXT NOT NULL, CONSTRAINT "fk_posts_author_id" FOREIGN KEY ("author_id") REFERENCES "users" ("id") ON DELETE CASCADE, CONSTRAINT "fk_posts_category_id" FOREIGN KEY ("category_id") REFERENCES "categories" ("id") ON DELETE SET NULL)
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_posts_author_id" ON "posts" ("author_id")
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_posts_category_id" ON "posts" ("category_id")
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "tags" ("id" CHAR(36) NOT NULL PRIMARY KEY, "name" VARCHAR(30) NOT NULL, "slug" VARCHAR(30) NOT NULL, CONSTRAINT "uq_tags_name" UNIQUE ("name"), CONSTRAINT "uq_tags_slug" UNIQUE ("slug"))
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "user_profiles" ("id" CHAR(36) NOT NULL PRIMARY KEY, "user_id" CHAR(36) NOT NULL, "bio" TEXT, "website" VARCHAR(2048), CONSTRAINT "uq_user_profiles_user_id" UNIQUE ("user_id"), CONSTRAINT "fk_user_profiles_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE)
binds: []
intent: ddl
---
CREATE TABLE IF NOT EXISTS "post_tags" ("id" CHAR(36) NOT NULL PRIMARY KEY, "post_id" CHAR(36) NOT NULL, "tag_id" CHAR(36) NOT NULL, CONSTRAINT "uq_post_tags_post_id_tag_id" UNIQUE ("post_id", "tag_id"), CONSTRAINT "fk_post_tags_post_id" FOREIGN KEY ("post_id") REFERENCES "posts" ("id") ON DELETE CASCADE, CONSTRAINT "fk_post_tags_tag_id" FOREIGN KEY ("tag_id") REFERENCES "tags" ("id") ON DELETE CASCADE)
binds: []
intent: ddl
---
CREATE INDEX IF NOT EXISTS "ix_post_tags_tag_id" ON "post_tags" ("tag_id")
binds: []
intent: ddl
"##,
        ],
    );
}

// ------------------------------------------------------------------ row locks

#[test]
fn select_for_update_forms() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "select_for_update",
        &registry,
        |r, d| {
            use aksara_tests::models::blog::Post;
            let queue = Post::objects()
                .filter(Condition::new("published", false))
                .order_by(["created_at"])
                .limit(1)
                .select_for_update()
                .skip_locked();
            let nowait = Post::objects()
                .filter(Condition::new("author__name", "a"))
                .select_for_update()
                .nowait();
            let every_table = Post::objects()
                .select_related(["author"])
                .select_for_update()
                .of(["author", "self"]);
            vec![
                select(r, d, "Post", queue.query()),
                select(r, d, "Post", nowait.query()),
                select(r, d, "Post", every_table.query()),
            ]
        },
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE t0."published" = $1 ORDER BY t0."created_at" ASC LIMIT $2 FOR UPDATE SKIP LOCKED
binds: [Bool(false), I64(1)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = $1 FOR UPDATE NOWAIT
binds: [String("a")]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."id", t1."email", t1."name" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" FOR UPDATE
binds: []
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 WHERE t0.`published` = ? ORDER BY t0.`created_at` ASC LIMIT ? FOR UPDATE SKIP LOCKED
binds: [Bool(false), I64(1)]
intent: read
---
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` WHERE t1.`name` = ? FOR UPDATE NOWAIT
binds: [String("a")]
intent: read
---
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at`, t1.`id`, t1.`email`, t1.`name` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` FOR UPDATE
binds: []
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE t0."published" = ? ORDER BY t0."created_at" ASC LIMIT ?
binds: [Bool(false), I64(1)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" WHERE t1."name" = ?
binds: [String("a")]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."id", t1."email", t1."name" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id"
binds: []
intent: read
"##,
        ],
    );
}

#[test]
fn select_for_update_of_some_tables() {
    use aksara_tests::models::blog::Post;
    let registry = aksara_tests::models::blog::registry();
    let query = Post::objects()
        .select_related(["author"])
        .filter(Condition::new("author__name", "a"))
        .select_for_update()
        .of(["self"])
        .skip_locked()
        .query()
        .clone();
    let compile = |dialect: &dyn Dialect| {
        Compiler::new(&registry, dialect).select(model(&registry, "Post"), &query)
    };
    let [(_, pg), (_, my), (_, sq)] = dialects();
    let pg_sql = compile(pg).unwrap();
    assert_eq!(
        pg_sql.render(pg),
        "SELECT t0.\"id\", t0.\"title\", t0.\"content\", t0.\"published\", t0.\"author_id\", \
         t0.\"category_id\", t0.\"created_at\", t1.\"id\", t1.\"email\", t1.\"name\" FROM \"posts\" AS t0 \
         INNER JOIN \"users\" AS t1 ON t1.\"id\" = t0.\"author_id\" WHERE t1.\"name\" = $1 \
         FOR UPDATE OF t0 SKIP LOCKED"
    );
    // MariaDB has no FOR UPDATE OF: refused rather than locking the authors too.
    let refused = compile(my).unwrap_err();
    assert!(
        matches!(&refused, aksara::Error::Config(m) if m[0].contains("not available on mysql")),
        "{refused}"
    );
    // SQLite's transaction holds the database: no clause.
    let sqlite = compile(sq).unwrap().render(sq);
    assert!(sqlite.ends_with("WHERE t1.\"name\" = ?"), "{sqlite}");
    // A nullable relation is a LEFT JOIN, whose rows PostgreSQL cannot lock.
    let left = Post::objects()
        .select_related(["category"])
        .select_for_update()
        .query()
        .clone();
    let e = Compiler::new(&registry, pg)
        .select(model(&registry, "Post"), &left)
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("`category` is joined by a LEFT JOIN"),
        "{e}"
    );
    assert!(Compiler::new(&registry, my)
        .select(model(&registry, "Post"), &left)
        .unwrap()
        .render(my)
        .ends_with(" FOR UPDATE"));
}

// ------------------------------------------------------------------ distinct and in_bulk

#[test]
fn distinct_forms() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "distinct",
        &registry,
        |r, d| {
            use aksara_tests::models::blog::Post;
            // The joined ORDER BY column is selected; the model's own is not repeated.
            let ordered = Post::objects()
                .filter(Condition::new("tags__name", "rust"))
                .distinct()
                .order_by(["-author__name", "title"]);
            let count = Compiler::new(r, d)
                .count(model(r, "Post"), ordered.limit(5).query())
                .unwrap();
            // in_bulk: the keys as one list parameter.
            let bulk = Post::objects().filter(Condition::new(
                "id__in",
                aksara::value_list([id(1), id(2), id(3)]),
            ));
            vec![
                select(r, d, "Post", ordered.query()),
                count,
                select(r, d, "Post", bulk.query()),
            ]
        },
        [
            r##"
SELECT DISTINCT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t3."name" FROM "posts" AS t0 INNER JOIN "users" AS t3 ON t3."id" = t0."author_id" WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND t1."name" = $1) ORDER BY t3."name" DESC, t0."title" ASC
binds: [String("rust")]
intent: read
---
SELECT COUNT(*) FROM (SELECT DISTINCT t0."id" AS "c0", t0."title" AS "c1", t0."content" AS "c2", t0."published" AS "c3", t0."author_id" AS "c4", t0."category_id" AS "c5", t0."created_at" AS "c6", t3."name" AS "c7" FROM "posts" AS t0 INNER JOIN "users" AS t3 ON t3."id" = t0."author_id" WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND t1."name" = $1) ORDER BY t3."name" DESC, t0."title" ASC LIMIT $2) AS "counted"
binds: [String("rust"), I64(5)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE t0."id" = ANY($1)
binds: [Array([Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000003)])]
intent: read
"##,
            r##"
SELECT DISTINCT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at`, t3.`name` FROM `posts` AS t0 INNER JOIN `users` AS t3 ON t3.`id` = t0.`author_id` WHERE EXISTS (SELECT 1 FROM `post_tags` AS t2 INNER JOIN `tags` AS t1 ON t1.`id` = t2.`tag_id` WHERE t2.`post_id` = t0.`id` AND t1.`name` = ?) ORDER BY t3.`name` DESC, t0.`title` ASC
binds: [String("rust")]
intent: read
---
SELECT COUNT(*) FROM (SELECT DISTINCT t0.`id` AS `c0`, t0.`title` AS `c1`, t0.`content` AS `c2`, t0.`published` AS `c3`, t0.`author_id` AS `c4`, t0.`category_id` AS `c5`, t0.`created_at` AS `c6`, t3.`name` AS `c7` FROM `posts` AS t0 INNER JOIN `users` AS t3 ON t3.`id` = t0.`author_id` WHERE EXISTS (SELECT 1 FROM `post_tags` AS t2 INNER JOIN `tags` AS t1 ON t1.`id` = t2.`tag_id` WHERE t2.`post_id` = t0.`id` AND t1.`name` = ?) ORDER BY t3.`name` DESC, t0.`title` ASC LIMIT ?) AS `counted`
binds: [String("rust"), I64(5)]
intent: read
---
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at` FROM `posts` AS t0 WHERE t0.`id` IN (?, ?, ?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000003), Uuid(00000000-0000-0000-0000-000000000003)]
intent: read
"##,
            r##"
SELECT DISTINCT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t3."name" FROM "posts" AS t0 INNER JOIN "users" AS t3 ON t3."id" = t0."author_id" WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND t1."name" = ?) ORDER BY t3."name" DESC, t0."title" ASC
binds: [String("rust")]
intent: read
---
SELECT COUNT(*) FROM (SELECT DISTINCT t0."id" AS "c0", t0."title" AS "c1", t0."content" AS "c2", t0."published" AS "c3", t0."author_id" AS "c4", t0."category_id" AS "c5", t0."created_at" AS "c6", t3."name" AS "c7" FROM "posts" AS t0 INNER JOIN "users" AS t3 ON t3."id" = t0."author_id" WHERE EXISTS (SELECT 1 FROM "post_tags" AS t2 INNER JOIN "tags" AS t1 ON t1."id" = t2."tag_id" WHERE t2."post_id" = t0."id" AND t1."name" = ?) ORDER BY t3."name" DESC, t0."title" ASC LIMIT ?) AS "counted"
binds: [String("rust"), I64(5)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at" FROM "posts" AS t0 WHERE t0."id" IN (?, ?, ?, ?)
binds: [Uuid(00000000-0000-0000-0000-000000000001), Uuid(00000000-0000-0000-0000-000000000002), Uuid(00000000-0000-0000-0000-000000000003), Uuid(00000000-0000-0000-0000-000000000003)]
intent: read
"##,
        ],
    );
}

#[test]
fn distinct_on_postgres_only() {
    use aksara_tests::models::blog::Post;
    let registry = aksara_tests::models::blog::registry();
    let latest = Post::objects()
        .distinct_on(["author__name"])
        .order_by(["author__name", "-created_at"]);
    let [(_, pg), (_, my), (_, sq)] = dialects();
    let sql = Compiler::new(&registry, pg)
        .select(model(&registry, "Post"), latest.query())
        .unwrap();
    assert_eq!(
        sql.render(pg),
        "SELECT DISTINCT ON (t1.\"name\") t0.\"id\", t0.\"title\", t0.\"content\", \
         t0.\"published\", t0.\"author_id\", t0.\"category_id\", t0.\"created_at\", t1.\"name\" \
         FROM \"posts\" AS t0 INNER JOIN \"users\" AS t1 ON t1.\"id\" = t0.\"author_id\" \
         ORDER BY t1.\"name\" ASC, t0.\"created_at\" DESC"
    );
    let count = Compiler::new(&registry, pg)
        .count(model(&registry, "Post"), latest.query())
        .unwrap();
    assert_eq!(
        count.render(pg),
        "SELECT COUNT(*) FROM (SELECT DISTINCT ON (t1.\"name\") t0.\"id\" AS \"c0\", \
         t0.\"title\" AS \"c1\", t0.\"content\" AS \"c2\", t0.\"published\" AS \"c3\", \
         t0.\"author_id\" AS \"c4\", t0.\"category_id\" AS \"c5\", t0.\"created_at\" AS \"c6\", \
         t1.\"name\" AS \"c7\" FROM \"posts\" AS t0 INNER JOIN \"users\" AS t1 ON t1.\"id\" = \
         t0.\"author_id\" ORDER BY t1.\"name\" ASC, t0.\"created_at\" DESC) AS \"counted\""
    );
    for (name, dialect) in [("mysql", my), ("sqlite", sq)] {
        let e = Compiler::new(&registry, dialect)
            .select(model(&registry, "Post"), latest.query())
            .unwrap_err();
        assert!(
            e.to_string()
                .contains(&format!("{name} has no SELECT DISTINCT ON")),
            "{e}"
        );
    }
}

// ------------------------------------------------------------------ only and defer

#[test]
fn only_and_defer_forms() {
    let registry = aksara_tests::models::blog::registry();
    golden(
        "only_defer",
        &registry,
        |r, d| {
            use aksara_tests::models::blog::Post;
            // The key is read though not named; the condition's column is not read.
            let only = Post::objects()
                .filter(Condition::new("content__contains", "x"))
                .only(["title", "author"]);
            let defer = Post::objects()
                .defer(["content", "created_at"])
                .order_by(["-title"]);
            // A DISTINCT of some columns, ordered by a joined one, counted.
            let distinct = Post::objects()
                .only(["title"])
                .distinct()
                .order_by(["author__name"]);
            let count = Compiler::new(r, d)
                .count(model(r, "Post"), distinct.query())
                .unwrap();
            vec![
                select(r, d, "Post", only.query()),
                select(r, d, "Post", defer.query()),
                select(r, d, "Post", distinct.query()),
                count,
            ]
        },
        [
            r##"
SELECT t0."id", t0."title", t0."author_id" FROM "posts" AS t0 WHERE t0."content" LIKE $1 ESCAPE '\'
binds: [String("%x%")]
intent: read
---
SELECT t0."id", t0."title", t0."published", t0."author_id", t0."category_id" FROM "posts" AS t0 ORDER BY t0."title" DESC
binds: []
intent: read
---
SELECT DISTINCT t0."id", t0."title", t1."name" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" ORDER BY t1."name" ASC
binds: []
intent: read
---
SELECT COUNT(*) FROM (SELECT DISTINCT t0."id" AS "c0", t0."title" AS "c1", t1."name" AS "c2" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" ORDER BY t1."name" ASC) AS "counted"
binds: []
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`author_id` FROM `posts` AS t0 WHERE t0.`content` LIKE ? ESCAPE '\\'
binds: [String("%x%")]
intent: read
---
SELECT t0.`id`, t0.`title`, t0.`published`, t0.`author_id`, t0.`category_id` FROM `posts` AS t0 ORDER BY t0.`title` DESC
binds: []
intent: read
---
SELECT DISTINCT t0.`id`, t0.`title`, t1.`name` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` ORDER BY t1.`name` ASC
binds: []
intent: read
---
SELECT COUNT(*) FROM (SELECT DISTINCT t0.`id` AS `c0`, t0.`title` AS `c1`, t1.`name` AS `c2` FROM `posts` AS t0 INNER JOIN `users` AS t1 ON t1.`id` = t0.`author_id` ORDER BY t1.`name` ASC) AS `counted`
binds: []
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."author_id" FROM "posts" AS t0 WHERE t0."content" LIKE ? ESCAPE '\'
binds: [String("%x%")]
intent: read
---
SELECT t0."id", t0."title", t0."published", t0."author_id", t0."category_id" FROM "posts" AS t0 ORDER BY t0."title" DESC
binds: []
intent: read
---
SELECT DISTINCT t0."id", t0."title", t1."name" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" ORDER BY t1."name" ASC
binds: []
intent: read
---
SELECT COUNT(*) FROM (SELECT DISTINCT t0."id" AS "c0", t0."title" AS "c1", t1."name" AS "c2" FROM "posts" AS t0 INNER JOIN "users" AS t1 ON t1."id" = t0."author_id" ORDER BY t1."name" ASC) AS "counted"
binds: []
intent: read
"##,
        ],
    );
}

#[test]
fn golden_expectations_can_fail() {
    // A wrong expectation is reported, not passed.
    let registry = aksara_tests::models::lookups::registry();
    let outcome = std::panic::catch_unwind(|| {
        golden(
            "must_fail",
            &registry,
            |r, d| vec![select(r, d, "Country", &Query::default())],
            ["SELECT 1", "SELECT 1", "SELECT 1"],
        )
    });
    assert!(outcome.is_err());
}

/// The binds listed for each written foreign key, in order.
fn foreign_key_values(sql: &Sql) -> Vec<(String, Vec<Value>)> {
    let Intent::Write(target) = &sql.intent else {
        panic!("not a write: {:?}", sql.intent)
    };
    target
        .foreign_keys
        .iter()
        .map(|fk| {
            let values = fk
                .binds
                .iter()
                .map(|&i| match &sql.parts[i] {
                    Part::Bind(value, _) => value.clone(),
                    other => panic!("{}: part {i} is {other:?}, not a bind", fk.constraint),
                })
                .collect();
            (fk.column.clone(), values)
        })
        .collect()
}

#[test]
fn foreign_key_binds_hold_the_values_written_to_their_column() {
    let registry = aksara_tests::models::blog::registry();
    for (_, dialect) in dialects() {
        let post = model(&registry, "Post");
        let c = Compiler::new(&registry, dialect);
        let columns = fields(post, &["title", "category", "id", "author"]);
        let rows = vec![
            vec![Value::from("a"), id(31), id(1), id(21)],
            vec![Value::from("b"), Value::Null, id(2), id(22)],
        ];
        let insert = c.insert(&post.meta, &columns, rows, InsertOptions::default());
        assert_eq!(
            foreign_key_values(&insert),
            vec![
                ("category_id".to_string(), vec![id(31), Value::Null]),
                ("author_id".to_string(), vec![id(21), id(22)]),
            ]
        );
        let update = Compiler::new(&registry, dialect)
            .update(
                post,
                &filtered(vec![Condition::new("author", id(5))]),
                &[
                    Assignment {
                        field: "author".into(),
                        value: id(23).into(),
                    },
                    Assignment {
                        field: "title".into(),
                        value: "t".into(),
                    },
                ],
            )
            .unwrap();
        assert_eq!(
            foreign_key_values(&update),
            vec![("author_id".to_string(), vec![id(23)])]
        );
        let by_pk = c
            .update_by_pk(
                &post.meta,
                &[(post.meta.field("category").unwrap(), id(32))],
                id(3),
            )
            .unwrap();
        assert_eq!(
            foreign_key_values(&by_pk),
            vec![("category_id".to_string(), vec![id(32)])]
        );
        let junction = model(&registry, &junction_model_name("Post", "tags"));
        let junction_columns: Vec<&aksara::FieldMeta> = junction.meta.concrete_fields().collect();
        let arrays = vec![vec![id(7)], vec![id(8)], vec![id(9)]];
        let unnest = c.insert_unnest(&junction.meta, &junction_columns, arrays);
        assert_eq!(
            foreign_key_values(&unnest),
            vec![
                ("post_id".to_string(), vec![Value::Array(vec![id(8)])]),
                ("tag_id".to_string(), vec![Value::Array(vec![id(9)])]),
            ]
        );
    }
}

// ------------------------------------------------------------------ keyset batches (stream)

/// The batches of `Post::objects().order_by(["-category__name"]).stream(&db)`: the first, then
/// one after a row whose category is "Python", then one after a row with no category. The
/// category's name is reached through a LEFT JOIN, so NULLs are placed as each database sorts
/// them: first in descending order on PostgreSQL (after a value come smaller values only),
/// last on MySQL and SQLite (after a value come smaller values and then the NULLs).
#[test]
fn keyset_batches() {
    let registry = aksara_tests::models::blog::registry();
    let query = Query {
        order_by: vec![OrderBy::parse("-category__name")],
        ..Query::default()
    };
    golden(
        "keyset_batches",
        &registry,
        |r, d| {
            let info = model(r, "Post");
            let batch = |after: Option<&[Value]>, offset| {
                Compiler::new(r, d)
                    .select_batch(info, &query, after, 11, offset)
                    .unwrap()
                    .select
                    .sql
            };
            vec![
                batch(None, Some(5)),
                batch(Some(&[Value::String("Python".into()), id(7)]), None),
                batch(Some(&[Value::Null, id(8)]), None),
            ]
        },
        [
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."name" FROM "posts" AS t0 LEFT JOIN "categories" AS t1 ON t1."id" = t0."category_id" ORDER BY t1."name" DESC, t0."id" ASC LIMIT $1 OFFSET $2
binds: [I64(11), I64(5)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."name" FROM "posts" AS t0 LEFT JOIN "categories" AS t1 ON t1."id" = t0."category_id" WHERE (t1."name" < $1 OR (t1."name" = $2 AND t0."id" > $3)) ORDER BY t1."name" DESC, t0."id" ASC LIMIT $4
binds: [String("Python"), String("Python"), Uuid(00000000-0000-0000-0000-000000000007), I64(11)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."name" FROM "posts" AS t0 LEFT JOIN "categories" AS t1 ON t1."id" = t0."category_id" WHERE (t1."name" IS NOT NULL OR (t1."name" IS NULL AND t0."id" > $1)) ORDER BY t1."name" DESC, t0."id" ASC LIMIT $2
binds: [Uuid(00000000-0000-0000-0000-000000000008), I64(11)]
intent: read
"##,
            r##"
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at`, t1.`name` FROM `posts` AS t0 LEFT JOIN `categories` AS t1 ON t1.`id` = t0.`category_id` ORDER BY t1.`name` DESC, t0.`id` ASC LIMIT ? OFFSET ?
binds: [I64(11), I64(5)]
intent: read
---
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at`, t1.`name` FROM `posts` AS t0 LEFT JOIN `categories` AS t1 ON t1.`id` = t0.`category_id` WHERE (t1.`name` < ? OR t1.`name` IS NULL OR (t1.`name` = ? AND t0.`id` > ?)) ORDER BY t1.`name` DESC, t0.`id` ASC LIMIT ?
binds: [String("Python"), String("Python"), Uuid(00000000-0000-0000-0000-000000000007), I64(11)]
intent: read
---
SELECT t0.`id`, t0.`title`, t0.`content`, t0.`published`, t0.`author_id`, t0.`category_id`, t0.`created_at`, t1.`name` FROM `posts` AS t0 LEFT JOIN `categories` AS t1 ON t1.`id` = t0.`category_id` WHERE ((t1.`name` IS NULL AND t0.`id` > ?)) ORDER BY t1.`name` DESC, t0.`id` ASC LIMIT ?
binds: [Uuid(00000000-0000-0000-0000-000000000008), I64(11)]
intent: read
"##,
            r##"
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."name" FROM "posts" AS t0 LEFT JOIN "categories" AS t1 ON t1."id" = t0."category_id" ORDER BY t1."name" DESC, t0."id" ASC LIMIT ? OFFSET ?
binds: [I64(11), I64(5)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."name" FROM "posts" AS t0 LEFT JOIN "categories" AS t1 ON t1."id" = t0."category_id" WHERE (t1."name" < ? OR t1."name" IS NULL OR (t1."name" = ? AND t0."id" > ?)) ORDER BY t1."name" DESC, t0."id" ASC LIMIT ?
binds: [String("Python"), String("Python"), Uuid(00000000-0000-0000-0000-000000000007), I64(11)]
intent: read
---
SELECT t0."id", t0."title", t0."content", t0."published", t0."author_id", t0."category_id", t0."created_at", t1."name" FROM "posts" AS t0 LEFT JOIN "categories" AS t1 ON t1."id" = t0."category_id" WHERE ((t1."name" IS NULL AND t0."id" > ?)) ORDER BY t1."name" DESC, t0."id" ASC LIMIT ?
binds: [Uuid(00000000-0000-0000-0000-000000000008), I64(11)]
intent: read
"##,
        ],
    );
}
