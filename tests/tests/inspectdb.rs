//! `inspectdb` on Chinook: the generated models are checked in (tests/src/chinook_models)
//! and must be what inspectdb writes today; the read tests use those compiled models.
//!
//! After a deliberate change to inspectdb, regenerate with
//! `AKSARA_BLESS=1 cargo test -p aksara-tests --test inspectdb`.

use aksara::migrate::inspectdb::models_source;
use aksara_tests::chinook::load;
use aksara_tests::{backend_tests, Backend, TestDb};
use std::path::PathBuf;

fn models_file(backend: Backend) -> PathBuf {
    models_path("chinook_models", backend)
}

fn models_path(folder: &str, backend: Backend) -> PathBuf {
    let name = match backend {
        Backend::Postgres => "postgres",
        Backend::Mysql => "mysql",
        Backend::Sqlite => "sqlite",
    };
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("src/{folder}/{name}.rs"))
}

/// Fails unless `source` is the checked-in `path` (written there first with AKSARA_BLESS=1).
fn assert_checked_in(path: &std::path::Path, source: &str) {
    if std::env::var("AKSARA_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(path, source).expect("write the models");
    }
    let checked_in = std::fs::read_to_string(path).expect("read the checked-in models");
    assert!(
        checked_in == source,
        "{} is not what inspectdb writes now; regenerate with AKSARA_BLESS=1 \
         (and review the diff). inspectdb wrote:\n{source}",
        path.display()
    );
}

async fn generated_models_are_checked_in(t: TestDb) {
    let (db, schema) = load(&t).await;
    let source = models_source(&schema, db.dialect().name());
    assert_checked_in(&models_file(t.backend()), &source);
}

/// The seed's blog, created by `create_all`, read back by inspectdb: UUID keys, booleans,
/// timestamps, a self-reference, a one-to-one and the many-to-many's junction as a model.
async fn blog_models_are_checked_in(t: TestDb) {
    let db = t.db(aksara::demo::registry()).await;
    let schema = aksara::introspect::introspect(&db).await.unwrap();
    let source = models_source(&schema, db.dialect().name());
    assert_checked_in(&models_path("blog_models", t.backend()), &source);
}

backend_tests!(generated_models_are_checked_in, blog_models_are_checked_in);

/// Reads every row of each model and compares the count with `SELECT COUNT(*)`.
macro_rules! every_row {
    ($db:ident, $raw:ident, $m:ident; $($model:ident),*) => {$(
        {
                    let rows = $m::$model::objects().all(&$db).await.unwrap_or_else(|e| {
                        panic!("read {}: {e}", stringify!($model))
                    });
                    let table = $db.registry().model(stringify!($model)).unwrap().meta.table.clone();
                    let count = $raw
                        .raw(&format!("SELECT COUNT(*) FROM {}", $db.dialect().quote_identifier(&table)), [])
                        .await
                        .unwrap();
                    let count = match &count[0][0] {
                        aksara::Value::I64(n) => *n as usize,
                        aksara::Value::I32(n) => *n as usize,
                        other => panic!("COUNT(*) gave {other:?}"),
                    };
                    assert_eq!(rows.len(), count, "{}", stringify!($model));
                    assert!(count > 0, "{} has rows", stringify!($model));
                    assert_eq!($m::$model::objects().count(&$db).await.unwrap() as usize, count);
        }
    )*};
}

/// Reads every table of Chinook through the checked-in models of `$models` (all rows, the
/// count equal to `SELECT COUNT(*)`), then follows Track -> Album -> Artist, Album -> its
/// tracks, and an invoice's lines.
macro_rules! reads_chinook {
    ($name:ident, $models:ident) => {
        async fn $name(t: TestDb) {
            use aksara::{Model, OptionalRelation};
            use aksara_tests::chinook_models::$models as m;
            let (raw, _) = load(&t).await;
            let db = raw.with_registry(m::registry());
            every_row!(db, raw, m; Album, Artist, Customer, Employee, Genre, Invoice, InvoiceLine, MediaType, Playlist, Track);

            let track = m::Track::objects()
                .order_by(["track_id"])
                .first(&db)
                .await
                .unwrap()
                .expect("a track");
            assert_eq!(track.name, "For Those About To Rock (We Salute You)");
            let album = track.album.get(&db).await.unwrap().expect("its album");
            assert_eq!(album.title, "For Those About To Rock We Salute You");
            let artist = album.artist.get(&db).await.unwrap();
            assert_eq!(artist.name.as_deref(), Some("AC/DC"));
            assert_eq!(album.tracks().all(&db).await.unwrap().len(), 10);
            assert_eq!(artist.albums().all(&db).await.unwrap().len(), 2);

            let invoice = m::Invoice::objects()
                .order_by(["invoice_id"])
                .first(&db)
                .await
                .unwrap()
                .expect("an invoice");
            let lines = invoice.invoice_lines().all(&db).await.unwrap();
            assert_eq!(lines.len(), 2);
            let number = |v: String| v.parse::<f64>().unwrap();
            let sum: f64 = lines
                .iter()
                .map(|l| number(l.unit_price.to_string()) * l.quantity as f64)
                .sum();
            assert!((sum - number(invoice.total.to_string())).abs() < 1e-9, "{sum}");
            let first_line_track = lines[0].track.get(&db).await.unwrap();
            assert!(!first_line_track.name.is_empty());
            let customer = invoice.customer.get(&db).await.unwrap();
            let rep = customer.support_rep.get(&db).await.unwrap().expect("a support rep");
            assert!(rep.customers().all(&db).await.unwrap().iter().any(|c| c.customer_id == customer.customer_id));
        }
    };
}

