//! Reliability: property tests. Random many-to-many operation sequences and random filter
//! trees give the same results as a naive in-memory model of the same data; random lookup
//! paths never make the compiler panic.

use aksara::compile::Compiler;
use aksara::{q, Condition, Error, Model, Query, Value};
use aksara_tests::models::blog::*;
use aksara_tests::reliability::{record, Figures};
use aksara_tests::{Backend, TestDb};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use std::collections::BTreeSet;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// The number of cases, `PROPTEST_CASES` when set (a longer local run), else `default`.
fn cases_from_env(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn test_db(rt: &tokio::runtime::Runtime, backend: Backend, name: &str) -> Option<TestDb> {
    rt.block_on(TestDb::new(backend, name))
}

// ---------------------------------------------------------------- many-to-many sequences

#[derive(Debug, Clone)]
enum Op {
    Add(Vec<usize>),
    Remove(Vec<usize>),
    Set(Vec<usize>),
    Clear,
}

fn op() -> impl Strategy<Value = Op> {
    let ids = proptest::collection::vec(0usize..6, 0..5);
    prop_oneof![
        ids.clone().prop_map(Op::Add),
        ids.clone().prop_map(Op::Remove),
        ids.prop_map(Op::Set),
        Just(Op::Clear),
    ]
}

fn m2m_sequences_match_a_set(backend: Backend) {
    let rt = runtime();
    let Some(t) = test_db(&rt, backend, &format!("properties_m2m_{}", backend.name())) else {
        return;
    };
    let (db, user, tags) = rt.block_on(async {
        let db = t.db(registry()).await;
        let user = User::build()
            .email("p@example.com")
            .name("P")
            .create(&db)
            .await
            .unwrap();
        let mut tags = Vec::new();
        for i in 0..6 {
            tags.push(
                Tag::build()
                    .name(format!("t{i}"))
                    .slug(format!("t{i}"))
                    .create(&db)
                    .await
                    .unwrap(),
            );
        }
        (db, user, tags)
    });
    let cases = cases_from_env(24);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let operations = std::cell::Cell::new(0u64);
    runner
        .run(&proptest::collection::vec(op(), 1..12), |ops| {
            rt.block_on(async {
                let post = Post::build()
                    .title("p")
                    .content("c")
                    .author(&user)
                    .create(&db)
                    .await
                    .unwrap();
                let mut model: BTreeSet<usize> = BTreeSet::new();
                for op in &ops {
                    let pick =
                        |ids: &Vec<usize>| ids.iter().map(|&i| tags[i].id).collect::<Vec<_>>();
                    match op {
                        Op::Add(ids) => {
                            post.tags().add(&db, pick(ids)).await.unwrap();
                            model.extend(ids.iter().copied());
                        }
                        Op::Remove(ids) => {
                            post.tags().remove(&db, pick(ids)).await.unwrap();
                            for i in ids {
                                model.remove(i);
                            }
                        }
                        Op::Set(ids) => {
                            post.tags().set(&db, pick(ids)).await.unwrap();
                            model = ids.iter().copied().collect();
                        }
                        Op::Clear => {
                            post.tags().clear(&db).await.unwrap();
                            model.clear();
                        }
                    }
                    operations.set(operations.get() + 1);
                    let actual: BTreeSet<usize> = post
                        .tags()
                        .all(&db)
                        .await
                        .unwrap()
                        .into_iter()
                        .map(|t| tags.iter().position(|x| x.id == t.id).unwrap())
                        .collect();
                    if actual != model {
                        return Err(TestCaseError::fail(format!(
                            "after {op:?}: {actual:?} != {model:?}"
                        )));
                    }
                }
                Ok(())
            })
        })
        .unwrap();
    record(
        backend.name(),
        Figures {
            case: "property_m2m_sequences",
            tried: format!(
                "{cases} random sequences of add/remove/set/clear, each step checked against a set"
            ),
            operations: operations.get(),
            faults: 0,
            errors: 0,
            lost: 0,
        },
    );
}

// ---------------------------------------------------------------- filter trees

/// The in-memory copy of the data the filters run on.
#[derive(Debug, Clone)]
struct Row {
    id: uuid::Uuid,
    title: String,
    published: bool,
    author: String,
    category: Option<String>,
    tags: Vec<String>,
}

#[derive(Debug, Clone)]
enum Leaf {
    Title(&'static str),
    TitleContains(&'static str),
    TitleIn(Vec<&'static str>),
    Published(bool),
    Author(&'static str),
    Category(&'static str),
    CategoryIsNull(bool),
    Tag(&'static str),
}

#[derive(Debug, Clone)]
enum Tree {
    Leaf(Leaf),
    And(Vec<Tree>),
    Or(Vec<Tree>),
    Not(Box<Tree>),
}

const TITLES: [&str; 4] = ["alpha", "beta", "gamma", "alphabet"];
const NAMES: [&str; 3] = ["ann", "bob", "cy"];
const TAGS: [&str; 3] = ["x", "y", "z"];

fn leaf() -> impl Strategy<Value = Leaf> {
    prop_oneof![
        proptest::sample::select(&TITLES[..]).prop_map(Leaf::Title),
        proptest::sample::select(&["alp", "ta", "a", "zz"][..]).prop_map(Leaf::TitleContains),
        proptest::collection::vec(proptest::sample::select(&TITLES[..]), 0..3)
            .prop_map(Leaf::TitleIn),
        any::<bool>().prop_map(Leaf::Published),
        proptest::sample::select(&NAMES[..]).prop_map(Leaf::Author),
        proptest::sample::select(&NAMES[..]).prop_map(Leaf::Category),
        any::<bool>().prop_map(Leaf::CategoryIsNull),
        proptest::sample::select(&TAGS[..]).prop_map(Leaf::Tag),
    ]
}

fn tree() -> impl Strategy<Value = Tree> {
    leaf()
        .prop_map(Tree::Leaf)
        .prop_recursive(3, 16, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 1..4).prop_map(Tree::And),
                proptest::collection::vec(inner.clone(), 1..4).prop_map(Tree::Or),
                inner.prop_map(|t| Tree::Not(Box::new(t))),
            ]
        })
}

fn condition(tree: &Tree) -> Condition {
    match tree {
        Tree::Leaf(l) => match l {
            Leaf::Title(v) => q!(title = *v),
            Leaf::TitleContains(v) => q!(title__contains = *v),
            Leaf::TitleIn(v) => q!(title__in = aksara::value_list(v.iter().copied())),
            Leaf::Published(v) => q!(published = *v),
            Leaf::Author(v) => q!(author__name = *v),
            Leaf::Category(v) => q!(category__name = *v),
            Leaf::CategoryIsNull(v) => q!(category__isnull = *v),
            Leaf::Tag(v) => q!(tags__name = *v),
        },
        Tree::And(items) => Condition::And(items.iter().map(condition).collect()),
        Tree::Or(items) => Condition::Or(items.iter().map(condition).collect()),
        Tree::Not(inner) => Condition::Not(Box::new(condition(inner))),
    }
}

/// True when a tag leaf of `tree` lies outside every NOT (those share one tag row).
fn has_tag_leaf(tree: &Tree) -> bool {
    match tree {
        Tree::Leaf(Leaf::Tag(_)) => true,
        Tree::Leaf(_) | Tree::Not(_) => false,
        Tree::And(items) | Tree::Or(items) => items.iter().any(has_tag_leaf),
    }
}

/// The naive evaluation, with the same rules as the engine (Django's single join per
/// `filter` call): within one group (a filter call's tree, or a NOT's) every tag leaf outside
/// a nested NOT refers to the same tag row, the tree being true when some tag row makes it
/// true; a post with no tags has one "no tag" row, on which tag leaves are false. A NOT is a
/// group of its own ("no such tag"). A missing category matches nothing but `isnull`; NOT of
/// something unknown is true.
fn eval(tree: &Tree, row: &Row) -> bool {
    if !has_tag_leaf(tree) {
        return eval_on(tree, row, None);
    }
    if row.tags.is_empty() {
        eval_on(tree, row, None)
    } else {
        row.tags.iter().any(|t| eval_on(tree, row, Some(t)))
    }
}

/// `tree` with its tag leaves compared to `tag` (`None`: the "no tag" row).
fn eval_on(tree: &Tree, row: &Row, tag: Option<&String>) -> bool {
    match tree {
        Tree::Leaf(Leaf::Tag(name)) => tag.is_some_and(|t| t == name),
        Tree::Leaf(l) => eval_leaf(l, row),
        Tree::And(items) => items.iter().all(|t| eval_on(t, row, tag)),
        Tree::Or(items) => items.iter().any(|t| eval_on(t, row, tag)),
        Tree::Not(inner) => !eval(inner, row),
    }
}

fn eval_leaf(leaf: &Leaf, row: &Row) -> bool {
    match leaf {
        Leaf::Title(v) => row.title == *v,
        Leaf::TitleContains(v) => row.title.contains(v),
        Leaf::TitleIn(v) => v.contains(&row.title.as_str()),
        Leaf::Published(v) => row.published == *v,
        Leaf::Author(v) => row.author == *v,
        Leaf::Category(v) => row.category.as_deref() == Some(*v),
        Leaf::CategoryIsNull(v) => row.category.is_none() == *v,
        Leaf::Tag(_) => unreachable!("handled by eval"),
    }
}

fn filter_trees_match_naive_evaluation(backend: Backend) {
    let rt = runtime();
    let Some(t) = test_db(
        &rt,
        backend,
        &format!("properties_filters_{}", backend.name()),
    ) else {
        return;
    };
    let (db, rows) = rt.block_on(async {
        let db = t.db(registry()).await;
        let mut users = Vec::new();
        let mut categories = Vec::new();
        for n in NAMES {
            users.push(
                User::build()
                    .email(format!("{n}@example.com"))
                    .name(n)
                    .create(&db)
                    .await
                    .unwrap(),
            );
            categories.push(Category::build().name(n).slug(n).create(&db).await.unwrap());
        }
        let mut tags = Vec::new();
        for n in TAGS {
            tags.push(Tag::build().name(n).slug(n).create(&db).await.unwrap());
        }
        let mut rows = Vec::new();
        for i in 0..24usize {
            let title = TITLES[i % 4];
            let (author, category) = (i % 3, (i / 3) % 4);
            let mut builder = Post::build()
                .title(title)
                .content("c")
                .published(i % 5 < 2)
                .author(&users[author]);
            if category < 3 {
                builder = builder.category(&categories[category]);
            }
            let post = builder.create(&db).await.unwrap();
            let tag_ids: Vec<usize> = (0..3).filter(|k| (i >> k) & 1 == 1).collect();
            post.tags()
                .add(&db, tag_ids.iter().map(|&k| tags[k].id))
                .await
                .unwrap();
            rows.push(Row {
                id: post.id,
                title: title.into(),
                published: i % 5 < 2,
                author: NAMES[author].into(),
                category: (category < 3).then(|| NAMES[category].to_string()),
                tags: tag_ids.iter().map(|&k| TAGS[k].to_string()).collect(),
            });
        }
        (db, rows)
    });
    let cases = cases_from_env(64);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let operations = std::cell::Cell::new(0u64);
    runner
        .run(&tree(), |tree| {
            let expected: BTreeSet<uuid::Uuid> = rows
                .iter()
                .filter(|r| eval(&tree, r))
                .map(|r| r.id)
                .collect();
            let qs = Post::objects().filter(condition(&tree));
            let (actual, count) =
                rt.block_on(async { (qs.all(&db).await.unwrap(), qs.count(&db).await.unwrap()) });
            operations.set(operations.get() + 2);
            let ids: Vec<uuid::Uuid> = actual.iter().map(|p| p.id).collect();
            let unique: BTreeSet<uuid::Uuid> = ids.iter().copied().collect();
            prop_assert_eq!(ids.len(), unique.len(), "no row twice for {:?}", tree);
            prop_assert_eq!(
                count as usize,
                ids.len(),
                "count agrees with rows for {:?}",
                tree
            );
            prop_assert_eq!(unique, expected, "rows for {:?}", tree);
            Ok(())
        })
        .unwrap();
    record(
        backend.name(),
        Figures {
            case: "property_filter_trees",
            tried: format!("{cases} random AND/OR/NOT trees over forward, nullable and many-to-many paths vs naive evaluation"),
            operations: operations.get(),
            faults: 0,
            errors: 0,
            lost: 0,
        },
    );
}

// ---------------------------------------------------------------- lookup paths

fn path_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "title",
                "author",
                "email",
                "name",
                "tags",
                "posts",
                "category",
                "parent",
                "children",
                "profile",
                "icontains",
                "in",
                "isnull",
                "range",
                "gt",
                "id",
                "author_id",
                "",
                "_",
                "__",
            ][..]
        )
        .prop_map(str::to_string),
        "[a-z_\"'`;() ]{0,8}".prop_map(|s| s),
    ]
}

