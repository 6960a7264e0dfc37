//! `prefetch_related`, complete, after Django's `tests/prefetch_related` (its books, authors
//! and readers): a [`Prefetch`] with an inner queryset that has its own `select_related`
//! joins, nested prefetches and slice; `to_attr` keeping rows apart from the relation; the
//! related managers' `all` / `count` / `exists` answered from prefetched rows with no query;
//! and a row loaded by `select_related` used, not fetched again, by a prefetch through it.
//! Statement counts are asserted: they are the point.

use aksara::{q, Error, Model, Prefetch, Registry};
use aksara_tests::{backend_tests, TestDb};
use std::sync::Arc;

mod models {
    use aksara::{ForeignKey, ManyToMany, Model, Related, CASCADE};

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "pfc_books")]
    pub struct Book {
        pub id: i64,
        #[aksara(max_length = 40)]
        pub title: String,
        #[aksara(related_name = "books", db_table = "pfc_book_authors")]
        pub authors: ManyToMany<Author>,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "pfc_authors")]
    pub struct Author {
        pub id: i64,
        #[aksara(max_length = 40)]
        pub name: String,
        #[aksara(on_delete = CASCADE, related_name = "first_time_authors")]
        pub first_book: ForeignKey<Book>,
        pub related: Related,
    }

    #[derive(Model, Debug, Clone)]
    #[aksara(table = "pfc_readers")]
    pub struct Reader {
        pub id: i64,
        #[aksara(max_length = 40)]
        pub name: String,
        #[aksara(related_name = "read_by", db_table = "pfc_books_read")]
        pub books_read: ManyToMany<Book>,
        pub related: Related,
    }
}

use models::{Author, Book, Reader};

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Book>()
        .model::<Author>()
        .model::<Reader>()
        .build()
        .expect("valid models")
}

/// Django's data: four books; Charlotte, Anne and Emily first wrote "Poems", Jane "Sense and
/// Sensibility"; Amy read "Poems" and "Sense and Sensibility", Belinda "Jane Eyre" and
/// "Sense and Sensibility".
async fn seed(t: &TestDb) -> aksara::Db {
    let db = t.db(registry()).await;
    let mut books = Vec::new();
    for title in [
        "Poems",
        "Jane Eyre",
        "Wuthering Heights",
        "Sense and Sensibility",
    ] {
        books.push(Book::build().title(title).create(&db).await.unwrap());
    }
    let mut authors = Vec::new();
    for (name, first) in [("Charlotte", 0), ("Anne", 0), ("Emily", 0), ("Jane", 3)] {
        authors.push(
            Author::build()
                .name(name)
                .first_book(&books[first])
                .create(&db)
                .await
                .unwrap(),
        );
    }
    books[0]
        .authors()
        .add(&db, [&authors[0], &authors[1], &authors[2]])
        .await
        .unwrap();
    books[1].authors().add(&db, [&authors[0]]).await.unwrap();
    books[2].authors().add(&db, [&authors[2]]).await.unwrap();
    books[3].authors().add(&db, [&authors[3]]).await.unwrap();
    let amy = Reader::build().name("Amy").create(&db).await.unwrap();
    let belinda = Reader::build().name("Belinda").create(&db).await.unwrap();
    amy.books_read()
        .add(&db, [&books[0], &books[3]])
        .await
        .unwrap();
    belinda
        .books_read()
        .add(&db, [&books[1], &books[3]])
        .await
        .unwrap();
    db
}

fn sorted<T, F: Fn(&T) -> String>(rows: &[Arc<T>], name: F) -> Vec<String> {
    let mut names: Vec<String> = rows.iter().map(|r| name(r)).collect();
    names.sort();
    names
}

fn readers(book: &Book) -> Vec<String> {
    sorted(
        book.related
            .many::<Reader>("read_by")
            .expect("read_by loaded"),
        |r| r.name.clone(),
    )
}