reads_chinook!(reads_chinook_postgres, postgres);
reads_chinook!(reads_chinook_mysql, mysql);
reads_chinook!(reads_chinook_sqlite, sqlite);

mod reads_every_table {
    use super::*;
    #[tokio::test]
    async fn postgres() {
        if let Some(t) =
            TestDb::new(Backend::Postgres, "inspectdb::reads_every_table::postgres").await
        {
            reads_chinook_postgres(t).await;
        }
    }
    #[tokio::test]
    async fn mysql() {
        if let Some(t) = TestDb::new(Backend::Mysql, "inspectdb::reads_every_table::mysql").await {
            reads_chinook_mysql(t).await;
        }
    }
    #[tokio::test]
    async fn sqlite() {
        if let Some(t) = TestDb::new(Backend::Sqlite, "inspectdb::reads_every_table::sqlite").await
        {
            reads_chinook_sqlite(t).await;
        }
    }
}

/// On PostgreSQL the Chinook junction `playlist_track` has the columns Aksara's automatic
/// junction would have (`playlist_id`, `track_id`), so inspectdb writes the many-to-many
/// field `Playlist.tracks`: it reads the same links as SQL does, both ways.
#[tokio::test]
async fn postgres_playlist_tracks_read_through_the_junction() {
    use aksara::Model;
    use aksara_tests::chinook_models::postgres as m;
    let Some(t) = TestDb::new(Backend::Postgres, "inspectdb::postgres_playlist_tracks").await
    else {
        return;
    };
    let (raw, _) = load(&t).await;
    let db = raw.with_registry(m::registry());
    let count = |sql: &'static str| {
        let raw = raw.clone();
        async move {
            match &raw.raw(sql, []).await.unwrap()[0][0] {
                aksara::Value::I64(n) => *n as usize,
                other => panic!("{other:?}"),
            }
        }
    };
    for playlist in m::Playlist::objects()
        .order_by(["playlist_id"])
        .all(&db)
        .await
        .unwrap()
        .iter()
        .take(3)
    {
        let tracks = playlist.tracks().all(&db).await.unwrap();
        let expected = raw
            .raw(
                "SELECT COUNT(*) FROM playlist_track WHERE playlist_id = {}",
                [aksara::Value::I32(playlist.playlist_id)],
            )
            .await
            .unwrap();
        assert_eq!(
            aksara::Value::I64(tracks.len() as i64),
            expected[0][0],
            "playlist {}",
            playlist.playlist_id
        );
    }
    let track = m::Track::objects()
        .order_by(["track_id"])
        .first(&db)
        .await
        .unwrap()
        .unwrap();
    let playlists = track.playlists().all(&db).await.unwrap();
    assert_eq!(
        playlists.len(),
        count("SELECT COUNT(*) FROM playlist_track WHERE track_id = 1").await
    );
    assert!(!playlists.is_empty());
}

/// The seed's blog, seeded by `aksara::demo::seed`, read back through the models inspectdb
/// wrote for it (`tests/src/blog_models`): every row of every table, and the relations.
macro_rules! reads_blog {
    ($name:ident, $models:ident, $variant:ident) => {
        #[tokio::test]
        async fn $name() {
            use aksara::{Model, OptionalRelation};
            use aksara_tests::blog_models::$models as m;
            let Some(t) = TestDb::new(Backend::$variant, concat!("inspectdb::", stringify!($name))).await else {
                return;
            };
            let demo = t.db(aksara::demo::registry()).await;
            let seeded = aksara::demo::seed(&demo).await.unwrap();
            let db = demo.with_registry(m::registry());
            every_row!(db, demo, m; Category, PostTag, Post, Tag, UserProfile, User);
            assert_eq!(m::User::objects().count(&db).await.unwrap() as usize, seeded.users);
            for post in m::Post::objects().all(&db).await.unwrap() {
                let author = post.author.get(&db).await.unwrap();
                assert!(author.posts().all(&db).await.unwrap().iter().any(|p| p.id == post.id));
                if let Some(category) = post.category.get(&db).await.unwrap() {
                    assert!(category.posts().all(&db).await.unwrap().iter().any(|p| p.id == post.id));
                }
                let tags = post.post_tags().all(&db).await.unwrap();
                for link in tags {
                    link.tag.get(&db).await.unwrap();
                }
            }
            let children: usize = {
                let mut n = 0;
                for c in m::Category::objects().all(&db).await.unwrap() {
                    n += c.categories_by_parent().all(&db).await.unwrap().len();
                }
                n
            };
            let nested = m::Category::objects().all(&db).await.unwrap().iter().filter(|c| c.parent.is_some()).count();
            assert_eq!(children, nested);
            assert!(nested > 0, "the seed nests categories");
        }
    };
}

reads_blog!(reads_blog_postgres, postgres, Postgres);
reads_blog!(reads_blog_mysql, mysql, Mysql);
reads_blog!(reads_blog_sqlite, sqlite, Sqlite);
