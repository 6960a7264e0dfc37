//! The README's "Queries" section, compiled and run on every backend: each line of its code
//! block is in `queries` below (checked by `readme_block_is_this_code`), with the answers
//! asserted beside it.

use aksara::{q, Condition, Count, Db, Model, OuterRef, Registry, Subquery, Sum, F};
use aksara_tests::{backend_tests, Backend, TestDb};
use std::sync::Arc;

mod models {
    use aksara::{ForeignKey, ManyToMany, Model, CASCADE};

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "rq_authors")]
    pub struct Author {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub name: String,
        pub related: aksara::Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "rq_tags")]
    pub struct Tag {
        pub id: i64,
        #[aksara(max_length = 30, unique)]
        pub slug: String,
        #[aksara(max_length = 30)]
        pub name: String,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "rq_posts")]
    pub struct Post {
        pub id: i64,
        #[aksara(max_length = 30)]
        pub title: String,
        pub views: i64,
        pub published: bool,
        #[aksara(on_delete = CASCADE, related_name = "posts")]
        pub author: ForeignKey<Author>,
        #[aksara(related_name = "posts")]
        pub tags: ManyToMany<Tag>,
    }
}

use models::{Author, Post, Tag};

/// A typed row of the README's block.
#[derive(aksara::Row, Debug, PartialEq)]
struct TagCount {
    slug: String,
    n: i64,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Author>()
        .model::<Tag>()
        .model::<Post>()
        .build()
        .expect("valid models")
}

async fn seed(db: &Db) -> aksara::Result<()> {
    let ann = Author::build().name("Ann").create(db).await?;
    let bob = Author::build().name("Bob").create(db).await?;
    Author::build().name("Cid").create(db).await?;
    let rust = Tag::build().slug("rust").name("Rust").create(db).await?;
    let sql = Tag::build().slug("sql").name("SQL").create(db).await?;
    for (title, views, published, author, tags) in [
        ("Ownership", 120, true, &ann, vec![&rust]),
        ("Lifetimes", 80, true, &ann, vec![&rust]),
        ("Joins", 40, true, &ann, vec![&rust, &sql]),
        ("Drafts", 0, false, &bob, vec![&sql]),
    ] {
        let post = Post::build()
            .title(title)
            .views(views)
            .published(published)
            .author(author)
            .create(db)
            .await?;
        post.tags().add(db, tags).await?;
    }
    Ok(())
}

