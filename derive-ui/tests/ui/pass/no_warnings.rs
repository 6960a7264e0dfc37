//! Models using every kind of relation and imported `on_delete` constants compile without a
//! single warning (no unused import, no dead code from the expansion).
#![deny(warnings)]

use aksara::{
    ForeignKey, ManyToMany, Model, OneToOne, Related, CASCADE, DO_NOTHING, PROTECT, RESTRICT, SET,
    SET_DEFAULT, SET_NULL,
};

#[derive(Model, Debug, Clone)]
pub struct Author {
    pub id: i64,
    #[aksara(max_length = 100)]
    pub name: String,
    #[aksara(email, unique)]
    pub email: String,
    pub related: Related,
}

#[derive(Model, Debug, Clone)]
#[aksara(table = "categories", description = "A topic posts are filed under.")]
pub struct Category {
    pub id: i64,
    #[aksara(unique, max_length = 20)]
    pub code: String,
}

#[derive(Model, Debug, Clone)]
pub struct Tag {
    pub id: i64,
    #[aksara(unique, max_length = 50)]
    pub name: String,
}

#[derive(Model, Debug, Clone)]
#[aksara(unique_together = "post, tag")]
pub struct Tagging {
    pub id: i64,
    pub post: ForeignKey<Post>,
    pub tag: ForeignKey<Tag>,
    pub weight: i32,
}

#[derive(Model, Debug, Clone)]
pub struct Post {
    pub id: i64,
    #[aksara(text)]
    pub body: String,
    #[aksara(on_delete = CASCADE, related_name = "posts")]
    pub author: ForeignKey<Author>,
    #[aksara(on_delete = SET_NULL, related_name = "edited")]
    pub editor: Option<ForeignKey<Author>>,
    #[aksara(on_delete = PROTECT, to_field = "code", related_name = "posts")]
    pub category: ForeignKey<Category, String>,
    #[aksara(on_delete = RESTRICT, related_name = "reviewed")]
    pub reviewer: Option<ForeignKey<Author>>,
    #[aksara(on_delete = SET_DEFAULT, default = 1, related_name = "approved")]
    pub approver: ForeignKey<Author>,
    #[aksara(on_delete = SET(2), related_name = "moderated")]
    pub moderator: ForeignKey<Author>,
    #[aksara(on_delete = DO_NOTHING, related_name = "+")]
    pub importer: Option<ForeignKey<Author>>,
    #[aksara(through = Tagging, related_name = "posts")]
    pub tags: ManyToMany<Tag>,
}

#[derive(Model, Debug, Clone)]
pub struct Profile {
    #[aksara(primary_key, on_delete = CASCADE, related_name = "profile")]
    pub author: OneToOne<Author>,
    #[aksara(max_length = 200)]
    pub bio: String,
}

#[derive(Model, Debug, Clone)]
pub struct Person {
    pub id: i64,
    #[aksara(symmetrical)]
    pub friends: ManyToMany<Person>,
    #[aksara(on_delete = SET_NULL, related_name = "pupils")]
    pub mentor: Option<OneToOne<Person>>,
}

#[derive(aksara::Row, Debug)]
pub struct TagCount {
    pub name: String,
    #[aksara(name = "n")]
    pub count: i64,
}

fn main() {
    let names = [
        Author::meta().name.as_str(),
        Category::meta().name.as_str(),
        Tag::meta().name.as_str(),
        Tagging::meta().name.as_str(),
        Post::meta().name.as_str(),
        Profile::meta().name.as_str(),
        Person::meta().name.as_str(),
    ];
    assert_eq!(names.len(), 7);
    assert_eq!(<TagCount as aksara::FromRow>::FIELDS, ["name", "n"]);
}
