//! The Markdown, JSON and Mermaid descriptions name what sets a relation apart: the field a
//! `to_field` key references, a symmetrical many-to-many, a through model's `through_fields`,
//! and a one-to-one that is its model's primary key. The models are written as metadata, the
//! way database introspection makes them, so the descriptions are checked on their own.

use aksara::{FieldKind, FieldMeta, ModelMeta, Registry, RelationKind, RelationMeta, Target};
use serde_json::Value;
use std::sync::Arc;

fn key(name: &str) -> FieldMeta {
    let mut id = FieldMeta::new(name, FieldKind::BigInteger);
    id.primary_key = true;
    id
}

fn relation(
    name: &str,
    kind: RelationKind,
    target: &str,
    field_kind: FieldKind,
) -> (FieldMeta, RelationMeta) {
    let mut field = FieldMeta::new(name, field_kind);
    if kind != RelationKind::ManyToMany {
        field.column = format!("{name}_id");
    } else {
        field.column = String::new();
    }
    (
        field,
        RelationMeta::new(kind, Target::Name(target.to_string())),
    )
}

fn with(mut pair: (FieldMeta, RelationMeta), edit: impl FnOnce(&mut RelationMeta)) -> FieldMeta {
    edit(&mut pair.1);
    pair.0.relation = Some(pair.1);
    pair.0
}

fn registry() -> Arc<Registry> {
    let mut country = ModelMeta::new("ExCountry", "ex_countries");
    let mut code = FieldMeta::new("code", FieldKind::String { max_length: 2 });
    code.unique = true;
    country.fields = vec![key("id"), code];

    let mut city = ModelMeta::new("ExCity", "ex_cities");
    city.fields = vec![
        key("id"),
        with(
            relation(
                "country",
                RelationKind::ForeignKey,
                "ExCountry",
                FieldKind::String { max_length: 2 },
            ),
            |r| {
                r.to_field = Some("code".into());
                r.related_name = Some("cities".into());
            },
        ),
    ];

    let mut person = ModelMeta::new("ExPerson", "ex_people");
    person.fields = vec![
        key("id"),
        with(
            relation(
                "friends",
                RelationKind::ManyToMany,
                "ExPerson",
                FieldKind::BigInteger,
            ),
            |r| r.symmetrical = true,
        ),
        with(
            relation(
                "following",
                RelationKind::ManyToMany,
                "ExPerson",
                FieldKind::BigInteger,
            ),
            |r| {
                r.through = Some(Target::Name("ExFollow".into()));
                r.through_fields = Some(("source".into(), "target".into()));
                r.related_name = Some("followers".into());
            },
        ),
    ];

    let mut follow = ModelMeta::new("ExFollow", "ex_follows");
    follow.fields = vec![key("id")];
    for name in ["source", "target"] {
        follow.fields.push(with(
            relation(
                name,
                RelationKind::ForeignKey,
                "ExPerson",
                FieldKind::BigInteger,
            ),
            |r| r.related_name = Some("+".into()),
        ));
    }
    let mut introducer = with(
        relation(
            "introduced_by",
            RelationKind::ForeignKey,
            "ExPerson",
            FieldKind::BigInteger,
        ),
        |r| r.related_name = Some("+".into()),
    );
    introducer.nullable = true;
    follow.fields.push(introducer);

    let mut extra = ModelMeta::new("ExExtra", "ex_extras");
    let mut shared_key = with(
        relation(
            "person",
            RelationKind::OneToOne,
            "ExPerson",
            FieldKind::BigInteger,
        ),
        |r| r.related_name = Some("extra".into()),
    );
    shared_key.primary_key = true;
    extra.fields = vec![shared_key, FieldMeta::new("bio", FieldKind::Text)];

    Registry::builder()
        .meta(&country)
        .meta(&city)
        .meta(&person)
        .meta(&follow)
        .meta(&extra)
        .build()
        .expect("valid models")
}

fn edge<'a>(json: &'a Value, model: &str, name: &str) -> &'a Value {
    json["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == model)
        .unwrap_or_else(|| panic!("model {model}"))["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("relation {model}.{name}"))
}

#[test]
fn json_names_the_referenced_column_and_the_relation_options() {
    let json = registry().to_json();
    let country = edge(&json, "ExCity", "country");
    assert_eq!(country["to_field"], "code");
    assert_eq!(country["references"], "code", "{country}");
    assert_eq!(country["column"], "country_id");
    let cities = edge(&json, "ExCountry", "cities");
    assert_eq!(cities["direction"], "reverse");
    assert_eq!(cities["references"], "code", "{cities}");

    let friends = edge(&json, "ExPerson", "friends");
    assert_eq!(friends["symmetrical"], true);
    assert_eq!(friends["through_fields"], Value::Null);
    let following = edge(&json, "ExPerson", "following");
    assert_eq!(following["symmetrical"], false);
    assert_eq!(following["through"], "ex_follows");
    assert_eq!(
        following["through_fields"],
        serde_json::json!(["source", "target"])
    );

    let person = edge(&json, "ExExtra", "person");
    assert_eq!(person["primary_key"], true);
    assert_eq!(person["kind"], "OneToOne");
    assert_eq!(person["references"], "id");
    assert_eq!(edge(&json, "ExPerson", "extra")["primary_key"], true);
    assert_eq!(edge(&json, "ExCity", "country")["primary_key"], false);
}

#[test]
fn sentences_say_what_sets_each_relation_apart() {
    let json = registry().to_json();
    let text = |model: &str, name: &str| {
        edge(&json, model, name)["description"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let country = text("ExCity", "country");
    assert!(
        country.contains("each ExCountry has any number of ExCities"),
        "plurals keep the name's capitals: {country}"
    );
    assert!(
        country.contains("(`country`, required, by its `code`)"),
        "{country}"
    );
    let friends = text("ExPerson", "friends");
    assert!(friends.contains("the link goes both ways"), "{friends}");
    let following = text("ExPerson", "following");
    assert!(
        following.contains("through the fields `source` and `target`"),
        "{following}"
    );
    let person = text("ExExtra", "person");
    assert!(person.contains("whose key it shares"), "{person}");
    assert!(person.contains("at most one ExExtra"), "{person}");
}

#[test]
fn markdown_notes_the_options_on_each_field() {
    let md = registry().to_markdown();
    assert!(
        md.contains("| `person` | big_integer | yes | primary key; OneToOne to ExPerson, whose key this model shares |"),
        "{md}"
    );
    assert!(
        md.contains("| `country` | string(2) | yes | ForeignKey to ExCountry, by its `code` |"),
        "the key has the referenced field's type: {md}"
    );
    assert!(
        md.contains("- `friends` → many ExPerson (ManyToMany)."),
        "{md}"
    );
}

#[test]
fn mermaid_marks_the_shared_key_and_labels_the_options() {
    let mermaid = registry().to_mermaid();
    assert!(
        mermaid.contains("        big_integer person_id PK, FK\n"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("    ExCountry ||--o{ ExCity : \"country by code\"\n"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("    ExPerson }o--o{ ExPerson : \"friends (symmetrical)\"\n"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("    ExPerson }o--o{ ExPerson : \"following via source, target\"\n"),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("    ExPerson ||--o| ExExtra : \"person\"\n"),
        "{mermaid}"
    );
}
