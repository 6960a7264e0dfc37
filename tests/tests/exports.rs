//! Relation descriptions for LLMs: generated sentences and the Markdown, JSON and Mermaid
//! exports of the seed's complete example.

use aksara_tests::models::blog::registry;
use serde_json::Value;

fn relation<'a>(json: &'a Value, model: &str, name: &str) -> &'a Value {
    let model = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == model)
        .expect("model");
    model["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .expect("relation")
}

#[test]
fn generated_sentences_say_cardinality_requirement_and_on_delete() {
    let json = registry().to_json();
    let author = relation(&json, "Post", "author");
    assert_eq!(
        author["description"],
        "Each Post has one User (`author`, required); each User has any number of Posts; deleting the User deletes its Posts."
    );
    let category = relation(&json, "Post", "category");
    assert!(category["description"]
        .as_str()
        .unwrap()
        .contains("may have one Category"));
    assert!(category["description"]
        .as_str()
        .unwrap()
        .contains("keeps its Posts and clears their `category`"));
    let profile = relation(&json, "User", "profile");
    assert_eq!(profile["direction"], "reverse");
    assert_eq!(profile["many"], false);
    assert!(profile["description"]
        .as_str()
        .unwrap()
        .contains("at most one UserProfile"));
}

#[test]
fn json_export_has_the_documented_shape() {
    let json = registry().to_json();
    assert_eq!(json["format"], "aksara.schema/1");
    let names: Vec<&str> = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    for expected in [
        "Post",
        "User",
        "Category",
        "Tag",
        "UserProfile",
        "Post_tags",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    let post = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Post")
        .unwrap();
    assert_eq!(post["table"], "posts");
    let title = post["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "title")
        .unwrap();
    assert_eq!(title["kind"], "string(200)");
    assert_eq!(title["max_length"], 200);
    let tags = relation(&json, "Post", "tags");
    assert_eq!(tags["kind"], "ManyToMany");
    assert_eq!(tags["through"], "post_tags");
    assert_eq!(tags["many"], true);
    let children = relation(&json, "Category", "children");
    assert_eq!(children["target"], "Category");
    assert_eq!(children["on_delete"], "CASCADE");
    let junction = json["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == "Post_tags")
        .unwrap();
    assert_eq!(junction["auto_created"], true);
    assert_eq!(
        junction["unique_together"][0],
        serde_json::json!(["post", "tag"])
    );
    // Stable: two exports are identical.
    assert_eq!(registry().to_json(), json);
}

#[test]
fn markdown_export_reads_well() {
    let md = registry().to_markdown();
    assert!(md.starts_with("# Data model\n"));
    assert!(md.contains("## Post (table `posts`)"));
    assert!(md.contains("| `title` | string(200) | yes |"));
    assert!(
        md.contains("| `category` | uuid | no | ForeignKey to Category |"),
        "{md}"
    );
    assert!(md.contains("- `posts` → many Post (reverse of Post.author)."));
    assert!(
        md.contains("A topic posts are filed under; categories nest."),
        "model descriptions are kept"
    );
    assert!(
        !md.contains("## Post_tags"),
        "junction tables are described through their relation"
    );
}

#[test]
fn mermaid_export_draws_every_relation() {
    let mermaid = registry().to_mermaid();
    assert!(mermaid.starts_with("erDiagram\n"));
    assert!(mermaid.contains("    User ||--o{ Post : \"author\"\n"));
    assert!(mermaid.contains("    Category |o--o{ Post : \"category\"\n"));
    assert!(mermaid.contains("    Post }o--o{ Tag : \"tags\"\n"));
    assert!(mermaid.contains("    User ||--o| UserProfile : \"user\"\n"));
    assert!(mermaid.contains("    Category |o--o{ Category : \"parent\"\n"));
    assert!(mermaid.contains("        uuid id PK\n"));
}

#[test]
#[ignore = "prints the exports for a person to read"]
fn print_exports() {
    println!("{}\n{}", registry().to_markdown(), registry().to_mermaid());
}
