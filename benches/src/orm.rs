//! The aksara side: every workload through the ORM, as an application would write it.
//!
//! Each function returns the same count as its hand-written twin in [`crate::hand`].

use crate::models::{Comment, Post, User};
use aksara::{q, Db, Model};
use std::hint::black_box;

/// A post by key.
pub async fn get_by_pk(db: &Db, id: i64) -> usize {
    let post = Post::objects().get_by_pk(db, id).await.expect("get by pk");
    black_box(&post);
    1
}

/// Every post.
pub async fn load_posts(db: &Db) -> usize {
    let rows = Post::objects().all(db).await.expect("load posts");
    black_box(&rows);
    rows.len()
}

/// Comments with `id <= max`, with their post and its author (`select_related`, one query).
pub async fn select_related_comments(db: &Db, max: i64) -> usize {
    let rows = Comment::objects()
        .filter(q!(id__lte = max))
        .select_related(["post__author"])
        .all(db)
        .await
        .expect("select_related comments");
    debug_assert!(rows
        .first()
        .is_none_or(|c| c.post.loaded().is_some_and(|p| p.author.loaded().is_some())));
    black_box(&rows);
    rows.len()
}

/// Users with `id <= max` (all when `None`), their posts and the posts' comments
/// (`prefetch_related("posts__comments")`, three queries).
pub async fn prefetch_users(db: &Db, max: Option<i64>) -> usize {
    let mut users = User::objects();
    if let Some(max) = max {
        users = users.filter(q!(id__lte = max));
    }
    let users = users
        .prefetch_related(["posts__comments"])
        .all(db)
        .await
        .expect("prefetch users");
    let mut loaded = users.len();
    for user in &users {
        let posts = user.posts().loaded().expect("posts prefetched");
        loaded += posts.len();
        for post in posts {
            loaded += post.comments().loaded().expect("comments prefetched").len();
        }
    }
    black_box(&users);
    loaded
}

/// Every post with its tags (`prefetch_related("tags")`, two queries).
pub async fn prefetch_tags(db: &Db) -> usize {
    let posts = Post::objects()
        .prefetch_related(["tags"])
        .all(db)
        .await
        .expect("prefetch tags");
    let loaded = posts.len()
        + posts
            .iter()
            .map(|p| p.tags.loaded().expect("tags prefetched").len())
            .sum::<usize>();
    black_box(&posts);
    loaded
}

/// Posts with a tag called `name` (`filter(q!(tags__name = ..))`, each post once).
pub async fn filter_by_tag(db: &Db, name: &str) -> usize {
    let rows = Post::objects()
        .filter(q!(tags__name = name))
        .all(db)
        .await
        .expect("filter by tag");
    black_box(&rows);
    rows.len()
}

/// Every user with the number of their posts (`annotate` with `Count`, one query); returns
/// the sum of the counts.
pub async fn annotate_count_posts(db: &Db) -> usize {
    let rows = User::objects()
        .annotate("n_posts", aksara::Count::of("posts"))
        .all(db)
        .await
        .expect("annotate");
    let total: i64 = rows
        .iter()
        .map(|u| u.get::<i64>("n_posts").expect("a count"))
        .sum();
    black_box(&rows);
    total as usize
}

/// How many posts `user` wrote (the reverse manager's `count`, one `COUNT`).
pub async fn count_posts_of(db: &Db, user: &User) -> usize {
    user.posts().count(db).await.expect("count") as usize
}

/// Posts with `id <= max`, then `post.author.get(&db)` for each: the N+1 pattern.
pub async fn n_plus_one(db: &Db, max: i64) -> usize {
    let posts = Post::objects()
        .filter(q!(id__lte = max))
        .all(db)
        .await
        .expect("posts");
    for post in &posts {
        black_box(post.author.get(db).await.expect("author"));
    }
    posts.len() * 2
}

/// Posts with `id <= max` with their author (`select_related("author")`, one query).
pub async fn select_related_posts(db: &Db, max: i64) -> usize {
    let rows = Post::objects()
        .filter(q!(id__lte = max))
        .select_related(["author"])
        .all(db)
        .await
        .expect("select_related posts");
    black_box(&rows);
    rows.len() * 2
}

/// `post.tags().add(&db, tags)`.
pub async fn m2m_add(db: &Db, post: &Post, tags: &[i64]) -> usize {
    post.tags()
        .add(db, tags.iter().copied())
        .await
        .expect("add links");
    tags.len()
}

/// `post.tags().set(&db, tags)`.
pub async fn m2m_set(db: &Db, post: &Post, tags: &[i64]) -> usize {
    post.tags()
        .set(db, tags.iter().copied())
        .await
        .expect("set links");
    tags.len()
}

/// Deletes users `lo..=hi`; the database cascades to their posts and comments.
pub async fn delete_users(db: &Db, lo: i64, hi: i64) -> usize {
    User::objects()
        .filter(q!(id__gte = lo, id__lte = hi))
        .delete(db)
        .await
        .expect("delete users")
        .of("User") as usize
}

/// A post for the insert workloads.
fn new_post(i: usize, author: i64) -> aksara::NewRecord<Post> {
    Post::build()
        .title(format!("inserted {i}"))
        .body("Written by the insert benchmark.")
        .published(false)
        .author_id(author)
        .into()
}

/// Creates `n` posts by `author` with one `bulk_create` (their keys read back).
pub async fn bulk_insert_posts(db: &Db, author: i64, n: usize) -> usize {
    let posts = Post::objects()
        .bulk_create(db, (0..n).map(|i| new_post(i, author)))
        .await
        .expect("bulk insert");
    black_box(&posts);
    posts.len()
}

/// Creates `n` posts by `author` with `Post::build()...create(&db)`, in a transaction when
/// more than one.
pub async fn insert_posts(db: &Db, author: i64, n: usize) -> usize {
    let build = new_post;
    if n == 1 {
        let post = Post::objects()
            .create(db, build(0, author))
            .await
            .expect("insert");
        black_box(&post);
        return 1;
    }
    db.transaction(|tx| async move {
        for i in 0..n {
            black_box(Post::objects().create(&tx, build(i, author)).await?);
        }
        Ok(())
    })
    .await
    .expect("insert posts");
    n
}