/// `select_related("first_book").prefetch_related("first_book__read_by")`: the joined books
/// are the ones the readers are prefetched for, in 2 statements where reading the books again
/// would take 3; the answer is the same as without the join.
async fn selected_row_is_not_fetched_again(t: TestDb) {
    let db = seed(&t).await;
    let before = db.query_count();
    let authors = Author::objects()
        .select_related(["first_book"])
        .prefetch_related(["first_book__read_by"])
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        db.query_count() - before,
        2,
        "the authors with their books, then the readers"
    );
    let strict = db.strict();
    let mut seen = Vec::new();
    for author in &authors {
        let book = author.first_book.get(&strict).await.expect("joined book");
        seen.push((author.name.clone(), book.title.clone(), readers(book)));
    }
    assert_eq!(
        seen,
        vec![
            ("Charlotte".into(), "Poems".into(), vec!["Amy".to_string()]),
            ("Anne".into(), "Poems".into(), vec!["Amy".to_string()]),
            ("Emily".into(), "Poems".into(), vec!["Amy".to_string()]),
            (
                "Jane".into(),
                "Sense and Sensibility".into(),
                vec!["Amy".to_string(), "Belinda".to_string()]
            ),
        ]
    );

    // Without the join: one statement more, the same rows.
    let before = db.query_count();
    let again = Author::objects()
        .prefetch_related(["first_book__read_by"])
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 3);
    for (a, b) in authors.iter().zip(&again) {
        let (x, y) = (
            a.first_book.loaded().unwrap(),
            b.first_book.loaded().unwrap(),
        );
        assert_eq!((x.id, readers(x)), (y.id, readers(y)));
    }
}

