//! Mistakes in model definitions are reported when the registry is built, all at once, in one
//! `Error::Config` naming each model and field. The metadata is made by hand because the
//! derive refuses some of these (SET_NULL on a non-Option) at compile time.

mod common;

use aksara::{
    Error, FieldKind, FieldMeta, ModelMeta, OnDelete, Registry, RelationKind, RelationMeta, Target,
};
use common::assert_mentions;

fn pk() -> FieldMeta {
    let mut f = FieldMeta::new("id", FieldKind::Uuid);
    f.primary_key = true;
    f
}

fn text(name: &str) -> FieldMeta {
    FieldMeta::new(name, FieldKind::String { max_length: 100 })
}

fn fk(
    name: &str,
    target: &str,
    related_name: Option<&str>,
    on_delete: OnDelete,
    nullable: bool,
) -> FieldMeta {
    let mut f = FieldMeta::new(name, FieldKind::Uuid);
    f.column = format!("{name}_id");
    f.nullable = nullable;
    let mut rel = RelationMeta::new(RelationKind::ForeignKey, Target::Name(target.to_string()));
    rel.on_delete = on_delete;
    rel.related_name = related_name.map(str::to_string);
    f.relation = Some(rel);
    f
}

fn model(name: &str, table: &str, fields: Vec<FieldMeta>) -> ModelMeta {
    let mut m = ModelMeta::new(name, table);
    m.fields = fields;
    m
}

fn author() -> ModelMeta {
    model("Author", "authors", vec![pk(), text("name")])
}

fn section() -> ModelMeta {
    model("Section", "sections", vec![pk(), text("title")])
}

fn config_problems(result: aksara::Result<std::sync::Arc<Registry>>) -> Vec<String> {
    match result {
        Ok(_) => panic!("expected Error::Config, the registry was built"),
        Err(Error::Config(problems)) => problems,
        Err(other) => panic!("expected Error::Config, got {other:?}"),
    }
}

/// The problem that mentions every one of `needles`, or a panic listing all problems.
fn find<'a>(problems: &'a [String], needles: &[&str]) -> &'a str {
    problems
        .iter()
        .find(|p| needles.iter().all(|n| p.contains(n)))
        .unwrap_or_else(|| {
            panic!("no problem mentions all of {needles:?}; problems: {problems:#?}")
        })
}

/// Several misuses at once: one Error::Config lists every one, each naming model and field.
#[test]
fn registry_reports_every_problem_at_once() {
    let article = model(
        "Article",
        "articles",
        vec![
            pk(),
            text("title"),
            // Two reverse accessors called `articles` on Author.
            fk(
                "author",
                "Author",
                Some("articles"),
                OnDelete::Cascade,
                false,
            ),
            fk(
                "editor",
                "Author",
                Some("articles"),
                OnDelete::Cascade,
                false,
            ),
            // A reverse accessor called `name`: Author already has a field `name`.
            fk("reviewer", "Author", Some("name"), OnDelete::Cascade, false),
            // SET_NULL on a relation that cannot be NULL.
            fk(
                "approver",
                "Author",
                Some("approved_articles"),
                OnDelete::SetNull,
                false,
            ),
            // A target that does not exist (a typo of Section).
            fk("section", "Sectoin", None, OnDelete::Cascade, false),
        ],
    );
    let result = Registry::builder()
        .meta(&author())
        .meta(&section())
        .meta(&article)
        .build();
    let problems = config_problems(result);

    // Two reverse accessors that clash.
    let clash = find(&problems, &["Article.editor", "`articles`", "Author"]);
    assert_mentions(clash, &["Article.author"]);
    // A reverse accessor clashing with a field.
    find(&problems, &["Article.reviewer", "`name`", "Author.name"]);
    // SET_NULL on a non-nullable relation.
    find(&problems, &["Article.approver", "SET_NULL"]);
    // An unknown target, with the close name suggested.
    find(&problems, &["Article.section", "Sectoin", "Section"]);
    assert!(problems.len() >= 4, "{problems:#?}");

    // The error's message carries the whole list.
    let message = Error::Config(problems.clone()).to_string();
    assert_mentions(
        &message,
        &[
            "Article.editor",
            "Article.reviewer",
            "Article.approver",
            "Article.section",
        ],
    );
}

/// Default reverse names clash too: two relations from Article to Author without related_name
/// would both be `article_set` (and `article` in filters).
#[test]
fn registry_reports_default_reverse_name_clash() {
    let article = model(
        "Article",
        "articles",
        vec![
            pk(),
            fk("author", "Author", None, OnDelete::Cascade, false),
            fk("editor", "Author", None, OnDelete::Cascade, false),
        ],
    );
    let problems = config_problems(Registry::builder().meta(&author()).meta(&article).build());
    find(&problems, &["Article.editor", "article", "Article.author"]);
}

/// Each kind of problem is detected when it is the only one.
#[test]
fn registry_reports_each_problem_alone() {
    let only = |field: FieldMeta| {
        let article = model("Article", "articles", vec![pk(), field]);
        config_problems(
            Registry::builder()
                .meta(&author())
                .meta(&section())
                .meta(&article)
                .build(),
        )
    };
    let problems = only(fk(
        "reviewer",
        "Author",
        Some("name"),
        OnDelete::Cascade,
        false,
    ));
    find(&problems, &["Article.reviewer", "`name`", "Author.name"]);
    let problems = only(fk("approver", "Author", None, OnDelete::SetNull, false));
    find(&problems, &["Article.approver", "SET_NULL"]);
    let problems = only(fk("section", "Sectoin", None, OnDelete::Cascade, false));
    find(&problems, &["Article.section", "Sectoin", "Section"]);

    let article = model(
        "Article",
        "articles",
        vec![
            pk(),
            fk(
                "author",
                "Author",
                Some("articles"),
                OnDelete::Cascade,
                false,
            ),
            fk(
                "editor",
                "Author",
                Some("articles"),
                OnDelete::Cascade,
                false,
            ),
        ],
    );
    let problems = config_problems(Registry::builder().meta(&author()).meta(&article).build());
    find(
        &problems,
        &["Article.editor", "`articles`", "Article.author"],
    );
}

/// The same models, corrected, build.
#[test]
fn registry_accepts_the_corrected_models() {
    let article = model(
        "Article",
        "articles",
        vec![
            pk(),
            text("title"),
            fk(
                "author",
                "Author",
                Some("authored_articles"),
                OnDelete::Cascade,
                false,
            ),
            fk(
                "editor",
                "Author",
                Some("edited_articles"),
                OnDelete::Cascade,
                false,
            ),
            fk(
                "reviewer",
                "Author",
                Some("reviewed_articles"),
                OnDelete::Cascade,
                false,
            ),
            fk(
                "approver",
                "Author",
                Some("approved_articles"),
                OnDelete::SetNull,
                true,
            ),
            fk("section", "Section", None, OnDelete::Cascade, false),
        ],
    );
    let registry = Registry::builder()
        .meta(&author())
        .meta(&section())
        .meta(&article)
        .build()
        .expect("valid models");
    let author = registry.model("Author").unwrap();
    for name in [
        "authored_articles",
        "edited_articles",
        "reviewed_articles",
        "approved_articles",
    ] {
        assert!(author.edge(name).is_some(), "{name}");
    }
    assert!(registry.model("Section").unwrap().edge("article").is_some());
}