#[test]
fn random_lookup_paths_never_panic_the_compiler() {
    let registry = registry();
    let dialects: [&dyn aksara::Dialect; 3] = [
        &aksara::postgres::PgDialect,
        &aksara::mysql::MysqlDialect,
        &aksara::sqlite::SqliteDialect,
    ];
    let mut runner = TestRunner::new(Config {
        cases: 2000,
        failure_persistence: None,
        ..Config::default()
    });
    let values = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::I64),
        ".{0,6}".prop_map(Value::String),
        proptest::collection::vec(any::<i32>().prop_map(Value::I32), 0..3).prop_map(Value::Array),
    ];
    runner
        .run(
            &(proptest::collection::vec(path_piece(), 1..5), values),
            |(pieces, value)| {
                let path = pieces.join("__");
                for dialect in dialects {
                    let mut query = Query::default();
                    query
                        .conditions
                        .push(Condition::new(path.clone(), value.clone()));
                    query.order_by.push(aksara::OrderBy::parse(&path));
                    let info = registry.model("Post").unwrap();
                    match Compiler::new(&registry, dialect).select(info, &query) {
                        Ok(_)
                        | Err(
                            Error::UnknownField { .. }
                            | Error::Config(_)
                            | Error::Validation { .. },
                        ) => {}
                        Err(other) => {
                            return Err(TestCaseError::fail(format!(
                                "{path:?}: unexpected {other}"
                            )))
                        }
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}

macro_rules! per_backend {
    ($($name:ident),*) => {
        mod postgres { $( #[test] fn $name() { super::$name(aksara_tests::Backend::Postgres) } )* }
        mod mysql { $( #[test] fn $name() { super::$name(aksara_tests::Backend::Mysql) } )* }
        mod sqlite { $( #[test] fn $name() { super::$name(aksara_tests::Backend::Sqlite) } )* }
    };
}

per_backend!(
    m2m_sequences_match_a_set,
    filter_trees_match_naive_evaluation
);