async fn queries(t: TestDb) {
    let db = t.db(registry()).await;
    seed(&db).await.unwrap();
    let mut streamed = Vec::new();
    let run = async {
        // README:start
        // Annotations across relations: each its own subquery, read on the row.
        let authors = Author::objects()
            .annotate("n_posts", Count::of("posts"))
            .annotate("views", Sum::of("posts__views"))
            .filter(q!(n_posts__gte = 1))
            .order_by(["-n_posts"])
            .all(&db)
            .await?;
        let n: i64 = authors[0].get("n_posts")?;
        let views: Option<i64> = authors[0].get("views")?;
        let published = Author::objects()
            .annotate(
                "live",
                Count::of("posts").filter(q!(posts__published = true)),
            )
            .all(&db)
            .await?;
        let totals = Post::objects()
            .aggregate(
                &db,
                [("posts", Count::of("id")), ("views", Sum::of("views"))],
            )
            .await?;
        // Group by: values(..) then annotate.
        let per_tag = Tag::objects()
            .values(["slug"])
            .annotate("n", Count::of("posts"))
            .order_by(["-n"])
            .all(&db)
            .await?;
        let slug: String = per_tag[0].get("slug")?;
        // Subqueries: IN, EXISTS with OuterRef, a subquery as an annotation.
        let tagged = Author::objects()
            .filter(q!(id__in = Post::objects()
                .filter(q!(tags__slug = "sql"))
                .values(["author"])))
            .all(&db)
            .await?;
        let live = Author::objects()
            .filter(Condition::exists(
                &Post::objects().filter(q!(author = OuterRef::col("id"), published = true)),
            ))
            .count(&db)
            .await?;
        let top = Author::objects()
            .annotate(
                "top",
                Subquery::of(
                    &Post::objects()
                        .filter(q!(author = OuterRef::col("id")))
                        .order_by(["-views"])
                        .values(["title"])
                        .limit(1),
                ),
            )
            .all(&db)
            .await?;
        // F expressions: the database computes the new value; no lost update.
        Post::objects()
            .filter(q!(title = "Joins"))
            .update(&db, [("views", F::col("views") + 1)])
            .await?;
        let popular = Post::objects()
            .filter(q!(views__gt = F::col("author__id") * 50))
            .count(&db)
            .await?;
        // Upsert, distinct, in_bulk, columns on demand.
        let tags = Tag::objects()
            .bulk_create(
                &db,
                [
                    Tag::build().slug("rust").name("Rust!"),
                    Tag::build().slug("go").name("Go"),
                ],
            )
            .on_conflict(["slug"])
            .do_update(["name"])
            .await?;
        let writers = Post::objects()
            .filter(q!(published = true))
            .values(["author__name"])
            .distinct()
            .count(&db)
            .await?;
        let by_key = Post::objects().in_bulk(&db, [1_i64, 2]).await?;
        let titles = Post::objects()
            .only(["title"])
            .order_by(["id"])
            .all(&db)
            .await?;
        let title: String = titles[0].get(Post::fields().title())?;
        // Typed rows, from values() and from raw SQL: text is a String on every backend.
        let counts = Tag::objects()
            .values(["slug"])
            .annotate("n", Count::of("posts"))
            .order_by(["slug"])
            .values_as::<TagCount>()
            .all(&db)
            .await?;
        let raw: Vec<TagCount> = db.raw_as("SELECT t.slug, COUNT(l.post_id) AS n FROM rq_tags t LEFT JOIN post_tags l ON l.tag_id = t.id GROUP BY t.slug ORDER BY t.slug", []).await?;
        // Row locks, inside a transaction: each worker claims another draft.
        let claimed = db
            .transaction(|tx| async move {
                Post::objects()
                    .filter(q!(published = false))
                    .select_for_update()
                    .skip_locked()
                    .first(&tx)
                    .await
            })
            .await?;
        // Streaming: bounded memory, keyset batches of `batch_size` rows.
        let mut stream = Post::objects()
            .order_by(["-views"])
            .stream(&db)
            .batch_size(2);
        while let Some(post) = stream.try_next().await? {
            streamed.push(post.title);
        }
        // README:end
        assert_eq!(streamed, ["Ownership", "Lifetimes", "Joins", "Drafts"]);
        assert_eq!(counts, raw);
        assert_eq!(claimed.map(|p| p.title), Some("Drafts".to_string()));
        Ok::<_, aksara::Error>((
            (
                n, views, published, totals, per_tag, slug, tagged, live, top,
            ),
            (popular, tags, writers, by_key, titles, title, counts),
        ))
    };
    let ((n, views, published, totals, per_tag, slug, tagged, live, top), rest) =
        run.await.unwrap();
    let (popular, tags, writers, by_key, titles, title, counts) = rest;
    assert_eq!(
        counts,
        [
            TagCount {
                slug: "go".into(),
                n: 0
            },
            TagCount {
                slug: "rust".into(),
                n: 3
            },
            TagCount {
                slug: "sql".into(),
                n: 2
            },
        ]
    );
    assert_eq!((n, views), (3, Some(240)));
    let live_per_author: Vec<(String, i64)> = published
        .iter()
        .map(|a| (a.name.clone(), a.get("live").unwrap()))
        .collect();
    assert!(live_per_author.contains(&("Bob".into(), 0)));
    assert!(live_per_author.contains(&("Ann".into(), 3)));
    assert_eq!(totals.get::<i64>("posts").unwrap(), 4);
    assert_eq!(totals.get::<Option<i64>>("views").unwrap(), Some(240));
    assert_eq!(slug, "rust");
    assert_eq!(per_tag[0].get::<i64>("n").unwrap(), 3);
    let mut tagged: Vec<String> = tagged.iter().map(|a| a.name.clone()).collect();
    tagged.sort();
    assert_eq!(tagged, ["Ann", "Bob"]);
    assert_eq!(live, 1);
    let mut top: Vec<(String, Option<String>)> = top
        .iter()
        .map(|a| (a.name.clone(), a.get("top").unwrap()))
        .collect();
    top.sort();
    assert_eq!(
        top,
        [
            ("Ann".into(), Some("Ownership".into())),
            ("Bob".into(), Some("Drafts".into())),
            ("Cid".into(), None)
        ]
    );
    // Ann (id 1) has posts over 50 views: 120, 80 (Joins is 41 after the update).
    assert_eq!(popular, 2);
    assert_eq!(tags.len(), 2);
    assert_eq!(
        Tag::objects()
            .get(&db, q!(slug = "rust"))
            .await
            .unwrap()
            .name,
        "Rust!"
    );
    assert_eq!(writers, 1);
    assert_eq!(by_key.len(), 2);
    assert_eq!(title, "Ownership");
    assert_eq!(titles.len(), 4);
    if t.backend() == Backend::Postgres {
        let latest = Post::objects()
            .distinct_on(["author"])
            .order_by(["author", "-views"])
            .all(&db)
            .await
            .unwrap();
        assert_eq!(latest.len(), 2);
    }
}

/// The README's block is the code above, line for line (blank lines aside).
#[test]
fn readme_block_is_this_code() {
    let readme = include_str!("../../README.md");
    let this = include_str!("readme_queries.rs");
    let section = readme
        .split("\n## Queries")
        .nth(1)
        .expect("the README has a Queries section");
    let block = section
        .split("```rust\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a rust block in the Queries section");
    let start = this.find("// README:start").expect("start marker");
    let end = this.find("// README:end").expect("end marker");
    let code: Vec<&str> = this[start..end]
        .lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let shown: Vec<&str> = block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    assert_eq!(
        shown, code,
        "README's Queries block and readme_queries.rs differ"
    );
}

backend_tests!(queries);
