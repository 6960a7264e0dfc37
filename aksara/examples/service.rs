//! A JSON service on axum whose handlers take and return the models themselves (no DTO):
//! create authors and posts, list posts with their author and tags (paginated), upsert tags,
//! delete a post. Traced with `tracing` (every statement is a span; see `aksara::db`).
//!
//! ```sh
//! cargo run -p aksara --example service --features serde,postgres -- postgres://postgres@127.0.0.1/test
//! cargo run -p aksara --example service --features serde -- sqlite://service.db
//! cargo run -p aksara --example service --features serde -- sqlite::memory: --self-test
//! ```
//!
//! Without `--self-test` it serves on 127.0.0.1:3000 (`PORT` changes it):
//! `curl -XPOST localhost:3000/authors -H 'content-type: application/json' -d '{"name":"Ann"}'`.
//! With `--self-test` it sends a fixed sequence of requests to itself, in process, checks every
//! answer, prints `service self-test passed` and exits (CI runs it on every backend).

use aksara::{q, Db, Error, ForeignKey, ManyToMany, Model, Registry, Related, CASCADE};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tower::ServiceExt;

#[derive(Model, Serialize, Deserialize, Debug, Clone)]
#[aksara(table = "svc_authors")]
pub struct Author {
    #[serde(default)]
    pub id: i64,
    #[aksara(max_length = 100)]
    pub name: String,
    #[serde(skip)]
    pub related: Related,
}

#[derive(Model, Serialize, Deserialize, Debug, Clone)]
#[aksara(table = "svc_tags")]
pub struct Tag {
    #[serde(default)]
    pub id: i64,
    #[aksara(max_length = 30, unique)]
    pub slug: String,
}

#[derive(Model, Serialize, Deserialize, Debug, Clone)]
#[aksara(table = "svc_posts")]
pub struct Post {
    #[serde(default)]
    pub id: i64,
    #[aksara(max_length = 200)]
    pub title: String,
    #[aksara(on_delete = CASCADE, related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[aksara(related_name = "posts")]
    #[serde(default, skip_serializing_if = "aksara::serde_support::not_loaded")]
    pub tags: ManyToMany<Tag>,
}

fn registry() -> Arc<Registry> {
    Registry::builder()
        .model::<Author>()
        .model::<Tag>()
        .model::<Post>()
        .build()
        .expect("valid models")
}