/// An inner queryset with a filter, an order, a join and a nested prefetch: one statement per
/// level, and everything it loaded reads in strict mode with no statement.
async fn inner_queryset_with_joins_and_nested_prefetch(t: TestDb) {
    let db = seed(&t).await;
    let inner = Author::objects()
        .exclude(q!(name = "Anne"))
        .order_by(["-name"])
        .select_related(["first_book"])
        .prefetch_related(["books"]);
    let before = db.query_count();
    let books = Book::objects()
        .prefetch_related([Prefetch::new("first_time_authors").queryset(inner)])
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        db.query_count() - before,
        3,
        "books, their authors joined with first_book, the authors' books"
    );
    let strict = db.strict();
    let before = db.query_count();
    let poems = &books[0];
    let authors = poems.first_time_authors().all(&strict).await.unwrap();
    let names: Vec<&str> = authors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        ["Emily", "Charlotte"],
        "filtered and in the inner order"
    );
    for author in &authors {
        assert_eq!(author.first_book.get(&strict).await.unwrap().title, "Poems");
    }
    let charlotte_books = authors[1].books().all(&strict).await.unwrap();
    let mut titles: Vec<&str> = charlotte_books.iter().map(|b| b.title.as_str()).collect();
    titles.sort_unstable();
    assert_eq!(titles, ["Jane Eyre", "Poems"]);
    assert!(books[1]
        .first_time_authors()
        .all(&strict)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(db.query_count(), before, "no statement after the prefetch");

    // A queryset of another model is refused, naming both.
    let wrong = Book::objects()
        .prefetch_related([Prefetch::new("first_time_authors").queryset(Reader::objects())])
        .all(&db)
        .await;
    match wrong {
        Err(err @ Error::Config(_)) => {
            let message = err.to_string();
            assert!(
                message.contains("Reader") && message.contains("Author"),
                "{message}"
            )
        }
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

/// A sliced inner queryset (offset and limit per parent) with a join: through a foreign key
/// and through a junction.
async fn sliced_inner_queryset_with_a_join(t: TestDb) {
    let db = seed(&t).await;
    let second = Author::objects()
        .order_by(["name"])
        .select_related(["first_book"])
        .offset(1)
        .limit(1);
    let before = db.query_count();
    let books = Book::objects()
        .prefetch_related([Prefetch::new("first_time_authors").queryset(second.clone())])
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(db.query_count() - before, 2);
    let names = |book: &Book| -> Vec<(String, String)> {
        book.first_time_authors()
            .loaded()
            .expect("loaded")
            .iter()
            .map(|a| (a.name.clone(), a.first_book.loaded().unwrap().title.clone()))
            .collect()
    };
    // Poems: Anne, Charlotte, Emily by name; the second is Charlotte. Sense: only Jane.
    assert_eq!(
        names(&books[0]),
        [("Charlotte".to_string(), "Poems".to_string())]
    );
    assert!(names(&books[3]).is_empty());

    // Through the junction: each book's second author by name.
    let books = Book::objects()
        .prefetch_related([Prefetch::new("authors").queryset(second)])
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    let second_author = |book: &Book| -> Vec<String> {
        book.authors()
            .loaded()
            .unwrap()
            .iter()
            .map(|a| a.name.clone())
            .collect()
    };
    assert_eq!(second_author(&books[0]), ["Charlotte"]);
    assert!(second_author(&books[1]).is_empty());
    assert_eq!(
        books[0].authors().loaded().unwrap()[0]
            .first_book
            .loaded()
            .unwrap()
            .title,
        "Poems"
    );
}

/// `to_attr` keeps the rows under its own name, leaving the relation unloaded; two prefetches
/// of one relation with different queries live side by side; a path walks through a
/// `to_attr`; a name taken by the model is refused.
async fn to_attr_keeps_rows_apart(t: TestDb) {
    let db = seed(&t).await;
    let before = db.query_count();
    let authors = Author::objects()
        .prefetch_related([
            Prefetch::new("books")
                .queryset(Book::objects().filter(q!(title__contains = "Eyre")))
                .to_attr("eyre_books"),
            Prefetch::new("books").to_attr("all_books"),
            Prefetch::new("all_books__read_by"),
        ])
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        db.query_count() - before,
        4,
        "authors, two book lists, readers"
    );
    let charlotte = &authors[0];
    let title = |b: &Book| b.title.clone();
    assert_eq!(
        sorted(charlotte.related.many::<Book>("eyre_books").unwrap(), title),
        ["Jane Eyre"]
    );
    let all = charlotte.related.many::<Book>("all_books").unwrap();
    assert_eq!(sorted(all, title), ["Jane Eyre", "Poems"]);
    let eyre = all.iter().find(|b| b.title == "Jane Eyre").unwrap();
    assert_eq!(readers(eyre), ["Belinda"]);
    assert!(
        charlotte.books().loaded().is_none(),
        "the relation itself stays unloaded"
    );
    assert!(authors[3]
        .related
        .many::<Book>("eyre_books")
        .unwrap()
        .is_empty());

    // A to-one relation under a to_attr.
    let authors = Author::objects()
        .prefetch_related([Prefetch::new("first_book").to_attr("debut")])
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    assert_eq!(
        authors[3]
            .related
            .one::<Book>("debut")
            .unwrap()
            .unwrap()
            .title,
        "Sense and Sensibility"
    );
    assert!(authors[3].first_book.loaded().is_none());

    for taken in ["name", "first_book", "books"] {
        let result = Author::objects()
            .prefetch_related([Prefetch::new("books").to_attr(taken)])
            .all(&db)
            .await;
        match result {
            Err(err @ Error::Config(_)) => {
                let message = err.to_string();
                assert!(
                    message.contains(taken) && message.contains("Author"),
                    "{message}"
                )
            }
            other => panic!("to_attr({taken:?}) should be refused, got {other:?}"),
        }
    }
}

/// After a prefetch, `all`, `count` and `exists` on the reverse foreign key and both sides of
/// a many-to-many answer with no statement, in strict mode too; `queryset()` reads afresh;
/// a write through the manager makes the next `all` read again.
async fn loaded_rows_answer_all_count_and_exists(t: TestDb) {
    let db = seed(&t).await;
    let books = Book::objects()
        .prefetch_related(["first_time_authors", "authors", "read_by"])
        .order_by(["id"])
        .all(&db)
        .await
        .unwrap();
    let strict = db.strict();
    let before = db.query_count();
    let poems = &books[0];
    assert_eq!(
        poems.first_time_authors().all(&strict).await.unwrap().len(),
        3
    );
    assert_eq!(poems.first_time_authors().count(&strict).await.unwrap(), 3);
    assert!(poems.first_time_authors().exists(&strict).await.unwrap());
    assert_eq!(poems.authors().count(&strict).await.unwrap(), 3);
    assert_eq!(poems.read_by().all(&strict).await.unwrap()[0].name, "Amy");
    let wuthering = &books[2];
    assert!(!wuthering
        .first_time_authors()
        .exists(&strict)
        .await
        .unwrap());
    assert_eq!(
        wuthering.first_time_authors().count(&strict).await.unwrap(),
        0
    );
    assert!(!wuthering.read_by().exists(&strict).await.unwrap());
    assert_eq!(
        db.query_count(),
        before,
        "answered from the prefetched rows"
    );

    // A fresh read on demand.
    assert_eq!(poems.authors().queryset().count(&db).await.unwrap(), 3);
    assert_eq!(db.query_count(), before + 1);

    // After a write through the manager, the loaded rows no longer answer.
    let jane = Author::objects().get(&db, q!(name = "Jane")).await.unwrap();
    poems.authors().add(&db, [&jane]).await.unwrap();
    let after_write = db.query_count();
    assert_eq!(poems.authors().count(&db).await.unwrap(), 4);
    assert_eq!(db.query_count(), after_write + 1);
    assert!(matches!(
        poems.authors().count(&strict).await,
        Err(Error::LazyLoad { .. })
    ));
}

backend_tests!(
    selected_row_is_not_fetched_again,
    inner_queryset_with_joins_and_nested_prefetch,
    sliced_inner_queryset_with_a_join,
    to_attr_keeps_rows_apart,
    loaded_rows_answer_all_count_and_exists,
);