/// An error as the client sees it: a status and `{"error": "..."}`.
struct ApiError(StatusCode, String);

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        let status = match &e {
            Error::DoesNotExist { .. } => StatusCode::NOT_FOUND,
            Error::Validation { .. } | Error::ForeignKeyConstraint { .. } => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            Error::Integrity { .. } | Error::Conflict { .. } => StatusCode::CONFLICT,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        ApiError(status, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

type Answer<T> = Result<T, ApiError>;

async fn create_author(
    State(db): State<Db>,
    Json(author): Json<Author>,
) -> Answer<impl IntoResponse> {
    let created = Author::objects()
        .create(&db, Author::build().name(author.name))
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// A new post: its author by key, its tags by slug (created when new: one upsert).
#[derive(Deserialize)]
struct NewPost {
    title: String,
    author: ForeignKey<Author>,
    #[serde(default)]
    tags: Vec<String>,
}

async fn create_post(State(db): State<Db>, Json(new): Json<NewPost>) -> Answer<impl IntoResponse> {
    let post = db
        .transaction(|tx| async move {
            let post = Post::build()
                .title(new.title)
                .author_id(*new.author.id())
                .create(&tx)
                .await?;
            let tags = Tag::objects()
                .bulk_create(&tx, new.tags.iter().map(|s| Tag::build().slug(s.as_str())))
                .on_conflict(["slug"])
                .do_nothing()
                .await?;
            post.tags().add(&tx, &tags).await?;
            Ok(post.id)
        })
        .await?;
    let post = Post::objects()
        .select_related(["author"])
        .prefetch_related(["tags"])
        .get(&db, q!(id = post))
        .await?;
    Ok((StatusCode::CREATED, Json(post)))
}

#[derive(Deserialize)]
struct Page {
    #[serde(default = "first_page")]
    page: u64,
    #[serde(default = "ten")]
    per_page: u64,
}

fn first_page() -> u64 {
    1
}

fn ten() -> u64 {
    10
}

/// A page of posts, newest first, each with its author and tags (2 queries), and the total.
async fn list_posts(State(db): State<Db>, Query(page): Query<Page>) -> Answer<impl IntoResponse> {
    let per_page = page.per_page.clamp(1, 100);
    let all = Post::objects().order_by(["-id"]);
    let posts = all
        .select_related(["author"])
        .prefetch_related(["tags"])
        .offset(page.page.saturating_sub(1) * per_page)
        .limit(per_page)
        .all(&db)
        .await?;
    let total = all.count(&db).await?;
    Ok(Json(
        serde_json::json!({ "total": total, "page": page.page, "posts": posts }),
    ))
}

async fn delete_post(State(db): State<Db>, Path(id): Path<i64>) -> Answer<StatusCode> {
    let deleted = Post::objects().filter(q!(id = id)).delete(&db).await?;
    if deleted.total == 0 {
        return Err(ApiError(StatusCode::NOT_FOUND, format!("no post {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}

fn app(db: Db) -> Router {
    Router::new()
        .route("/authors", post(create_author))
        .route("/posts", post(create_post).get(list_posts))
        .route("/posts/{id}", delete(delete_post))
        .route("/health", get(|| async { "ok" }))
        .with_state(db)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .or_else(|| std::env::var("DATABASE_URL").ok())
        .unwrap_or_else(|| "sqlite://service.db".into());
    if let Err(e) = run(&url, args.iter().any(|a| a == "--self-test")).await {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

async fn run(url: &str, self_test: bool) -> Result<(), Box<dyn std::error::Error>> {
    let db = aksara::connect(url, registry()).await?;
    aksara::ddl::create_all(&db).await?;
    if self_test {
        return check(app(db.clone()), &db).await;
    }
    let port = std::env::var("PORT").unwrap_or_else(|_| "3000".into());
    let listener = tokio::net::TcpListener::bind(format!("127.0.0.1:{port}")).await?;
    tracing::info!("serving on http://127.0.0.1:{port}");
    axum::serve(listener, app(db)).await?;
    Ok(())
}

/// Sends `body` (JSON, or nothing) to `uri` and returns the status and the JSON answer.
async fn call(
    app: &Router,
    method: &str,
    uri: &str,
    body: Option<serde_json::Value>,
) -> Result<(StatusCode, serde_json::Value), Box<dyn std::error::Error>> {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json")
        .body(match body {
            Some(json) => Body::from(json.to_string()),
            None => Body::empty(),
        })?;
    let response = app.clone().oneshot(request).await?;
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await?;
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes)?
    };
    Ok((status, json))
}

fn expect(ok: bool, what: &str) -> Result<(), Box<dyn std::error::Error>> {
    if ok {
        Ok(())
    } else {
        Err(format!("self-test: {what}").into())
    }
}

/// The fixed sequence of requests of `--self-test`, each answer checked.
async fn check(app: Router, db: &Db) -> Result<(), Box<dyn std::error::Error>> {
    Post::objects().delete(db).await?;
    Tag::objects().delete(db).await?;
    Author::objects().delete(db).await?;
    let (status, ann) = call(
        &app,
        "POST",
        "/authors",
        Some(serde_json::json!({"name": "Ann"})),
    )
    .await?;
    expect(
        status == StatusCode::CREATED && ann["name"] == "Ann",
        "create an author",
    )?;
    let ann_id = ann["id"].as_i64().ok_or("an author id")?;
    let mut ids = Vec::new();
    for (title, tags) in [
        ("One", vec!["rust", "db"]),
        ("Two", vec!["rust"]),
        ("Three", vec![]),
    ] {
        let body = serde_json::json!({"title": title, "author": ann_id, "tags": tags});
        let (status, post) = call(&app, "POST", "/posts", Some(body)).await?;
        expect(status == StatusCode::CREATED, "create a post")?;
        expect(post["author"]["name"] == "Ann", "the author comes loaded")?;
        expect(
            post["tags"].as_array().map(Vec::len) == Some(tags.len()),
            "the tags come loaded",
        )?;
        ids.push(post["id"].as_i64().ok_or("a post id")?);
    }
    expect(
        Tag::objects().count(db).await? == 2,
        "the tag `rust` is upserted once",
    )?;
    let (status, page) = call(&app, "GET", "/posts?page=1&per_page=2", None).await?;
    expect(
        status == StatusCode::OK && page["total"] == 3,
        "list: the total",
    )?;
    let titles: Vec<&str> = page["posts"]
        .as_array()
        .ok_or("posts")?
        .iter()
        .filter_map(|p| p["title"].as_str())
        .collect();
    expect(
        titles == ["Three", "Two"],
        "list: newest first, two per page",
    )?;
    let (_, second) = call(&app, "GET", "/posts?page=2&per_page=2", None).await?;
    expect(
        second["posts"][0]["title"] == "One",
        "list: the second page",
    )?;
    expect(
        second["posts"][0]["tags"].as_array().map(Vec::len) == Some(2),
        "list: the tags",
    )?;
    let (status, _) = call(&app, "DELETE", &format!("/posts/{}", ids[0]), None).await?;
    expect(status == StatusCode::NO_CONTENT, "delete a post")?;
    let (status, error) = call(&app, "DELETE", &format!("/posts/{}", ids[0]), None).await?;
    expect(
        status == StatusCode::NOT_FOUND && error["error"].is_string(),
        "delete it again: 404",
    )?;
    let bad = serde_json::json!({"title": "x", "author": ann_id + 1000});
    let (status, error) = call(&app, "POST", "/posts", Some(bad)).await?;
    expect(
        status == StatusCode::UNPROCESSABLE_ENTITY && error["error"].is_string(),
        "an unknown author is refused with 422",
    )?;
    expect(
        Post::objects().count(db).await? == 2,
        "nothing else changed",
    )?;
    println!("service self-test passed ({} backend)", db.dialect().name());
    Ok(())
}
